package io.vigil.models.video;

/**
 * One decoded video frame, owned (copied out of FFmpeg's reused buffer).
 *
 * @param ptsMs presentation time in ms of stream media time: chunk-relative time plus the chunk's
 *     {@code baseMs}
 * @param rgb tightly packed RGB24, {@code [height, width, 3]}
 * @param width pixels
 * @param height pixels
 */
public record DecodedFrame(long ptsMs, byte[] rgb, int width, int height) {
    public DecodedFrame {
        if (rgb.length != 3 * width * height) {
            throw new IllegalArgumentException(
                    "RGB frame " + width + "x" + height + " with " + rgb.length + " bytes");
        }
    }

    @Override
    public String toString() {
        return "DecodedFrame[" + ptsMs + " ms, " + width + "x" + height + "]";
    }
}
