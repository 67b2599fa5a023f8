package io.vigil.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.jobs.understand.BareModelLoop.Cap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosVerdictTest {
    private static final Cap A = new Cap("cam-1", 0, 4000, "a red car drives left", 4);
    private static final Cap B = new Cap("cam-1", 4000, 8000, "a red car drives left", 8);
    private static final Cap C = new Cap("cam-2", 0, 4000, "a blue person walks up", 4);

    @Test
    void theSameCaptionsInAnotherOrderPass() {
        ChaosVerdict v =
                ChaosVerdict.of(
                        "tm-kill", List.of(A, B, C), List.of(C, B, A), List.of(), List.of(), 1);
        assertThat(v.passed()).isTrue();
        assertThat(v.line()).contains("PASS", "3/3 captions", "0 missing", "0 duplicated");
    }

    @Test
    void aLostADuplicatedAndAWrongCaptionAreEachCounted() {
        Cap wrong = new Cap("cam-2", 0, 4000, "a blue person walks down", 4);
        ChaosVerdict v =
                ChaosVerdict.of(
                        "rescale", List.of(A, B, C), List.of(A, A, wrong), List.of(), List.of(), 1);
        assertThat(v.passed()).isFalse();
        assertThat(v.missing()).isEqualTo(2); // B never came, C came with other words
        assertThat(v.duplicates()).isEqualTo(1);
        assertThat(v.unexpected()).isEqualTo(1);
        assertThat(v.line()).startsWith("rescale   FAIL");
    }

    @Test
    void onlyTheFencedReCommitIsAnExplainedAlarm(@TempDir Path logs) throws Exception {
        Files.writeString(
                logs.resolve("tm-1.log"),
                "12:00 INFO Task - running\n"
                        + "12:01 ERROR KafkaCommitter - Unable to commit transaction (x) because its"
                        + " producer is already fenced. ... this most likely signals data loss\n");
        Files.writeString(
                logs.resolve("jm.log"), "12:02 ERROR Something - records dropped: data loss\n");
        Files.writeString(logs.resolve("rocksdb_LOG"), "data loss (not a .log file)\n");
        List<String> alarms = ChaosVerdict.alarms(logs);
        assertThat(alarms).hasSize(2);
        ChaosVerdict v = ChaosVerdict.of("job-kill", List.of(A), List.of(A), alarms, List.of(), 1);
        assertThat(v.explainedAlarms()).isEqualTo(1);
        assertThat(v.unexplainedAlarms()).singleElement().asString().startsWith("jm.log: ");
        assertThat(v.passed()).as("an unexplained claim of data loss fails the run").isFalse();
    }
}
