package io.vigil.models.video;

import static io.vigil.models.video.FramePreprocessorTest.MEAN;
import static io.vigil.models.video.FramePreprocessorTest.STD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vigil.models.video.FramePreprocessor.Fit;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Fit#PAD}: a frame of another aspect keeps its shape, centred between black bars. */
class FramePreprocessorFitTest {

    static ByteBuffer noise(int w, int h, long seed) {
        byte[] rgb = new byte[3 * w * h];
        new Random(seed).nextBytes(rgb);
        return ByteBuffer.wrap(rgb);
    }

    /** Output [3, H, W] equals the box resize of the source into the content box, black around. */
    static void assertPadded(FramePreprocessor p, int ws, int hs, int[] box) {
        int h = p.height();
        int w = p.width();
        ByteBuffer src = noise(ws, hs, 7L * ws + hs);
        float[] got = p.preprocess(src, ws, hs, 3 * ws);
        float[] content = FramePreprocessorTest.formula(src, ws, hs, 3 * ws, box[2], box[3]);
        for (int c = 0; c < 3; c++) {
            float black = -MEAN[c] / STD[c];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int cy = y - box[0];
                    int cx = x - box[1];
                    boolean inside = cy >= 0 && cy < box[2] && cx >= 0 && cx < box[3];
                    float want = inside ? content[c * box[2] * box[3] + cy * box[3] + cx] : black;
                    assertThat(got[c * h * w + y * w + x])
                            .as("c %d y %d x %d (content %s)", c, y, x, inside)
                            .isCloseTo(want, within(1e-5f));
                }
            }
        }
    }

    @Test
    void aWideFrameIsLetterboxedWithItsAspectKept() {
        FramePreprocessor p = new FramePreprocessor(20, 26, MEAN, STD, Fit.PAD, 0.05);
        // 16:9 into 26 x 20 (1.3, vigil-cam's 416 x 320): rows round(20 * 1.3 / 1.778) = 15
        assertThat(p.contentBox(1280, 720)).containsExactly(2, 0, 15, 26);
        assertThat(p.contentBox(64, 36)).containsExactly(2, 0, 15, 26);
        assertPadded(p, 64, 36, p.contentBox(64, 36));
    }

    @Test
    void aTallFrameIsPillarboxed() {
        FramePreprocessor p = new FramePreprocessor(20, 26, MEAN, STD, Fit.PAD, 0.05);
        // 9:16 portrait: columns round(26 * 0.5625 / 1.3) = 11, centred at 7
        assertThat(p.contentBox(36, 64)).containsExactly(0, 7, 20, 11);
        assertPadded(p, 36, 64, p.contentBox(36, 64));
    }

    @Test
    void withinTheToleranceItStretchesAsBefore() {
        FramePreprocessor pad = new FramePreprocessor(20, 26, MEAN, STD, Fit.PAD, 0.05);
        FramePreprocessor stretch = new FramePreprocessor(20, 26, MEAN, STD);
        // 4:3 is 2.6 % off 1.3 (the walkway camera into vigil-cam's 416 x 320)
        assertThat(pad.contentBox(768, 576)).containsExactly(0, 0, 20, 26);
        ByteBuffer src = noise(48, 36, 3);
        assertThat(pad.preprocess(src, 48, 36, 144))
                .containsExactly(stretch.preprocess(src, 48, 36, 144));
        // a tolerance of 0 pads even that: 416 x round(320 / 1.0256) = 312 rows
        FramePreprocessor strict = new FramePreprocessor(320, 416, MEAN, STD, Fit.PAD, 0.0);
        assertThat(strict.contentBox(768, 576)).containsExactly(4, 0, 312, 416);
    }

    @Test
    void stretchNeverPads() {
        FramePreprocessor p = new FramePreprocessor(20, 26, MEAN, STD, Fit.STRETCH, 0.0);
        assertThat(p.contentBox(1920, 1080)).containsExactly(0, 0, 20, 26);
        assertThat(p.contentBox(100, 1000)).containsExactly(0, 0, 20, 26);
    }

    @Test
    void oneFrameOfEachSizeInTurnGetsItsOwnBox() {
        FramePreprocessor p = new FramePreprocessor(20, 26, MEAN, STD, Fit.PAD, 0.05);
        assertPadded(p, 64, 36, p.contentBox(64, 36));
        assertPadded(p, 36, 64, p.contentBox(36, 64));
        assertPadded(p, 64, 36, p.contentBox(64, 36));
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new FramePreprocessor(20, 26, MEAN, STD, Fit.PAD, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fit tolerance in [0, 1)");
        assertThatThrownBy(() -> new FramePreprocessor(20, 26, MEAN, STD, null, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
