package io.vigil.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.cli.VigilCommand;
import io.vigil.cli.common.VigilHome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The walkway (Debian opencv-doc's vtest.avi), its by-eye reference and the real-scene model. */
final class Walkway {
    static final Path REFERENCE = VigilHome.resolve("models/reference/vtest.json");

    /** The shipped real-scene model, or the folder {@code -Dvigil.realModel=DIR} names. */
    static final Path MODEL =
            System.getProperty("vigil.realModel") != null
                    ? Path.of(System.getProperty("vigil.realModel"))
                    : VigilHome.resolve("models/vigil-cam");

    private Walkway() {}

    /** The by-eye reference of the walkway; the test is skipped where opencv-doc is missing. */
    static RealReference reference() {
        RealReference ref = RealReference.read(REFERENCE);
        assumeTrue(Files.isReadable(ref.video()), "vtest.avi (Debian opencv-doc) is not installed");
        return ref;
    }

    /**
     * {@code vigil eval --model MODEL --real REFERENCE}: its closing JSON line; the rest in out.
     */
    static JsonNode evalReal(Path model, Path referenceFile, StringWriter out) throws Exception {
        StringWriter err = new StringWriter();
        int code =
                VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                        .execute(
                                "eval",
                                "--model",
                                model.toString(),
                                "--real",
                                referenceFile.toString());
        assertThat(code).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    /** Runs the ffmpeg command line with these arguments; fails the test with its output. */
    static void ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
