package io.vigil.cli.eval;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.VigilHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python scene generator, {@code python3 -m vigil_scenes.gen}, with {@code models/train}
 * as working directory and {@code PYTHONPATH}.
 */
public final class SceneGenerator {
    private static final long TIMEOUT_MINUTES = 30;

    private final Path trainDir;
    private final String python;

    public SceneGenerator(Path trainDir, String python) {
        this.trainDir = trainDir;
        this.python = python;
    }

    /** {@code models/train} under the repository root, {@code python3} (or $VIGIL_PYTHON). */
    public static SceneGenerator locate() {
        Path train = VigilHome.resolve("models/train");
        String py = System.getenv().getOrDefault("VIGIL_PYTHON", "python3");
        return new SceneGenerator(train, py);
    }

    /** Whether python3 with numpy and the generator are here (no exception, for fallbacks). */
    public boolean available() {
        try {
            check();
            return true;
        } catch (CliException e) {
            return false;
        }
    }

    /**
     * @throws CliException naming what is missing: python3, numpy or the generator
     */
    public void check() {
        if (!Files.isRegularFile(trainDir.resolve("vigil_scenes").resolve("gen.py"))) {
            throw new CliException(
                    "the scene generator is not at "
                            + trainDir
                            + "/vigil_scenes/gen.py (run from the vigil repository)");
        }
        Result r;
        try {
            r = run(List.of(python, "-c", "import numpy"), 60);
        } catch (IOException e) {
            throw new CliException(
                    python + " is not installed; the scene generator needs python3 with numpy");
        }
        if (r.code != 0) {
            throw new CliException(
                    python
                            + " has no numpy; install it with: pip install -r "
                            + trainDir.resolve("requirements-gen.txt"));
        }
    }

    /** Generates {@code videos} scenes of {@code samples} 1-fps samples into {@code out}. */
    public void generate(long seed, int videos, int samples, int fps, Path out) {
        check();
        List<String> cmd = new ArrayList<>();
        cmd.addAll(List.of(python, "-m", "vigil_scenes.gen"));
        cmd.addAll(List.of("--seed", Long.toString(seed)));
        cmd.addAll(List.of("--videos", Integer.toString(videos)));
        cmd.addAll(List.of("--frames", Integer.toString(samples)));
        cmd.addAll(List.of("--fps", Integer.toString(fps)));
        cmd.addAll(List.of("--out", out.toAbsolutePath().toString()));
        Result r;
        try {
            r = run(cmd, TIMEOUT_MINUTES * 60);
        } catch (IOException e) {
            throw new CliException("cannot run " + python + ": " + e.getMessage(), e);
        }
        if (r.code != 0) {
            String[] lines = r.output.strip().split("\n");
            throw new CliException(
                    "the scene generator failed (exit " + r.code + "): " + lines[lines.length - 1]);
        }
    }

    private record Result(int code, String output) {}

    private Result run(List<String> cmd, long timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(trainDir.toFile());
        pb.redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", trainDir.toAbsolutePath().toString());
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CliException(
                        "the scene generator took longer than " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while generating scenes");
        }
    }
}
