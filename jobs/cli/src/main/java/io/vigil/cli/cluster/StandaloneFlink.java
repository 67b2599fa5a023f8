package io.vigil.cli.cluster;

import io.vigil.jobs.kafka.LocalPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A standalone Flink session cluster on this machine: one JobManager and any number of
 * TaskManagers, each a JVM of its own started from Flink's own entry points ({@code
 * StandaloneSessionClusterEntrypoint}, {@code TaskManagerRunner}, as Flink's scripts start them,
 * with the JVM memory flags Flink computes from the configuration), vigil's classes on their class
 * path as a cluster with vigil's jars in {@code lib/} has them.
 */
final class StandaloneFlink implements AutoCloseable {
    private final Path work;
    private final Path confDir;
    private final Path log4j;
    private final Configuration conf;
    private final String tag;
    private final ChildJvm jobManager;
    private final List<ChildJvm> taskManagers = new ArrayList<>();
    private int started;

    private StandaloneFlink(Path work, String tag, Configuration conf, Path confDir, Path log4j)
            throws IOException {
        this.work = work;
        this.tag = tag;
        this.conf = conf;
        this.confDir = confDir;
        this.log4j = log4j;
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(conf);
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
        this.jobManager =
                ChildJvm.start(
                        tag + "-jobmanager",
                        StandaloneSessionClusterEntrypoint.class.getName(),
                        split(JobManagerProcessUtils.generateJvmParametersStr(spec, conf)),
                        args,
                        work.resolve("logs"),
                        log4j);
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers of {@code slots} slots each; their
     * configuration, logs and scratch space under {@code work}; {@code tag} names this cluster's
     * processes and logs (a cluster started again after a crash gets a new tag).
     */
    static StandaloneFlink start(
            Path work, String tag, int taskManagers, int slots, Map<String, String> extra)
            throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "localhost");
        c.put("jobmanager.bind-host", "localhost");
        c.put("jobmanager.rpc.port", String.valueOf(LocalPorts.free()));
        c.put("rest.address", "localhost");
        c.put("rest.bind-address", "localhost");
        c.put("rest.port", String.valueOf(LocalPorts.free()));
        c.put("taskmanager.host", "localhost");
        c.put("taskmanager.bind-host", "localhost");
        c.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        c.put("jobmanager.memory.process.size", "768m");
        c.put("taskmanager.memory.process.size", "1600m");
        c.put("taskmanager.memory.managed.size", "128m");
        // a TaskManager that died is noticed within seconds (the default waits 50 s)
        c.put("heartbeat.interval", "1 s");
        c.put("heartbeat.timeout", "8 s");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "1000");
        c.put("restart-strategy.fixed-delay.delay", "1 s");
        c.put("io.tmp.dirs", work.resolve("tmp").toString());
        c.put("state.backend.rocksdb.log.dir", work.resolve("tmp").toString());
        c.putAll(extra);
        Path confDir = work.resolve("conf-" + tag);
        Files.createDirectories(confDir);
        Files.createDirectories(work.resolve("tmp"));
        StringBuilder yaml = new StringBuilder();
        Configuration conf = new Configuration();
        for (Map.Entry<String, String> e : c.entrySet()) {
            yaml.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            conf.setString(e.getKey(), e.getValue());
        }
        Files.writeString(confDir.resolve("config.yaml"), yaml);
        Path log4j = ChildJvm.log4jConfig(work);
        StandaloneFlink flink = new StandaloneFlink(work, tag, conf, confDir, log4j);
        for (int i = 0; i < taskManagers; i++) {
            flink.startTaskManager();
        }
        return flink;
    }

    /** Starts one more TaskManager (a replacement after a kill, say). */
    ChildJvm startTaskManager() throws IOException {
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        ChildJvm tm =
                ChildJvm.start(
                        tag + "-taskmanager-" + (++started),
                        TaskManagerRunner.class.getName(),
                        split(ProcessMemoryUtils.generateJvmParametersStr(spec)),
                        args,
                        work.resolve("logs"),
                        log4j);
        taskManagers.add(tm);
        return tm;
    }

    /** The REST endpoint, http://localhost:PORT. */
    URI rest() {
        return URI.create("http://localhost:" + conf.getString("rest.port", "8081"));
    }

    List<ChildJvm> taskManagers() {
        return taskManagers.stream().filter(ChildJvm::alive).toList();
    }

    ChildJvm jobManager() {
        return jobManager;
    }

    /** Waits until the JobManager answers and {@code count} TaskManagers are registered. */
    void awaitTaskManagers(int count, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Pattern tms = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!jobManager.alive()) {
                throw new IllegalStateException(
                        "the JobManager exited ("
                                + jobManager.lastError()
                                + "); see "
                                + jobManager.log()
                                + " and its .out");
            }
            try {
                String body =
                        http.send(
                                        HttpRequest.newBuilder(rest().resolve("/overview"))
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                Matcher m = tms.matcher(body);
                if (m.find() && Integer.parseInt(m.group(1)) >= count) {
                    return;
                }
                last = body;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(
                "Flink at "
                        + rest()
                        + " has not "
                        + count
                        + " TaskManagers after "
                        + timeout
                        + ": "
                        + last);
    }

    /** kill -9 of every process of this cluster: the JobManager and the TaskManagers. */
    void killAll() throws InterruptedException {
        jobManager.kill();
        for (ChildJvm tm : taskManagers) {
            if (tm.alive()) {
                tm.kill();
            }
        }
    }

    @Override
    public void close() {
        for (ChildJvm tm : taskManagers) {
            tm.close();
        }
        jobManager.close();
    }

    private static List<String> split(String flags) {
        return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
