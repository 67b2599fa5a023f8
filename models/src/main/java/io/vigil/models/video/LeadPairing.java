package io.vigil.models.video;

import io.vigil.models.video.ChunkDecoder.FrameCounts;
import io.vigil.models.video.ChunkDecoder.Sampled;
import io.vigil.models.video.FrameSampler.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the frames a sampler-driven decode of one chunk hands over ({@link
 * ChunkDecoder#decodeSampled}) into the model's inputs: each frame is preprocessed straight from
 * FFmpeg's buffer; without a lead every frame is a sample, {@code [3, H, W]}. With a lead ({@link
 * FrameSampler#leadMs()} {@code > 0}) a copy of the sampler, taken before the decode, tells leads
 * from samples (the frames come in presentation order, each lead before its sample), and each
 * sample becomes one {@code [6, H, W]} input: its own 3 channels, then its lead's. A lead whose
 * sample is not in the chunk is handed on ({@link #held()}, kept with the stream's sampler), and
 * the next chunk's first sample is paired with it ({@link FrameSampler#heldLead()}), unless that
 * sample lies more than twice the lead after it (chunks missing, a jump in media time). A sample
 * without a lead (at a stream's start, after such a gap, or where the chunks were decoded without
 * handing leads on) has its own pixels in both halves (no motion) and is counted in {@link
 * Sampled#leadsMissing()}.
 *
 * <p>Used for one chunk; not thread-safe.
 */
public final class LeadPairing implements ChunkDecoder.SampleSink {
    private static final Logger LOG = LoggerFactory.getLogger(LeadPairing.class);

    private final FrameSampler start;
    private final FramePreprocessor preprocessor;
    private final List<SampledFrame> frames = new ArrayList<>();
    private FrameSampler roles;
    private float[] pending; // [6, H, W]: a lead in channels 3..5, waiting for its sample
    private long pendingMs;
    private boolean pendingHeld; // pending came from an earlier chunk
    private int leadsMissing;

    /**
     * @param sampler the sampler the decode will advance, as it is before the decode (copied; not
     *     changed here)
     */
    public LeadPairing(FrameSampler sampler, FramePreprocessor preprocessor) {
        this.start = sampler.copy();
        this.start.startChunk(); // as the decode does
        this.preprocessor = preprocessor;
        restart();
    }

    @Override
    public void accept(long ptsMs, ByteBuffer rgb, int width, int height, int stride) {
        Role role = roles.take(ptsMs);
        if (role == Role.SKIP) {
            throw new IllegalStateException(
                    "the decoder handed over a frame at "
                            + ptsMs
                            + " ms that "
                            + roles
                            + " does not take");
        }
        if (start.leadMs() == 0) {
            frames.add(
                    new SampledFrame(ptsMs, preprocessor.preprocess(rgb, width, height, stride)));
            return;
        }
        int size = preprocessor.frameSize(); // 3 * H * W
        if (role == Role.LEAD) {
            pending = new float[2 * size]; // [6, H, W]
            preprocessor.preprocess(rgb, width, height, stride, pending, size);
            pendingMs = ptsMs;
            return;
        }
        if (pendingHeld && ptsMs - pendingMs > 2 * start.leadMs()) {
            LOG.debug(
                    "the lead held at {} ms is too far before the sample at {} ms; dropped",
                    pendingMs,
                    ptsMs);
            pending = null;
        }
        pendingHeld = false;
        float[] pair = pending != null ? pending : new float[2 * size]; // [6, H, W]
        preprocessor.preprocess(rgb, width, height, stride, pair, 0);
        long leadMs = ptsMs;
        if (pending == null) {
            System.arraycopy(pair, 0, pair, size, size); // the sample stands in for its lead
            leadsMissing++;
        } else {
            leadMs = pendingMs;
        }
        pending = null;
        frames.add(new SampledFrame(ptsMs, pair, leadMs));
    }

    @Override
    public void restart() {
        frames.clear();
        roles = start.copy();
        pending = null;
        pendingHeld = false;
        leadsMissing = 0;
        HeldLead held = start.heldLead();
        if (held != null) {
            int size = preprocessor.frameSize();
            pending = new float[2 * size]; // [6, H, W]: the held lead in channels 3..5
            held.into(pending, size, preprocessor);
            pendingMs = held.ptsMs();
            pendingHeld = true;
        }
    }

    /**
     * The lead whose sample is not in the chunk, for the next chunk: taken at the chunk's end
     * (quantised), or the one held before it when the chunk held no sample at all; null when there
     * is none.
     */
    public HeldLead held() {
        if (pending == null) {
            return null;
        }
        return pendingHeld
                ? start.heldLead()
                : HeldLead.of(pendingMs, pending, preprocessor.frameSize(), preprocessor);
    }

    /** The samples so far, in presentation order. */
    public List<SampledFrame> frames() {
        return frames;
    }

    /** Samples so far without a lead frame. */
    public int leadsMissing() {
        return leadsMissing;
    }

    /**
     * The chunk's result, once the decode is done.
     *
     * @param what the chunk, for the log
     */
    Sampled sampled(FrameCounts counts, String what) {
        if (leadsMissing > 0 && LOG.isDebugEnabled()) {
            LOG.debug(
                    "{}: {} of {} samples had no lead frame {} ms before them (the first at {}"
                            + " ms); each stands in for its own lead",
                    what,
                    leadsMissing,
                    frames.size(),
                    start.leadMs(),
                    frames.stream().filter(f -> f.leadMs() == f.ptsMs()).findFirst().get().ptsMs());
        }
        if (pending != null && pendingHeld) {
            LOG.debug("{}: no sample for the lead held at {} ms; kept", what, pendingMs);
        }
        return new Sampled(frames, counts.inChunk(), counts.decoded(), leadsMissing);
    }
}
