package io.vigil.models.video;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Encodes RGB frames as H.264 (openh264, the encoder JavaCV's FFmpeg build ships) in an MPEG-TS
 * byte array (or Matroska), in memory: real encoded video for {@code vigil eval}, tests and the
 * demo. Frame i has presentation time {@code i / fps}; a keyframe every {@code gop} frames. Width
 * and height must be even (YUV 4:2:0). Immutable; each call has its own recorder.
 */
public final class ClipEncoder {

    static {
        FfmpegLogLevel.atMostErrors();
    }

    private final double fps;
    private final int gop;
    private final int bitrate;

    /**
     * @param fps frames per second
     * @param gop frames between keyframes (1 = every frame)
     */
    public ClipEncoder(double fps, int gop) {
        this(fps, gop, 0);
    }

    /**
     * @param bitrate bits per second; 0 picks a high one (about 8 bits per pixel per frame, at
     *     least 2 Mbit/s)
     */
    public ClipEncoder(double fps, int gop, int bitrate) {
        if (!(fps > 0) || gop < 1 || bitrate < 0) {
            throw new IllegalArgumentException("fps > 0, gop >= 1, bitrate >= 0");
        }
        this.fps = fps;
        this.gop = gop;
        this.bitrate = bitrate;
    }

    /**
     * @param rgbFrames each tightly packed RGB24 {@code [height, width, 3]}
     * @return MPEG-TS bytes
     */
    public byte[] encode(List<byte[]> rgbFrames, int width, int height) {
        return encode(rgbFrames, width, height, "mpegts");
    }

    /**
     * @param format FFmpeg muxer: {@code "mpegts"} or {@code "matroska"} (streamable, written
     *     without seeking back)
     * @return the container bytes
     */
    public byte[] encode(List<byte[]> rgbFrames, int width, int height, String format) {
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException(
                    "width and height must be even and > 0: " + width + "x" + height);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out, width, height, 0);
        rec.setFormat(format);
        rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        rec.setVideoCodecName("libopenh264");
        rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        rec.setFrameRate(fps);
        rec.setGopSize(gop);
        int bps =
                bitrate > 0
                        ? bitrate
                        : (int)
                                Math.min(
                                        Integer.MAX_VALUE,
                                        Math.max(2_000_000L, (long) (8.0 * width * height * fps)));
        rec.setVideoBitrate(bps);
        rec.setVideoOption("rc_mode", "quality");
        rec.setVideoOption("allow_skip_frames", "0");
        try {
            rec.start();
            for (int i = 0; i < rgbFrames.size(); i++) {
                byte[] rgb = rgbFrames.get(i);
                if (rgb.length != 3 * width * height) {
                    throw new IllegalArgumentException(
                            "frame "
                                    + i
                                    + " has "
                                    + rgb.length
                                    + " bytes, expected "
                                    + 3 * width * height);
                }
                rec.setFrameNumber(i);
                rec.recordImage(
                        width,
                        height,
                        Frame.DEPTH_UBYTE,
                        3,
                        3 * width,
                        avutil.AV_PIX_FMT_RGB24,
                        ByteBuffer.wrap(rgb));
            }
            rec.stop();
            rec.release();
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException(
                    "H.264 encoding of "
                            + rgbFrames.size()
                            + " frames "
                            + width
                            + "x"
                            + height
                            + " failed: "
                            + e.getMessage(),
                    e);
        } finally {
            try {
                rec.close();
            } catch (FrameRecorder.Exception e) {
                // already failing or closed
            }
        }
        return out.toByteArray();
    }

    public double fps() {
        return fps;
    }

    public int gop() {
        return gop;
    }
}
