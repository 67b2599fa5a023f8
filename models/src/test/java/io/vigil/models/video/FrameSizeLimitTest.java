package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.models.video.VideoDecodeException.Reason;
import io.vigil.schemas.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames over 8K are refused before decoding: a small chunk cannot make FFmpeg allocate GBs. */
class FrameSizeLimitTest {
    private static final FramePreprocessor PRE =
            new FramePreprocessor(64, 64, new float[] {0, 0, 0}, new float[] {1, 1, 1});

    @Test
    void eightKIsTheLimit() {
        assertThatCode(() -> VideoDecodeException.checkFrameSize(7680, 4320, "x"))
                .doesNotThrowAnyException();
        assertThatCode(() -> VideoDecodeException.checkFrameSize(4320, 7680, "x"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> VideoDecodeException.checkFrameSize(7681, 4320, "a chunk"))
                .isInstanceOf(VideoDecodeException.class)
                .hasMessageContaining("a chunk has 7681x4320 frames");
        // width x height overflows an int: still refused
        assertThatThrownBy(() -> VideoDecodeException.checkFrameSize(65536, 65536, "x"))
                .isInstanceOf(VideoDecodeException.class);
    }

    @Test
    void aSmallChunkOfHugeFramesIsRefusedWithItsReason(@TempDir Path dir) throws Exception {
        Path clip = dir.resolve("huge.ts"); // one black 7696x4336 frame: ~100 KB
        EncodedClips.run(
                List.of(
                        "ffmpeg",
                        "-v",
                        "error",
                        "-y",
                        "-f",
                        "lavfi",
                        "-i",
                        "color=black:s=7696x4336:r=1",
                        "-t",
                        "1",
                        "-c:v",
                        "libx264",
                        "-preset",
                        "ultrafast",
                        "-f",
                        "mpegts",
                        clip.toString()));
        byte[] data = Files.readAllBytes(clip);
        assertThat(data.length).isLessThan(1 << 20);
        for (ChunkDecoder decoder :
                List.of(new ChunkDecoder(), new ChunkDecoder().everyFrameDecoded())) {
            assertThatThrownBy(
                            () ->
                                    decoder.sample(
                                            data, Container.MPEGTS, 0, new FrameSampler(1), PRE))
                    .isInstanceOf(VideoDecodeException.class)
                    .satisfies(
                            e ->
                                    assertThat(((VideoDecodeException) e).reason())
                                            .isEqualTo(Reason.FRAME_TOO_LARGE))
                    .hasMessageContaining("7696x4336");
        }
        assertThatThrownBy(() -> new ChunkDecoder().decodeAll(data, "mpegts", 0))
                .isInstanceOf(VideoDecodeException.class)
                .hasMessageContaining("FRAME_TOO_LARGE");
    }
}
