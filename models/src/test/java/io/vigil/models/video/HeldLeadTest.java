package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.schemas.VideoChunk;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leads across chunk boundaries ({@link HeldLead}): a real libx264 clip whose keyframes fall every
 * 1.3 s, as a camera's encoder puts them, is cut by {@link VideoChunker} at keyframes (so chunks
 * start anywhere between two samples) and decoded chunk by chunk with one sampler: every sample
 * sees the frame 500 ms before it, as if the clip were one chunk.
 */
@Timeout(300)
class HeldLeadTest {
    static final FramePreprocessor PRE = LeadPairingTest.PRE;
    static final int SIZE = LeadPairingTest.SIZE;

    /** Half a grey level at the smallest std of {@link #PRE} (0.1), plus float rounding. */
    static final float QUANTUM = 0.5f / 255f / 0.1f + 1e-5f;

    @TempDir static Path dir;
    static List<VideoChunk> chunks;

    @BeforeAll
    static void encode() throws Exception {
        EncodedClips.x264(
                dir,
                "gop13.ts",
                10,
                12,
                "mpegts",
                "-g",
                "13",
                "-keyint_min",
                "13",
                "-bf",
                "0",
                "-sc_threshold",
                "0");
        chunks =
                VideoChunker.chunkAll(
                        dir.resolve("gop13.ts").toString(), ChunkerOptions.defaults("t"));
    }

    @Test
    void aLeadAtTheEndOfAChunkIsPairedWithItsSampleInTheNext() {
        assertThat(chunks).extracting(VideoChunk::getMediaStartMs).contains(5200L, 10400L);
        FrameSampler sampler = FrameSampler.start(1, 500);
        ChunkDecoder decoder = new ChunkDecoder();
        int samples = 0;
        int missing = 0;
        int crossed = 0;
        Map<Long, float[]> previous = Map.of();
        for (VideoChunk c : chunks) {
            ChunkDecoder.Sampled s = decoder.sample(c, sampler, PRE);
            Map<Long, float[]> all =
                    LeadPairingTest.everyFrame(
                            ChunkDecoder.bytes(c.getData()), c.getMediaStartMs());
            for (SampledFrame f : s.frames()) {
                assertThat(f.ptsMs() - f.leadMs()).as("%s", f).isEqualTo(500L);
                assertThat(LeadPairingTest.sample(f)).as("%s", f).isEqualTo(all.get(f.ptsMs()));
                boolean before = f.leadMs() < c.getMediaStartMs();
                float[] lead = (before ? previous : all).get(f.leadMs());
                assertThat(LeadPairingTest.lead(f))
                        .as("%s: its lead, %s", f, before ? "held from the chunk before" : "in it")
                        .containsExactly(lead, within(before ? QUANTUM : 0f));
                crossed += before ? 1 : 0;
            }
            samples += s.frames().size();
            missing += s.leadsMissing();
            previous = all;
        }
        assertThat(samples).isEqualTo(12); // 0.5 s, 1.5 s, ..., 11.5 s
        assertThat(missing).isZero();
        // one 1.3-s GOP per chunk: the leads at 1, 5, 6, 9 and 10 s lie in the chunk before their
        // sample's (those of 1.5, 6.5 and 10.5 s before their chunk's first frame)
        assertThat(crossed).as("leads held across a boundary").isEqualTo(5);
        assertThat(sampler.heldLead()).isNull();
    }

    @Test
    void decodingOnlyWhatTheSamplerTakesHoldsTheSameLeads() {
        FrameSampler planned = FrameSampler.start(1, 500);
        FrameSampler full = FrameSampler.start(1, 500);
        ChunkDecoder decoder = new ChunkDecoder();
        for (VideoChunk c : chunks) {
            ChunkDecoder.Sampled a = decoder.everyFrameDecoded().sample(c, full, PRE);
            ChunkDecoder.Sampled b = decoder.sample(c, planned, PRE);
            assertThat(b.frames())
                    .extracting(SampledFrame::leadMs)
                    .isEqualTo(a.frames().stream().map(SampledFrame::leadMs).toList());
            for (int i = 0; i < a.frames().size(); i++) {
                assertThat(b.frames().get(i).pixels()).isEqualTo(a.frames().get(i).pixels());
            }
            assertThat(planned).as("after %s", c.getMediaStartMs()).isEqualTo(full);
        }
    }

    @Test
    void aLeadHeldTooLongBeforeItsSampleIsDropped() {
        FrameSampler sampler = FrameSampler.start(1, 500);
        ChunkDecoder decoder = new ChunkDecoder();
        for (VideoChunk c : chunks) {
            if (c.getMediaStartMs() < 5200) { // up to the chunk from 3.9 s to 5.2 s
                decoder.sample(c, sampler, PRE);
            }
        }
        assertThat(sampler.heldLead()).isNotNull(); // the lead of 5.5 s, at 5.0 s
        assertThat(sampler.heldLead().ptsMs()).isEqualTo(5000L);
        // the chunks from 5.2 s and 6.5 s are lost: the next sample (7.8 s) is 2.8 s after it
        VideoChunk after =
                chunks.stream().filter(c -> c.getMediaStartMs() == 7800).findFirst().get();
        ChunkDecoder.Sampled s = decoder.sample(after, sampler, PRE);
        assertThat(s.frames()).extracting(SampledFrame::ptsMs).containsExactly(7800L, 8500L);
        assertThat(s.leadsMissing()).isEqualTo(1);
        SampledFrame alone = s.frames().get(0);
        assertThat(LeadPairingTest.lead(alone)).isEqualTo(LeadPairingTest.sample(alone));
        assertThat(s.frames().get(1).leadMs()).isEqualTo(8000L);
    }

    @Test
    void aHeldLeadMustLieInTheNextSamplesLeadWindow() {
        FrameSampler s = FrameSampler.restore(1, 500, 5500);
        byte[] px = new byte[SIZE];
        s.hold(new HeldLead(4900, px)); // before t - 500
        assertThat(s.heldLead()).isNull();
        s.hold(new HeldLead(5300, px)); // after t - 250
        assertThat(s.heldLead()).isNull();
        s.hold(new HeldLead(5000, px));
        assertThat(s.heldLead()).isEqualTo(new HeldLead(5000, px.clone()));
        s.startChunk();
        assertThat(s.take(5100)).as("the lead is held: no other").isEqualTo(FrameSampler.Role.SKIP);
        assertThat(s.take(5500)).isEqualTo(FrameSampler.Role.SAMPLE);
        assertThat(s.heldLead()).as("used by its sample").isNull();
        assertThat(FrameSampler.restore(1, 500, 5500, new HeldLead(5000, px)))
                .isNotEqualTo(FrameSampler.restore(1, 500, 5500))
                .isEqualTo(FrameSampler.restore(1, 500, 5500, new HeldLead(5000, px.clone())));
    }

    @Test
    void quantisedPixelsAreWithinHalfAGreyLevel() {
        Random r = new Random(7);
        float[] frames = new float[2 * SIZE]; // [6, H, W]: the second frame quantised
        for (int i = SIZE; i < 2 * SIZE; i++) {
            int c = (i - SIZE) / (SIZE / 3);
            float value = r.nextInt(255 * 8 + 1) / 8f; // box means: eighths of a level
            frames[i] =
                    (value / 255f - new float[] {0.5f, 0.4f, 0.3f}[c])
                            / new float[] {0.25f, 0.2f, 0.1f}[c];
        }
        HeldLead held = HeldLead.of(0, frames, SIZE, PRE);
        assertThat(held.pixels()).hasSize(SIZE);
        float[] back = new float[SIZE];
        held.into(back, 0, PRE);
        assertThat(back)
                .containsExactly(Arrays.copyOfRange(frames, SIZE, 2 * SIZE), within(QUANTUM));
    }
}
