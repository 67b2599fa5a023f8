package io.vigil.jobs.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node, in-process Kafka broker in KRaft mode (combined broker + controller), for tests
 * and {@code vigil demo}.
 *
 * <p>Random free ports, a temp log dir deleted on {@link #close()}, settings that let a single
 * broker run transactions (the exactly-once sinks) and consumer groups without delay: replication
 * factor 1 for the offsets and transaction-state topics, {@code
 * group.initial.rebalance.delay.ms=0}.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics(1, "vigil.video.chunks", "vigil.questions");
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>Started with a {@link SaslSsl}, the broker also has a SASL_SSL listener (SCRAM and PLAIN
 * users, a certificate made at start) and {@link #bootstrapServers()} names that one; {@link
 * #clientProperties(String, String)} gives what a client needs to log in. The PLAINTEXT listener
 * stays on its own port for inter-broker traffic and this class's {@link #admin()}.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** The largest transaction timeout the broker accepts (clients must stay at or below). */
    public static final long MAX_TRANSACTION_TIMEOUT_MS = Duration.ofMinutes(15).toMillis();

    private final Path logDir;
    private final int brokerPort;
    private final KafkaRaftServer server;
    private final SaslSsl saslSsl; // null: PLAINTEXT only
    private final int saslSslPort;
    private final TlsMaterial tls;
    private boolean closed;

    private EmbeddedKafka(
            Path logDir,
            int brokerPort,
            KafkaRaftServer server,
            SaslSsl saslSsl,
            int saslSslPort,
            TlsMaterial tls) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.server = server;
        this.saslSsl = saslSsl;
        this.saslSslPort = saslSslPort;
        this.tls = tls;
    }

    /** Starts a broker with default settings. */
    public static EmbeddedKafka start() {
        return start(new Properties());
    }

    /**
     * Starts a broker; {@code overrides} replace the defaults (any broker config key).
     *
     * @throws IllegalStateException when the broker cannot be formatted or started
     */
    public static EmbeddedKafka start(Properties overrides) {
        return start(overrides, null);
    }

    /**
     * Starts a broker with a SASL_SSL listener for clients besides the PLAINTEXT one (when {@code
     * saslSsl} is not null); {@code overrides} replace the defaults (any broker config key).
     *
     * @throws IllegalStateException when the broker cannot be formatted or started
     */
    public static EmbeddedKafka start(Properties overrides, SaslSsl saslSsl) {
        Path logDir;
        try {
            logDir = Files.createTempDirectory("vigil-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the embedded broker", e);
        }
        try {
            int brokerPort = LocalPorts.free();
            int controllerPort = LocalPorts.free();
            Properties props = brokerProperties(logDir, brokerPort, controllerPort);
            int saslSslPort = 0;
            TlsMaterial tls = null;
            if (saslSsl != null) {
                saslSslPort = LocalPorts.free();
                tls = TlsMaterial.create(logDir.resolve("tls"));
                props.putAll(
                        saslSsl.brokerProperties(brokerPort, saslSslPort, controllerPort, tls));
            }
            props.putAll(overrides);
            format(props, logDir, saslSsl == null ? List.of() : saslSsl.scramArguments());
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            long t0 = System.nanoTime();
            server.startup();
            EmbeddedKafka kafka =
                    new EmbeddedKafka(logDir, brokerPort, server, saslSsl, saslSslPort, tls);
            kafka.awaitReady();
            LOG.info(
                    "Embedded Kafka up at {} in {} ms (log dir {})",
                    kafka.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    logDir);
            return kafka;
        } catch (RuntimeException e) {
            deleteQuietly(logDir);
            throw e;
        } catch (Exception e) {
            deleteQuietly(logDir);
            throw new IllegalStateException("embedded Kafka failed to start: " + e, e);
        }
    }

    static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://localhost:"
                        + brokerPort
                        + ",CONTROLLER://localhost:"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.resolve("data").toString());
        p.put("metadata.log.dir", logDir.resolve("meta").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.max.timeout.ms", Long.toString(MAX_TRANSACTION_TIMEOUT_MS));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        p.put("log.message.timestamp.type", "CreateTime");
        return p;
    }

    private static void format(Properties props, Path logDir, List<String> scram) throws Exception {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setNodeId(1)
                    .setClusterId(randomClusterId())
                    .setDirectories(
                            List.of(
                                    props.getProperty("log.dirs"),
                                    props.getProperty("metadata.log.dir")))
                    .setMetadataLogDirectory(props.getProperty("metadata.log.dir"))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setScramArguments(scram)
                    .run();
        }
    }

    private static String randomClusterId() {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private void awaitReady() throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get();
        }
        if (saslSsl != null) { // the secure listener answers a SCRAM login over TLS
            String user = saslSsl.users().keySet().iterator().next();
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            p.putAll(clientProperties(SaslSsl.SCRAM_SHA_512, user));
            try (Admin admin = Admin.create(p)) {
                admin.describeCluster().nodes().get();
            }
        }
    }

    /**
     * {@code host:port} for clients: the SASL_SSL listener when the broker has one (log in with
     * {@link #clientProperties}), else the PLAINTEXT one.
     */
    public String bootstrapServers() {
        return saslSsl != null ? "localhost:" + saslSslPort : plaintextBootstrapServers();
    }

    /** {@code host:port} of the PLAINTEXT listener (no login). */
    public String plaintextBootstrapServers() {
        return "localhost:" + brokerPort;
    }

    /**
     * What a client needs besides {@link #bootstrapServers()} to log in as {@code user} (with the
     * password it was started with) over SASL_SSL: {@code security.protocol}, {@code
     * sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*}.
     *
     * @param mechanism {@link SaslSsl#SCRAM_SHA_512}, {@link SaslSsl#SCRAM_SHA_256} or {@link
     *     SaslSsl#PLAIN}
     * @throws IllegalStateException when the broker has no SASL_SSL listener
     */
    public Map<String, String> clientProperties(String mechanism, String user) {
        String password = saslSsl().users().get(user);
        if (password == null) {
            throw new IllegalArgumentException("no such user: " + user);
        }
        return clientProperties(mechanism, user, password);
    }

    /** As {@link #clientProperties(String, String)}, with any password (a wrong one, say). */
    public Map<String, String> clientProperties(String mechanism, String user, String password) {
        saslSsl();
        return SaslSsl.clientProperties(mechanism, user, password, tls);
    }

    private SaslSsl saslSsl() {
        if (saslSsl == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener");
        }
        return saslSsl;
    }

    /** A new admin client for this broker (PLAINTEXT listener); the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plaintextBootstrapServers());
        return Admin.create(p);
    }

    /** Creates topics (replication factor 1); existing topics are left as they are. */
    public void createTopics(int partitions, String... topics) {
        createTopics(partitions, List.of(topics));
    }

    /** Creates topics (replication factor 1); existing topics are left as they are. */
    public void createTopics(int partitions, Collection<String> topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String t : topics) {
            newTopics.add(new NewTopic(t, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            admin.createTopics(newTopics)
                    .values()
                    .forEach(
                            (name, f) -> {
                                try {
                                    f.get(30, TimeUnit.SECONDS);
                                } catch (ExecutionException e) {
                                    if (!(e.getCause() instanceof TopicExistsException)) {
                                        throw new IllegalStateException(
                                                "cannot create topic " + name, e.getCause());
                                    }
                                } catch (Exception e) {
                                    throw new IllegalStateException(
                                            "cannot create topic " + name, e);
                                }
                            });
        }
    }

    /** Names of the topics that exist now (internal ones excluded). */
    public Set<String> topics() {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics", e);
        }
    }

    /** The temp dir holding the broker's logs; deleted on close. */
    public Path logDir() {
        return logDir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Embedded Kafka did not shut down cleanly", e);
        } finally {
            deleteQuietly(logDir);
        }
        LOG.info("Embedded Kafka at localhost:{} stopped", brokerPort);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    LOG.debug("cannot delete {}", p, e);
                                }
                            });
        } catch (IOException e) {
            LOG.warn("cannot delete embedded Kafka dir {}", dir, e);
        }
    }
}
