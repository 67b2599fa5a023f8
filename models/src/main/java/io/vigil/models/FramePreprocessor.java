package io.vigil.models;

import java.nio.ByteBuffer;
import org.bytedeco.javacv.Frame;

/**
 * The contract's frame preprocessing: box resize of RGB bytes to the model's {@code H x W}, then
 * {@code (value / 255 - mean[c]) / std[c]}, laid out {@code [3, H, W]}, channels R, G, B. Immutable
 * and thread-safe.
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

    public FramePreprocessor(Manifest m) {
        this(m.frameHeight(), m.frameWidth(), m.mean(), m.std());
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
        return resize(rgb, 0, width, height, 3 * width, 0, 1, 2);
    }

    /**
     * A frame from JavaCV's {@code FFmpegFrameGrabber} in its default pixel format, BGR24 (8-bit, 3
     * channels, B G R order), with any row stride.
     *
     * @return {@code [3, H, W]}
     */
    public float[] preprocess(Frame frame) {
        return preprocess(frame, true);
    }

    /**
     * A packed 8-bit 3-bytes-per-pixel JavaCV frame (BGR24 or RGB24) with any row stride. {@code
     * imageChannels} is not trusted: JavaCV infers it as stride / width, which reads a padded BGR24
     * row as 4 channels.
     *
     * @param bgr true for BGR24 (FFmpeg's default in JavaCV), false for RGB24
     * @return {@code [3, H, W]}
     */
    public float[] preprocess(Frame frame, boolean bgr) {
        if (frame == null || frame.image == null || frame.image.length == 0) {
            throw new IllegalArgumentException("frame has no image");
        }
        if (frame.imageDepth != Frame.DEPTH_UBYTE) {
            throw new IllegalArgumentException(
                    "need an 8-bit frame, got depth " + frame.imageDepth);
        }
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        int stride = frame.imageStride; // in bytes for DEPTH_UBYTE
        ByteBuffer buf = ((ByteBuffer) frame.image[0]).duplicate();
        buf.position(0);
        int needed = stride * (h - 1) + 3 * w;
        if (stride < 3 * w || buf.limit() < needed) {
            throw new IllegalArgumentException(
                    String.format(
                            "frame %dx%d stride %d has %d bytes, needs %d",
                            w, h, stride, buf.limit(), needed));
        }
        byte[] bytes = new byte[needed];
        buf.get(bytes, 0, needed);
        return bgr
                ? resize(bytes, 0, w, h, stride, 2, 1, 0)
                : resize(bytes, 0, w, h, stride, 0, 1, 2);
    }

    /**
     * @param r offset of red inside a pixel, likewise {@code g}, {@code b}
     */
    private float[] resize(
            byte[] src, int offset, int ws, int hs, int stride, int r, int g, int b) {
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        bounds(hs, height, y0, y1);
        bounds(ws, width, x0, x1);
        int[] chOff = {r, g, b};
        float[] out = new float[3 * height * width]; // [3, H, W]
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int sy = y0[y]; sy < y1[y]; sy++) {
                        int row = offset + sy * stride + chOff[c];
                        for (int sx = x0[x]; sx < x1[x]; sx++) {
                            sum += src[row + 3 * sx] & 0xff;
                        }
                    }
                    float v = (float) (sum / ((y1[y] - y0[y]) * (x1[x] - x0[x])));
                    out[c * plane + y * width + x] = (v / 255f - mean[c]) / std[c];
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
