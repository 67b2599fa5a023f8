package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sources encoded with open GOPs (x264's open-gop: keyframes that are not IDR pictures, followed in
 * decode order by B-frames shown before them, which reference the GOP before): every chunk cut at
 * such a keyframe decodes, the leading pictures that need the previous chunk are skipped, and frame
 * times stay those of the source.
 */
class OpenGopChunksTest {
    private static final int FPS = 25;
    private static final Map<String, List<VideoChunk>> CLIPS = new LinkedHashMap<>();

    @BeforeAll
    static void clips(@TempDir Path tmp) throws Exception {
        // keyframes every second that are not IDR pictures; x264 puts no B-frame before them
        CLIPS.put(
                "non-IDR keyframes",
                chunked(
                        tmp,
                        "a.ts",
                        "-g",
                        "" + FPS,
                        "-bf",
                        "3",
                        "-x264-params",
                        "open-gop=1:scenecut=0:b-adapt=0"));
        // open GOPs with leading pictures: B-frames after the keyframe, shown before it
        CLIPS.put(
                "leading pictures",
                chunked(
                        tmp,
                        "b.ts",
                        "-bf",
                        "3",
                        "-x264-params",
                        "open-gop=1:keyint=50:min-keyint=50:scenecut=0"));
    }

    private static List<VideoChunk> chunked(Path dir, String name, String... x264)
            throws Exception {
        Path file = EncodedClips.x264(dir, name, FPS, 8, "mpegts", x264);
        return VideoChunker.chunkAll(file.toString(), ChunkerOptions.defaults("open-gop"));
    }

    static Stream<String> clipNames() {
        return Stream.of("non-IDR keyframes", "leading pictures");
    }

    private static byte[] bytes(VideoChunk c) {
        ByteBuffer b = c.getData().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Packets after the chunk's first keyframe (decode order) shown before it. */
    private static int leadingPictures(VideoChunk c) {
        try (NativeChunk n = NativeChunk.open(bytes(c), "mpegts", Long.MAX_VALUE);
                VideoPackets p = n.readVideoPackets()) {
            long[] pts = p.pts();
            boolean[] key = p.keyframes();
            int first = -1;
            int leading = 0;
            for (int i = 0; i < p.size(); i++) {
                if (first < 0 && key[i]) {
                    first = i;
                } else if (first >= 0 && !key[i] && pts[i] < pts[first]) {
                    leading++;
                }
            }
            return leading;
        }
    }

    /** Whether the chunk's first keyframe is an IDR picture. */
    private static boolean startsIdr(VideoChunk c) {
        try (NativeChunk n = NativeChunk.open(bytes(c), "mpegts", Long.MAX_VALUE);
                VideoPackets p = n.readVideoPackets()) {
            boolean[] key = p.keyframes();
            for (int i = 0; i < p.size(); i++) {
                if (key[i]) {
                    return p.idr(i);
                }
            }
            return false;
        }
    }

    @Test
    void theClipsReallyAreWhatTheyClaim() {
        for (List<VideoChunk> chunks : CLIPS.values()) {
            assertThat(chunks).hasSizeGreaterThanOrEqualTo(3);
            assertThat(startsIdr(chunks.get(0))).isTrue();
            assertThat(chunks.subList(1, chunks.size()))
                    .as("later chunks start at a keyframe that is not an IDR picture")
                    .anySatisfy(c -> assertThat(startsIdr(c)).isFalse());
        }
        assertThat(CLIPS.get("non-IDR keyframes"))
                .allSatisfy(c -> assertThat(leadingPictures(c)).isZero());
        assertThat(CLIPS.get("leading pictures").subList(1, CLIPS.get("leading pictures").size()))
                .anySatisfy(c -> assertThat(leadingPictures(c)).isPositive());
    }

    @ParameterizedTest
    @MethodSource("clipNames")
    void everyChunkDecodesAndKeepsTheSourcesTimes(String clip) {
        long last = -1;
        for (VideoChunk c : CLIPS.get(clip)) {
            List<DecodedFrame> frames =
                    new ChunkDecoder().decodeAll(bytes(c), "mpegts", c.getMediaStartMs());
            int inChunk;
            try (NativeChunk n = NativeChunk.open(bytes(c), "mpegts", Long.MAX_VALUE);
                    VideoPackets p = n.readVideoPackets()) {
                inChunk = p.size();
            }
            assertThat(frames.size())
                    .as("chunk %d: all but its leading pictures decode", c.getSeq())
                    .isEqualTo(inChunk - leadingPictures(c));
            for (DecodedFrame f : frames) {
                assertThat(f.ptsMs())
                        .as("chunk %d frame times in its range and increasing", c.getSeq())
                        .isGreaterThan(last)
                        .isGreaterThanOrEqualTo(c.getMediaStartMs())
                        .isLessThan(c.getMediaEndMs());
                // on the source's frame grid: the leading pictures' times are not reused
                assertThat(f.ptsMs() % (1000 / FPS)).isZero();
                last = f.ptsMs();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("clipNames")
    void theSamplerGetsAFrameEverySecond(String clip) {
        FrameSampler sampler = new FrameSampler(1.0);
        FramePreprocessor pre =
                new FramePreprocessor(16, 16, new float[] {0, 0, 0}, new float[] {1, 1, 1});
        int sampled = 0;
        for (VideoChunk c : CLIPS.get(clip)) {
            sampled += new ChunkDecoder().sample(c, sampler, pre).frames().size();
        }
        assertThat(sampled).isEqualTo(8);
    }
}
