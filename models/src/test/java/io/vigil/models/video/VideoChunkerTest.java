package io.vigil.models.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;

import io.vigil.schemas.VideoChunk;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoChunkerTest {
    @TempDir Path dir;

    @Test
    void remuxesH264IntoKeyframeAlignedSelfContainedChunks() throws Exception {
        Path clip = dir.resolve("clip.ts");
        RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 60, 10, 10, 96, 64, false);

        List<VideoChunk> chunks =
                VideoChunker.chunkAll(clip.toString(), ChunkerOptions.defaults("cam-1"));

        assertValidStream(chunks, "cam-1", 60, 10, ChunkerOptions.DEFAULT_MAX_CHUNK_BYTES);
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(3); // 6 s at a 2 s target
    }

    @Test
    void remuxesH264FromMp4() throws Exception {
        Path clip = dir.resolve("clip.mp4");
        RecordedClips.write(clip, "mp4", AV_CODEC_ID_H264, 40, 10, 10, 96, 64, false);

        List<VideoChunk> chunks =
                VideoChunker.chunkAll(clip.toString(), ChunkerOptions.defaults("mp4"));

        assertValidStream(chunks, "mp4", 40, 10, ChunkerOptions.DEFAULT_MAX_CHUNK_BYTES);
    }

    @Test
    void smallByteLimitCutsAtEveryKeyframe() throws Exception {
        Path clip = dir.resolve("noisy.ts");
        RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 20, 10, 10, 128, 96, true);
        int max = 60_000;

        List<VideoChunk> chunks =
                VideoChunker.chunkAll(
                        clip.toString(),
                        ChunkerOptions.defaults("noisy")
                                .withMaxChunkBytes(max)
                                .withTargetChunkMs(60_000));

        assertThat(chunks).hasSizeGreaterThanOrEqualTo(2);
        assertValidStream(chunks, "noisy", 20, 10, max);
    }

    @Test
    void reencodesOtherCodecsToH264() throws Exception {
        Path clip = dir.resolve("clip.avi");
        RecordedClips.write(clip, "avi", AV_CODEC_ID_MPEG4, 30, 10, 30, 96, 64, false);

        List<VideoChunk> chunks =
                VideoChunker.chunkAll(clip.toString(), ChunkerOptions.defaults("avi"));

        assertValidStream(chunks, "avi", 30, 10, ChunkerOptions.DEFAULT_MAX_CHUNK_BYTES);
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(2); // 3 s at a 2 s target
    }

    @Test
    void missingFileIsAClearError() {
        assertThatThrownBy(
                        () ->
                                VideoChunker.chunkAll(
                                        dir.resolve("nope.mp4").toString(),
                                        ChunkerOptions.defaults("x")))
                .isInstanceOf(VideoSourceException.class)
                .hasMessageContaining("no such video file");
    }

    private static void assertValidStream(
            List<VideoChunk> chunks, String streamId, int frames, double fps, int maxBytes)
            throws Exception {
        assertThat(chunks).isNotEmpty();
        int decodedTotal = 0;
        long expectedStart = 0;
        for (int i = 0; i < chunks.size(); i++) {
            VideoChunk chunk = chunks.get(i);
            assertThat(chunk.getStreamId()).isEqualTo(streamId);
            assertThat(chunk.getSeq()).isEqualTo(i);
            assertThat(chunk.getCodec()).isEqualTo("h264");
            assertThat(chunk.getLast()).isEqualTo(i == chunks.size() - 1);
            assertThat(chunk.getData().remaining()).isPositive().isLessThanOrEqualTo(maxBytes);
            assertThat(chunk.getMediaStartMs()).isEqualTo(expectedStart);
            assertThat(chunk.getMediaEndMs()).isGreaterThan(chunk.getMediaStartMs());
            expectedStart = chunk.getMediaEndMs();

            List<Frame> decoded = decode(chunk.getData());
            assertThat(decoded).as("chunk %d decodes on its own", i).isNotEmpty();
            assertThat(decoded.get(0).keyFrame).as("chunk %d starts with a keyframe", i).isTrue();
            long span = chunk.getMediaEndMs() - chunk.getMediaStartMs();
            assertThat(decoded.size()).isEqualTo((int) Math.round(span * fps / 1000));
            decodedTotal += decoded.size();
        }
        assertThat(decodedTotal).isEqualTo(frames);
        assertThat(chunks.get(chunks.size() - 1).getMediaEndMs())
                .isEqualTo(Math.round(frames * 1000 / fps));
    }

    private static List<Frame> decode(ByteBuffer data) throws Exception {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        List<Frame> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber =
                new FFmpegFrameGrabber(new ByteArrayInputStream(bytes), 0)) {
            grabber.setFormat("mpegts");
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                Frame copy = new Frame();
                copy.keyFrame = frame.keyFrame;
                copy.timestamp = frame.timestamp;
                frames.add(copy);
            }
            grabber.stop();
        }
        return frames;
    }

    @Test
    void aFileThatIsNoVideoIsOneClearSentence(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("random.bin");
        java.nio.file.Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        Path empty = dir.resolve("empty.mp4");
        java.nio.file.Files.write(empty, new byte[0]);
        for (Path p : new Path[] {junk, empty}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> VideoChunker.chunkAll(p.toString(), ChunkerOptions.defaults("x")))
                    .isInstanceOf(VideoSourceException.class)
                    .hasMessage(
                            "cannot open "
                                    + p
                                    + ": not a video FFmpeg can read (Invalid data found when"
                                    + " processing input)");
        }
    }
}
