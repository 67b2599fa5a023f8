package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/** Writes small real video files for tests (a square moving over a background, optional noise). */
public final class RecordedClips {
    private RecordedClips() {}

    public static void write(
            Path file,
            String format,
            int codecId,
            int frames,
            double fps,
            int gopFrames,
            int width,
            int height,
            boolean noise)
            throws Exception {
        Random random = new Random(42);
        try (FFmpegFrameRecorder recorder =
                new FFmpegFrameRecorder(file.toFile(), width, height, 0)) {
            recorder.setFormat(format);
            recorder.setVideoCodec(codecId);
            recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setGopSize(gopFrames);
            recorder.setVideoBitrate(noise ? 1_000_000 : 400_000);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
                ByteBuffer buf = (ByteBuffer) frame.image[0];
                int stride = frame.imageStride;
                int sx = (i * 4) % Math.max(1, width - 16);
                int[] blocks = new int[(width / 8 + 1) * (height / 8 + 1)];
                for (int b = 0; b < blocks.length; b++) {
                    blocks[b] = random.nextInt(256);
                }
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        boolean square = x >= sx && x < sx + 16 && y >= 20 && y < 36;
                        int block = blocks[(y / 8) * (width / 8 + 1) + x / 8];
                        int v = noise ? block : 40 + y / 2;
                        int at = y * stride + x * 3;
                        buf.put(at, (byte) (square ? 0 : v));
                        buf.put(at + 1, (byte) (square ? 0 : v));
                        buf.put(at + 2, (byte) (square ? 255 : v));
                    }
                }
                recorder.record(frame);
            }
            recorder.stop();
        }
    }
}
