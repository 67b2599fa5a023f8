package io.vigil.jobs.eval;

import io.vigil.jobs.cli.CliException;
import io.vigil.jobs.cli.ModelDirOption;
import io.vigil.jobs.cli.OnnxRuntimeInit;
import io.vigil.jobs.cli.TempDirs;
import io.vigil.jobs.ingest.FfmpegLog;
import io.vigil.models.ModelException;
import io.vigil.models.VigilModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vigil eval}: held-out accuracy of a model, measured through the pipeline's Java path. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        header = "Score a model on generated held-out scenes, through the pipeline's Java path.",
        description = {
            "Generate held-out scene videos (python3 -m vigil_train.gen), encode them as H.264,",
            "decode them through the pipeline's Java path, run the model and score captions and",
            "answers against the ground truth. The last line printed is JSON:",
            "{\"caption_exact\":…, \"qa\":…, \"qa_long\":…, \"videos\":…, \"frames\":…}"
        },
        footer = {"", "Example:", "  vigil eval --model models/vigil-tiny --videos 20 --seed 7"})
public final class EvalCommand implements Callable<Integer> {
    /** Frames per second the generator renders; the model samples 1 of them per second. */
    static final int RENDER_FPS = 2;

    @Spec CommandSpec spec;

    @Mixin ModelDirOption model;

    @Option(
            names = "--videos",
            paramLabel = "N",
            defaultValue = "20",
            description = "Videos to generate and score (default ${DEFAULT-VALUE}).")
    int videos;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "7",
            description = "Generator seed; use one the model was not trained on.")
    long seed;

    @Option(
            names = "--frames",
            paramLabel = "F",
            defaultValue = "48",
            description =
                    "1-fps samples (seconds) per video (default ${DEFAULT-VALUE}, the longest"
                            + " training video, so long videos are 10x any training video).")
    int frames;

    @Option(
            names = "--long-factor",
            paramLabel = "K",
            defaultValue = "10",
            description = "Long videos are K times longer (default ${DEFAULT-VALUE}).")
    int longFactor;

    @Option(
            names = "--long-videos",
            paramLabel = "M",
            description = "Long videos scored for qa_long (default: as many as --videos; 0: none).")
    Integer longVideos;

    @Option(
            names = "--show-errors",
            paramLabel = "N",
            defaultValue = "0",
            description = "Print the first N wrong captions and answers (stderr).")
    int showErrors;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        int longCount = longVideos == null ? videos : longVideos;
        if (videos < 1 || frames < 1 || longFactor < 1 || longCount < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--videos, --frames and --long-factor must be ≥ 1, --long-videos ≥ 0");
        }
        Path modelDir = model.dir();
        if (!Files.isDirectory(modelDir)) {
            throw new CliException("no model folder at " + modelDir);
        }
        FfmpegLog.errorsOnly();
        OnnxRuntimeInit.ensure();
        SceneGenerator generator = SceneGenerator.locate();
        generator.check();
        EvalScore score = new EvalScore();
        PrintWriter err = spec.commandLine().getErr();
        Path tmp = Files.createTempDirectory("vigil-eval-");
        try (VigilModel m = load(modelDir)) {
            err.printf(
                    "generating %d scene videos of %d s and %d of %d s (seed %d)...%n",
                    videos, frames, longCount, frames * longFactor, seed);
            err.flush();
            Path shortDir = tmp.resolve("short");
            Path longDir = tmp.resolve("long");
            generator.generate(seed, videos, frames, RENDER_FPS, shortDir);
            if (longCount > 0) {
                generator.generate(seed, longCount, frames * longFactor, RENDER_FPS, longDir);
            }
            int[] shown = {0};
            SceneEvaluator evaluator =
                    new SceneEvaluator(
                            m,
                            tmp,
                            line -> {
                                if (shown[0]++ < showErrors) {
                                    err.println("  " + line);
                                }
                            });
            try (ProgressBar bar = progressBar(videos + longCount)) {
                run(evaluator, shortDir, false, score, bar);
                if (longCount > 0) {
                    run(evaluator, longDir, true, score, bar);
                }
            }
        } finally {
            TempDirs.deleteRecursively(tmp);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(score.table());
        out.println(score.json());
        out.flush();
        return 0;
    }

    private static void run(
            SceneEvaluator evaluator,
            Path dir,
            boolean longVideos,
            EvalScore score,
            ProgressBar bar)
            throws Exception {
        List<String> ids = SceneVideo.ids(dir);
        for (String id : ids) {
            evaluator.evaluate(SceneVideo.read(dir, id), longVideos, score);
            Files.deleteIfExists(dir.resolve(id + ".rgb")); // long videos are big: free as we go
            if (bar != null) {
                bar.step();
            }
        }
    }

    private static VigilModel load(Path dir) {
        try {
            return VigilModel.load(dir);
        } catch (ModelException e) {
            throw new CliException("cannot load the model at " + dir + ": " + e.getMessage(), e);
        }
    }

    private ProgressBar progressBar(int total) {
        if (noProgress) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName("eval")
                .setInitialMax(total)
                .setUnit(" videos", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .build();
    }
}
