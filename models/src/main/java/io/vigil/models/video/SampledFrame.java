package io.vigil.models.video;

/**
 * A frame the sampler kept, preprocessed for the model.
 *
 * @param ptsMs presentation time in ms of stream media time
 * @param pixels {@code [3, H, W]}, from {@link FramePreprocessor}
 */
public record SampledFrame(long ptsMs, float[] pixels) {
    @Override
    public String toString() {
        return "SampledFrame[" + ptsMs + " ms, " + pixels.length + " floats]";
    }
}
