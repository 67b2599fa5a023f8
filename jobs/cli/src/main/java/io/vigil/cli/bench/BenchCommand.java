package io.vigil.cli.bench;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.HistoryOption;
import io.vigil.cli.common.ModelDirOption;
import io.vigil.cli.common.OnnxRuntimeInit;
import io.vigil.cli.common.TempDirs;
import io.vigil.cli.common.VigilHome;
import io.vigil.cli.eval.SceneGenerator;
import io.vigil.cli.eval.SceneVideo;
import io.vigil.jobs.understand.UnderstandJobOptions;
import io.vigil.models.ModelException;
import io.vigil.models.VigilModel;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.ClipEncoder;
import io.vigil.models.video.FfmpegLogLevel;
import io.vigil.models.video.VideoChunker;
import io.vigil.models.video.VideoSourceException;
import io.vigil.schemas.VideoChunk;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vigil bench}: the pipeline's frames/s next to the bare model loop's, and latency. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        header = "Measure pipeline throughput and latency against the bare model loop.",
        description = {
            "For each stream count: frames/s of the bare model loop (decode, encode, step,",
            "captions; no Flink, no Kafka) and of Kafka -> Flink -> Kafka over the same clips,",
            "then frame-to-caption latency p50/p99 with the clips published at media pace.",
            "Prints a markdown table (and writes it to --out)."
        },
        footer = {"", "Example:", "  vigil bench --streams 1,10 --out target/bench.md"})
public final class BenchCommand implements Callable<Integer> {
    /** The job's keyed state backend ({@code vigil.state.backend}). */
    public enum StateBackend {
        hashmap,
        rocksdb
    }

    @Spec CommandSpec spec;

    @Mixin ModelDirOption model;

    @Option(
            names = "--streams",
            paramLabel = "N[,N...]",
            split = ",",
            defaultValue = "1,10",
            description = "Concurrent stream counts (default ${DEFAULT-VALUE}).")
    List<Integer> streams;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "60",
            description = "Length of each clip, media seconds (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--latency-seconds",
            paramLabel = "S",
            defaultValue = "24",
            description =
                    "Clip length of the media-paced latency runs; 0 skips them"
                            + " (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(
            names = "--state-backend",
            paramLabel = "BACKEND",
            defaultValue = "hashmap",
            description =
                    "The job's keyed state backend, one of: ${COMPLETION-CANDIDATES}; rocksdb"
                            + " checkpoints incrementally (default ${DEFAULT-VALUE}).")
    StateBackend stateBackend;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "SECONDS",
            defaultValue = "1",
            description = "The job's checkpoint interval (default ${DEFAULT-VALUE}).")
    int checkpointSeconds;

    @Mixin HistoryOption history;

    @Option(
            names = "--clip",
            paramLabel = "FILE",
            description =
                    "Every stream plays this video file, cut into chunks as vigil ingest cuts"
                            + " it (default: generated scenes).")
    Path clip;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (streams.isEmpty()
                || streams.stream().anyMatch(n -> n < 1)
                || seconds < 4
                || checkpointSeconds < 1
                || history.segments() < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--streams must be ≥ 1 each, --seconds ≥ 4, --checkpoint-interval ≥ 1,"
                            + " --history-segments ≥ 0");
        }
        if (clip != null && !Files.isReadable(clip)) {
            throw new ParameterException(
                    spec.commandLine(), "--clip " + clip + ": no readable file");
        }
        Duration interval = Duration.ofSeconds(checkpointSeconds);
        FfmpegLogLevel.atMostErrors();
        OnnxRuntimeInit.ensure();
        Path modelDir = model.dir();
        PrintWriter err = spec.commandLine().getErr();
        int distinct = Math.min(10, streams.stream().mapToInt(Integer::intValue).max().orElse(1));
        Path tmp = Files.createTempDirectory("vigil-bench-");
        StringBuilder table = new StringBuilder();
        table.append(
                "| streams | frames | bare loop frames/s | pipeline frames/s | ratio |"
                        + " job start s | latency p50 ms | latency p99 ms | "
                        + CheckpointFigures.HEADER
                        + " |\n");
        table.append("|---:".repeat(15)).append("|\n");
        CpuTable cpu = new CpuTable();
        try (VigilModel m = load(modelDir)) {
            err.println(
                    clip != null
                            ? "cutting " + clip + "..."
                            : "preparing " + distinct + " clips of " + seconds + " s...");
            err.flush();
            List<BenchClip> clips =
                    clip != null
                            ? List.of(chunked(clip))
                            : clips(tmp.resolve("t"), distinct, seconds);
            List<BenchClip> paced =
                    latencySeconds <= 0
                            ? null
                            : clip != null
                                    ? clips
                                    : clips(tmp.resolve("l"), distinct, latencySeconds);
            long segmentMs = UnderstandJobOptions.SEGMENT_LENGTH.defaultValue().toMillis();
            BareLoop bare = new BareLoop(m, segmentMs);
            bare.run(clips, 1); // warm-up
            for (int n : streams) {
                err.printf("%d stream(s): bare loop...%n", n);
                err.flush();
                BareLoop.Result bareRun = bare.run(clips, n);
                double bareFps = bareRun.framesPerSecond();
                err.printf("%d stream(s): pipeline...%n", n);
                err.flush();
                PipelineRun.Throughput t;
                try (PipelineRun run =
                        new PipelineRun(
                                modelDir, interval, stateBackend.name(), history.segments())) {
                    t = run.throughput(clips, n, Duration.ofMinutes(8));
                }
                PipelineRun.Latency l = null;
                if (paced != null) {
                    err.printf("%d stream(s): latency at media pace...%n", n);
                    err.flush();
                    try (PipelineRun run =
                            new PipelineRun(
                                    modelDir, interval, stateBackend.name(), history.segments())) {
                        l = run.latency(paced, n, Duration.ofSeconds(latencySeconds + 120));
                    }
                }
                table.append(
                        String.format(
                                Locale.ROOT,
                                "| %d | %d | %.0f | %.0f | %.2f | %.1f | %s | %s | %s |%n",
                                n,
                                t.frames(),
                                bareFps,
                                t.framesPerSecond(),
                                t.framesPerSecond() / bareFps,
                                t.startupSeconds(),
                                l == null ? "-" : Long.toString(l.p50Ms()),
                                l == null ? "-" : Long.toString(l.p99Ms()),
                                t.checkpoints().cells()));
                cpu.add(n, bareRun, t);
            }
        } finally {
            TempDirs.deleteRecursively(tmp);
        }
        String text =
                table
                        + String.format(
                                Locale.ROOT,
                                "%nModel %s, %s (latency: %s at media pace),"
                                        + " checkpoints every %d s (%s state backend%s, %d"
                                        + " history segments;"
                                        + " checkpoint columns: the throughput run's completed"
                                        + " checkpoints, full state and uploaded size), %d"
                                        + " cores.%n",
                                modelDir.getFileName(),
                                clip != null
                                        ? "every stream playing " + clip.getFileName()
                                        : "generated scene clips of " + seconds + " s",
                                clip != null ? "the same clip" : latencySeconds + " s clips",
                                checkpointSeconds,
                                stateBackend,
                                stateBackend == StateBackend.rocksdb ? ", incremental" : "",
                                history.segments(),
                                Runtime.getRuntime().availableProcessors())
                        + cpu.text();
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        if (out != null) {
            Files.writeString(out, text);
        }
        return 0;
    }

    /** Generated scenes (python3 + numpy), else the committed golden clip, cut into chunks. */
    public static List<BenchClip> clips(Path dir, int count, int seconds) throws Exception {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        SceneGenerator generator = SceneGenerator.locate();
        if (generator.available()) {
            generator.generate(31_337, count, seconds, 2, dir);
            for (String id : SceneVideo.ids(dir)) {
                SceneVideo v = SceneVideo.read(dir, id);
                Path file = dir.resolve(id + ".ts");
                Files.write(
                        file,
                        new ClipEncoder(v.fps(), v.fps())
                                .encode(v.frames(), v.width(), v.height()));
                Files.deleteIfExists(dir.resolve(id + ".rgb"));
                files.add(file);
            }
        } else {
            Path golden = VigilHome.resolve("models/src/test/resources/golden/clip.ts");
            if (!Files.isReadable(golden)) {
                throw new CliException("no clips: python3 with numpy is missing and " + golden);
            }
            files.add(golden);
        }
        List<BenchClip> clips = new ArrayList<>();
        for (Path f : files) {
            clips.add(chunked(f));
        }
        return clips;
    }

    private static BenchClip chunked(Path file) throws InterruptedException {
        List<VideoChunk> chunks;
        try {
            chunks = VideoChunker.chunkAll(file.toString(), ChunkerOptions.defaults("bench"));
        } catch (VideoSourceException e) {
            throw new CliException("cannot cut " + file + " into chunks: " + e.getMessage(), e);
        }
        if (chunks.isEmpty()) {
            throw new CliException("the clip " + file + " holds no video");
        }
        return new BenchClip(
                file.getFileName().toString(),
                chunks,
                chunks.get(chunks.size() - 1).getMediaEndMs());
    }

    private static VigilModel load(Path dir) {
        try {
            return VigilModel.load(dir);
        } catch (ModelException e) {
            throw new CliException("cannot load the model at " + dir + ": " + e.getMessage(), e);
        }
    }
}
