package io.vigil.operators.source;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.VideoChunk;

/**
 * What the chunk source emits for one Kafka record: either a {@link VideoChunk} with where it came
 * from, or (for bytes that are not a valid chunk) a {@link DeadLetter}. A Flink POJO (public
 * fields, no-arg constructor) whose Avro fields Flink serialises with flink-avro: no Kryo.
 */
public class ChunkEnvelope {
    public String topic;
    public int partition;
    public long offset;

    /** The chunk; null when {@link #deadLetter} is set. */
    public VideoChunk chunk;

    /** Set when the record could not be used. */
    public DeadLetter deadLetter;

    public ChunkEnvelope() {}

    /** A chunk read from {@code topic/partition@offset}. */
    public static ChunkEnvelope of(String topic, int partition, long offset, VideoChunk chunk) {
        ChunkEnvelope e = new ChunkEnvelope();
        e.topic = topic;
        e.partition = partition;
        e.offset = offset;
        e.chunk = chunk;
        return e;
    }

    /** A chunk not read from Kafka (tests, other sources): topic "", partition -1, offset -1. */
    public static ChunkEnvelope of(VideoChunk chunk) {
        return of("", -1, -1L, chunk);
    }

    public static ChunkEnvelope dead(DeadLetter deadLetter) {
        ChunkEnvelope e = new ChunkEnvelope();
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
        return "ChunkEnvelope["
                + topic
                + "/"
                + partition
                + "@"
                + offset
                + (isDead()
                        ? " dead " + deadLetter.getReason()
                        : " " + chunk.getStreamId() + "#" + chunk.getSeq())
                + "]";
    }
}
