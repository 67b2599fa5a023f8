package io.vigil.cli.bench;

import java.util.Locale;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStatsSummarySnapshot;

/**
 * A running job's completed checkpoints, from Flink's own statistics (what the REST API serves at
 * {@code /jobs/<id>/checkpoints}): the latest one's full state size ({@code state_size}) and the
 * bytes it wrote ({@code checkpointed_size}: with RocksDB incremental checkpoints only the files
 * the previous checkpoint did not have), and both averaged over every completed checkpoint.
 *
 * @param completed completed checkpoints
 * @param lastStateBytes the latest completed checkpoint's full state size
 * @param lastCheckpointedBytes what the latest completed checkpoint uploaded
 * @param stateBytesSum full state sizes summed over the completed checkpoints
 * @param checkpointedBytesSum uploaded sizes summed over the completed checkpoints
 * @param checkpointedBytesMax the most one completed checkpoint uploaded
 * @param durationMsSum end-to-end durations (trigger to last acknowledgement) summed, ms
 */
record CheckpointFigures(
        long completed,
        long lastStateBytes,
        long lastCheckpointedBytes,
        long stateBytesSum,
        long checkpointedBytesSum,
        long checkpointedBytesMax,
        long durationMsSum) {

    static final CheckpointFigures NONE = new CheckpointFigures(0, 0, 0, 0, 0, 0, 0);

    /** The markdown header cells {@link #cells()} fills, without the outer bars. */
    static final String HEADER =
            "checkpoints | full MB last | full MB mean | uploaded MB last | uploaded MB mean |"
                    + " uploaded MB max | checkpoint ms mean";

    /** Reads the figures out of a job's checkpoint statistics. */
    static CheckpointFigures of(CheckpointStatsSnapshot stats) {
        CompletedCheckpointStats last = stats.getHistory().getLatestCompletedCheckpoint();
        CompletedCheckpointStatsSummarySnapshot summary = stats.getSummaryStats();
        long completed = summary.getStateSizeStats().getCount();
        if (last == null || completed == 0) {
            return NONE;
        }
        return new CheckpointFigures(
                completed,
                last.getStateSize(),
                last.getCheckpointedSize(),
                summary.getStateSizeStats().getSum(),
                summary.getCheckpointedSize().getSum(),
                summary.getCheckpointedSize().getMaximum(),
                summary.getEndToEndDurationStats().getSum());
    }

    /** Mean full state size per completed checkpoint, bytes; 0 without one. */
    double meanStateBytes() {
        return completed == 0 ? 0 : (double) stateBytesSum / completed;
    }

    /** Mean uploaded size per completed checkpoint, bytes; 0 without one. */
    double meanCheckpointedBytes() {
        return completed == 0 ? 0 : (double) checkpointedBytesSum / completed;
    }

    /** Mean end-to-end duration of a completed checkpoint, ms; 0 without one. */
    double meanDurationMs() {
        return completed == 0 ? 0 : (double) durationMsSum / completed;
    }

    /** Table cells matching {@link #HEADER}, in MB (10^6 bytes); "-" where nothing completed. */
    String cells() {
        if (completed == 0) {
            return "0 | - | - | - | - | - | -";
        }
        return String.format(
                Locale.ROOT,
                "%d | %s | %s | %s | %s | %s | %.0f",
                completed,
                mb(lastStateBytes),
                mb(meanStateBytes()),
                mb(lastCheckpointedBytes),
                mb(meanCheckpointedBytes()),
                mb(checkpointedBytesMax),
                meanDurationMs());
    }

    private static String mb(double bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
