package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.LongUnaryOperator;
import java.util.stream.IntStream;

/**
 * Which packets of a chunk to decode so that a {@link FrameSampler} gets exactly the frames a full
 * decode would give it, worked out from the demuxed packets alone (their presentation times,
 * keyframe flags and whether each keyframe is an IDR picture), before anything is decoded.
 *
 * <p>The plan predicts the full decode: one frame per packet, output in presentation order, the
 * chunk's time origin at its first packet (a keyframe, displayed first). It runs a copy of the
 * sampler over those frames ({@link FrameSampler#accept}: with a lead, the sampled frames include
 * each sample's lead frame), then picks, per GOP holding a sampled frame, the packets from its
 * keyframe up to the last sampled frame's packet in decode order (a frame's references come before
 * it in decode order, so that prefix decodes the sampled frames exactly). A GOP that is not closed
 * (its keyframe is not an IDR picture, or frames after it in decode order are shown before it, as
 * in an open GOP) also needs the whole GOP before it. The first packet is always decoded: it checks
 * the time origin. Consecutive picks form one {@link Run}, decoded without a restart in between.
 *
 * <p>When the packets do not fit that picture (a packet without pts, pts repeated, decode times out
 * of order, no keyframe first, frames of two GOPs interleaved in display order, a chunk that does
 * not start with a closed GOP, more packets than the frame limit), the plan says why and is not
 * {@link #usable()}: the caller decodes everything. Immutable.
 */
final class SamplePlan {

    /** Packets {@code from} to {@code to} (inclusive, decode order), decoded in one go. */
    record Run(int from, int to, long[] expectedPts) {}

    private final String fallback;
    private final int frames;
    private final List<Run> runs;
    private final long[] sampledPts;
    private final long[] sampledMs;

    private SamplePlan(
            String fallback, int frames, List<Run> runs, long[] sampledPts, long[] sampledMs) {
        this.fallback = fallback;
        this.frames = frames;
        this.runs = runs;
        this.sampledPts = sampledPts;
        this.sampledMs = sampledMs;
    }

    private static SamplePlan fallback(String why) {
        return new SamplePlan(why, 0, List.of(), new long[0], new long[0]);
    }

    /**
     * @param pts presentation times in the stream's time base, decode order
     * @param dts decode times, {@code AV_NOPTS_VALUE} where missing (Matroska leaves some out)
     * @param key the demuxer's keyframe flags
     * @param idr whether the keyframe at an index is an IDR picture (asked only of keyframes)
     * @param toUs a stream timestamp in microseconds, as the decoder converts frame times
     * @param baseMs media time of the chunk's first frame
     * @param sampler the caller's sampler; not changed (a copy runs over the predicted frames)
     * @param maxFrames the decoder's frame limit: more packets than this are decoded in full
     */
    static SamplePlan of(
            long[] pts,
            long[] dts,
            boolean[] key,
            IntPredicate idr,
            LongUnaryOperator toUs,
            long baseMs,
            FrameSampler sampler,
            int maxFrames) {
        int n = pts.length;
        String wrong = checkPackets(pts, dts, key, maxFrames);
        if (wrong != null) {
            return fallback(wrong);
        }
        int[] starts = IntStream.range(0, n).filter(i -> key[i]).toArray();
        int gops = starts.length;
        int[] gopOf = new int[n];
        boolean[] closed = new boolean[gops];
        long previousMax = Long.MIN_VALUE;
        for (int g = 0; g < gops; g++) {
            int from = starts[g];
            int end = g + 1 < gops ? starts[g + 1] : n;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = from; i < end; i++) {
                gopOf[i] = g;
                min = Math.min(min, pts[i]);
                max = Math.max(max, pts[i]);
            }
            if (min <= previousMax) {
                return fallback("frames of GOPs " + (g - 1) + " and " + g + " interleave");
            }
            previousMax = max;
            closed[g] = min == pts[from] && idr.test(from);
        }
        if (!closed[0]) {
            return fallback("the chunk does not start with a closed GOP at an IDR picture");
        }
        // the full decode's frames in output order; the first is packet 0 (checked by run 0)
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingLong(i -> pts[i]));
        long firstUs = toUs.applyAsLong(pts[0]);
        FrameSampler simulated = sampler.copy();
        int[] lastNeeded = new int[gops];
        Arrays.fill(lastNeeded, -1);
        lastNeeded[0] = 0;
        List<Long> keptPts = new ArrayList<>();
        List<Long> keptMs = new ArrayList<>();
        for (int i : order) {
            long ms = baseMs + Math.round((toUs.applyAsLong(pts[i]) - firstUs) / 1000.0);
            if (simulated.accept(ms)) {
                keptPts.add(pts[i]);
                keptMs.add(ms);
                lastNeeded[gopOf[i]] = Math.max(lastNeeded[gopOf[i]], i);
            }
        }
        for (int g = gops - 1; g > 0; g--) {
            if (lastNeeded[g] >= 0 && !closed[g]) {
                lastNeeded[g - 1] = starts[g] - 1; // the whole GOP before it
            }
        }
        return new SamplePlan(
                null, n, runs(pts, starts, lastNeeded), toArray(keptPts), toArray(keptMs));
    }

    /** Why the packets cannot be planned for, or null when they can. */
    private static String checkPackets(long[] pts, long[] dts, boolean[] key, int maxFrames) {
        int n = pts.length;
        if (n == 0) {
            return "no video packets";
        }
        if (n > maxFrames) {
            return n + " packets, more than the frame limit " + maxFrames;
        }
        if (!key[0]) {
            return "the first packet is not a keyframe";
        }
        long lastDts = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            if (pts[i] == AV_NOPTS_VALUE) {
                return "packet " + i + " has no pts";
            }
            if (dts[i] != AV_NOPTS_VALUE) {
                if (dts[i] <= lastDts) {
                    return "decode times go back at packet " + i;
                }
                lastDts = dts[i];
            }
        }
        long[] sorted = pts.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < n; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return "two packets have pts " + sorted[i];
            }
        }
        return null;
    }

    /** One run per stretch of consecutive needed packets. */
    private static List<Run> runs(long[] pts, int[] starts, int[] lastNeeded) {
        List<Run> out = new ArrayList<>();
        int from = -1;
        int to = -1;
        for (int g = 0; g < starts.length; g++) {
            if (lastNeeded[g] < 0) {
                continue;
            }
            if (from >= 0 && to + 1 == starts[g]) {
                to = lastNeeded[g];
            } else {
                if (from >= 0) {
                    out.add(run(pts, from, to));
                }
                from = starts[g];
                to = lastNeeded[g];
            }
        }
        out.add(run(pts, from, to));
        return List.copyOf(out);
    }

    private static Run run(long[] pts, int from, int to) {
        long[] expected = Arrays.copyOfRange(pts, from, to + 1);
        Arrays.sort(expected);
        return new Run(from, to, expected);
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** Whether the plan holds; if not, {@link #fallback()} says why. */
    boolean usable() {
        return fallback == null;
    }

    /** Why the chunk must be decoded in full, or null. */
    String fallback() {
        return fallback;
    }

    /** Frames the full decode is predicted to give: one per packet. */
    int frames() {
        return frames;
    }

    List<Run> runs() {
        return runs;
    }

    /** Packets the plan decodes. */
    int packetsDecoded() {
        return runs.stream().mapToInt(r -> r.to() - r.from() + 1).sum();
    }

    /** Stream pts of the sampled frames, in order. */
    long[] sampledPts() {
        return sampledPts.clone();
    }

    /** Media times of the sampled frames, in order, as the sampler sees them. */
    long[] sampledMs() {
        return sampledMs.clone();
    }
}
