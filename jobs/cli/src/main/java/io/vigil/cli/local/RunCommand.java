package io.vigil.cli.local;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.HistoryOption;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaOptions;
import io.vigil.cli.common.KafkaTarget;
import io.vigil.cli.common.ModelDirOption;
import io.vigil.cli.common.OnnxRuntimeInit;
import io.vigil.jobs.understand.UnderstandJob;
import io.vigil.jobs.understand.UnderstandJobOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil run}: the understand job on this machine (an in-process Flink cluster) against any
 * Kafka, for a user with a broker and no Flink cluster yet. Checkpoints go to a folder and are
 * retained when the job stops; started again, it resumes from the newest one by itself.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        header = "Run the understand job on this machine against a Kafka cluster.",
        description = {
            "A local Flink cluster runs the understand job with the bundled model (or --model),",
            "reading vigil.video.chunks and vigil.questions and writing captions, answers and",
            "dead letters exactly once. Checkpoints go to --checkpoints and are kept when the job",
            "stops (Ctrl-C) or the process dies; started again, it resumes from the newest",
            "complete one (--fresh: start over)."
        },
        footer = {
            "",
            "Example:",
            "  vigil run --bootstrap kafka:9092 --checkpoints /var/lib/vigil"
        })
public final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Mixin ModelDirOption model;

    @Option(
            names = "--checkpoints",
            paramLabel = "DIR",
            defaultValue = ".vigil/checkpoints",
            description = "Checkpoint folder (default ${DEFAULT-VALUE}).")
    Path checkpoints;

    @Option(names = "--fresh", description = "Ignore earlier checkpoints and start over.")
    boolean fresh;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "Exactly-once checkpoint interval (default ${DEFAULT-VALUE}).")
    int checkpointSeconds;

    @Mixin HistoryOption history;

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            description = "Stop after this long (default: run until Ctrl-C).")
    Integer durationSeconds;

    @Override
    public Integer call() throws Exception {
        if (checkpointSeconds < 1
                || (durationSeconds != null && durationSeconds < 1)
                || history.segments() < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--checkpoint-interval and --duration must be ≥ 1, --history-segments ≥ 0");
        }
        KafkaTarget target = kafka.target();
        Path modelDir = model.dir();
        if (!Files.isRegularFile(modelDir.resolve("manifest.json"))) {
            throw new CliException("no model at " + modelDir + " (manifest.json)");
        }
        KafkaClients.checkLogin(target); // a wrong password: one line now, not a restarting job
        Path dir = checkpoints.toAbsolutePath();
        Files.createDirectories(dir);
        OnnxRuntimeInit.ensure();
        Configuration conf = jobOptions(target, modelDir, dir);
        PrintWriter out = spec.commandLine().getOut();
        Optional<Path> latest = fresh ? Optional.empty() : latestCheckpoint(dir);
        latest.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString()));
        LocalUnderstandCluster local = LocalUnderstandCluster.start(conf);
        MiniCluster flink = local.flink();
        Thread stopper = new Thread(() -> stop(flink, local), "vigil-run-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        out.printf(
                "running %s on %s with %s; checkpoints in %s; %s%n",
                UnderstandJob.JOB_NAME,
                target.describe(),
                modelDir,
                dir,
                latest.map(p -> "resumed from " + p).orElse("fresh start"));
        out.flush();
        try {
            if (durationSeconds != null) {
                Thread.sleep(durationSeconds * 1000L);
            } else {
                flink.requestJobResult(local.job()).get();
            }
        } finally {
            stop(flink, local);
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // Ctrl-C: the JVM is shutting down and the hook is running
            }
        }
        out.println("stopped; the newest checkpoint is kept in " + dir);
        out.flush();
        return 0;
    }

    /**
     * The job's options: Kafka (bootstrap servers and every client property, as {@code
     * vigil.kafka.properties}), the model, checkpoints kept on cancel.
     */
    Configuration jobOptions(KafkaTarget target, Path modelDir, Path checkpointDir) {
        Configuration conf = new Configuration();
        conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, target.bootstrap());
        conf.set(UnderstandJobOptions.KAFKA_PROPERTIES, target.properties());
        conf.set(UnderstandJobOptions.MODEL_DIR, modelDir.toAbsolutePath().toString());
        conf.set(UnderstandJobOptions.CHECKPOINT_DIR, checkpointDir.toUri().toString());
        conf.set(UnderstandJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(checkpointSeconds));
        conf.set(UnderstandJobOptions.HISTORY_SEGMENTS, history.segments());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        return conf;
    }

    private static void stop(MiniCluster flink, LocalUnderstandCluster local) {
        try {
            flink.cancelJob(local.job()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already finished or cancelled
        }
        try {
            flink.closeAsync().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing is best effort here
        }
    }

    /**
     * The newest complete checkpoint under {@code dir} (Flink writes {@code JOB/chk-N/_metadata}
     * last), by its metadata's modification time.
     */
    public static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(dir, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .filter(p -> p.getParent().getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(RunCommand::modified))
                    .map(Path::getParent);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }
}
