package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** Plans over made-up packet lists: which runs get decoded, and when the plan gives up. */
class SamplePlanTest {
    /** 90 kHz, as in MPEG-TS: a 30-fps frame is 3000 ticks. */
    static final int TICK = 3000;

    static final IntPredicate ALL_IDR = i -> true;

    static long us(long pts) {
        return pts * 1_000_000L / 90_000;
    }

    /** {@code n} frames in display order = decode order, a keyframe every {@code gop}. */
    static long[][] ipp(int n, int gop) {
        long[] pts = new long[n];
        long[] key = new long[n];
        for (int i = 0; i < n; i++) {
            pts[i] = 1_000 + (long) i * TICK;
            key[i] = i % gop == 0 ? 1 : 0;
        }
        return new long[][] {pts, key};
    }

    static boolean[] flags(long[] k) {
        boolean[] out = new boolean[k.length];
        for (int i = 0; i < k.length; i++) {
            out[i] = k[i] != 0;
        }
        return out;
    }

    static long[] noDts(int n) {
        long[] dts = new long[n];
        Arrays.fill(dts, AV_NOPTS_VALUE);
        return dts;
    }

    static SamplePlan plan(long[] pts, boolean[] key, IntPredicate idr, FrameSampler s) {
        return SamplePlan.of(pts, noDts(pts.length), key, idr, SamplePlanTest::us, 0, s, 1000);
    }

    static List<String> runs(SamplePlan p) {
        return p.runs().stream().map(r -> r.from() + "-" + r.to()).toList();
    }

    @Test
    void oneFpsOverOneSecondGopsDecodesTheKeyframesAlone() {
        long[][] c = ipp(90, 30);
        FrameSampler s = new FrameSampler(1);
        SamplePlan p = plan(c[0], flags(c[1]), ALL_IDR, s);
        assertThat(p.usable()).as(p.fallback()).isTrue();
        assertThat(runs(p)).containsExactly("0-0", "30-30", "60-60");
        assertThat(p.sampledMs()).containsExactly(0, 1000, 2000);
        assertThat(p.frames()).isEqualTo(90);
        assertThat(p.packetsDecoded()).isEqualTo(3);
        assertThat(s).isEqualTo(new FrameSampler(1)); // the caller's sampler is not advanced
    }

    @Test
    void aGopIsDecodedUpToItsLastSampledFrame() {
        long[][] c = ipp(60, 60); // one 2-s GOP
        SamplePlan p = plan(c[0], flags(c[1]), ALL_IDR, new FrameSampler(2));
        assertThat(runs(p)).containsExactly("0-45");
        assertThat(p.sampledMs()).containsExactly(0, 500, 1000, 1500);
    }

    @Test
    void bFramesShownBeforeTheirPacketReachTheRun() {
        // decode order I0 P3 B1 B2 P6 B4 B5 (display indices); frame 4 is sampled: packet 5
        int[] display = {0, 3, 1, 2, 6, 4, 5};
        long[] pts = new long[display.length];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = (long) display[i] * 25 * 90; // 25 ms apart
        }
        boolean[] key = new boolean[pts.length];
        key[0] = true;
        SamplePlan p = plan(pts, key, ALL_IDR, new FrameSampler(1, 100));
        assertThat(p.sampledMs()).containsExactly(100);
        assertThat(runs(p)).containsExactly("0-5");
        assertThat(p.runs().get(0).expectedPts()).isSorted().hasSize(6);
    }

    @Test
    void anOpenGopPullsInTheWholeGopBeforeIt() {
        // GOP 1 starts at packet 4 (display 5) with a leading frame (display 4) after it
        int[] display = {0, 1, 2, 3, 5, 4, 6, 7};
        long[] pts = Arrays.stream(display).mapToLong(d -> (long) d * TICK).toArray();
        boolean[] key = {true, false, false, false, true, false, false, false};
        SamplePlan p = plan(pts, key, ALL_IDR, new FrameSampler(1000.0 / 200, 200));
        assertThat(runs(p)).containsExactly("0-6");
        // not an IDR picture: the same, though no frame is shown before it
        int[] inOrder = {0, 1, 2, 3, 4, 5, 6, 7};
        long[] pts2 = Arrays.stream(inOrder).mapToLong(d -> (long) d * TICK).toArray();
        SamplePlan q = plan(pts2, key, i -> i == 0, new FrameSampler(1000.0 / 200, 200));
        assertThat(runs(q)).containsExactly("0-6");
        SamplePlan closed = plan(pts2, key, ALL_IDR, new FrameSampler(1000.0 / 200, 200));
        assertThat(runs(closed)).containsExactly("0-0", "4-6");
    }

    @Test
    void packetsThatDoNotFitThePictureAreDecodedInFull() {
        long[][] c = ipp(60, 30);
        boolean[] key = flags(c[1]);
        FrameSampler s = new FrameSampler(1);
        long[] noPts = c[0].clone();
        noPts[7] = AV_NOPTS_VALUE;
        long[] twice = c[0].clone();
        twice[8] = twice[7];
        long[] dtsBack = c[0].clone();
        dtsBack[9] = dtsBack[3];
        long[] interleaved = c[0].clone();
        interleaved[31] = interleaved[10] + 1;
        boolean[] notKey = key.clone();
        notKey[0] = false;
        long[] leadingFirst = c[0].clone();
        leadingFirst[1] = leadingFirst[0] - TICK;

        assertThat(plan(noPts, key, ALL_IDR, s).fallback()).contains("no pts");
        assertThat(plan(twice, key, ALL_IDR, s).fallback()).contains("two packets have pts");
        assertThat(
                        SamplePlan.of(c[0], dtsBack, key, ALL_IDR, SamplePlanTest::us, 0, s, 1000)
                                .fallback())
                .contains("decode times go back");
        assertThat(plan(interleaved, key, ALL_IDR, s).fallback()).contains("interleave");
        assertThat(plan(c[0], notKey, ALL_IDR, s).fallback()).contains("not a keyframe");
        assertThat(plan(c[0], key, i -> i != 0, s).fallback()).contains("closed GOP");
        assertThat(plan(leadingFirst, key, ALL_IDR, s).fallback()).contains("closed GOP");
        assertThat(
                        SamplePlan.of(c[0], noDts(60), key, ALL_IDR, SamplePlanTest::us, 0, s, 59)
                                .fallback())
                .contains("frame limit");
        assertThat(plan(new long[0], new boolean[0], ALL_IDR, s).fallback()).contains("no video");
        assertThat(plan(c[0], key, ALL_IDR, s).usable()).isTrue();
    }

    @Test
    void aLeadDecodesEachSampleWithTheFramesBackToItsLead() {
        // 30 fps, 1-s GOPs: samples at 0.5 s, 1.5 s, 2.5 s, their leads the keyframes before them
        long[][] c = ipp(90, 30);
        FrameSampler s = FrameSampler.start(1, 500);
        SamplePlan p = plan(c[0], flags(c[1]), ALL_IDR, s);
        assertThat(p.usable()).as(p.fallback()).isTrue();
        assertThat(p.sampledMs()).containsExactly(0, 500, 1000, 1500, 2000, 2500);
        assertThat(runs(p)).containsExactly("0-15", "30-45", "60-75");
        assertThat(s).isEqualTo(FrameSampler.start(1, 500)); // not advanced
    }
}
