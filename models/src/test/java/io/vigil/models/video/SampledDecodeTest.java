package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.video.EncodedClips.Chunk;
import io.vigil.schemas.Container;
import io.vigil.schemas.VideoChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding only the frames the sampler keeps gives exactly what decoding every frame gives: the
 * same sampled frames (times and preprocessed pixels, bit for bit; the preprocessor here keeps the
 * full size, so pixels are RGB bytes / 255) and the same sampler state after every chunk, over real
 * libx264 clips (1-s and 4-s GOPs, every frame a keyframe, B-frames, open GOPs; 25 and 30 fps;
 * MPEG-TS chunks cut as ingest cuts them and Matroska chunks), sampled at 0.5, 1 and 4 fps, while
 * decoding fewer frames.
 */
@Timeout(600)
class SampledDecodeTest {
    static final int W = 128;
    static final int H = 96;
    static final FramePreprocessor PRE =
            new FramePreprocessor(H, W, new float[] {0, 0, 0}, new float[] {1, 1, 1});

    @TempDir static Path dir;

    /** Name → clip file. */
    static Path gop1s30;

    static Path gop4sBf25;
    static Path allKey25;
    static Path gop1sBf25;
    static Path openGop30;
    static Path gop4s30;

    @BeforeAll
    static void encode() {
        gop1s30 = EncodedClips.x264(dir, "gop1s30.ts", 30, 8, "mpegts", "-g", "30", "-bf", "0");
        gop4sBf25 =
                EncodedClips.x264(
                        dir,
                        "gop4sbf25.ts",
                        25,
                        9,
                        "mpegts",
                        "-g",
                        "100",
                        "-bf",
                        "3",
                        "-x264-params",
                        "scenecut=0");
        allKey25 = EncodedClips.x264(dir, "allkey25.mkv", 25, 6, "matroska", "-g", "1");
        gop1sBf25 =
                EncodedClips.x264(dir, "gop1sbf25.mkv", 25, 8, "matroska", "-g", "25", "-bf", "3");
        openGop30 =
                EncodedClips.x264(
                        dir,
                        "opengop30.ts",
                        30,
                        8,
                        "mpegts",
                        "-g",
                        "30",
                        "-bf",
                        "3",
                        "-x264-params",
                        "open-gop=1:scenecut=0");
        gop4s30 = EncodedClips.x264(dir, "gop4s30.mkv", 30, 9, "matroska", "-g", "120");
    }

    static Stream<Arguments> chunkedClips() {
        List<Arguments> out = new ArrayList<>();
        for (double fps : new double[] {1, 0.5, 4}) {
            out.add(Arguments.of("gop1s30.ts", fps));
            out.add(Arguments.of("gop4sbf25.ts", fps));
            out.add(Arguments.of("allkey25.mkv", fps));
            out.add(Arguments.of("gop1sbf25.mkv", fps));
            out.add(Arguments.of("gop4s30.mkv", fps));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} at {1} fps")
    @MethodSource("chunkedClips")
    void chunksSampleAsADecodeOfEveryFrameWhileDecodingFewer(String name, double fps)
            throws Exception {
        Path clip = dir.resolve(name);
        Totals t = compare(chunks(clip), container(name), new FrameSampler(fps));
        assertThat(t.kept).as("frames sampled").isPositive();
        assertThat(t.skipDecoded).as(t.toString()).isLessThan(t.fullDecoded);
    }

    @ParameterizedTest(name = "{0} at {1} fps, the clip as one chunk")
    @MethodSource("chunkedClips")
    void wholeClipsSampleAlike(String name, double fps) throws Exception {
        Path clip = dir.resolve(name);
        Chunk whole = new Chunk(Files.readAllBytes(clip), 0);
        Totals t = compare(List.of(whole), container(name), new FrameSampler(fps));
        assertThat(t.skipDecoded).as(t.toString()).isLessThan(t.fullDecoded);
    }

    @Test
    void oneFpsOnKeyframeAlignedOneSecondGopsDecodesOnlyTheSampledFrames() throws Exception {
        // no B-frames, a keyframe every second, chunks cut at keyframes: each sample is a keyframe
        Totals t = compare(chunks(gop1s30), Container.MPEGTS, new FrameSampler(1));
        assertThat(t.kept).isEqualTo(8);
        assertThat(t.skipDecoded).as(t.toString()).isEqualTo(t.kept);
        assertThat(t.fullDecoded).isEqualTo(240);
    }

    @Test
    void anAudioStreamBesideTheVideoChangesNothing() throws Exception {
        for (String format : List.of("mpegts", "matroska")) {
            Path clip = EncodedClips.x264(dir, "audio." + format, 25, 5, format, true, "-g", "25");
            Container c = format.equals("mpegts") ? Container.MPEGTS : Container.MATROSKA;
            Chunk whole = new Chunk(Files.readAllBytes(clip), 0);
            Totals t = compare(List.of(whole), c, new FrameSampler(1));
            assertThat(t.kept).as(format).isEqualTo(5);
            assertThat(t.skipDecoded).as(format).isEqualTo(5);
        }
    }

    @Test
    void aRestoredSamplerMidStreamSamplesAlike() throws Exception {
        // thresholds not on frame times nor on keyframes
        Totals t = compare(chunks(gop4sBf25), Container.MPEGTS, new FrameSampler(1.5, 1_337));
        assertThat(t.kept).isPositive();
        assertThat(t.skipDecoded).isLessThan(t.fullDecoded);
    }

    @Test
    void anOpenGopNeedsTheGopBeforeItAndStillSkipsTheRest() throws Exception {
        Chunk whole = new Chunk(Files.readAllBytes(openGop30), 0);
        for (double fps : new double[] {1, 0.5, 4}) {
            Totals t = compare(List.of(whole), Container.MPEGTS, new FrameSampler(fps));
            assertThat(t.skipDecoded).as("%s fps: %s", fps, t).isLessThan(t.fullDecoded);
        }
    }

    @Test
    void chunksThatStartWithAnOpenGopDecodeAlike() throws Exception {
        // the segment muxer cuts at the open GOPs' keyframes (not IDR pictures, with leading
        // B-frames that refer to the GOP before): every chunk but the first starts with one. The
        // full decode skips the leading pictures and, where the strict decoder gets nothing out
        // of a non-IDR start, decodes leniently (OpenGopChunksTest); the skipping decode falls
        // back to it, so both give every chunk's frames, the same ones.
        List<Chunk> chunks = EncodedClips.matroskaChunks(openGop30, 2);
        assertThat(chunks).hasSizeGreaterThan(2);
        Totals first = compare(chunks.subList(0, 1), Container.MATROSKA, new FrameSampler(1));
        assertThat(first.skipDecoded).isLessThan(first.fullDecoded);
        Totals rest =
                compare(chunks.subList(1, chunks.size()), Container.MATROSKA, new FrameSampler(1));
        assertThat(rest.rejected).as(rest.toString()).isZero();
        assertThat(rest.chunks).as(rest.toString()).isEqualTo(chunks.size() - 1);
        assertThat(rest.skipDecoded).as(rest.toString()).isEqualTo(rest.fullDecoded);
    }

    static Stream<Arguments> leadClips() {
        return Stream.of(
                Arguments.of("gop1s30.ts", 1.0, 500L),
                Arguments.of("gop4sbf25.ts", 1.0, 500L),
                Arguments.of("allkey25.mkv", 0.5, 1500L),
                Arguments.of("gop1sbf25.mkv", 1.0, 300L),
                Arguments.of("gop4s30.mkv", 4.0, 100L));
    }

    @ParameterizedTest(name = "{0} at {1} fps with a lead of {2} ms")
    @MethodSource("leadClips")
    void withALeadChunksSampleAsADecodeOfEveryFrame(String name, double fps, long leadMs)
            throws Exception {
        Path clip = dir.resolve(name);
        Totals t = compare(chunks(clip), container(name), FrameSampler.start(fps, leadMs));
        assertThat(t.kept).as("samples").isPositive();
        assertThat(t.skipDecoded).as(t.toString()).isLessThan(t.fullDecoded);
    }

    @Test
    void withALeadARestoredSamplerAndAnOpenGopSampleAlike() throws Exception {
        // thresholds off the frame times; the chunks start at 4 s and 8 s, on the samples at
        // 3974 ms + 26 and 7974 ms + 26 (2/3 s steps, a lead of 640 ms): their leads lie in the
        // chunks before, held by the sampler across the boundary
        Totals t =
                compare(chunks(gop4sBf25), Container.MPEGTS, FrameSampler.restore(1.5, 640, 1_337));
        assertThat(t.kept).isPositive();
        assertThat(t.leadsMissing).as(t.toString()).isZero();
        Chunk whole = new Chunk(Files.readAllBytes(openGop30), 0);
        Totals open = compare(List.of(whole), Container.MPEGTS, FrameSampler.start(1, 500));
        assertThat(open.kept).isEqualTo(8);
        assertThat(open.leadsMissing).isZero();
        assertThat(open.skipDecoded).as(open.toString()).isLessThan(open.fullDecoded);
    }

    /** Sums over a run of chunks. */
    record Totals(
            int chunks,
            int rejected,
            int kept,
            int fullDecoded,
            int skipDecoded,
            int leadsMissing) {}

    /**
     * Samples every chunk twice, decoding everything and skipping, each with its own sampler
     * starting as {@code sampler}, and checks frames and sampler state after each chunk.
     */
    static Totals compare(List<Chunk> chunks, Container container, FrameSampler sampler) {
        ChunkDecoder skipping = new ChunkDecoder();
        ChunkDecoder everyFrame = skipping.everyFrameDecoded();
        FrameSampler a = sampler.copy();
        FrameSampler b = sampler.copy();
        int rejected = 0;
        int kept = 0;
        int full = 0;
        int skipped = 0;
        int leadsMissing = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            Outcome expected =
                    Outcome.of(() -> everyFrame.sample(c.data(), container, c.baseMs(), a, PRE));
            Outcome actual =
                    Outcome.of(() -> skipping.sample(c.data(), container, c.baseMs(), b, PRE));
            actual.assertSameAs(expected, "chunk " + i);
            assertThat(b).as("sampler after chunk %d", i).isEqualTo(a);
            if (expected.sampled() == null) {
                rejected++;
                continue;
            }
            assertThat(expected.sampled().decoded()).isEqualTo(expected.sampled().inChunk());
            kept += expected.sampled().frames().size();
            full += expected.sampled().decoded();
            skipped += actual.sampled().decoded();
            leadsMissing += expected.sampled().leadsMissing();
        }
        return new Totals(chunks.size(), rejected, kept, full, skipped, leadsMissing);
    }

    /** MPEG-TS clips as ingest cuts them; Matroska ones with FFmpeg's segment muxer. */
    static List<Chunk> chunks(Path clip) throws Exception {
        if (clip.toString().endsWith(".mkv")) {
            return EncodedClips.matroskaChunks(clip, 2);
        }
        List<Chunk> out = new ArrayList<>();
        for (VideoChunk c : VideoChunker.chunkAll(clip.toString(), ChunkerOptions.defaults("t"))) {
            out.add(new Chunk(ChunkDecoder.bytes(c.getData()), c.getMediaStartMs()));
        }
        return out;
    }

    static Container container(String name) {
        return name.endsWith(".mkv") ? Container.MATROSKA : Container.MPEGTS;
    }
}
