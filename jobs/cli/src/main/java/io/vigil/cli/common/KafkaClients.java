package io.vigil.cli.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka clients as the command line uses them: raw Avro bytes, String keys. */
public final class KafkaClients {
    /** How long to wait for a broker before telling the user it cannot be reached. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private KafkaClients() {}

    /** An idempotent producer ({@code acks=all}) for records keyed by stream id. */
    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-cli-" + UUID.randomUUID());
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * A {@code read_committed} consumer without a group (partitions are assigned, offsets never
     * committed), so the command line never disturbs anyone's consumer group.
     */
    public static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-cli-" + UUID.randomUUID());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Assigns every partition of {@code topic} and seeks to its beginning or end.
     *
     * @throws CliException when the broker cannot be reached or the topic does not exist
     */
    public static void assignAll(
            KafkaConsumer<String, byte[]> consumer,
            String bootstrap,
            String topic,
            boolean fromBeginning) {
        assignAll(consumer, bootstrap, List.of(topic), fromBeginning);
    }

    /** Assigns every partition of each of {@code topics} and seeks to its beginning or end. */
    public static void assignAll(
            KafkaConsumer<String, byte[]> consumer,
            String bootstrap,
            List<String> topics,
            boolean fromBeginning) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, CONNECT_TIMEOUT);
            } catch (TimeoutException e) {
                throw new CliException(
                        "cannot reach Kafka at " + bootstrap + " (no answer within 15 s)", e);
            }
            if (infos == null || infos.isEmpty()) {
                throw new CliException(
                        "topic "
                                + topic
                                + " does not exist on "
                                + bootstrap
                                + " (is the job running?)");
            }
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        for (TopicPartition tp : partitions) {
            consumer.position(tp, CONNECT_TIMEOUT); // resolve now, before anything is produced
        }
    }
}
