package io.vigil.models.video;

/**
 * A frame the sampler kept, preprocessed for the model.
 *
 * @param ptsMs presentation time in ms of stream media time
 * @param pixels {@code [3, H, W]} from {@link FramePreprocessor}; with a lead {@code [6, H, W]}:
 *     the sample's 3 channels, then its lead frame's
 * @param leadMs presentation time of the lead frame; {@code ptsMs} when there is no lead, or when
 *     the sample's lead was not in its chunk (then the sample's own pixels stand in for it)
 */
public record SampledFrame(long ptsMs, float[] pixels, long leadMs) {

    /** A frame without a lead. */
    public SampledFrame(long ptsMs, float[] pixels) {
        this(ptsMs, pixels, ptsMs);
    }

    @Override
    public String toString() {
        return "SampledFrame["
                + ptsMs
                + " ms, "
                + (leadMs != ptsMs ? "lead at " + leadMs + " ms, " : "")
                + pixels.length
                + " floats]";
    }
}
