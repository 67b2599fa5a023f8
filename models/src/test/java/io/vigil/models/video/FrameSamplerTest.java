package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.models.video.FrameSampler.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
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

    /** {@code pts} by role: "L0 S500 ..." (skipped frames left out). */
    static String roles(FrameSampler s, long... pts) {
        StringBuilder out = new StringBuilder();
        for (long p : pts) {
            Role r = s.take(p);
            if (r != Role.SKIP) {
                out.append(out.isEmpty() ? "" : " ").append(r == Role.LEAD ? "L" : "S").append(p);
            }
        }
        return out.toString();
    }

    /** Frame times of a {@code fps} stream from 0 up to {@code endMs}, rounded to whole ms. */
    static long[] frames(double fps, long endMs) {
        return LongStream.iterate(0, i -> i + 1)
                .map(i -> Math.round(i * 1000 / fps))
                .takeWhile(t -> t < endMs)
                .toArray();
    }

    @Test
    void aLeadShiftsTheSamplesAndTakesTheFrameThatLongBeforeEach() {
        FrameSampler s = FrameSampler.start(1.0, 500);
        assertThat(s.nextSampleMs()).isEqualTo(500); // a new stream's first threshold
        assertThat(roles(s, frames(10, 3000))).isEqualTo("L0 S500 L1000 S1500 L2000 S2500");
        assertThat(s.nextSampleMs()).isEqualTo(3500);
    }

    @Test
    void aLeadAt25FpsAndAtNtscRates() {
        // 25 fps: 500 is no frame time, the sample is the next one; its lead is 520 ms before
        assertThat(roles(FrameSampler.start(1.0, 500), frames(25, 3000)))
                .isEqualTo("L0 S520 L1000 S1520 L2000 S2520");
        // 30000/1001 fps: frames at 0, 33, 67, ..., 501 (500.5 rounded), ..., 1001, ..., 1502
        long[] ntsc = LongStream.range(0, 90).map(i -> Math.round(i * 1001 / 30.0)).toArray();
        assertThat(roles(FrameSampler.start(1.0, 500), ntsc))
                .isEqualTo("L0 S501 L1001 S1502 L2002 S2503");
        // two samples a second, a lead of 200 ms: samples at 200, 700, 1200; leads at 0, 500, 1000
        assertThat(roles(FrameSampler.start(2.0, 200), frames(25, 1500)))
                .isEqualTo("L0 S200 L520 S720 L1000 S1200");
    }

    @Test
    void aLeadIsTakenOncePerSampleAndAcceptMeansDecode() {
        FrameSampler s = FrameSampler.start(1.0, 500);
        assertThat(s.take(0)).isEqualTo(Role.LEAD);
        assertThat(s.take(100)).isEqualTo(Role.SKIP);
        assertThat(s.accept(200)).isFalse();
        assertThat(s.accept(500)).isTrue(); // the sample
        assertThat(s.accept(900)).isFalse(); // before the next lead window [1000, 1500)
        assertThat(s.accept(1000)).isTrue(); // a lead is decoded too
        assertThat(s.take(1100)).isEqualTo(Role.SKIP);
        assertThat(s.take(1500)).isEqualTo(Role.SAMPLE);
    }

    @Test
    void aGapLeavesTheSampleAfterItWithoutALead() {
        FrameSampler s = FrameSampler.start(1.0, 500);
        // no frame in [1000, 2600): the frame at 2600 is the next sample, without a lead; the
        // next threshold is 3500, its lead window [3000, 3500)
        assertThat(roles(s, 0, 500, 900, 2600, 2700, 3000, 3400, 3500))
                .isEqualTo("L0 S500 S2600 L3000 S3500");
    }

    @Test
    void aChunkBoundaryForgetsATakenLead() {
        // chunk 1 ends at 1.2 s after taking the lead of the sample at 1.5 s
        FrameSampler s = FrameSampler.start(1.0, 500);
        assertThat(roles(s, 0, 500, 1000, 1100)).isEqualTo("L0 S500 L1000");
        assertThat(s.toString()).contains("lead taken");
        // chunk 2: its pixels are gone; a restored sampler takes a lead from the new chunk, and
        // so does the live one once the decoder starts the chunk
        FrameSampler restored = FrameSampler.restore(1.0, 500, s.nextSampleMs());
        assertThat(restored).isNotEqualTo(s);
        s.startChunk();
        assertThat(restored).isEqualTo(s).hasSameHashCodeAs(s);
        FrameSampler later = restored.copy();
        assertThat(roles(restored, 1200, 1400, 1500)).isEqualTo("L1200 S1500");
        assertThat(roles(s, 1200, 1400, 1500)).isEqualTo("L1200 S1500");
        // starting less than half the lead before the sample, it gives that sample none
        assertThat(roles(later, 1300, 1400, 1500)).isEqualTo("S1500");
        // a chunk that starts past the lead window: the sample has no lead
        FrameSampler late = FrameSampler.restore(1.0, 500, 2500);
        assertThat(roles(late, 2500, 2600, 3000, 3500)).isEqualTo("S2500 L3000 S3500");
    }

    @Test
    void chunksCutAtWholeSecondsHoldEveryLeadWithItsSample() {
        long[] all = frames(25, 6000);
        FrameSampler whole = FrameSampler.start(1.0, 500);
        String expected = roles(whole, all);
        StringBuilder chunked = new StringBuilder();
        long next = FrameSampler.start(1.0, 500).nextSampleMs();
        for (long from = 0; from < 6000; from += 2000) {
            long lo = from;
            FrameSampler s = FrameSampler.restore(1.0, 500, next); // as keyed state restores it
            long[] chunk = LongStream.of(all).filter(t -> t >= lo && t < lo + 2000).toArray();
            chunked.append(chunked.isEmpty() ? "" : " ").append(roles(s, chunk));
            next = s.nextSampleMs();
        }
        assertThat(chunked.toString()).isEqualTo(expected);
        assertThat(expected.split(" ")).hasSize(12);
    }

    @Test
    void noLeadIsThePlainRule() {
        FrameSampler plain = new FrameSampler(3.0);
        FrameSampler zero = FrameSampler.start(3.0, 0);
        assertThat(zero).isEqualTo(plain);
        assertThat(zero.leadMs()).isZero();
        long[] pts = frames(25, 3000);
        List<Long> taken = sample(plain, pts);
        assertThat(roles(zero, pts)).doesNotContain("L");
        assertThat(zero).isEqualTo(plain);
        assertThat(taken).startsWith(0L, 360L, 680L, 1000L);
        assertThat(FrameSampler.restore(1.0, 0, 1234)).isEqualTo(new FrameSampler(1.0, 1234));
        assertThat(zero.toString()).doesNotContain("lead");
    }

    @Test
    void aFrameLessThanHalfTheLeadBeforeItsSampleIsNoLead() {
        FrameSampler s = FrameSampler.restore(1.0, 500, 1500); // next sample at 1.5 s
        s.startChunk(); // a chunk that starts 100 ms before the sample
        assertThat(s.take(1400)).isEqualTo(FrameSampler.Role.SKIP);
        assertThat(s.take(1500)).isEqualTo(FrameSampler.Role.SAMPLE);
        // a chunk starting 250 ms before the next sample: exactly half the lead, still a lead
        assertThat(s.take(2250)).isEqualTo(FrameSampler.Role.LEAD);
        assertThat(s.take(2500)).isEqualTo(FrameSampler.Role.SAMPLE);
        assertThat(s.take(3251)).isEqualTo(FrameSampler.Role.SKIP);
    }

    @Test
    void theLeadIsPartOfTheValue() {
        FrameSampler lead = FrameSampler.start(1.0, 500);
        assertThat(lead).isNotEqualTo(new FrameSampler(1.0, 500)); // same next, no lead
        assertThat(lead.copy()).isEqualTo(lead).isNotSameAs(lead);
        assertThat(lead.copy().leadMs()).isEqualTo(500);
        lead.take(0);
        assertThat(lead.copy()).isEqualTo(lead); // the lead taken is copied
        assertThat(lead.toString()).contains("lead 500 ms");
    }

    @Test
    void leadsOutOfRangeAreRefused() {
        for (long bad : new long[] {-1, 1000, 1500}) {
            assertThatThrownBy(() -> FrameSampler.start(1.0, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("leadMs")
                    .hasMessageContaining("" + bad);
        }
        assertThatThrownBy(() -> FrameSampler.restore(2.0, 500, 0)) // one step at 2 fps
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("500.0 ms");
        assertThat(FrameSampler.start(2.0, 499).nextSampleMs()).isEqualTo(499);
        assertThatThrownBy(() -> FrameSampler.start(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampleFps");
    }
}
