package io.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's flatness rule: last quarter against first quarter, with slack. */
class SoakVerdictTest {

    private static List<SoakProbe.Sample> series(long heapStep, long lagStep) {
        List<SoakProbe.Sample> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(
                    new SoakProbe.Sample(
                            400_000_000L + i * heapStep,
                            2_000_000_000L,
                            900_000_000L + (i % 2) * 10_000_000L,
                            1_000_000L,
                            5_000_000L,
                            10 + i * lagStep));
        }
        return out;
    }

    @Test
    void steadyMeasuresAreFlat() {
        SoakVerdict v = SoakVerdict.of(series(0, 0), 20, 0, 500);
        assertThat(v.flat()).as(v.text()).isTrue();
        assertThat(v.text()).startsWith("flat").doesNotContain("GREW");
    }

    @Test
    void aGrowingHeapIsNotFlat() {
        SoakVerdict v = SoakVerdict.of(series(20_000_000L, 0), 20, 0, 500); // +400 MB over the run
        assertThat(v.flat()).isFalse();
        assertThat(v.text()).contains("live heap").contains("GREW");
    }

    @Test
    void aGrowingLagIsNotFlat() {
        SoakVerdict v =
                SoakVerdict.of(series(0, 5), 20, 0, 500); // 10 -> ~100 chunks behind, 20 in flight
        assertThat(v.flat()).isFalse();
        assertThat(v.text()).containsPattern("lag .*GREW");
    }

    @Test
    void deadLettersOrNoCaptionsAreNotFlatAndTooFewSamplesCannotBeJudged() {
        assertThat(SoakVerdict.of(series(0, 0), 20, 1, 500).flat()).isFalse();
        assertThat(SoakVerdict.of(series(0, 0), 20, 0, 0).flat()).isFalse();
        SoakVerdict shortRun = SoakVerdict.of(series(0, 0).subList(0, 3), 20, 0, 500);
        assertThat(shortRun.flat()).isFalse();
        assertThat(shortRun.text()).contains("too short");
    }
}
