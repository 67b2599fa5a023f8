package io.vigil.cli.cluster;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.ExitCode;
import io.vigil.cli.common.ModelDirOption;
import io.vigil.cli.common.OnnxRuntimeInit;
import io.vigil.cli.common.TempDirs;
import io.vigil.jobs.understand.UnderstandJobOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil chaos}: the understand job on a real multi-process cluster, killed while it works;
 * each time its committed captions must be, record for record, those of an uninterrupted run.
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        header =
                "Kill a real multi-process Flink cluster while it captions; check nothing is lost.",
        description = {
            "Starts a Kafka broker and, per scenario, a standalone Flink cluster (a JobManager and",
            "two TaskManagers, each a JVM of its own; RocksDB incremental checkpoints on disk),",
            "publishes --streams camera streams at media pace and, while the job captions them:",
            "  tm-kill   kill -9 a TaskManager --kills times (a replacement starts each time)",
            "  rescale   stop with a savepoint, resume at parallelism 2, again, resume at 1",
            "  job-kill  kill -9 every Flink process; a new cluster resumes the newest checkpoint",
            "Then it compares the read_committed captions with the bare model loop's over the same",
            "chunks (what an uninterrupted run commits) and scans the processes' logs for lines",
            "that claim data loss. Exit 0 when every scenario matches record for record."
        })
public final class ChaosCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelDirOption model;

    @Option(
            names = "--streams",
            paramLabel = "N",
            defaultValue = "10",
            description = "Camera streams (default ${DEFAULT-VALUE}).")
    int streams;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "40",
            description = "Media length of each stream (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--kills",
            paramLabel = "N",
            defaultValue = "3",
            description = "TaskManager kills in tm-kill (default ${DEFAULT-VALUE}).")
    int kills;

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            split = ",",
            description = "tm-kill, rescale, job-kill (default: all three, in this order).")
    List<String> scenarios = new ArrayList<>(List.of("tm-kill", "rescale", "job-kill"));

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description =
                    "Where the processes' configuration, logs and checkpoints go (default: a temp"
                            + " folder, deleted when every scenario passes).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (streams < 1 || seconds < 8 || kills < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--streams and --kills must be ≥ 1, --seconds ≥ 8");
        }
        List<ChaosScenario> chosen = new ArrayList<>();
        for (String s : scenarios) {
            try {
                chosen.add(ChaosScenario.of(s.trim()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--scenario: " + e.getMessage());
            }
        }
        Path modelDir = model.dir().toAbsolutePath();
        if (!Files.isRegularFile(modelDir.resolve("manifest.json"))) {
            throw new CliException("no model at " + modelDir + " (manifest.json)");
        }
        OnnxRuntimeInit.ensure();
        Path work =
                workDir != null
                        ? Files.createDirectories(workDir.toAbsolutePath())
                        : Files.createTempDirectory("vigil-chaos-");
        PrintWriter out = spec.commandLine().getOut();
        long segmentMs = UnderstandJobOptions.SEGMENT_LENGTH.defaultValue().toMillis();
        ChaosLoad load =
                ChaosLoad.make(work.resolve("clips"), modelDir, streams, 4, seconds, segmentMs);
        out.printf(
                "chaos: %d streams of %d s at media pace; the uninterrupted reference commits %d"
                        + " captions; work folder %s%n",
                streams, seconds, load.expected().size(), work);
        out.flush();
        List<ChaosVerdict> verdicts = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.start(work, Duration.ofSeconds(90))) {
            ChaosRunner runner =
                    new ChaosRunner(work, broker.bootstrap(), load, modelDir, kills, out);
            for (ChaosScenario s : chosen) {
                ChaosVerdict v = runner.run(s);
                verdicts.add(v);
                out.println(v.line());
                v.unexplainedAlarms().stream().limit(5).forEach(a -> out.println("  " + a));
                out.flush();
            }
        }
        boolean passed = verdicts.stream().allMatch(ChaosVerdict::passed);
        if (passed && workDir == null) {
            TempDirs.deleteRecursively(work);
        } else {
            out.println("logs, checkpoints and savepoints kept in " + work);
        }
        return passed ? ExitCode.OK : ExitCode.FAILURE;
    }
}
