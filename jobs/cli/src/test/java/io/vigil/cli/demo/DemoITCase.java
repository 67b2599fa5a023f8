package io.vigil.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.cli.VigilCommand;
import io.vigil.cli.common.VigilHome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, end to end, in-process: it must never silently break. */
class DemoITCase {
    static Path model() {
        String dir = System.getProperty("vigil.test.model");
        return dir != null ? Path.of(dir) : VigilHome.resolve("models/vigil-tiny");
    }

    @TempDir Path tmp;

    @Test
    @Timeout(300)
    void demoPrintsCaptionsAndAnswersAndLeavesNothingRunning() throws Exception {
        assumeTrue(Files.isRegularFile(model().resolve("manifest.json")), "no model at " + model());
        Set<Thread> before = nonDaemonThreads();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code =
                VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                        .execute(
                                "demo",
                                "--model",
                                model().toString(),
                                "--duration",
                                "150",
                                "--no-vtest",
                                "--scenes",
                                "1",
                                "--scene-seconds",
                                "8",
                                "--tmp-dir",
                                tmp.toString());

        String printed = out.toString();
        assertThat(code).as(err.toString()).isZero();
        assertThat(printed).containsPattern("(?m)^caption +\\S+ +\\d+:\\d\\d\\.\\d-");
        assertThat(printed).containsPattern("(?m)^answer +\\S+ +Q: .+\\?  A: ");
        assertThat(printed).contains("done: ");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the demo's temp folder is deleted").isEmpty();
        }
        assertThat(lingering(before)).isEmpty();
    }

    /** Non-daemon threads started by the demo and still alive after a grace period. */
    private static Set<String> lingering(Set<Thread> before) throws InterruptedException {
        Set<String> left = Set.of();
        for (int i = 0; i < 100; i++) {
            left =
                    nonDaemonThreads().stream()
                            .filter(t -> !before.contains(t))
                            .map(Thread::getName)
                            .collect(Collectors.toSet());
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        return left;
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }
}
