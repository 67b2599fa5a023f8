package io.vigil.jobs.understand;

import io.vigil.schemas.AvroCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Helpers of the ITCases: Avro bytes, read_committed reading, the model folder. */
final class TestTopics {
    private TestTopics() {}

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> byte[] avro(T record) {
        return AvroCodec.of((Class<T>) record.getClass()).encode(record);
    }

    /** A read_committed consumer of one topic from the start, with its own group. */
    static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String topic) {
        return committedReader(bootstrap, topic, Map.of());
    }

    /** As {@link #committedReader(String, String)}, with extra client properties. */
    static KafkaConsumer<byte[], byte[]> committedReader(
            String bootstrap, String topic, Map<String, String> client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        var c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /**
     * Polls {@code reader} into {@code into} until {@code done} holds for it or the deadline
     * passes, decoding values as {@code type}.
     */
    static <T extends SpecificRecord> List<T> pollUntil(
            KafkaConsumer<byte[], byte[]> reader,
            Class<T> type,
            List<T> into,
            Predicate<List<T>> done,
            Duration timeout) {
        AvroCodec<T> codec = AvroCodec.of(type);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(into) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> rec : reader.poll(Duration.ofMillis(200))) {
                try {
                    into.add(codec.decode(rec.value()));
                } catch (AvroCodec.Malformed e) {
                    throw new AssertionError("not a " + type.getSimpleName() + " on the topic", e);
                }
            }
        }
        return into;
    }

    static <T extends SpecificRecord> List<T> drain(
            KafkaConsumer<byte[], byte[]> reader, Class<T> type, List<T> into, Duration d) {
        return pollUntil(reader, type, into, x -> false, d);
    }

    /** The model folder: -Dvigil.test.model.dir, else models/vigil-tiny upward from here. */
    static String modelDir() {
        String p = System.getProperty("vigil.test.model.dir");
        if (p != null && !p.isBlank()) {
            return p;
        }
        return findUp(Path.of("models", "vigil-tiny", "manifest.json")).getParent().toString();
    }

    /** A repository file found upward from the working directory. */
    static Path findUp(Path relative) {
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            if (Files.exists(d.resolve(relative))) {
                return d.resolve(relative);
            }
            d = d.getParent();
        }
        throw new AssertionError("not found upward from the working directory: " + relative);
    }

    static <T> List<T> copy(List<T> l) {
        return new ArrayList<>(l);
    }
}
