package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Writes compressed video packets, without re-encoding, into a fresh self-contained MPEG-TS byte
 * array (PAT/PMT first; FFmpeg's MPEG-TS muxer inserts {@code h264_mp4toannexb} itself, so packets
 * from MP4/Matroska sources come out in Annex B with SPS/PPS before the keyframe).
 */
final class PacketRemuxer {
    private final AVFormatContext input;
    private final int width;
    private final int height;
    private final int codecId;
    private final double frameRate;

    PacketRemuxer(AVFormatContext input, int width, int height, int codecId, double frameRate) {
        this.input = input;
        this.width = width;
        this.height = height;
        this.codecId = codecId;
        this.frameRate = frameRate;
    }

    /** The packets (left untouched: each is cloned before muxing) as one MPEG-TS chunk. */
    byte[] mux(List<AVPacket> packets) throws VideoSourceException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out, width, height, 0);
        recorder.setFormat("mpegts");
        recorder.setVideoCodec(codecId);
        recorder.setFrameRate(frameRate);
        try {
            recorder.start(input);
            for (AVPacket packet : packets) {
                AVPacket copy = av_packet_clone(packet);
                try {
                    recorder.recordPacket(copy);
                } finally {
                    av_packet_free(copy);
                }
            }
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new VideoSourceException(
                    "cannot remux packets into MPEG-TS: " + e.getMessage(), e);
        } finally {
            try {
                recorder.release();
            } catch (FrameRecorder.Exception e) {
                // already failed or stopped; nothing more to free
            }
        }
        return out.toByteArray();
    }
}
