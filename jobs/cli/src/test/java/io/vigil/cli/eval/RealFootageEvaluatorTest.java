package io.vigil.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which sample scores a reference instant: the nearest one, a tie going to the earlier. */
class RealFootageEvaluatorTest {

    static RealReference.Instant at(double tS) {
        return new RealReference.Instant(tS, 1, 1, 1, Map.of(), Map.of());
    }

    /** For each instant, the sample that scores it, as the evaluator walks the samples. */
    static List<Long> pairs(long[] samplesMs, double... instantsS) {
        List<Long> out = new ArrayList<>();
        int next = 0;
        for (int i = 1; i < samplesMs.length; i++) {
            while (next < instantsS.length
                    && RealFootageEvaluator.nearerToFirst(
                            at(instantsS[next]), samplesMs[i - 1], samplesMs[i])) {
                out.add(samplesMs[i - 1]);
                next++;
            }
        }
        for (; next < instantsS.length; next++) {
            out.add(samplesMs[samplesMs.length - 1]);
        }
        return out;
    }

    @Test
    void withoutALeadAnInstantOnAWholeSecondIsScoredWithThatSecondsSample() {
        long[] samples = {0, 1000, 2000, 3000, 4000};
        assertThat(pairs(samples, 0, 2, 4)).containsExactly(0L, 2000L, 4000L);
        // 25 fps footage sampled at 1 fps: 40 ms late at most, still the nearest
        assertThat(pairs(new long[] {0, 1040, 2000, 3040}, 1, 3)).containsExactly(1040L, 3040L);
    }

    @Test
    void withALeadATieGoesToTheEarlierSampleAndEachInstantIsScoredOnce() {
        long[] samples = {500, 1500, 2500, 3500, 4500};
        assertThat(pairs(samples, 0, 2, 4)).containsExactly(500L, 1500L, 3500L);
        // frames of 30000/1001-fps footage: samples a little after the half seconds
        assertThat(pairs(new long[] {501, 1502, 2503, 3504}, 0, 2, 3))
                .containsExactly(501L, 1502L, 2503L);
        // instants off the grid, and past the last sample
        assertThat(pairs(samples, 1.2, 1.9, 2.01, 6.8)).containsExactly(1500L, 1500L, 2500L, 4500L);
    }

    @Test
    void aTieIsDecidedInWholeMsNotInFloatingPoint() {
        // 0.5 s between 0.3 s and 0.7 s: 0.7 - 0.5 is a hair under 0.2 in doubles
        assertThat(RealFootageEvaluator.nearerToFirst(at(0.5), 300, 700)).isTrue();
        assertThat(RealFootageEvaluator.nearerToFirst(at(0.501), 300, 700)).isFalse();
    }
}
