package io.vigil.cli.cluster;

import io.vigil.jobs.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * A Kafka broker (KRaft, the project's {@link EmbeddedKafka}) in a process of its own, so that
 * killing Flink's processes leaves it standing, as a real broker would.
 */
final class BrokerProcess implements AutoCloseable {
    private final ChildJvm jvm;
    private final String bootstrap;

    private BrokerProcess(ChildJvm jvm, String bootstrap) {
        this.jvm = jvm;
        this.bootstrap = bootstrap;
    }

    /** Starts the broker; returns once it listens (its address written to a file). */
    static BrokerProcess start(Path work, Duration timeout)
            throws IOException, InterruptedException {
        Path address = work.resolve("broker.address");
        Files.deleteIfExists(address);
        ChildJvm jvm =
                ChildJvm.start(
                        "broker",
                        BrokerProcess.class.getName(),
                        List.of("-Xmx768m"),
                        List.of(address.toString()),
                        work.resolve("logs"),
                        ChildJvm.log4jConfig(work));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(address)) {
            if (!jvm.alive() || System.nanoTime() > deadline) {
                jvm.close();
                throw new IllegalStateException(
                        "the broker did not start within " + timeout + "; see " + jvm.log());
            }
            Thread.sleep(200);
        }
        return new BrokerProcess(jvm, Files.readString(address, StandardCharsets.UTF_8).strip());
    }

    String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        jvm.close();
    }

    /** The broker process: starts, writes its address to {@code args[0]}, runs until killed. */
    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-stop"));
        Path file = Path.of(args[0]);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, kafka.bootstrapServers(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
