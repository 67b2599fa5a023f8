package io.vigil.jobs.understand;

import io.vigil.operators.source.ChunkEnvelope;
import io.vigil.operators.source.QuestionDeserializer;
import io.vigil.operators.source.QuestionEnvelope;
import io.vigil.operators.source.VideoChunkDeserializer;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.AvroSerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The job's real Kafka sources and sinks. Sources read Avro binary values (never throwing: bad
 * bytes become dead letters) with {@code read_committed}; the three sinks are transactional, {@link
 * DeliveryGuarantee#EXACTLY_ONCE}: records become visible to {@code read_committed} readers when
 * the checkpoint that covers them completes. Keys are the streamId (UTF-8).
 */
public final class KafkaIo {
    private KafkaIo() {}

    public static KafkaSource<ChunkEnvelope> chunkSource(Configuration o) {
        return KafkaSource.<ChunkEnvelope>builder()
                .setProperties(extra(o))
                .setBootstrapServers(o.get(UnderstandJobOptions.BOOTSTRAP_SERVERS))
                .setTopics(o.get(UnderstandJobOptions.CHUNKS_TOPIC))
                .setGroupId(o.get(UnderstandJobOptions.GROUP_ID))
                .setStartingOffsets(startingOffsets(o))
                .setDeserializer(
                        new VideoChunkDeserializer(
                                o.get(UnderstandJobOptions.MAX_CHUNK_SIZE).getBytes()))
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                // chunks are up to 1 MB: fetch several per partition
                .setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "8388608")
                .build();
    }

    public static KafkaSource<QuestionEnvelope> questionSource(Configuration o) {
        return KafkaSource.<QuestionEnvelope>builder()
                .setProperties(extra(o))
                .setBootstrapServers(o.get(UnderstandJobOptions.BOOTSTRAP_SERVERS))
                .setTopics(o.get(UnderstandJobOptions.QUESTIONS_TOPIC))
                .setGroupId(o.get(UnderstandJobOptions.GROUP_ID))
                .setStartingOffsets(startingOffsets(o))
                .setDeserializer(new QuestionDeserializer())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .build();
    }

    public static KafkaSink<Caption> captionSink(Configuration o) {
        return sink(
                o,
                o.get(UnderstandJobOptions.CAPTIONS_TOPIC),
                "captions",
                Caption.class,
                new CaptionKey());
    }

    public static KafkaSink<Answer> answerSink(Configuration o) {
        return sink(
                o,
                o.get(UnderstandJobOptions.ANSWERS_TOPIC),
                "answers",
                Answer.class,
                new AnswerKey());
    }

    public static KafkaSink<DeadLetter> deadLetterSink(Configuration o) {
        return sink(
                o,
                o.get(UnderstandJobOptions.DEADLETTER_TOPIC),
                "deadletter",
                DeadLetter.class,
                new DeadLetterKey());
    }

    private static <T extends SpecificRecord> KafkaSink<T> sink(
            Configuration o,
            String topic,
            String suffix,
            Class<T> type,
            SerializationSchema<T> key) {
        KafkaRecordSerializationSchema<T> serializer =
                KafkaRecordSerializationSchema.<T>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(key)
                        .setValueSerializationSchema(AvroSerializationSchema.forSpecific(type))
                        .build();
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(extra(o))
                .setBootstrapServers(o.get(UnderstandJobOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(
                        o.get(UnderstandJobOptions.TRANSACTIONAL_ID_PREFIX) + "-" + suffix)
                .setProperty(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        Long.toString(o.get(UnderstandJobOptions.TRANSACTION_TIMEOUT).toMillis()))
                .build();
    }

    /** {@link UnderstandJobOptions#KAFKA_PROPERTIES} as client properties. */
    static Properties extra(Configuration o) {
        Properties p = new Properties();
        p.putAll(o.get(UnderstandJobOptions.KAFKA_PROPERTIES));
        return p;
    }

    static OffsetsInitializer startingOffsets(Configuration o) {
        String s = o.get(UnderstandJobOptions.STARTING_OFFSETS).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default ->
                    throw new IllegalArgumentException(
                            UnderstandJobOptions.STARTING_OFFSETS.key()
                                    + " must be earliest, latest or committed, got "
                                    + s);
        };
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static final class CaptionKey implements SerializationSchema<Caption> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Caption c) {
            return utf8(c.getStreamId());
        }
    }

    static final class AnswerKey implements SerializationSchema<Answer> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Answer a) {
            return utf8(a.getStreamId());
        }
    }

    static final class DeadLetterKey implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(DeadLetter d) {
            return utf8(d.getStreamId());
        }
    }
}
