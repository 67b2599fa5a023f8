package io.vigil.cli.topics;

import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaTarget;
import io.vigil.schemas.Answer;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Question;
import io.vigil.schemas.Topics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Plays the understand job's part for {@code vigil ask}'s tests: answers every question on one
 * stream with an echo of its text, until stopped.
 */
final class EchoAnswerer {
    private EchoAnswerer() {}

    static void run(KafkaTarget kafka, String streamId, long framesSeen, AtomicBoolean stop) {
        AvroCodec<Question> questions = AvroCodec.of(Question.class);
        AvroCodec<Answer> answers = AvroCodec.of(Answer.class);
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(kafka);
                KafkaProducer<String, byte[]> p = KafkaClients.producer(kafka)) {
            KafkaClients.assignAll(c, kafka.bootstrap(), Topics.QUESTIONS, true);
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    Question q = questions.decode(r.value());
                    if (!q.getStreamId().equals(streamId)) {
                        continue;
                    }
                    Answer a =
                            Answer.newBuilder()
                                    .setQuestionId(q.getQuestionId())
                                    .setStreamId(q.getStreamId())
                                    .setText("echo: " + q.getText())
                                    .setFramesSeen(framesSeen)
                                    .setModelId("fake@0")
                                    .setProducedAtMs(System.currentTimeMillis())
                                    .build();
                    p.send(new ProducerRecord<>(Topics.ANSWERS, q.getStreamId(), answers.encode(a)))
                            .get();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
