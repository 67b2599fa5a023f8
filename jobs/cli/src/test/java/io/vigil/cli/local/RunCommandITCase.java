package io.vigil.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.VigilCommand;
import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.schemas.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil run} keeps its checkpoints and resumes from the newest one when started again. */
class RunCommandITCase {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        int code =
                VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                        .execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(180)
    void aRestartResumesFromTheNewestRetainedCheckpoint(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, Topics.ALL);
            String[] args = {
                "--bootstrap",
                kafka.bootstrapServers(),
                "--checkpoints",
                tmp.toString(),
                "--checkpoint-interval",
                "1",
                "--duration",
                "8"
            };
            Run first = run(args);
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).contains("fresh start");
            Optional<Path> kept = RunCommand.latestCheckpoint(tmp);
            assertThat(kept).as("a checkpoint kept after the job stopped").isPresent();
            assertThat(kept.get().resolve("_metadata")).isRegularFile();

            Run second = run(args);
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(second.out()).contains("resumed from " + kept.get());
            // the resumed job checkpointed on: a newer checkpoint than the one it resumed from
            assertThat(RunCommand.latestCheckpoint(tmp)).isPresent().get().isNotEqualTo(kept.get());
            assertThat(Files.isDirectory(kept.get())).isTrue();

            Run fresh = run(concat(args, "--fresh"));
            assertThat(fresh.out()).contains("fresh start");
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
