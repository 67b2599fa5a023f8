package io.vigil.cli.common;

import io.vigil.jobs.understand.SecretMask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka clients as the command line uses them: raw Avro bytes, String keys, the user's client
 * properties ({@link KafkaTarget}) on top of vigil's settings, except the few vigil's behaviour
 * rests on ({@link #PRODUCER_FIXED}, {@link #CONSUMER_FIXED}), which are kept (with a warning).
 */
public final class KafkaClients {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);

    /** How long to wait for a broker before telling the user it cannot be reached. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    /** Producer settings a user property does not replace: acknowledged, idempotent sends. */
    public static final Set<String> PRODUCER_FIXED =
            Set.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);

    /** Consumer settings a user property does not replace: committed records, nothing committed. */
    public static final Set<String> CONSUMER_FIXED =
            Set.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);

    private KafkaClients() {}

    /** An idempotent producer ({@code acks=all}) for records keyed by stream id. */
    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return producer(KafkaTarget.of(bootstrap));
    }

    /**
     * An idempotent producer ({@code acks=all}) for records keyed by stream id, with {@code
     * kafka}'s client properties.
     *
     * @throws CliException when the properties do not make a client (a bad value, a missing trust
     *     store)
     */
    public static KafkaProducer<String, byte[]> producer(KafkaTarget kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(CONNECT_TIMEOUT.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-cli-" + UUID.randomUUID());
        Properties all = merge(p, kafka, PRODUCER_FIXED, "producer");
        return create(
                kafka,
                "producer",
                () -> new KafkaProducer<>(all, new StringSerializer(), new ByteArraySerializer()));
    }

    /**
     * A {@code read_committed} consumer without a group (partitions are assigned, offsets never
     * committed), so the command line never disturbs anyone's consumer group.
     */
    public static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return consumer(KafkaTarget.of(bootstrap));
    }

    /**
     * A {@code read_committed} consumer without a group, with {@code kafka}'s client properties.
     *
     * @throws CliException when the properties do not make a client
     */
    public static KafkaConsumer<String, byte[]> consumer(KafkaTarget kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-cli-" + UUID.randomUUID());
        p.put(
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(CONNECT_TIMEOUT.toMillis()));
        Properties all = merge(p, kafka, CONSUMER_FIXED, "consumer");
        return create(
                kafka,
                "consumer",
                () ->
                        new KafkaConsumer<>(
                                all, new StringDeserializer(), new ByteArrayDeserializer()));
    }

    /** vigil's settings, then the user's (but not over {@code fixed}), then the bootstrap. */
    static Properties merge(
            Properties vigil, KafkaTarget kafka, Set<String> fixed, String clientKind) {
        Properties p = new Properties();
        p.putAll(vigil);
        for (Map.Entry<String, String> e : kafka.properties().entrySet()) {
            if (fixed.contains(e.getKey())) {
                if (!e.getValue().equals(vigil.get(e.getKey()))) {
                    LOG.warn(
                            "Kafka property {} ignored by the {}: vigil needs {}={}",
                            e.getKey(),
                            clientKind,
                            e.getKey(),
                            vigil.get(e.getKey()));
                }
            } else {
                p.put(e.getKey(), e.getValue());
            }
        }
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        if (!kafka.properties().isEmpty()) {
            LOG.info("Kafka {} for {}: {}", clientKind, kafka.bootstrap(), SecretMask.mask(p));
        }
        return p;
    }

    private static <T> T create(KafkaTarget kafka, String clientKind, Supplier<T> client) {
        try {
            return client.get();
        } catch (KafkaException e) {
            throw new CliException(
                    "cannot make a Kafka "
                            + clientKind
                            + " for "
                            + kafka.bootstrap()
                            + ": "
                            + why(e),
                    e);
        }
    }

    /**
     * A Kafka failure as one line: the distinct messages along its causes, secret values scrubbed.
     */
    public static String why(Throwable e) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && parts.stream().noneMatch(x -> x.contains(m))) {
                parts.add(m.strip());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String joined = parts.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", parts);
        return SecretValues.scrub(joined.replaceAll("\\s*[\\r\\n]+\\s*", "; "));
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

    /**
     * Assigns every partition of each of {@code topics} and seeks to its beginning or end.
     *
     * @throws CliException when the broker cannot be reached, refuses the login or the topic does
     *     not exist
     */
    public static void assignAll(
            KafkaConsumer<String, byte[]> consumer,
            String bootstrap,
            List<String> topics,
            boolean fromBeginning) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos;
                try {
                    infos = consumer.partitionsFor(topic, CONNECT_TIMEOUT);
                } catch (TimeoutException e) {
                    throw new CliException(
                            "cannot reach Kafka at "
                                    + bootstrap
                                    + " (no answer within "
                                    + CONNECT_TIMEOUT.toSeconds()
                                    + " s; a secured cluster needs its settings in"
                                    + " --kafka-config)",
                            e);
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
        } catch (AuthenticationException | AuthorizationException e) {
            throw refused(bootstrap, e);
        }
    }

    /**
     * Connects and logs in as {@code kafka} says (a topic listing), before anything is started.
     *
     * @throws CliException when Kafka cannot be reached or refuses the login
     */
    public static void checkLogin(KafkaTarget kafka) {
        try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
            c.listTopics(CONNECT_TIMEOUT);
        } catch (TimeoutException e) {
            throw new CliException(
                    "cannot reach Kafka at "
                            + kafka.bootstrap()
                            + " (no answer within "
                            + CONNECT_TIMEOUT.toSeconds()
                            + " s; a secured cluster needs its settings in --kafka-config)",
                    e);
        } catch (AuthenticationException | AuthorizationException e) {
            throw refused(kafka.bootstrap(), e);
        }
    }

    /** A login refused (wrong password, untrusted certificate) or an operation not allowed. */
    public static CliException refused(String bootstrap, KafkaException e) {
        String what =
                e instanceof AuthorizationException
                        ? "Kafka at " + bootstrap + " does not allow this: "
                        : "Kafka at " + bootstrap + " refused the login: ";
        return new CliException(what + why(e), e);
    }
}
