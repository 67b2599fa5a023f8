package io.vigil.operators.source;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.Question;

/**
 * What the question source emits for one Kafka record: a {@link Question}, or a {@link DeadLetter}
 * for bytes that are not one. A Flink POJO (see {@link ChunkEnvelope}).
 */
public class QuestionEnvelope {
    public String topic;
    public int partition;
    public long offset;

    /** The question; null when {@link #deadLetter} is set. */
    public Question question;

    public DeadLetter deadLetter;

    public QuestionEnvelope() {}

    public static QuestionEnvelope of(String topic, int partition, long offset, Question q) {
        QuestionEnvelope e = new QuestionEnvelope();
        e.topic = topic;
        e.partition = partition;
        e.offset = offset;
        e.question = q;
        return e;
    }

    /** A question not read from Kafka: topic "", partition -1, offset -1. */
    public static QuestionEnvelope of(Question q) {
        return of("", -1, -1L, q);
    }

    public static QuestionEnvelope dead(DeadLetter deadLetter) {
        QuestionEnvelope e = new QuestionEnvelope();
        e.topic = deadLetter.getSourceTopic();
        e.partition = deadLetter.getPartition();
        e.offset = deadLetter.getOffset();
        e.deadLetter = deadLetter;
        return e;
    }

    public boolean isDead() {
        return deadLetter != null;
    }

    @Override
    public String toString() {
        return "QuestionEnvelope["
                + topic
                + "/"
                + partition
                + "@"
                + offset
                + (isDead() ? " dead " + deadLetter.getReason() : " " + question.getQuestionId())
                + "]";
    }
}
