package io.vigil.models.video;

import java.util.Arrays;

/**
 * The lead frame of a stream's next sample, taken at the end of one chunk while its sample lies in
 * a later chunk: kept with the stream's {@link FrameSampler} (and in Flink keyed state), so that
 * where a stream is cut into chunks does not decide which samples see motion. Its pixels are the
 * preprocessed frame quantised back to 8 bits ({@link FramePreprocessor#quantise}): {@code [3, H,
 * W]} bytes, a quarter of the floats, within half a grey level of them.
 *
 * @param ptsMs the lead frame's presentation time, ms of stream media time
 * @param pixels {@code [3, H, W]}, 8 bits per value; not copied, never changed
 */
public record HeldLead(long ptsMs, byte[] pixels) {

    /** The frame at {@code offset} of {@code frames} ({@code [3, H, W]} floats), quantised. */
    static HeldLead of(long ptsMs, float[] frames, int offset, FramePreprocessor preprocessor) {
        return new HeldLead(ptsMs, preprocessor.quantise(frames, offset));
    }

    /** Its pixels back as floats, written at {@code offset} of {@code out}. */
    void into(float[] out, int offset, FramePreprocessor preprocessor) {
        preprocessor.dequantise(pixels, out, offset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeldLead h && h.ptsMs == ptsMs && Arrays.equals(h.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(ptsMs) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "HeldLead[" + ptsMs + " ms, " + pixels.length + " bytes]";
    }
}
