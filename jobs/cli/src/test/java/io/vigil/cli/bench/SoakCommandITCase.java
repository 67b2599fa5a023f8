package io.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.VigilCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil soak}, bounded: two looping streams through the real pipeline for half a minute;
 * every sample row is there with real figures, captions were committed, nothing was dead-lettered,
 * and the run ends with a verdict (the figures themselves are in docs/benchmarks.md).
 */
class SoakCommandITCase {

    @Test
    @Timeout(240)
    void aShortSoakSamplesEveryPeriodAndJudges(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path table = tmp.resolve("soak.md");
        int code =
                VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                        .execute(
                                "soak",
                                "--streams",
                                "2",
                                "--minutes",
                                "0.6",
                                "--sample-seconds",
                                "6",
                                "--checkpoint-interval",
                                "2",
                                "--out",
                                table.toString());
        assertThat(code).as(out + "\n" + err).isIn(0, 1);
        List<String> rows =
                out.toString().lines().filter(l -> l.matches("\\| [0-9.]+ \\|.*")).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(5);
        String[] last = rows.get(rows.size() - 1).split("\\|");
        assertThat(Double.parseDouble(last[2].strip())).as("live heap MB").isPositive();
        assertThat(Long.parseLong(last[7].strip())).as("captions").isPositive();
        assertThat(Long.parseLong(last[8].strip())).as("dead letters").isZero();
        assertThat(Double.parseDouble(last[5].strip())).as("checkpoint MB").isPositive();
        assertThat(out.toString()).containsPattern("(?m)^(flat|NOT flat): first vs last quarter");
        assertThat(Files.readString(table)).contains(rows.get(0));
    }
}
