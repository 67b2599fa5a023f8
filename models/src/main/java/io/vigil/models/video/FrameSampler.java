package io.vigil.models.video;

import java.util.Locale;
import java.util.Objects;

/**
 * The contract's sampling rule: the k-th sample (k = 0, 1, ...) is the first frame whose
 * presentation time is {@code >= k * 1000 / sampleFps + leadMs} ms; frames before it are dropped. A
 * frame is taken at most once: after taking a frame at time t, the next threshold is the first
 * {@code k * 1000 / sampleFps + leadMs} strictly after t.
 *
 * <p>With a lead ({@code leadMs > 0}, the manifest's {@code frame.lead_ms}, less than one sample
 * step) the model also sees, beside each sample, the frame {@code leadMs} before it: the lead of
 * the next sample is the first frame whose time is {@code >= next threshold - leadMs}, if it lies
 * at least half the lead before that threshold (so that a lead is never much shorter than the model
 * learnt: a chunk that starts just before a sample gives that sample no lead), taken at most once
 * per sample ({@link #take} says which role a frame plays). The sample times shift by the lead, so
 * that a chunk cut at whole seconds holds each sample's lead too; a new stream's first threshold is
 * {@code leadMs}. Without a lead ({@code leadMs = 0}) the rule is the plain one and no frame is a
 * lead.
 *
 * <p>A small mutable value object: its saved state besides the rate and the lead is {@link
 * #nextSampleMs()} and, when the next sample's lead was taken in a chunk that ended before its
 * sample, that lead's pixels ({@link #heldLead()}, set by {@link ChunkDecoder#sample}); both fit in
 * Flink keyed state ({@link #restore} restores them). So a stream's samples see the same leads
 * however it is cut into chunks. At the start of a chunk ({@link #startChunk()}) the next sample's
 * lead counts as taken only if its pixels are held. Not thread-safe.
 */
public final class FrameSampler {

    /** What a frame is to the sampler. */
    public enum Role {
        /** Not wanted: not decoded. */
        SKIP,
        /** The frame {@code leadMs} before the next sample: decoded and paired with it. */
        LEAD,
        /** A sample. */
        SAMPLE
    }

    private final double sampleFps;
    private final long leadMs;
    private long nextSampleMs;
    private boolean leadTaken; // transient: at a chunk's start, whether heldLead is set
    private HeldLead heldLead; // the next sample's lead, from an earlier chunk; or null

    /** A sampler without a lead at the start of a stream (next sample at 0 ms). */
    public FrameSampler(double sampleFps) {
        this(sampleFps, 0L);
    }

    /** A sampler without a lead restored from its saved {@link #nextSampleMs()}. */
    public FrameSampler(double sampleFps, long nextSampleMs) {
        this(sampleFps, 0L, nextSampleMs);
    }

    private FrameSampler(double sampleFps, long leadMs, long nextSampleMs) {
        if (!(sampleFps > 0) || Double.isInfinite(sampleFps)) {
            throw new IllegalArgumentException("sampleFps must be > 0: " + sampleFps);
        }
        if (leadMs < 0 || (leadMs > 0 && leadMs >= 1000.0 / sampleFps)) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "leadMs must be 0 (no lead) or > 0 and below one sample step, %.1f ms"
                                    + " at %s fps: %d",
                            1000.0 / sampleFps,
                            sampleFps,
                            leadMs));
        }
        this.sampleFps = sampleFps;
        this.leadMs = leadMs;
        this.nextSampleMs = nextSampleMs;
    }

    /**
     * A sampler at the start of a stream: its first threshold is {@code leadMs}.
     *
     * @param leadMs 0 (no lead: as {@link #FrameSampler(double)}) or {@code 0 < leadMs < 1000 /
     *     sampleFps}
     * @throws IllegalArgumentException on a rate {@code <= 0} or a lead out of that range
     */
    public static FrameSampler start(double sampleFps, long leadMs) {
        return new FrameSampler(sampleFps, leadMs, leadMs);
    }

    /**
     * A sampler restored from its saved {@link #nextSampleMs()}, no lead taken yet.
     *
     * @throws IllegalArgumentException as {@link #start}
     */
    public static FrameSampler restore(double sampleFps, long leadMs, long nextSampleMs) {
        return new FrameSampler(sampleFps, leadMs, nextSampleMs);
    }

    /**
     * A sampler restored from its saved {@link #nextSampleMs()} and {@link #heldLead()}.
     *
     * @param held the next sample's lead from an earlier chunk, or null; one that is not in the
     *     next sample's lead window (see the class comment) is dropped
     * @throws IllegalArgumentException as {@link #start}
     */
    public static FrameSampler restore(
            double sampleFps, long leadMs, long nextSampleMs, HeldLead held) {
        FrameSampler s = new FrameSampler(sampleFps, leadMs, nextSampleMs);
        s.hold(held);
        return s;
    }

    /**
     * Whether the frame at {@code ptsMs} is to be decoded (a sample or a lead); see {@link #take}.
     */
    public boolean accept(long ptsMs) {
        return take(ptsMs) != Role.SKIP;
    }

    /**
     * The frame's role: a sample moves past it, a lead is taken once for the next sample. Frames
     * are expected in presentation order.
     */
    public Role take(long ptsMs) {
        if (ptsMs >= nextSampleMs) {
            advancePast(ptsMs);
            leadTaken = false;
            return Role.SAMPLE;
        }
        if (leadMs > 0 && !leadTaken && inLeadWindow(ptsMs)) {
            leadTaken = true;
            return Role.LEAD;
        }
        return Role.SKIP;
    }

    /** Whether a frame at {@code ptsMs} may be the next sample's lead. */
    private boolean inLeadWindow(long ptsMs) {
        return leadMs > 0
                && ptsMs >= nextSampleMs - leadMs
                && ptsMs <= nextSampleMs - (leadMs + 1) / 2;
    }

    private void advancePast(long ptsMs) {
        // smallest k with k * 1000 / fps + lead > ptsMs
        long k = (long) Math.floor((ptsMs - leadMs) * sampleFps / 1000.0) + 1;
        long next = thresholdMs(k);
        while (next <= ptsMs) {
            next = thresholdMs(++k);
        }
        while (k > 1 && thresholdMs(k - 1) > ptsMs) {
            next = thresholdMs(--k);
        }
        nextSampleMs = next;
        heldLead = null;
    }

    /**
     * {@code ceil(k * 1000 / fps) + lead}: a whole-ms pts is {@code >=} the k-th time iff it is
     * {@code >=} this.
     */
    private long thresholdMs(long k) {
        return (long) Math.ceil(k * 1000.0 / sampleFps - 1e-9) + leadMs;
    }

    /**
     * At the start of every chunk (the decoder calls it): the next sample's lead counts as taken
     * only if its pixels are held ({@link #heldLead()}); otherwise the new chunk may give it one.
     */
    public void startChunk() {
        leadTaken = heldLead != null;
    }

    /**
     * Keeps the pixels of the lead taken for the next sample at the end of a chunk (null: none),
     * for the chunk that holds its sample. A lead outside the next sample's lead window is dropped.
     */
    public void hold(HeldLead held) {
        heldLead = held != null && inLeadWindow(held.ptsMs()) ? held : null;
    }

    /** The next sample's lead, taken in an earlier chunk; null when there is none. */
    public HeldLead heldLead() {
        return heldLead;
    }

    /** The earliest pts that will be taken as a sample next. */
    public long nextSampleMs() {
        return nextSampleMs;
    }

    public double sampleFps() {
        return sampleFps;
    }

    /** How long before each sample its lead frame is; 0 when there is none. */
    public long leadMs() {
        return leadMs;
    }

    /** A copy, its lead taken or not as this one's. */
    public FrameSampler copy() {
        FrameSampler c = new FrameSampler(sampleFps, leadMs, nextSampleMs);
        c.leadTaken = leadTaken;
        c.heldLead = heldLead;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameSampler s
                && s.sampleFps == sampleFps
                && s.leadMs == leadMs
                && s.nextSampleMs == nextSampleMs
                && s.leadTaken == leadTaken
                && Objects.equals(s.heldLead, heldLead);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sampleFps, leadMs, nextSampleMs, leadTaken, heldLead);
    }

    @Override
    public String toString() {
        return leadMs == 0
                ? "FrameSampler[" + sampleFps + " fps, next at " + nextSampleMs + " ms]"
                : "FrameSampler["
                        + sampleFps
                        + " fps, lead "
                        + leadMs
                        + " ms, next at "
                        + nextSampleMs
                        + " ms"
                        + (leadTaken ? ", lead taken" : "")
                        + (heldLead != null ? ", lead held at " + heldLead.ptsMs() + " ms" : "")
                        + "]";
    }
}
