package io.vigil.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.VigilCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil chaos}, bounded: a broker, a JobManager and TaskManagers, each a JVM of its own;
 * TaskManagers killed with SIGKILL twice, a savepoint rescale 1 → 2 → 1 and the whole cluster
 * killed and resumed from its retained checkpoint, while three streams are published; each time the
 * read_committed captions are, record for record, the bare model loop's.
 */
class ChaosCommandITCase {

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyScenarioCommitsWhatAnUninterruptedRunCommits(@TempDir Path work) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                        .execute(
                                "chaos",
                                "--streams",
                                "3",
                                "--seconds",
                                "20",
                                "--kills",
                                "2",
                                "--work",
                                work.toString());
        String report = out + "\n" + err;
        assertThat(out.toString())
                .as(report)
                .containsPattern("tm-kill +[0-9.]+ s  kill -9 a-taskmanager-\\d+ \\(pid \\d+\\)")
                .containsPattern("rescale +[0-9.]+ s  resumed at parallelism 2")
                .containsPattern("rescale +[0-9.]+ s  resumed at parallelism 1")
                .containsPattern(
                        "job-kill +[0-9.]+ s  new cluster resumed the job from .*chk-\\d+");
        assertThat(out.toString().lines().filter(l -> l.contains(" kill -9 a-taskmanager-")))
                .as(report)
                .hasSize(2);
        assertThat(
                        out.toString()
                                .lines()
                                .filter(l -> l.matches("^(tm-kill|rescale|job-kill) +PASS .*")))
                .as(report)
                .hasSize(3)
                .allSatisfy(
                        l ->
                                assertThat(l)
                                        .contains(
                                                " 0 missing, 0 duplicated, 0 unexpected",
                                                " 0 unexplained"));
        assertThat(code).as(report).isZero();
    }
}
