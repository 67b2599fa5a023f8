package io.vigil.cli.eval;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.ModelDirOption;
import io.vigil.cli.common.OnnxRuntimeInit;
import io.vigil.cli.common.TempDirs;
import io.vigil.models.ModelException;
import io.vigil.models.VigilModel;
import io.vigil.models.video.FfmpegLogLevel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
            "Generate held-out scene videos (python3 -m vigil_scenes.gen), encode them as H.264,"
                    + " decode them through the pipeline's Java path, run the model and score"
                    + " captions and answers against the ground truth. The last line printed is"
                    + " JSON:",
            "{\"caption_exact\":…, \"qa\":…, \"qa_long\":…, \"videos\":…, \"frames\":…}",
            "With --real REFERENCE it scores the model on real footage instead, against a reference"
                    + " made by looking at the frames (models/reference/); its last line is"
                    + " {\"mode\":\"real\", \"count_caption\":…, \"direction\":…, …}."
        },
        footer = {
            "",
            "Examples:",
            "  vigil eval --model models/vigil-tiny --videos 20 --seed 7",
            "  vigil eval --videos 40 --seed 7,21,31,41     # 160 videos, pooled",
            "  vigil eval --model models/vigil-cam --real models/reference/vtest.json"
        })
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
            split = ",",
            defaultValue = "7",
            description =
                    "Generator seed; use one the model was not trained on. Several,"
                            + " comma-separated (7,21,31), score --videos videos of each and pool"
                            + " them: one seed's figure moves with how many of its objects stop.")
    List<Long> seeds;

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

    @Option(
            names = "--real",
            paramLabel = "REFERENCE",
            description =
                    "Score on real footage against this reference (e.g."
                            + " models/reference/vtest.json) instead of generated scenes.")
    Path realReference;

    @Override
    public Integer call() throws Exception {
        if (realReference != null) {
            return real();
        }
        int longCount = longVideos == null ? videos : longVideos;
        if (videos < 1 || frames < 1 || longFactor < 1 || longCount < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--videos, --frames and --long-factor must be ≥ 1, --long-videos ≥ 0");
        }
        if (seeds.isEmpty() || new HashSet<>(seeds).size() != seeds.size()) {
            throw new ParameterException(
                    spec.commandLine(), "--seed needs one or more distinct seeds, got " + seeds);
        }
        Path modelDir = model.dir();
        if (!Files.isDirectory(modelDir)) {
            throw new CliException("no model folder at " + modelDir);
        }
        FfmpegLogLevel.atMostErrors();
        OnnxRuntimeInit.ensure();
        SceneGenerator generator = SceneGenerator.locate();
        generator.check();
        EvalScore score = new EvalScore();
        List<String> perSeed = new ArrayList<>();
        PrintWriter err = spec.commandLine().getErr();
        Path tmp = Files.createTempDirectory("vigil-eval-");
        try (VigilModel m = load(modelDir)) {
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
            try (ProgressBar bar = progressBar(seeds.size() * (videos + longCount))) {
                for (long seed : seeds) {
                    EvalScore one = scoreSeed(seed, longCount, generator, evaluator, tmp, bar);
                    perSeed.add(one.seedLine(seed));
                    score.merge(one);
                }
            }
        } finally {
            TempDirs.deleteRecursively(tmp);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (seeds.size() > 1) {
            perSeed.forEach(out::print);
        }
        out.print(score.table());
        out.println(score.json());
        out.flush();
        return 0;
    }

    /** Generates one seed's short and long videos under {@code tmp} and scores them. */
    private EvalScore scoreSeed(
            long seed,
            int longCount,
            SceneGenerator generator,
            SceneEvaluator evaluator,
            Path tmp,
            ProgressBar bar)
            throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                "generating %d scene videos of %d s and %d of %d s (seed %d)...%n",
                videos, frames, longCount, frames * longFactor, seed);
        err.flush();
        Path shortDir = tmp.resolve("short-" + seed);
        Path longDir = tmp.resolve("long-" + seed);
        generator.generate(seed, videos, frames, RENDER_FPS, shortDir);
        if (longCount > 0) {
            generator.generate(seed, longCount, frames * longFactor, RENDER_FPS, longDir);
        }
        EvalScore one = new EvalScore();
        run(evaluator, shortDir, false, one, bar);
        if (longCount > 0) {
            run(evaluator, longDir, true, one, bar);
        }
        return one;
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

    /** {@code --real}: one real clip against its reference. */
    private int real() throws Exception {
        RealReference ref = RealReference.read(realReference);
        if (!Files.isReadable(ref.video())) {
            throw new CliException(
                    "the reference's footage "
                            + ref.video()
                            + " is not here (Debian's opencv-doc ships vtest.avi)");
        }
        FfmpegLogLevel.atMostErrors();
        OnnxRuntimeInit.ensure();
        PrintWriter out = spec.commandLine().getOut();
        try (VigilModel m = load(model.dir())) {
            RealScore score = new RealFootageEvaluator(m, line -> out.println(line)).evaluate(ref);
            out.print(score.table());
            out.println(score.json());
            out.flush();
        }
        return 0;
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
