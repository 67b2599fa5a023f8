package io.vigil.cli.common;

import io.vigil.jobs.understand.UnderstandJobOptions;
import picocli.CommandLine.Option;

/**
 * {@code --history-segments N}, shared by the commands that start the job (a picocli mixin): how
 * many past memories it keeps per stream for questions asked as of a past time.
 */
public final class HistoryOption {
    @Option(
            names = "--history-segments",
            paramLabel = "N",
            description =
                    "Keep each stream's memory at its last N segment ends, to answer questions as"
                            + " of a past time (vigil ask --as-of; vigil.memory.history-segments;"
                            + " default 0: none).")
    int segments = UnderstandJobOptions.HISTORY_SEGMENTS.defaultValue();

    /** The number given (≥ 0 when the command validated it), else the job's default. */
    public int segments() {
        return segments;
    }
}
