package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.models.video.VideoDecodeException.Reason;
import io.vigil.schemas.Container;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ChunkDecoderTest {
    static final int W = 96;
    static final int H = 64;
    static final int N = 20;
    static final double FPS = 10;

    static List<byte[]> source;
    static byte[] clip;

    @BeforeAll
    static void encode() {
        source = TestClips.frames(N, W, H);
        clip = new ClipEncoder(FPS, 10).encode(source, W, H);
    }

    @Test
    void roundTripKeepsFrameCountTimesAndPixels() {
        List<DecodedFrame> frames =
                new ChunkDecoder().decodeAll(clip, ChunkDecoder.format(Container.MPEGTS), 5_000);

        assertThat(frames).hasSize(N);
        for (int i = 0; i < N; i++) {
            DecodedFrame f = frames.get(i);
            assertThat(f.width()).isEqualTo(W);
            assertThat(f.height()).isEqualTo(H);
            assertThat(f.ptsMs()).isEqualTo(5_000 + i * 100L);
            assertThat(TestClips.meanAbsError(source.get(i), f.rgb()))
                    .as("mean abs pixel error of frame %d", i)
                    .isLessThan(4.0);
        }
    }

    @Test
    void pixelsAreBitIdenticalToTheFfmpegCommandLine() throws Exception {
        // the Python toolkit decodes its training and golden videos with the ffmpeg CLI
        Process p;
        try {
            p =
                    new ProcessBuilder(
                                    "ffmpeg",
                                    "-v",
                                    "error",
                                    "-f",
                                    "mpegts",
                                    "-i",
                                    "-",
                                    "-f",
                                    "rawvideo",
                                    "-pix_fmt",
                                    "rgb24",
                                    "-")
                            .start();
        } catch (IOException e) {
            Assumptions.assumeTrue(false, "no ffmpeg on PATH");
            return;
        }
        CompletableFuture<byte[]> out =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return p.getInputStream().readAllBytes();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
        try (OutputStream in = p.getOutputStream()) {
            in.write(clip);
        }
        byte[] cli = out.get(60, TimeUnit.SECONDS);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<DecodedFrame> frames = new ChunkDecoder().decodeAll(clip, "mpegts", 0);
        assertThat(cli).hasSize(N * W * H * 3);
        for (int i = 0; i < N; i++) {
            assertThat(frames.get(i).rgb())
                    .as("frame %d", i)
                    .isEqualTo(Arrays.copyOfRange(cli, i * W * H * 3, (i + 1) * W * H * 3));
        }
    }

    @Test
    void decodersInManyThreadsGiveTheSameFrames() throws Exception {
        List<DecodedFrame> reference = new ChunkDecoder().decodeAll(clip, "mpegts", 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<DecodedFrame>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> new ChunkDecoder().decodeAll(clip, "mpegts", 0)));
            }
            for (Future<List<DecodedFrame>> f : results) {
                List<DecodedFrame> frames = f.get(60, TimeUnit.SECONDS);
                assertThat(frames).hasSameSizeAs(reference);
                for (int i = 0; i < frames.size(); i++) {
                    assertThat(frames.get(i).rgb()).isEqualTo(reference.get(i).rgb());
                    assertThat(frames.get(i).ptsMs()).isEqualTo(reference.get(i).ptsMs());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void framesAreCopiesNotTheGrabbersBuffer() {
        List<DecodedFrame> frames = new ChunkDecoder().decodeAll(clip, "mpegts", 0);
        // the square moves, so consecutive frames differ: a reused buffer would make them equal
        assertThat(frames.get(0).rgb()).isNotEqualTo(frames.get(N - 1).rgb());
    }

    @Test
    void chunkStartingAtALaterPtsIsRelativeToItsFirstFrame() {
        // a second clip whose frames are numbered from 0 again, decoded with its own base
        List<DecodedFrame> frames = new ChunkDecoder().decodeAll(clip, "mpegts", 0);
        assertThat(frames.get(0).ptsMs()).isZero();
        assertThat(frames.get(N - 1).ptsMs()).isEqualTo((N - 1) * 100L);
    }

    @Test
    void randomBytesAreUndecodable() {
        byte[] junk = new byte[64 * 1024];
        new Random(7).nextBytes(junk);
        for (String format : List.of("mpegts", "matroska")) {
            assertThatThrownBy(() -> new ChunkDecoder().decodeAll(junk, format, 0))
                    .isInstanceOfSatisfying(
                            VideoDecodeException.class,
                            e ->
                                    assertThat(e.reason())
                                            .isIn(Reason.CHUNK_UNDECODABLE, Reason.CHUNK_EMPTY));
        }
    }

    @Test
    void corruptedBytesInsideARealChunkNeverEscapeAsAnythingElse() {
        Random r = new Random(11);
        for (int round = 0; round < 20; round++) {
            byte[] bad = clip.clone();
            for (int i = 0; i < 1 + round * 5; i++) {
                int at = 188 * 3 + r.nextInt(bad.length - 188 * 3);
                bad[at] ^= (byte) (1 << r.nextInt(8));
            }
            try {
                List<DecodedFrame> frames = new ChunkDecoder().decodeAll(bad, "mpegts", 0);
                assertThat(frames).isNotEmpty().hasSizeLessThanOrEqualTo(N + 1);
            } catch (VideoDecodeException e) {
                assertThat(e.reason()).isNotNull();
            }
        }
    }

    @Test
    void garbageWithTransportStreamSyncBytesIsRejected() {
        byte[] junk = new byte[188 * 200];
        new Random(3).nextBytes(junk);
        for (int i = 0; i < junk.length; i += 188) {
            junk[i] = 0x47;
        }
        assertThatThrownBy(() -> new ChunkDecoder().decodeAll(junk, "mpegts", 0))
                .isInstanceOfSatisfying(
                        VideoDecodeException.class,
                        e ->
                                assertThat(e.reason())
                                        .isIn(Reason.CHUNK_UNDECODABLE, Reason.CHUNK_EMPTY));
    }

    @Test
    void emptyInputIsEmpty() {
        assertThatThrownBy(() -> new ChunkDecoder().decodeAll(new byte[0], "mpegts", 0))
                .isInstanceOfSatisfying(
                        VideoDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CHUNK_EMPTY));
    }

    @Test
    void chunkCutInsideAPacketIsUndecodable() {
        for (int cut : new int[] {100, 1000, clip.length / 3, clip.length - 100}) {
            byte[] part = Arrays.copyOf(clip, cut);
            assertThatThrownBy(() -> new ChunkDecoder().decodeAll(part, "mpegts", 0))
                    .as("%d of %d bytes", cut, clip.length)
                    .isInstanceOfSatisfying(
                            VideoDecodeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CHUNK_UNDECODABLE));
        }
    }

    @Test
    void chunkCutAtAPacketBoundaryYieldsOnlyIntactFrames() {
        int packets = clip.length / 188;
        for (int keep : new int[] {1, 3, packets / 2, packets - 1}) {
            byte[] part = Arrays.copyOf(clip, keep * 188);
            try {
                List<DecodedFrame> frames = new ChunkDecoder().decodeAll(part, "mpegts", 0);
                assertThat(frames).hasSizeLessThan(N);
                for (int i = 0; i < frames.size(); i++) {
                    assertThat(frames.get(i).ptsMs()).isEqualTo(i * 100L);
                    assertThat(TestClips.meanAbsError(source.get(i), frames.get(i).rgb()))
                            .as("frame %d of a chunk cut to %d packets", i, keep)
                            .isLessThan(4.0);
                }
            } catch (VideoDecodeException e) {
                assertThat(e.reason()).isIn(Reason.CHUNK_UNDECODABLE, Reason.CHUNK_EMPTY);
            }
        }
    }

    @Test
    void matroskaRoundTrip() {
        byte[] mkv = new ClipEncoder(FPS, 10).encode(source, W, H, "matroska");
        List<DecodedFrame> frames =
                new ChunkDecoder().decodeAll(mkv, ChunkDecoder.format(Container.MATROSKA), 1_000);
        assertThat(frames).hasSize(N);
        for (int i = 0; i < N; i++) {
            assertThat(frames.get(i).ptsMs()).isEqualTo(1_000 + i * 100L);
            assertThat(TestClips.meanAbsError(source.get(i), frames.get(i).rgb())).isLessThan(4.0);
        }
    }

    @Test
    void audioOnlyTransportStreamIsNotVideo() throws IOException {
        byte[] audio;
        try (InputStream in = getClass().getResourceAsStream("/video/audio-only.ts")) {
            audio = in.readAllBytes();
        }
        assertThatThrownBy(
                        () ->
                                new ChunkDecoder()
                                        .decodeAll(audio, ChunkDecoder.format(Container.MPEGTS), 0))
                .isInstanceOfSatisfying(
                        VideoDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CHUNK_NOT_VIDEO));
    }

    @Test
    void wrongContainerFormatIsUndecodable() {
        assertThatThrownBy(() -> new ChunkDecoder().decodeAll(clip, "matroska", 0))
                .isInstanceOfSatisfying(
                        VideoDecodeException.class,
                        e ->
                                assertThat(e.reason())
                                        .isIn(Reason.CHUNK_UNDECODABLE, Reason.CHUNK_EMPTY));
    }
}
