package io.vigil.cli.demo;

import io.vigil.cli.common.ModelDirOption;
import io.vigil.cli.common.OnnxRuntimeInit;
import io.vigil.cli.common.VigilHome;
import io.vigil.models.video.FfmpegLogLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vigil demo}: everything on this machine, for a first look. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        header = "Run everything locally on sample videos and print captions and answers.",
        description = {
            "Start an embedded Kafka broker and a local Flink cluster running the understand job",
            "with the shipped model, ingest sample videos (generated scenes, vtest.avi when",
            "installed), ask a few questions, print captions and answers as they arrive, then",
            "stop and clean up (Ctrl-C too)."
        },
        footer = {"", "Example:", "  vigil demo --duration 60 --no-vtest"})
public final class DemoCommand implements Callable<Integer> {
    /** Exit code after Ctrl-C (128 + SIGINT), as shells expect. */
    static final int INTERRUPTED = 130;

    @Spec CommandSpec spec;

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "Stop after this long at the latest (default ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--no-vtest", description = "Leave out vtest.avi (real walkway footage).")
    boolean noVtest;

    @Mixin ModelDirOption model;

    @Option(
            names = "--real-model",
            paramLabel = "DIR",
            defaultValue = "models/vigil-cam",
            description =
                    "Model for the real footage, run as a second job (default ${DEFAULT-VALUE};"
                            + " when absent, the scene model watches it too).")
    Path realModel;

    @Option(
            names = "--scenes",
            paramLabel = "N",
            defaultValue = "2",
            description = "Generated scene videos (default ${DEFAULT-VALUE}).")
    int scenes;

    @Option(
            names = "--scene-seconds",
            paramLabel = "S",
            defaultValue = "24",
            description = "Length of each generated scene (default ${DEFAULT-VALUE}).")
    int sceneSeconds;

    @Option(
            names = "--tmp-dir",
            paramLabel = "DIR",
            description = "Where the demo's temporary folder goes (default: the system's).")
    Path tmpDir;

    @Override
    public Integer call() throws Exception {
        if (durationSeconds < 5 || scenes < 0 || sceneSeconds < 2) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--duration must be ≥ 5, --scenes ≥ 0, --scene-seconds ≥ 2");
        }
        FfmpegLogLevel.atMostErrors();
        OnnxRuntimeInit.ensure();
        Path modelDir = model.dir();
        DemoRunner.Settings settings =
                new DemoRunner.Settings(
                        modelDir,
                        realModel.isAbsolute()
                                ? realModel
                                : VigilHome.resolve(realModel.toString()),
                        Duration.ofSeconds(durationSeconds),
                        !noVtest,
                        scenes,
                        sceneSeconds,
                        Duration.ofSeconds(2),
                        tmpDir);
        DemoRunner runner = new DemoRunner(settings, spec.commandLine().getOut());
        Thread hook = new Thread(runner::close, "vigil-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runner.run();
        } catch (Exception e) {
            if (runner.closed()) {
                return INTERRUPTED; // Ctrl-C: the hook stopped everything under our feet
            }
            throw e;
        } finally {
            runner.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook does the cleanup
            }
        }
        return 0;
    }
}
