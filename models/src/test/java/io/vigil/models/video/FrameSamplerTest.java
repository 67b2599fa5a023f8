package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSamplerTest {

    static List<Long> sample(FrameSampler s, long... pts) {
        List<Long> out = new ArrayList<>();
        for (long p : pts) {
            if (s.accept(p)) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void takesTheFirstFrameAtOrAfterEachSecond() {
        FrameSampler s = new FrameSampler(1.0);
        List<Long> pts = new ArrayList<>();
        for (long t = 0; t < 3000; t += 100) {
            pts.add(t);
        }
        assertThat(sample(s, pts.stream().mapToLong(Long::longValue).toArray()))
                .containsExactly(0L, 1000L, 2000L);
        assertThat(s.nextSampleMs()).isEqualTo(3000);
    }

    @Test
    void framesOffTheGridTakeTheNextOne() {
        FrameSampler s = new FrameSampler(1.0);
        assertThat(sample(s, 33, 966, 999, 1032, 1999, 2001, 2500))
                .containsExactly(33L, 1032L, 2001L);
    }

    @Test
    void aGapTakesOneFrameAndMovesPastIt() {
        FrameSampler s = new FrameSampler(1.0);
        assertThat(sample(s, 0, 3500, 3900, 4000)).containsExactly(0L, 3500L, 4000L);
    }

    @Test
    void fractionalRates() {
        FrameSampler two = new FrameSampler(2.0);
        assertThat(sample(two, 0, 250, 500, 750, 1000)).containsExactly(0L, 500L, 1000L);
        FrameSampler third = new FrameSampler(3.0); // 0, 333.3, 666.7, 1000
        assertThat(sample(third, 0, 333, 334, 666, 667, 1000))
                .containsExactly(0L, 334L, 667L, 1000L);
        FrameSampler half = new FrameSampler(0.5);
        assertThat(sample(half, 0, 1000, 1999, 2000)).containsExactly(0L, 2000L);
    }

    @Test
    void restoresFromItsSavedValue() {
        FrameSampler s = new FrameSampler(1.0);
        sample(s, 0, 100, 1000, 1100);
        FrameSampler restored = new FrameSampler(1.0, s.nextSampleMs());
        assertThat(restored).isEqualTo(s);
        assertThat(sample(restored, 1900, 2000, 2100)).containsExactly(2000L);
        assertThat(s.copy()).isEqualTo(s).isNotSameAs(s);
    }
}
