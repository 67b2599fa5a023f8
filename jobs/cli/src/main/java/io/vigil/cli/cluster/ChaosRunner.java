package io.vigil.cli.cluster;

import io.vigil.cli.local.RunCommand;
import io.vigil.jobs.understand.UnderstandJobOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Runs the chaos scenarios against processes of their own: a broker, and per scenario a standalone
 * Flink cluster (a JobManager, two TaskManagers of two slots) running the understand job with
 * RocksDB incremental checkpoints on disk while the streams are published at media pace.
 */
final class ChaosRunner {
    private static final int REST_TIMEOUT_S = 60;

    private final Path work;
    private final String bootstrap;
    private final ChaosLoad load;
    private final Path modelDir;
    private final int kills;
    private final PrintWriter out;
    private final List<String> events = new ArrayList<>();
    private long t0;
    private String scenario;
    private ChaosLoad.Feed feed;

    ChaosRunner(
            Path work,
            String bootstrap,
            ChaosLoad load,
            Path modelDir,
            int kills,
            PrintWriter out) {
        this.work = work;
        this.bootstrap = bootstrap;
        this.load = load;
        this.modelDir = modelDir;
        this.kills = kills;
        this.out = out;
    }

    ChaosVerdict run(ChaosScenario s) throws Exception {
        scenario = s.id();
        events.clear();
        t0 = System.nanoTime();
        Path dir = work.resolve(s.id());
        String prefix = "chaos-" + s.id();
        createTopics(prefix);
        int expected = load.expected().size();
        Duration timeout = Duration.ofMillis(load.durationMs()).plusMinutes(5);
        StandaloneFlink[] flink = {startCluster(dir, "a")};
        try (CommittedCaptions got = new CommittedCaptions(bootstrap, prefix + ".captions")) {
            switch (s) {
                case TM_KILL -> killTaskManagers(flink[0], prefix, got, expected);
                case RESCALE -> rescale(flink[0], prefix, got, expected);
                case JOB_KILL -> flink[0] = killWholeJob(flink[0], dir, prefix, got, expected);
            }
            if (!got.awaitCount(expected, timeout)) {
                event(
                        "gave up waiting: %d of %d captions after %s",
                        got.count(), expected, timeout);
            }
            Thread.sleep(3_000); // a late duplicate would show up now
            feed.await();
            return ChaosVerdict.of(
                    s.id(),
                    load.expected(),
                    got.all(),
                    ChaosVerdict.alarms(dir.resolve("logs")),
                    events,
                    seconds());
        } finally {
            if (feed != null) {
                feed.close();
                feed = null;
            }
            flink[0].close();
        }
    }

    /** Once the first job runs: the cameras start publishing, at media pace. */
    private void startFeed(StandaloneFlink flink, JobID job, String prefix) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try (RestClusterClient<StandaloneClusterId> rest = client(flink)) {
            while (rest.getJobStatus(job).get(30, TimeUnit.SECONDS) != JobStatus.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            scenario + ": the job is not running after 120 s");
                }
                Thread.sleep(200);
            }
        }
        feed = load.feed(bootstrap, prefix + ".chunks");
        event("job %s running; %d streams publishing at media pace", job, load.streams());
    }

    /** kill -9 a TaskManager {@code kills} times, each after progress; a replacement starts. */
    private void killTaskManagers(
            StandaloneFlink flink, String prefix, CommittedCaptions got, int n) throws Exception {
        startFeed(flink, submit(flink, options(prefix, 2), null), prefix);
        for (int k = 1; k <= kills; k++) {
            awaitProgress(got, n * k / (kills + 1));
            List<ChildJvm> tms = flink.taskManagers();
            ChildJvm victim = tms.get(k % tms.size());
            int before = got.count();
            victim.kill();
            event("kill -9 %s (pid %d) after %d captions", victim.name(), victim.pid(), before);
            ChildJvm fresh = flink.startTaskManager();
            event("started %s in its place", fresh.name());
            if (before < n) {
                awaitProgress(got, before + 1);
                event("captions flow again (%d committed)", got.count());
            }
        }
    }

    /** Stop with a savepoint and resume at parallelism 1 → 2 → 1. */
    private void rescale(StandaloneFlink flink, String prefix, CommittedCaptions got, int n)
            throws Exception {
        JobID job = submit(flink, options(prefix, 1), null);
        startFeed(flink, job, prefix);
        int[] next = {2, 1};
        for (int i = 0; i < next.length; i++) {
            awaitProgress(got, n * (i + 1) / 3);
            String savepoint;
            try (RestClusterClient<StandaloneClusterId> rest = client(flink)) {
                savepoint =
                        rest.stopWithSavepoint(
                                        job,
                                        false,
                                        work.resolve(scenario)
                                                .resolve("savepoints")
                                                .toUri()
                                                .toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(120, TimeUnit.SECONDS);
            }
            event("stopped with savepoint %s after %d captions", savepoint, got.count());
            job = submit(flink, options(prefix, next[i]), savepoint);
            event("resumed at parallelism %d", next[i]);
        }
    }

    /** kill -9 of the JobManager and every TaskManager; a new cluster resumes the newest check. */
    private StandaloneFlink killWholeJob(
            StandaloneFlink flink, Path dir, String prefix, CommittedCaptions got, int n)
            throws Exception {
        startFeed(flink, submit(flink, options(prefix, 2), null), prefix);
        awaitProgress(got, n / 2);
        flink.killAll();
        event("kill -9 of the JobManager and both TaskManagers after %d captions", got.count());
        flink.close();
        StandaloneFlink again = startCluster(dir, "b");
        Optional<Path> latest = RunCommand.latestCheckpoint(checkpoints());
        if (latest.isEmpty()) {
            throw new IllegalStateException("no retained checkpoint under " + checkpoints());
        }
        submit(again, options(prefix, 2), latest.get().toUri().toString());
        event("new cluster resumed the job from %s", latest.get());
        return again;
    }

    /**
     * A cluster of two TaskManagers of two slots, up and registered. A JobManager that exits while
     * it starts (a port taken by another process between the check and its bind) is started once
     * more, and the chaos log says why; a second failure ends the scenario.
     */
    private StandaloneFlink startCluster(Path dir, String tag) throws Exception {
        for (int attempt = 1; ; attempt++) {
            String name = attempt == 1 ? tag : tag + attempt;
            StandaloneFlink flink = StandaloneFlink.start(dir, name, 2, 2, Map.of());
            try {
                flink.awaitTaskManagers(2, Duration.ofSeconds(120));
                return flink;
            } catch (IllegalStateException e) {
                flink.close();
                if (attempt == 2) {
                    throw e;
                }
                event("cluster %s did not start: %s; starting it again", name, e.getMessage());
            }
        }
    }

    private Configuration options(String prefix, int parallelism) {
        Configuration c = UnderstandJobOptions.withNames(new Configuration(), prefix);
        c.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        c.set(UnderstandJobOptions.MODEL_DIR, modelDir.toAbsolutePath().toString());
        c.set(UnderstandJobOptions.PARALLELISM, parallelism);
        c.set(UnderstandJobOptions.STATE_BACKEND, "rocksdb");
        c.set(UnderstandJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        c.set(UnderstandJobOptions.CHECKPOINT_DIR, checkpoints().toUri().toString());
        c.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        return c;
    }

    private Path checkpoints() {
        return work.resolve(scenario).resolve("checkpoints");
    }

    private JobID submit(StandaloneFlink flink, Configuration options, String savepoint)
            throws Exception {
        return RestSubmission.submit(
                flink.rest(),
                RestSubmission.jobGraph(options, Optional.empty(), savepoint),
                REST_TIMEOUT_S);
    }

    private static RestClusterClient<StandaloneClusterId> client(StandaloneFlink flink)
            throws Exception {
        return RestSubmission.client(flink.rest(), REST_TIMEOUT_S);
    }

    private void awaitProgress(CommittedCaptions got, int atLeast) throws InterruptedException {
        Duration limit = Duration.ofMinutes(4);
        if (!got.awaitCount(atLeast, limit)) {
            throw new IllegalStateException(
                    String.format(
                            "%s: no progress: %d committed captions, waited %s for %d",
                            scenario, got.count(), limit, atLeast));
        }
    }

    private void createTopics(String prefix) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(prefix + ".chunks", 2, (short) 1),
                                    new NewTopic(prefix + ".questions", 2, (short) 1),
                                    new NewTopic(prefix + ".captions", 1, (short) 1),
                                    new NewTopic(prefix + ".answers", 1, (short) 1),
                                    new NewTopic(prefix + ".deadletter", 1, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
    }

    private void event(String format, Object... args) {
        String e = String.format(Locale.ROOT, "%6.1f s  ", seconds()) + String.format(format, args);
        events.add(e);
        out.printf("%-9s %s%n", scenario, e);
        out.flush();
    }

    private double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }
}
