package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.common.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VigilCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "--bogus",
                "frobnicate",
                "ingest",
                "ingest --max-chunk-bytes lots x.mp4",
                "ingest --max-chunk-bytes 10 x.mp4",
                "ask \"what entered first\"",
                "ask --stream cam-1",
                "ask --stream cam-1 --timeout 0 hello",
                "tail",
                "tail cameras",
                "tail captions --min-confidence 1.5",
                "tail deadletter --min-confidence 0.5",
                "eval --videos 0",
                "eval --frames many",
                "bench --streams 0",
                "bench --streams x",
                "bench --state-backend memory",
                "bench --checkpoint-interval 0",
                "bench --clip no-such-clip.ts",
                "bench-decode --rounds 0 x.ts",
                "bench-decode",
                "fuzz-decode --minutes 0",
                "run --checkpoint-interval 0",
                "ingest",
                "ingest --sources list.txt x.ts",
                "demo --duration 1",
                "tail captions --kafka-property security.protocol",
                "ask --stream cam-1 --kafka-property =SASL_SSL hello",
                "ingest --kafka-property a=b --kafka-property noequals x.ts",
                "run --kafka-property sasl.mechanism",
            })
    void commandLineMistakesGiveOneLineAndExitCode2(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.replace("\"", "").split(" ");

        int code = run(args);

        assertThat(code).as(line).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString().strip()).as(line).isNotEmpty().doesNotContain("\n");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aMalformedKafkaPropertyIsNotEchoedItMayBeASecret() {
        int code = run("tail", "captions", "--kafka-property", "sasl.jaas.config:hunter2");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString())
                .contains("--kafka-property #1 is not KEY=VALUE")
                .doesNotContain("hunter2");
    }

    @Test
    void helpListsTheCommands() {
        int code = run("--help");

        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("demo", "ingest", "ask", "tail", "eval", "bench", "bench-decode");
    }

    @Test
    void subcommandHelpWorks() {
        assertThat(run("ingest", "--help")).isZero();
        assertThat(out.toString()).contains("--max-chunk-bytes", "--realtime", "--stream-id");
    }

    @Test
    void expectedFailureIsOneLineAndExitCode1() {
        int code =
                run("ingest", "--no-progress", "--bootstrap", "localhost:1", "/no/such/file.mp4");

        assertThat(code).isEqualTo(ExitCode.FAILURE);
        assertThat(err.toString().strip()).contains("no such video file").doesNotContain("\n");
    }
}
