package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.schemas.Container;
import io.vigil.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Samples paired with their lead frames ({@link LeadPairing}, through {@link ChunkDecoder#sample}),
 * on real libx264 clips cut into chunks as ingest cuts them: each input is {@code [6, H, W]}, the
 * sample's preprocessed pixels then those of the frame {@code lead_ms} before it, checked against a
 * decode of every frame of the same chunk.
 */
@Timeout(300)
class LeadPairingTest {
    static final int H = 24;
    static final int W = 32;
    static final FramePreprocessor PRE =
            new FramePreprocessor(
                    H, W, new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.25f, 0.2f, 0.1f});
    static final int SIZE = 3 * H * W; // one frame, [3, H, W]

    @TempDir static Path dir;

    @BeforeAll
    static void encode() {
        EncodedClips.x264(dir, "lead10.ts", 10, 6, "mpegts", "-g", "10", "-bf", "0");
        EncodedClips.x264(dir, "lead25.ts", 25, 6, "mpegts", "-g", "25", "-bf", "2");
    }

    /** Every frame of a chunk preprocessed, by time. */
    static Map<Long, float[]> everyFrame(byte[] data, long baseMs) {
        Map<Long, float[]> out = new HashMap<>();
        for (DecodedFrame f : new ChunkDecoder().decodeAll(data, "mpegts", baseMs)) {
            out.put(f.ptsMs(), PRE.preprocess(f.rgb(), f.width(), f.height()));
        }
        return out;
    }

    static float[] sample(SampledFrame f) {
        return Arrays.copyOfRange(f.pixels(), 0, SIZE);
    }

    static float[] lead(SampledFrame f) {
        return Arrays.copyOfRange(f.pixels(), SIZE, 2 * SIZE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"lead10.ts, 100", "lead25.ts, 40"})
    void everySampleCarriesTheFrameHalfASecondBeforeIt(String name, long frameMs) throws Exception {
        List<VideoChunk> chunks =
                VideoChunker.chunkAll(dir.resolve(name).toString(), ChunkerOptions.defaults("t"));
        assertThat(chunks).hasSizeGreaterThan(1);
        FrameSampler sampler = FrameSampler.start(1, 500);
        int samples = 0;
        for (VideoChunk c : chunks) {
            assertThat(c.getMediaStartMs() % 1000).as("cut at whole seconds").isZero();
            byte[] data = ChunkDecoder.bytes(c.getData());
            ChunkDecoder.Sampled s = new ChunkDecoder().sample(c, sampler, PRE);
            Map<Long, float[]> all = everyFrame(data, c.getMediaStartMs());
            assertThat(s.leadsMissing()).as("chunk at %d ms", c.getMediaStartMs()).isZero();
            for (SampledFrame f : s.frames()) {
                assertThat(f.pixels()).as("%s", f).hasSize(2 * SIZE); // [6, H, W]
                assertThat(f.ptsMs() % 1000).as("%s", f).isBetween(500L, 500 + frameMs - 1);
                assertThat(f.ptsMs() - f.leadMs()).as("%s", f).isBetween(500L, 500 + frameMs);
                assertThat(sample(f)).as("%s: the sample", f).isEqualTo(all.get(f.ptsMs()));
                assertThat(lead(f)).as("%s: its lead", f).isEqualTo(all.get(f.leadMs()));
                assertThat(lead(f)).as("%s: the scene moves", f).isNotEqualTo(sample(f));
            }
            samples += s.frames().size();
        }
        assertThat(samples).isEqualTo(6); // at 0.5 s, 1.5 s, ..., 5.5 s
        assertThat(sampler.nextSampleMs()).isEqualTo(6500);
    }

    @Test
    void aSampleWhoseLeadLiesBeforeTheChunkStandsInForItsOwnLead() throws Exception {
        // the first 2-s chunk of the 10-fps clip, placed at 1.5 s: the lead of the sample at 1.5
        // s was in the chunk before (frames 1.5 s to 3.4 s here; the lead of the sample at 3.5 s
        // is in this one, its sample in the next)
        VideoChunk first =
                VideoChunker.chunkAll(
                                dir.resolve("lead10.ts").toString(), ChunkerOptions.defaults("t"))
                        .get(0);
        byte[] data = ChunkDecoder.bytes(first.getData());
        FrameSampler start = FrameSampler.restore(1, 500, 1500);
        FrameSampler full = start.copy();
        FrameSampler planned = start.copy();
        ChunkDecoder decoder = new ChunkDecoder();
        ChunkDecoder.Sampled s =
                decoder.everyFrameDecoded().sample(data, Container.MPEGTS, 1500, full, PRE);
        Map<Long, float[]> all = everyFrame(data, 1500);

        assertThat(s.frames()).extracting(SampledFrame::ptsMs).containsExactly(1500L, 2500L);
        assertThat(s.frames()).extracting(SampledFrame::leadMs).containsExactly(1500L, 2000L);
        assertThat(s.leadsMissing()).isEqualTo(1);
        SampledFrame alone = s.frames().get(0);
        assertThat(alone.pixels()).hasSize(2 * SIZE);
        assertThat(sample(alone)).isEqualTo(all.get(1500L));
        assertThat(lead(alone)).isEqualTo(all.get(1500L)); // no motion
        assertThat(lead(s.frames().get(1))).isEqualTo(all.get(2000L));
        assertThat(full.nextSampleMs()).isEqualTo(3500);

        // decoding only what the sampler takes gives the same
        Outcome.of(() -> decoder.sample(data, Container.MPEGTS, 1500, planned, PRE))
                .assertSameAs(new Outcome(s, null), "planned");
        assertThat(planned).isEqualTo(full);
    }

    @Test
    void withoutALeadFramesAreThreeChannelsAndTheirOwnLead() throws Exception {
        byte[] data = Files.readAllBytes(dir.resolve("lead10.ts"));
        ChunkDecoder.Sampled s =
                new ChunkDecoder().sample(data, Container.MPEGTS, 0, new FrameSampler(1), PRE);
        assertThat(s.frames()).extracting(SampledFrame::ptsMs).startsWith(0L, 1000L, 2000L);
        assertThat(s.frames()).allSatisfy(f -> assertThat(f.pixels()).hasSize(SIZE));
        assertThat(s.frames()).allSatisfy(f -> assertThat(f.leadMs()).isEqualTo(f.ptsMs()));
        assertThat(s.leadsMissing()).isZero();
    }

    @Test
    void aFrameTheSamplerDoesNotTakeIsABugNotASample() {
        ByteBuffer grey = ByteBuffer.allocate(3 * 8 * 6);
        LeadPairing pairs = new LeadPairing(FrameSampler.start(1, 500), PRE);
        pairs.accept(0, grey, 8, 6, 24); // the lead
        assertThatThrownBy(() -> pairs.accept(100, grey, 8, 6, 24))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("100 ms");
    }

    @Test
    void aRestartForgetsTheFramesAndTheLeads() {
        ByteBuffer grey = ByteBuffer.allocate(3 * 8 * 6);
        FrameSampler sampler = FrameSampler.start(1, 500);
        LeadPairing pairs = new LeadPairing(sampler, PRE);
        pairs.accept(500, grey, 8, 6, 24); // a sample without its lead
        assertThat(pairs.leadsMissing()).isEqualTo(1);
        pairs.restart(); // the decode starts over: the same frames come again
        pairs.accept(0, grey, 8, 6, 24);
        pairs.accept(500, grey, 8, 6, 24);
        assertThat(pairs.frames()).extracting(SampledFrame::leadMs).containsExactly(0L);
        assertThat(pairs.leadsMissing()).isZero();
        assertThat(sampler).isEqualTo(FrameSampler.start(1, 500)); // the caller's, untouched
    }
}
