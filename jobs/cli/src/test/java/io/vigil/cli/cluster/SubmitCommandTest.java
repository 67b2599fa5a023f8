package io.vigil.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.VigilCommand;
import io.vigil.cli.common.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code vigil submit}'s usage mistakes are one line each, before anything is contacted. */
class SubmitCommandTest {

    private final StringWriter err = new StringWriter();

    private int vigil(String... args) {
        return VigilCommand.commandLine(
                        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void aRestEndpointWithoutAPortIsAUsageError() {
        assertThat(vigil("submit", "--rest", "jobmanager", "--model-path", "/m"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("--rest must be http://HOST:PORT, got 'jobmanager'");
    }

    @Test
    void aSettingOutsideTheJobsOptionsIsAUsageError() {
        int code =
                vigil(
                        "submit",
                        "--rest",
                        "http://localhost:8081",
                        "--model-path",
                        "/m",
                        "--bootstrap",
                        "localhost:1",
                        "--set",
                        "taskmanager.memory.process.size=1g");
        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString())
                .contains(
                        "--set takes vigil.*, execution.* or pipeline.* keys, got 'taskmanager.memory.process.size'");
    }

    @Test
    void theModelPathIsRequired() {
        assertThat(vigil("submit", "--rest", "http://localhost:8081")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("--model-path");
    }
}
