package io.vigil.operators.memory;

import io.vigil.models.StreamState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;

/**
 * A stream's memory as it was at its last {@code segments} segment ends, in keyed map state
 * (segment end ms → state bytes), for questions with {@code asOfMediaMs} in the past.
 */
final class AsOfMemories {
    private final MapState<Long, byte[]> history;
    private final int segments;

    AsOfMemories(MapState<Long, byte[]> history, int segments) {
        this.history = history;
        this.segments = segments;
    }

    /** Keeps the memory at a segment end, dropping the oldest beyond {@code segments}. */
    void remember(long endMs, StreamState state) throws Exception {
        if (segments == 0) {
            return;
        }
        history.put(endMs, state.toBytes());
        List<Long> ends = new ArrayList<>();
        for (Long k : history.keys()) {
            ends.add(k);
        }
        if (ends.size() > segments) {
            Collections.sort(ends);
            for (Long k : ends.subList(0, ends.size() - segments)) {
                history.remove(k);
            }
        }
    }

    /**
     * The memory as of {@code asOfMs} in the past: the one kept at the latest segment end {@code E
     * <= asOfMs + 1} (it holds the frames before E), or null.
     */
    Map.Entry<Long, byte[]> at(long asOfMs) throws Exception {
        Map.Entry<Long, byte[]> best = null;
        for (Map.Entry<Long, byte[]> e : history.entries()) {
            if (e.getKey() <= asOfMs + 1 && (best == null || e.getKey() > best.getKey())) {
                best = e;
            }
        }
        return best;
    }

    /** Why there is no memory as of {@code asOfMs}, as a sentence for the Answer. */
    String whyNone(long asOfMs) throws Exception {
        if (segments == 0) {
            return String.format(
                    "Answers as of a past time (%d ms) are not kept: this job keeps no history of"
                            + " the memory (vigil.memory.history-segments = 0). Ask without"
                            + " asOfMediaMs.",
                    asOfMs);
        }
        long oldest = Long.MAX_VALUE;
        for (Long k : history.keys()) {
            oldest = Math.min(oldest, k);
        }
        return oldest == Long.MAX_VALUE
                ? String.format(
                        "No history of this stream's memory is kept yet (the first is kept at the"
                                + " end of its first segment), so it cannot answer as of %d ms.",
                        asOfMs)
                : String.format(
                        "The memory's history reaches back to %d ms only (the last %d segment"
                                + " ends); it cannot answer as of %d ms.",
                        oldest, segments, asOfMs);
    }
}
