package io.vigil.cli.bench;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.ModelDirOption;
import io.vigil.cli.common.OnnxRuntimeInit;
import io.vigil.cli.common.VigilHome;
import io.vigil.models.ModelException;
import io.vigil.models.ModelOptions;
import io.vigil.models.VigilModel;
import io.vigil.models.bench.ModelBenchmark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil bench-model}: the model alone — encoder, decoder step, flat cost, vs a transformer.
 */
@Command(
        name = "bench-model",
        mixinStandardHelpOptions = true,
        header = "Measure the model alone: encoder, Mamba step, flat cost, KV-cache transformer.",
        description = {
            "Frame encoder frames/s at batch 1, 16, 64; decoder steps/s at batch 1, 64, 256;",
            "step time near frame 100 vs near the last of --flat-frames frames of one stream;",
            "and, side by side, a KV-cache transformer step of the same width at 1k and 10k",
            "frames (exported by models/train/bench/baseline_transformer.py, which needs torch).",
            "Prints a markdown report (and writes it to --out)."
        },
        footer = {"", "Example:", "  vigil bench-model --out target/bench-model.md"})
public final class ModelBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelDirOption model;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "ONNX Runtime intra-op threads (default ${DEFAULT-VALUE}, as in a task slot).")
    int threads;

    @Option(
            names = "--flat-frames",
            paramLabel = "N",
            defaultValue = "100000",
            description =
                    "Frames one stream is stepped for the flat-cost check (default ${DEFAULT-VALUE}).")
    int flatFrames;

    @Option(
            names = "--transformer",
            paramLabel = "FILE",
            description =
                    "Baseline graph; default: exported to target/bench/ with python3 + torch, or"
                            + " skipped when they are missing.")
    Path transformer;

    @Option(
            names = "--encoder-batches",
            paramLabel = "B",
            split = ",",
            defaultValue = "1,16,64",
            description =
                    "Encoder batch sizes to time (default ${DEFAULT-VALUE}; 1,8,32 suits a"
                            + " detector backbone).")
    List<Integer> encoderBatches;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the report here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (threads < 0
                || flatFrames < 2000
                || encoderBatches.isEmpty()
                || encoderBatches.stream().anyMatch(b -> b < 1)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--threads must be ≥ 0, --flat-frames ≥ 2000 and --encoder-batches ≥ 1");
        }
        OnnxRuntimeInit.ensure();
        Path modelDir = model.dir();
        PrintWriter err = spec.commandLine().getErr();
        String report;
        try (VigilModel m =
                VigilModel.load(modelDir, ModelOptions.defaults().withIntraOpThreads(threads))) {
            Path baseline = transformer != null ? transformer : exportBaseline(m, err);
            err.println("measuring (a few minutes)...");
            err.flush();
            report =
                    new ModelBenchmark(
                                    m,
                                    baseline,
                                    flatFrames,
                                    encoderBatches.stream().mapToInt(Integer::intValue).toArray())
                            .run();
        } catch (ModelException e) {
            throw new CliException(e.getMessage());
        }
        String text =
                report
                        + String.format(
                                Locale.ROOT,
                                "%n%d intra-op thread(s), %d cores, Java %s.%n",
                                threads,
                                Runtime.getRuntime().availableProcessors(),
                                System.getProperty("java.version"));
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        if (this.out != null) {
            Files.writeString(this.out, text);
        }
        return 0;
    }

    /** Exports the same-width transformer with the toolkit's script; null when that cannot run. */
    private static Path exportBaseline(VigilModel m, PrintWriter err)
            throws IOException, InterruptedException {
        Path script = VigilHome.resolve("models/train/bench/baseline_transformer.py");
        Path target = VigilHome.resolve("jobs/target/bench/transformer_step.onnx");
        Files.createDirectories(target.getParent());
        var mamba = m.manifest().mamba();
        Process p =
                new ProcessBuilder(
                                "python3",
                                script.toString(),
                                "--d-model",
                                Integer.toString(mamba.dModel()),
                                "--layers",
                                Integer.toString(mamba.layers()),
                                "--out",
                                target.toString())
                        .redirectErrorStream(true)
                        .start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            err.println("no transformer baseline (python3 with torch needed): " + log.strip());
            return null;
        }
        return target;
    }
}
