package io.vigil.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.cli.VigilCommand;
import io.vigil.cli.common.CliException;
import io.vigil.cli.common.VigilHome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EvalCommandTest {
    /** The shipped model, or another one with {@code -Dvigil.test.model=DIR}. */
    static Path model() {
        String dir = System.getProperty("vigil.test.model");
        return dir != null ? Path.of(dir) : VigilHome.resolve("models/vigil-tiny");
    }

    private static void assumeGeneratorAndModel() {
        assumeTrue(SceneGenerator.locate().available(), "python3 with numpy is not installed");
        assumeTrue(Files.isRegularFile(model().resolve("manifest.json")), "no model at " + model());
    }

    private record Run(int code, String out, String err) {}

    /** {@code vigil eval} of the test model on 6-sample videos, no progress bar, plus ARGS. */
    private static Run tinyEval(String... args) {
        return eval(
                Stream.concat(
                                Stream.of(
                                        "--model",
                                        model().toString(),
                                        "--frames",
                                        "6",
                                        "--no-progress"),
                                Stream.of(args))
                        .toArray(String[]::new));
    }

    /** {@code vigil eval ARGS}, its exit code and what it printed. */
    private static Run eval(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                        .execute(
                                Stream.concat(Stream.of("eval"), Stream.of(args))
                                        .toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(300)
    void scoresTwoTinyVideosAndEndsWithTheJsonLine() {
        assumeGeneratorAndModel();

        Run r = tinyEval("--videos", "2", "--long-factor", "2", "--seed", "11");

        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        String json = lines[lines.length - 1];
        assertThat(json)
                .matches(
                        "\\{\"caption_exact\":[0-9.]+, \"qa\":[0-9.]+, \"qa_long\":([0-9.]+|null),"
                                + " \"videos\":4, \"frames\":36\\}");
        assertThat(r.out()).contains("caption exact", "qa_long");
    }

    @Test
    @Timeout(300)
    void severalSeedsArePooledWithALinePerSeed() {
        assumeGeneratorAndModel();

        Run r = tinyEval("--videos", "1", "--long-videos", "0", "--seed", "11,12");

        assertThat(r.code()).as(r.err()).isZero();
        String text = r.out();
        assertThat(text).containsPattern("(?m)^seed 11 +caption exact [0-9.]+% \\(\\d+/6");
        assertThat(text).containsPattern("(?m)^seed 12 +caption exact [0-9.]+% \\(\\d+/6");
        assertThat(text).containsPattern("caption exact +[0-9.]+% +\\(\\d+/12\\)");
        assertThat(text.strip()).endsWith("\"videos\":2, \"frames\":12}");
    }

    @Test
    void aRepeatedSeedIsAOneLineError() {
        Run r = eval("--seed", "7,7");

        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--seed needs one or more distinct seeds, got [7, 7]");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void missingPythonIsAOneLineError() {
        SceneGenerator generator =
                new SceneGenerator(VigilHome.resolve("models/train"), "/no/such/python3");

        assertThat(generator.available()).isFalse();
        assertThatThrownBy(generator::check)
                .isInstanceOf(CliException.class)
                .hasMessageContaining("python3 with numpy");
    }

    @Test
    void confidenceAurocCountsRightAboveWrongPairs() {
        EvalScore score = new EvalScore();
        score.caption(true, 0.95f);
        score.caption(true, 0.60f);
        score.caption(false, 0.70f);
        score.caption(false, 0.60f);
        // pairs (right, wrong): 0.95>0.70, 0.95>0.60, 0.60<0.70, 0.60=0.60 (half) -> 2.5 / 4
        assertThat(score.confidenceAuroc()).isEqualTo(0.625);
        assertThat(score.captionsAtLeast(0.9f).total()).isEqualTo(1);
        assertThat(score.captionsAtLeast(0.6f).hits()).isEqualTo(2);
        assertThat(score.captionsAtLeast(0.6f).total()).isEqualTo(4);
        assertThat(score.table()).contains("AUROC 0.625");
        assertThat(new EvalScore().confidenceAuroc()).isNaN();
    }

    @Test
    void scoreJsonHasTheAgreedKeys() {
        EvalScore score = new EvalScore();
        score.caption(true, 0.9f);
        score.caption(false, 0.5f);
        score.question("first", true, false);
        score.question("seen", false, true);
        score.video(false, 10);
        score.video(true, 20);

        assertThat(score.json())
                .isEqualTo(
                        "{\"caption_exact\":0.5000, \"qa\":1.0000, \"qa_long\":0.0000,"
                                + " \"videos\":2, \"frames\":30}");
    }
}
