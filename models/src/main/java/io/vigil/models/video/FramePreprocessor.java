package io.vigil.models.video;

import java.nio.ByteBuffer;

/**
 * The contract's frame preprocessing: box resize of RGB bytes to the model's {@code H x W}, then
 * {@code (value / 255 - mean[c]) / std[c]}, laid out {@code [3, H, W]}, channels R, G, B.
 * Thread-safe: its settings are immutable, and it reads each source row once in bulk, summing the
 * three channels in one pass (per-thread buffers; a frame allocates only its output). A model's own
 * is {@code Manifest.preprocessor()}.
 *
 * <p>Box resize: output pixel {@code (y, x)} is the mean of source rows {@code [floor(y*Hs/H),
 * max(floor((y+1)*Hs/H), floor(y*Hs/H)+1))} and the same for columns.
 */
public final class FramePreprocessor {

    private final int height; // H
    private final int width; // W
    private final float[] mean; // [3], R G B
    private final float[] std; // [3], R G B
    private volatile Windows lastWindows; // a cache; any thread may replace it
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
        float[] out = new float[frameSize()]; // [3, H, W]
        preprocess(rgb, width, height, stride, out, 0);
        return out;
    }

    /**
     * As {@link #preprocess(ByteBuffer, int, int, int)}, written into {@code out} from {@code
     * offset} on ({@link #frameSize()} floats, {@code [3, H, W]}): a frame and its lead go into one
     * {@code [6, H, W]} array without a copy.
     */
    public void preprocess(
            ByteBuffer rgb, int width, int height, int stride, float[] out, int offset) {
        if (offset < 0 || (long) offset + frameSize() > out.length) {
            throw new IllegalArgumentException(
                    String.format(
                            "a [3, %d, %d] frame at offset %d does not fit %d floats",
                            this.height, this.width, offset, out.length));
        }
        long needed = (long) stride * (height - 1) + 3L * width;
        if (width <= 0 || height <= 0 || stride < 3 * width || rgb.limit() < needed) {
            throw new IllegalArgumentException(
                    String.format(
                            "RGB frame %dx%d stride %d has %d bytes, needs %d",
                            width, height, stride, rgb.limit(), needed));
        }
        Windows win = windows(width, height);
        Scratch scratch = SCRATCH.get().fit(3 * width, 3 * this.width);
        byte[] row = scratch.row; // one source row, [3 * width]
        int[] acc = scratch.acc; // per output pixel and channel, [3 * W]
        int plane = this.height * this.width;
        for (int y = 0; y < this.height; y++) {
            java.util.Arrays.fill(acc, 0, 3 * this.width, 0);
            for (int sy = win.y0[y]; sy < win.y1[y]; sy++) {
                rgb.get(sy * stride, row, 0, 3 * width); // absolute bulk read
                for (int x = 0; x < this.width; x++) {
                    int r = 0;
                    int g = 0;
                    int b = 0;
                    for (int i = 3 * win.x0[x], e = 3 * win.x1[x]; i < e; i += 3) {
                        r += row[i] & 0xff;
                        g += row[i + 1] & 0xff;
                        b += row[i + 2] & 0xff;
                    }
                    acc[3 * x] += r;
                    acc[3 * x + 1] += g;
                    acc[3 * x + 2] += b;
                }
            }
            int rows = win.y1[y] - win.y0[y];
            for (int x = 0; x < this.width; x++) {
                int count = rows * (win.x1[x] - win.x0[x]);
                for (int c = 0; c < 3; c++) {
                    // integer sums are exact, so this is the mean the contract's formula gives
                    float v = (float) ((double) acc[3 * x + c] / count);
                    out[offset + c * plane + y * this.width + x] = (v / 255f - mean[c]) / std[c];
                }
            }
        }
    }

    /** The box windows for a source size; the last one is kept (a stream's size rarely changes). */
    private Windows windows(int srcWidth, int srcHeight) {
        Windows w = lastWindows;
        if (w == null || w.srcWidth != srcWidth || w.srcHeight != srcHeight) {
            w = new Windows(srcWidth, srcHeight, height, width);
            lastWindows = w;
        }
        return w;
    }

    /**
     * Source rows {@code [y0[y], y1[y])} and columns {@code [x0[x], x1[x])} of each output pixel.
     */
    private static final class Windows {
        final int srcWidth;
        final int srcHeight;
        final int[] y0;
        final int[] y1;
        final int[] x0;
        final int[] x1;

        Windows(int srcWidth, int srcHeight, int height, int width) {
            this.srcWidth = srcWidth;
            this.srcHeight = srcHeight;
            y0 = new int[height];
            y1 = new int[height];
            x0 = new int[width];
            x1 = new int[width];
            bounds(srcHeight, height, y0, y1);
            bounds(srcWidth, width, x0, x1);
        }
    }

    /** Per-thread buffers, so that a frame allocates only its output. */
    private static final class Scratch {
        byte[] row = new byte[0];
        int[] acc = new int[0];

        Scratch fit(int rowBytes, int accLength) {
            if (row.length < rowBytes) {
                row = new byte[rowBytes];
            }
            if (acc.length < accLength) {
                acc = new int[accLength];
            }
            return this;
        }
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
