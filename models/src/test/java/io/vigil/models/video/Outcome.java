package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;

/**
 * How sampling one chunk ended: its frames, or the reason it was rejected. Two outcomes are the
 * same when both rejected the chunk for the same reason, or both sampled the same frames (times,
 * lead times and preprocessed pixels, bit for bit; as many leads missing) from a chunk of as many
 * frames.
 */
record Outcome(ChunkDecoder.Sampled sampled, VideoDecodeException.Reason rejected) {

    static Outcome of(Supplier<ChunkDecoder.Sampled> sample) {
        try {
            return new Outcome(sample.get(), null);
        } catch (VideoDecodeException e) {
            return new Outcome(null, e.reason());
        }
    }

    void assertSameAs(Outcome expected, String what) {
        assertThat(rejected).as("%s rejected", what).isEqualTo(expected.rejected);
        if (expected.sampled == null) {
            return;
        }
        assertThat(sampled.inChunk())
                .as("%s frames in the chunk", what)
                .isEqualTo(expected.sampled.inChunk());
        assertThat(sampled.decoded()).as(what).isLessThanOrEqualTo(expected.sampled.decoded());
        assertThat(sampled.frames()).as(what).hasSameSizeAs(expected.sampled.frames());
        assertThat(sampled.leadsMissing())
                .as("%s leads missing", what)
                .isEqualTo(expected.sampled.leadsMissing());
        for (int f = 0; f < expected.sampled.frames().size(); f++) {
            SampledFrame e = expected.sampled.frames().get(f);
            SampledFrame g = sampled.frames().get(f);
            assertThat(g.ptsMs()).as("%s frame %d", what, f).isEqualTo(e.ptsMs());
            assertThat(g.leadMs()).as("%s frame %d's lead", what, f).isEqualTo(e.leadMs());
            assertThat(g.pixels())
                    .as("%s frame %d at %d ms", what, f, e.ptsMs())
                    .isEqualTo(e.pixels());
        }
    }
}
