package io.vigil.models.video;

import java.util.ArrayList;
import java.util.List;

/** Synthetic RGB frames with content that H.264 keeps well: smooth gradients and a moving box. */
final class TestClips {
    private TestClips() {}

    /** Frame i: a gradient background and a bright square moving right, [h, w, 3]. */
    static byte[] frame(int i, int w, int h) {
        byte[] rgb = new byte[3 * w * h];
        int box = Math.max(4, w / 8);
        int bx = (i * 3) % Math.max(1, w - box);
        int by = h / 3;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = 3 * (y * w + x);
                boolean in = x >= bx && x < bx + box && y >= by && y < by + box;
                rgb[p] = (byte) (in ? 230 : 40 + 120 * x / w);
                rgb[p + 1] = (byte) (in ? 60 : 50 + 100 * y / h);
                rgb[p + 2] = (byte) (in ? 20 : 90 + (i * 5) % 60);
            }
        }
        return rgb;
    }

    static List<byte[]> frames(int n, int w, int h) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(frame(i, w, h));
        }
        return out;
    }

    static double meanAbsError(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / a.length;
    }
}
