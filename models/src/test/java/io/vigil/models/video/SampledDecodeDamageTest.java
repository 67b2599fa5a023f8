package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.video.VideoDecodeException.Reason;
import io.vigil.schemas.Container;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged chunks (ChunkFuzzer's mutants of libx264 chunks with B-frames, MPEG-TS and Matroska) are
 * handled by the skipping decode as by decoding every frame: the same rejections, else frames and a
 * sampler state that agree; the deadline and the frame limit still hold.
 */
@Timeout(600)
class SampledDecodeDamageTest {
    @TempDir static Path dir;

    static byte[] ts;
    static byte[] mkv;

    @BeforeAll
    static void encode() throws Exception {
        String[] x264 = {"-g", "25", "-bf", "3"};
        ts = Files.readAllBytes(EncodedClips.x264(dir, "c.ts", 25, 4, "mpegts", x264));
        mkv = Files.readAllBytes(EncodedClips.x264(dir, "c.mkv", 25, 4, "matroska", x264));
    }

    /**
     * Every mutant is rejected for the same reason by both decodes, or sampled by both; the
     * skipping decode's frames are in order and its sampler state is the one those frames give.
     * Their frames are not compared: on damaged input the full decode is not even deterministic
     * (frame-threaded error concealment gives other pixels from run to run), a damaged packet the
     * skipping decode never reads can change how the full decode orders and times the frames after
     * it, and in a chunk cut short the full decode loses the frames in flight when the last packet
     * fails while draining, frames a skipping decode that does not reach that packet still gives.
     */
    @Test
    void mutantsAreRejectedAlikeAndOtherwiseSampledConsistently() {
        ChunkDecoder skipping = new ChunkDecoder();
        ChunkDecoder everyFrame = skipping.everyFrameDecoded();
        List<String> wrong = new ArrayList<>();
        int sampled = 0;
        int rejected = 0;
        for (long seed = 1; seed <= 2; seed++) {
            for (ChunkFuzzer.Mutant m :
                    new ChunkFuzzer(seed).mutants(ts, "mpegts", mkv, "matroska", 20)) {
                Container c = "mpegts".equals(m.format()) ? Container.MPEGTS : Container.MATROSKA;
                for (double fps : new double[] {1, 4}) {
                    FrameSampler start = new FrameSampler(fps, 120);
                    FrameSampler a = start.copy();
                    FrameSampler b = start.copy();
                    String what = m.how() + " at " + fps + " fps";
                    Outcome expected;
                    Outcome actual;
                    try {
                        expected = Outcome.of(() -> everyFrame.sample(m.data(), c, 0, a, pre()));
                        actual = Outcome.of(() -> skipping.sample(m.data(), c, 0, b, pre()));
                    } catch (RuntimeException e) {
                        wrong.add(what + ": " + e);
                        continue;
                    }
                    if (actual.rejected() != expected.rejected()) {
                        wrong.add(what + ": " + expected.rejected() + " / " + actual.rejected());
                    } else if (actual.sampled() == null) {
                        rejected++;
                    } else {
                        sampled++;
                        String inconsistent = inconsistency(actual.sampled(), start, b);
                        if (inconsistent != null) {
                            wrong.add(what + ": " + inconsistent);
                        }
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(sampled).isPositive();
        assertThat(rejected).isPositive();
    }

    /** What is wrong with sampled frames given the sampler before and after, or null. */
    static String inconsistency(ChunkDecoder.Sampled s, FrameSampler before, FrameSampler after) {
        if (s.decoded() > s.inChunk() || s.frames().size() > s.decoded()) {
            return "counts " + s;
        }
        FrameSampler replay = before.copy();
        for (SampledFrame f : s.frames()) {
            if (!replay.accept(f.ptsMs())) {
                return "frame at " + f.ptsMs() + " ms is not a sample";
            }
        }
        return replay.equals(after) ? null : "sampler " + after + ", frames give " + replay;
    }

    @Test
    void theIntactChunksSampleBitForBitAlike() {
        for (Container c : Container.values()) {
            byte[] data = c == Container.MPEGTS ? ts : mkv;
            FrameSampler a = new FrameSampler(4, 120);
            FrameSampler b = a.copy();
            ChunkDecoder skipping = new ChunkDecoder();
            Outcome expected =
                    Outcome.of(() -> skipping.everyFrameDecoded().sample(data, c, 0, a, pre()));
            Outcome actual = Outcome.of(() -> skipping.sample(data, c, 0, b, pre()));
            actual.assertSameAs(expected, c.toString());
            assertThat(b).isEqualTo(a);
            assertThat(actual.sampled().decoded()).isLessThan(expected.sampled().decoded());
        }
    }

    @Test
    void aDecoderOutputThatDiffersFromThePlanIsCaught() {
        for (boolean doctored : new boolean[] {false, true}) {
            try (NativeChunk chunk = NativeChunk.openUnprobed(ts, "mpegts", Long.MAX_VALUE);
                    VideoPackets packets = chunk.readVideoPackets();
                    RgbConverter rgb = new RgbConverter()) {
                long[] pts = packets.pts();
                if (doctored) {
                    pts[1] += 1; // the plan expects a frame time the decoder will not give
                }
                SamplePlan plan =
                        SamplePlan.of(
                                pts,
                                packets.dts(),
                                packets.keyframes(),
                                packets::idr,
                                chunk::timestampUs,
                                0,
                                new FrameSampler(4),
                                1000);
                assertThat(plan.usable()).as(plan.fallback()).isTrue();
                List<Long> got = new ArrayList<>();
                int decoded =
                        PlannedDecode.run(
                                chunk,
                                packets,
                                plan,
                                rgb,
                                new ChunkDecoder.SampleSink() {
                                    @Override
                                    public void accept(
                                            long ptsMs, ByteBuffer b, int w, int h, int stride) {
                                        got.add(ptsMs);
                                    }

                                    @Override
                                    public void restart() {}
                                });
                if (doctored) {
                    assertThat(decoded).isEqualTo(PlannedDecode.DIFFERS);
                } else {
                    assertThat(decoded).isEqualTo(plan.packetsDecoded());
                    assertThat(got)
                            .containsExactly(
                                    Arrays.stream(plan.sampledMs()).boxed().toArray(Long[]::new));
                }
            }
        }
    }

    @Test
    void aChunkPastItsBudgetIsDroppedAsTooSlow() {
        ChunkDecoder hurried = new ChunkDecoder(100_000, Duration.ofNanos(1));
        Outcome o =
                Outcome.of(
                        () -> hurried.sample(ts, Container.MPEGTS, 0, new FrameSampler(1), pre()));
        assertThat(o.rejected()).isEqualTo(Reason.CHUNK_TOO_SLOW);
    }

    @Test
    void theFrameLimitRejectsAlike() {
        ChunkDecoder limited = new ChunkDecoder(50, ChunkDecoder.DEFAULT_BUDGET); // 100 frames
        for (Container c : Container.values()) {
            byte[] data = c == Container.MPEGTS ? ts : mkv;
            FrameSampler a = new FrameSampler(1);
            FrameSampler b = new FrameSampler(1);
            Outcome expected =
                    Outcome.of(() -> limited.everyFrameDecoded().sample(data, c, 0, a, pre()));
            Outcome actual = Outcome.of(() -> limited.sample(data, c, 0, b, pre()));
            assertThat(expected.rejected()).isEqualTo(Reason.CHUNK_UNDECODABLE);
            actual.assertSameAs(expected, c.toString());
            assertThat(b).isEqualTo(a);
        }
    }

    @Test
    void emptyTruncatedMislabelledAndAudioOnlyChunksAreRejectedAlike() throws Exception {
        ChunkDecoder skipping = new ChunkDecoder();
        byte[] audio;
        try (InputStream in = getClass().getResourceAsStream("/video/audio-only.ts")) {
            audio = in.readAllBytes();
        }
        List<byte[]> bad =
                List.of(
                        new byte[0],
                        Arrays.copyOf(ts, 1000),
                        Arrays.copyOf(ts, 188 * 3),
                        mkv,
                        audio);
        for (byte[] data : bad) {
            Outcome expected =
                    Outcome.of(
                            () ->
                                    skipping.everyFrameDecoded()
                                            .sample(
                                                    data,
                                                    Container.MPEGTS,
                                                    0,
                                                    new FrameSampler(1),
                                                    pre()));
            Outcome actual =
                    Outcome.of(
                            () ->
                                    skipping.sample(
                                            data, Container.MPEGTS, 0, new FrameSampler(1), pre()));
            assertThat(expected.rejected()).as("%d bytes", data.length).isNotNull();
            actual.assertSameAs(expected, data.length + " bytes");
        }
    }

    static FramePreprocessor pre() {
        return new FramePreprocessor(
                24, 32, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
    }
}
