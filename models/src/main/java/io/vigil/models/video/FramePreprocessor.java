package io.vigil.models.video;

import java.nio.ByteBuffer;

/**
 * The contract's frame preprocessing: box resize of RGB bytes to the model's {@code H x W}, then
 * {@code (value / 255 - mean[c]) / std[c]}, laid out {@code [3, H, W]}, channels R, G, B. Immutable
 * and thread-safe. A model's own is {@code Manifest.preprocessor()}.
 *
 * <p>Box resize: output pixel {@code (y, x)} is the mean of source rows {@code [floor(y*Hs/H),
 * max(floor((y+1)*Hs/H), floor(y*Hs/H)+1))} and the same for columns.
 */
public final class FramePreprocessor {

    private final int height; // H
    private final int width; // W
    private final float[] mean; // [3], R G B
    private final float[] std; // [3], R G B

    public FramePreprocessor(int height, int width, float[] mean, float[] std) {
        if (height <= 0 || width <= 0 || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("need H, W > 0 and 3 means and stds");
        }
        this.height = height;
        this.width = width;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Floats in one preprocessed frame: {@code 3 * H * W}. */
    public int frameSize() {
        return 3 * height * width;
    }

    /**
     * @param rgb tightly packed RGB24, {@code [height, width, 3]}
     * @return {@code [3, H, W]}
     */
    public float[] preprocess(byte[] rgb, int width, int height) {
        if (width <= 0 || height <= 0 || rgb.length < 3L * width * height) {
            throw new IllegalArgumentException(
                    String.format(
                            "RGB frame of %dx%d needs %d bytes, got %d",
                            width, height, 3L * width * height, rgb.length));
        }
        return preprocess(ByteBuffer.wrap(rgb), width, height, 3 * width);
    }

    /**
     * Packed RGB24 rows of {@code stride} bytes each (FFmpeg pads rows), read in place: a frame
     * still in FFmpeg's memory is never copied whole into Java.
     *
     * @param rgb row y, pixel x, channel c at {@code y * stride + 3 * x + c} (absolute indices)
     * @return {@code [3, H, W]}
     */
    public float[] preprocess(ByteBuffer rgb, int width, int height, int stride) {
        long needed = (long) stride * (height - 1) + 3L * width;
        if (width <= 0 || height <= 0 || stride < 3 * width || rgb.limit() < needed) {
            throw new IllegalArgumentException(
                    String.format(
                            "RGB frame %dx%d stride %d has %d bytes, needs %d",
                            width, height, stride, rgb.limit(), needed));
        }
        int[] y0 = new int[this.height];
        int[] y1 = new int[this.height];
        int[] x0 = new int[this.width];
        int[] x1 = new int[this.width];
        bounds(height, this.height, y0, y1);
        bounds(width, this.width, x0, x1);
        float[] out = new float[frameSize()]; // [3, H, W]
        int plane = this.height * this.width;
        for (int y = 0; y < this.height; y++) {
            for (int x = 0; x < this.width; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int sy = y0[y]; sy < y1[y]; sy++) {
                        int row = sy * stride + c;
                        for (int sx = x0[x]; sx < x1[x]; sx++) {
                            sum += rgb.get(row + 3 * sx) & 0xff;
                        }
                    }
                    float v = (float) (sum / ((y1[y] - y0[y]) * (x1[x] - x0[x])));
                    out[c * plane + y * this.width + x] = (v / 255f - mean[c]) / std[c];
                }
            }
        }
        return out;
    }

    private static void bounds(int src, int dst, int[] lo, int[] hi) {
        for (int i = 0; i < dst; i++) {
            int a = (int) ((long) i * src / dst);
            int e = (int) ((long) (i + 1) * src / dst);
            lo[i] = a;
            hi[i] = Math.min(src, Math.max(e, a + 1));
        }
    }
}
