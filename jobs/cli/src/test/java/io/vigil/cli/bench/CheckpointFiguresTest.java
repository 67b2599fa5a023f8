package io.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.junit.jupiter.api.Test;

/** The bench's checkpoint columns: means over completed checkpoints, MB, none completed. */
class CheckpointFiguresTest {

    @Test
    void meansAreOverTheCompletedCheckpoints() {
        // 4 checkpoints: full sizes 10, 20, 30, 40 MB; uploaded 10, 2, 2, 2 MB (incremental);
        // 100, 200, 300, 400 ms
        CheckpointFigures f =
                new CheckpointFigures(
                        4, 40_000_000L, 2_000_000L, 100_000_000L, 16_000_000L, 10_000_000L, 1000);
        assertThat(f.meanStateBytes()).isEqualTo(25_000_000.0);
        assertThat(f.meanCheckpointedBytes()).isEqualTo(4_000_000.0);
        assertThat(f.meanDurationMs()).isEqualTo(250.0);
        assertThat(f.cells()).isEqualTo("4 | 40.0 | 25.0 | 2.0 | 4.0 | 10.0 | 250");
    }

    @Test
    void cellsMatchTheHeader() {
        CheckpointFigures f =
                new CheckpointFigures(3, 72_150_000L, 72_150_000L, 300_000L, 1L, 72_150_000L, 3);
        assertThat(f.cells().split("\\|")).hasSameSizeAs(CheckpointFigures.HEADER.split("\\|"));
        assertThat(f.cells()).isEqualTo("3 | 72.2 | 0.1 | 72.2 | 0.0 | 72.2 | 1");
    }

    @Test
    void noCompletedCheckpointShowsDashes() {
        assertThat(CheckpointFigures.NONE.meanCheckpointedBytes()).isZero();
        assertThat(CheckpointFigures.NONE.cells()).isEqualTo("0 | - | - | - | - | - | -");
        assertThat(CheckpointFigures.of(CheckpointStatsSnapshot.empty()))
                .isEqualTo(CheckpointFigures.NONE);
    }
}
