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
 *
 * <p>{@link Fit}: a source whose aspect ratio differs from {@code W/H} by more than the tolerance
 * is either stretched to fill {@code H x W} ({@link Fit#STRETCH}) or box-resized to the largest
 * centred {@code h x w} of its own aspect and padded with black ({@link Fit#PAD}), so that objects
 * keep their shape.
 */
public final class FramePreprocessor {

    /** How a frame of another aspect ratio fills the model's input. */
    public enum Fit {
        STRETCH,
        PAD;

        /** A manifest's {@code frame.fit}: null (stretch), "stretch" or "pad"; else null. */
        public static Fit parse(String name) {
            if (name == null || "stretch".equals(name)) {
                return STRETCH;
            }
            return "pad".equals(name) ? PAD : null;
        }
    }

    /** Relative aspect difference under which {@link Fit#PAD} still stretches (no thin bars). */
    public static final double DEFAULT_FIT_TOLERANCE = 0.05;

    private final int height; // H
    private final int width; // W
    private final float[] mean; // [3], R G B
    private final float[] std; // [3], R G B
    private final Fit fit;
    private final double fitTolerance;
    private volatile Windows lastWindows; // a cache; any thread may replace it
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A preprocessor that stretches every frame to {@code H x W}. */
    public FramePreprocessor(int height, int width, float[] mean, float[] std) {
        this(height, width, mean, std, Fit.STRETCH, DEFAULT_FIT_TOLERANCE);
    }

    /**
     * @param fitTolerance with {@link Fit#PAD}: a source whose aspect ratio is within this relative
     *     difference of {@code W/H} is stretched, not padded; in {@code [0, 1)}
     */
    public FramePreprocessor(
            int height, int width, float[] mean, float[] std, Fit fit, double fitTolerance) {
        if (height <= 0 || width <= 0 || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("need H, W > 0 and 3 means and stds");
        }
        if (fit == null || !(fitTolerance >= 0 && fitTolerance < 1)) {
            throw new IllegalArgumentException(
                    "need a fit and a fit tolerance in [0, 1), got " + fit + ", " + fitTolerance);
        }
        this.height = height;
        this.width = width;
        this.mean = mean.clone();
        this.std = std.clone();
        this.fit = fit;
        this.fitTolerance = fitTolerance;
    }

    public Fit fit() {
        return fit;
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
        checkFits(out.length, offset);
        long needed = (long) stride * (height - 1) + 3L * width;
        if (width <= 0 || height <= 0 || stride < 3 * width || rgb.limit() < needed) {
            throw new IllegalArgumentException(
                    String.format(
                            "RGB frame %dx%d stride %d has %d bytes, needs %d",
                            width, height, stride, rgb.limit(), needed));
        }
        Windows win = windows(width, height);
        Scratch scratch = SCRATCH.get().fit(3 * width, 3 * win.w);
        byte[] row = scratch.row; // one source row, [3 * width]
        int[] acc = scratch.acc; // per content pixel and channel, [3 * w]
        int plane = this.height * this.width;
        if (win.h != this.height || win.w != this.width) { // bars: black, normalised
            for (int c = 0; c < 3; c++) {
                java.util.Arrays.fill(
                        out, offset + c * plane, offset + (c + 1) * plane, -mean[c] / std[c]);
            }
        }
        for (int y = 0; y < win.h; y++) {
            java.util.Arrays.fill(acc, 0, 3 * win.w, 0);
            for (int sy = win.y0[y]; sy < win.y1[y]; sy++) {
                rgb.get(sy * stride, row, 0, 3 * width); // absolute bulk read
                for (int x = 0; x < win.w; x++) {
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
            int base = offset + (win.top + y) * this.width + win.left;
            for (int x = 0; x < win.w; x++) {
                int count = rows * (win.x1[x] - win.x0[x]);
                for (int c = 0; c < 3; c++) {
                    // integer sums are exact, so this is the mean the contract's formula gives
                    float v = (float) ((double) acc[3 * x + c] / count);
                    out[base + c * plane + x] = (v / 255f - mean[c]) / std[c];
                }
            }
        }
    }

    /**
     * A preprocessed frame back to 8-bit values, {@code round(255 * (v * std[c] + mean[c]))}
     * clamped to 0..255: what a {@link HeldLead} keeps, within half a grey level of the floats.
     *
     * @param frame {@code [3, H, W]} floats from {@code offset} on
     * @return {@code [3, H, W]} bytes
     */
    public byte[] quantise(float[] frame, int offset) {
        checkFits(frame.length, offset);
        int plane = height * width;
        byte[] out = new byte[frameSize()];
        for (int c = 0; c < 3; c++) {
            for (int i = c * plane, e = (c + 1) * plane; i < e; i++) {
                long v = Math.round(255.0 * (frame[offset + i] * std[c] + mean[c]));
                out[i] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }

    /**
     * {@link #quantise}'s bytes as the contract's floats, written at {@code offset} of {@code out}.
     */
    public void dequantise(byte[] frame, float[] out, int offset) {
        checkFits(out.length, offset);
        if (frame.length != frameSize()) {
            throw new IllegalArgumentException(
                    String.format(
                            "a [3, %d, %d] frame has %d values, got %d",
                            height, width, frameSize(), frame.length));
        }
        int plane = height * width;
        for (int c = 0; c < 3; c++) {
            for (int i = c * plane, e = (c + 1) * plane; i < e; i++) {
                out[offset + i] = ((frame[i] & 0xff) / 255f - mean[c]) / std[c];
            }
        }
    }

    private void checkFits(int length, int offset) {
        if (offset < 0 || (long) offset + frameSize() > length) {
            throw new IllegalArgumentException(
                    String.format(
                            "a [3, %d, %d] frame at offset %d does not fit %d floats",
                            height, width, offset, length));
        }
    }

    /**
     * Where a {@code srcWidth x srcHeight} frame lands in the model's input: {@code [top, left, h,
     * w]}, the whole {@code H x W} unless {@link Fit#PAD} pads it.
     */
    public int[] contentBox(int srcWidth, int srcHeight) {
        int h = this.height;
        int w = this.width;
        double ratio = ((double) srcWidth / srcHeight) / ((double) this.width / this.height);
        if (fit == Fit.PAD && Math.abs(ratio - 1) > fitTolerance) {
            if (ratio > 1) {
                h = Math.max(1, (int) Math.round(this.height / ratio));
            } else {
                w = Math.max(1, (int) Math.round(this.width * ratio));
            }
        }
        return new int[] {(this.height - h) / 2, (this.width - w) / 2, h, w};
    }

    /** The box windows for a source size; the last one is kept (a stream's size rarely changes). */
    private Windows windows(int srcWidth, int srcHeight) {
        Windows w = lastWindows;
        if (w == null || w.srcWidth != srcWidth || w.srcHeight != srcHeight) {
            w = new Windows(srcWidth, srcHeight, contentBox(srcWidth, srcHeight));
            lastWindows = w;
        }
        return w;
    }

    /**
     * The content box ({@code h x w} at {@code top, left}) and the source rows {@code [y0[y],
     * y1[y])} and columns {@code [x0[x], x1[x])} of each of its pixels.
     */
    private static final class Windows {
        final int srcWidth;
        final int srcHeight;
        final int top;
        final int left;
        final int h;
        final int w;
        final int[] y0;
        final int[] y1;
        final int[] x0;
        final int[] x1;

        Windows(int srcWidth, int srcHeight, int[] box) {
            this.srcWidth = srcWidth;
            this.srcHeight = srcHeight;
            top = box[0];
            left = box[1];
            h = box[2];
            w = box[3];
            y0 = new int[h];
            y1 = new int[h];
            x0 = new int[w];
            x1 = new int[w];
            bounds(srcHeight, h, y0, y1);
            bounds(srcWidth, w, x0, x1);
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
