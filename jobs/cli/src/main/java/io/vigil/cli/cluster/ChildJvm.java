package io.vigil.cli.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process of its own (a JobManager, a TaskManager, a broker) running a main class from this JVM's
 * class path, its output in a log file. {@link #kill()} is {@code kill -9}: no shutdown hook, no
 * goodbye to the cluster, as when a machine dies.
 */
final class ChildJvm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    /** Every child still running; killed when this JVM exits (Ctrl-C, a test's timeout). */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> RUNNING.forEach(Process::destroyForcibly),
                                "vigil-children-stop"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code args}: this JVM's class path (through {@code CLASSPATH},
     * not {@code -cp}: ONNX Runtime crashes when it initialises in a process with a very long
     * command line), its {@code --add-opens} and {@code -D} settings, then {@code jvmOptions}.
     * Standard output and error go to {@code logDir/name.out}; log4j writes {@code logDir/name.log}
     * with {@code log4jConfig}.
     */
    static ChildJvm start(
            String name,
            String mainClass,
            List<String> jvmOptions,
            List<String> args,
            Path logDir,
            Path log4jConfig)
            throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Dorg.apache.avro")) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.add("-Dlog.file=" + log);
        cmd.add("-Dlog4j.configurationFile=" + log4jConfig.toUri());
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".out").toFile()));
        Process p = pb.start();
        RUNNING.add(p);
        p.onExit().thenAccept(RUNNING::remove);
        LOG.info("started {} (pid {}): {}", name, p.pid(), mainClass);
        return new ChildJvm(name, p, log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /**
     * The last line of this process's log or standard output that names an error or an exception
     * (what a process that exited at start died of), or its exit status when none does.
     */
    String lastError() {
        String found = null;
        for (Path file : List.of(log, log.resolveSibling(name + ".out"))) {
            try (Stream<String> lines = Files.lines(file)) {
                String last =
                        lines.filter(l -> l.contains("ERROR") || l.contains("Exception"))
                                .reduce((a, b) -> b)
                                .orElse(null);
                found = last != null ? last.strip() : found;
            } catch (IOException | UncheckedIOException e) {
                // not written yet
            }
        }
        if (found != null) {
            return found;
        }
        return process.isAlive() ? "running" : "exit status " + process.exitValue();
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux), then waits for the end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") outlived SIGKILL by 30 s");
        }
        LOG.info("killed {} (pid {})", name, pid());
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A log4j configuration for child processes (INFO to their log file), under {@code work}. */
    static Path log4jConfig(Path work) throws IOException {
        Path file = work.resolve("log4j2-children.xml");
        if (!Files.exists(file)) {
            Files.createDirectories(work);
            Files.writeString(file, LOG4J);
        }
        return file;
    }

    private static final String LOG4J =
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="WARN">
              <Appenders>
                <File name="file" fileName="${sys:log.file}" append="true">
                  <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c{1} [%t] - %msg%n"/>
                </File>
              </Appenders>
              <Loggers>
                <Logger name="org.apache.kafka" level="warn"/>
                <Logger name="kafka" level="warn"/>
                <Logger name="state.change.logger" level="error"/>
                <Logger name="org.apache.flink.shaded" level="warn"/>
                <Root level="info"><AppenderRef ref="file"/></Root>
              </Loggers>
            </Configuration>
            """;
}
