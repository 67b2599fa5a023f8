package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decoding ends on anything, with frames or a dead-letter reason: seeded mutants of real H.264
 * chunks (MPEG-TS and Matroska). The bit-flipped MPEG-TS chunks include the kind that made a
 * decoding loop spin forever at the end of the input, printing "mmco: unref short failure".
 */
@Timeout(300)
class ChunkFuzzTest {
    static byte[] ts;
    static byte[] mkv;

    @BeforeAll
    static void encode() {
        List<byte[]> frames = TestClips.frames(40, 160, 96);
        ts = new ClipEncoder(10, 10).encode(frames, 160, 96, "mpegts");
        mkv = new ClipEncoder(10, 10).encode(frames, 160, 96, "matroska");
    }

    @Test
    void everyMutantEndsWithFramesOrAReason() {
        ChunkDecoder decoder = new ChunkDecoder();
        int threads = Thread.activeCount();
        ChunkFuzzer.Tally tally = new ChunkFuzzer.Tally();
        for (long seed = 1; seed <= 3; seed++) {
            ChunkFuzzer.run(
                    decoder,
                    new ChunkFuzzer(seed).mutants(ts, "mpegts", mkv, "matroska", 25),
                    tally);
        }
        assertThat(tally.failures).isEmpty();
        assertThat(tally.total()).isGreaterThan(100);
        assertThat(tally.decoded).as(tally.toString()).isPositive(); // light damage still decodes
        assertThat(tally.rejected).as(tally.toString()).isNotEmpty();
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads);
    }

    @Test
    void aChunkPastItsBudgetIsDroppedWithItsOwnReason() {
        ChunkDecoder hurried = new ChunkDecoder(100_000, Duration.ofNanos(1));
        ChunkFuzzer.Tally tally =
                ChunkFuzzer.run(
                        hurried,
                        List.of(new ChunkFuzzer.Mutant("clean", ts, "mpegts")),
                        new ChunkFuzzer.Tally());
        assertThat(tally.rejected).containsOnlyKeys(VideoDecodeException.Reason.CHUNK_TOO_SLOW);
    }
}
