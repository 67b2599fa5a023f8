package io.vigil.models.video;

import java.util.Objects;

/**
 * The contract's sampling rule: the k-th sample (k = 0, 1, ...) is the first frame whose
 * presentation time is {@code >= k * 1000 / sampleFps} ms; frames before it are dropped. A frame is
 * taken at most once: after taking a frame at time t, the next threshold is the first {@code k *
 * 1000 / sampleFps} strictly after t.
 *
 * <p>A small mutable value object: {@link #nextSampleMs()} is all its state besides the rate, so it
 * fits in Flink keyed state ({@code new FrameSampler(fps, savedNextSampleMs)} restores it). Not
 * thread-safe.
 */
public final class FrameSampler {

    private final double sampleFps;
    private long nextSampleMs;

    /** A sampler at the start of a stream (next sample at 0 ms). */
    public FrameSampler(double sampleFps) {
        this(sampleFps, 0L);
    }

    /** A sampler restored from its saved {@link #nextSampleMs()}. */
    public FrameSampler(double sampleFps, long nextSampleMs) {
        if (!(sampleFps > 0) || Double.isInfinite(sampleFps)) {
            throw new IllegalArgumentException("sampleFps must be > 0: " + sampleFps);
        }
        this.sampleFps = sampleFps;
        this.nextSampleMs = nextSampleMs;
    }

    /** Whether the frame at {@code ptsMs} is a sample; if so, moves past it. */
    public boolean accept(long ptsMs) {
        if (ptsMs < nextSampleMs) {
            return false;
        }
        // smallest k with k * 1000 / fps > ptsMs
        long k = (long) Math.floor(ptsMs * sampleFps / 1000.0) + 1;
        long next = thresholdMs(k);
        while (next <= ptsMs) {
            next = thresholdMs(++k);
        }
        while (k > 1 && thresholdMs(k - 1) > ptsMs) {
            next = thresholdMs(--k);
        }
        nextSampleMs = next;
        return true;
    }

    /**
     * {@code ceil(k * 1000 / fps)}: a whole-ms pts is {@code >=} the k-th time iff it is {@code >=}
     * this.
     */
    private long thresholdMs(long k) {
        return (long) Math.ceil(k * 1000.0 / sampleFps - 1e-9);
    }

    /** The earliest pts that will be accepted next. */
    public long nextSampleMs() {
        return nextSampleMs;
    }

    public double sampleFps() {
        return sampleFps;
    }

    public FrameSampler copy() {
        return new FrameSampler(sampleFps, nextSampleMs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameSampler s
                && s.sampleFps == sampleFps
                && s.nextSampleMs == nextSampleMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sampleFps, nextSampleMs);
    }

    @Override
    public String toString() {
        return "FrameSampler[" + sampleFps + " fps, next at " + nextSampleMs + " ms]";
    }
}
