package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FramePreprocessorTest {
    static final float[] MEAN = {0.5f, 0.4f, 0.3f};
    static final float[] STD = {0.25f, 0.2f, 0.1f};

    static float norm(double v, int c) {
        return (float) ((v / 255.0 - MEAN[c]) / STD[c]);
    }

    @Test
    void sameSizeIsJustNormalisationInChannelPlanes() {
        FramePreprocessor p = new FramePreprocessor(2, 3, MEAN, STD);
        byte[] rgb = new byte[2 * 3 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 14);
        }
        float[] out = p.preprocess(rgb, 3, 2);
        assertThat(out).hasSize(3 * 2 * 3);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    int v = rgb[3 * (y * 3 + x) + c] & 0xff;
                    assertThat(out[c * 6 + y * 3 + x]).isCloseTo(norm(v, c), within(1e-6f));
                }
            }
        }
    }

    @Test
    void boxResizeAveragesTheContractsWindows() {
        // 5x3 source to 2x2: rows [0,1) [1,3) ; cols [0,2) [2,5)
        int ws = 5;
        int hs = 3;
        byte[] rgb = new byte[3 * ws * hs];
        for (int y = 0; y < hs; y++) {
            for (int x = 0; x < ws; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[3 * (y * ws + x) + c] = (byte) (10 * y + 40 * x + c);
                }
            }
        }
        FramePreprocessor p = new FramePreprocessor(2, 2, MEAN, STD);
        float[] out = p.preprocess(rgb, ws, hs);
        int[][] rows = {{0, 1}, {1, 3}};
        int[][] cols = {{0, 2}, {2, 5}};
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    int n = 0;
                    for (int y = rows[oy][0]; y < rows[oy][1]; y++) {
                        for (int x = cols[ox][0]; x < cols[ox][1]; x++) {
                            sum += 10 * y + 40 * x + c;
                            n++;
                        }
                    }
                    assertThat(out[c * 4 + oy * 2 + ox])
                            .as("pixel %d,%d channel %d", oy, ox, c)
                            .isCloseTo(norm(sum / n, c), within(1e-5f));
                }
            }
        }
    }

    @Test
    void upscalingRepeatsSourcePixels() {
        // 1x1 source to 2x2: every window is the one pixel (max(floor, lo + 1))
        FramePreprocessor p = new FramePreprocessor(2, 2, MEAN, STD);
        float[] out = p.preprocess(new byte[] {(byte) 255, 0, (byte) 128}, 1, 1);
        for (int i = 0; i < 4; i++) {
            assertThat(out[i]).isCloseTo(norm(255, 0), within(1e-6f));
            assertThat(out[4 + i]).isCloseTo(norm(0, 1), within(1e-6f));
            assertThat(out[8 + i]).isCloseTo(norm(128, 2), within(1e-6f));
        }
    }

    @Test
    void rgbRowsWithPaddedStrideEqualTightRgb() {
        int w = 7;
        int h = 5;
        int stride = 32; // padded, as FFmpeg does
        byte[] rgb = new byte[3 * w * h];
        ByteBuffer padded = ByteBuffer.allocateDirect(stride * h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    byte v = (byte) (y * 31 + x * 17 + c * 70);
                    rgb[3 * (y * w + x) + c] = v;
                    padded.put(y * stride + 3 * x + c, v);
                }
            }
            padded.put(y * stride + 3 * w, (byte) 99); // padding junk
        }
        FramePreprocessor p = new FramePreprocessor(3, 4, MEAN, STD);
        assertThat(p.preprocess(padded, w, h, stride)).containsExactly(p.preprocess(rgb, w, h));
    }

    @Test
    void equalsTheContractsFormulaBitForBitAcrossSizes() {
        java.util.Random random = new java.util.Random(7);
        int[][] cases = { // source W, H, stride padding, output H, W
            {640, 480, 0, 64, 64},
            {768, 576, 64, 320, 416},
            {33, 17, 5, 64, 64},
            {416, 320, 0, 320, 416}
        };
        for (int[] k : cases) {
            int ws = k[0];
            int hs = k[1];
            int stride = 3 * ws + k[2];
            ByteBuffer frame = ByteBuffer.allocateDirect(stride * hs);
            for (int i = 0; i < stride * hs; i++) {
                frame.put(i, (byte) random.nextInt(256));
            }
            FramePreprocessor p = new FramePreprocessor(k[3], k[4], MEAN, STD);
            float[] once = p.preprocess(frame, ws, hs, stride);
            assertThat(firstDifference(once, formula(frame, ws, hs, stride, k[3], k[4])))
                    .as("first differing value, %dx%d to %dx%d", ws, hs, k[4], k[3])
                    .isEqualTo(-1);
            assertThat(firstDifference(p.preprocess(frame, ws, hs, stride), once))
                    .as("again, with the cached windows")
                    .isEqualTo(-1);
        }
    }

    static int firstDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The contract's box resize, written as its definition reads (one channel at a time). */
    static float[] formula(ByteBuffer rgb, int ws, int hs, int stride, int h, int w) {
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            int y0 = (int) ((long) y * hs / h);
            int y1 = Math.min(hs, Math.max((int) ((long) (y + 1) * hs / h), y0 + 1));
            for (int x = 0; x < w; x++) {
                int x0 = (int) ((long) x * ws / w);
                int x1 = Math.min(ws, Math.max((int) ((long) (x + 1) * ws / w), x0 + 1));
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int sy = y0; sy < y1; sy++) {
                        for (int sx = x0; sx < x1; sx++) {
                            sum += rgb.get(sy * stride + 3 * sx + c) & 0xff;
                        }
                    }
                    float v = (float) (sum / ((y1 - y0) * (x1 - x0)));
                    out[c * h * w + y * w + x] = (v / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }
}
