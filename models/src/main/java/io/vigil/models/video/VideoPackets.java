package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

/**
 * A chunk's demuxed video packets in decode order, each with its timestamps and keyframe flag, held
 * in FFmpeg's memory until closed ({@link NativeChunk#readVideoPackets()}). Not thread-safe.
 */
final class VideoPackets implements AutoCloseable {
    private final int nalLengthSize;
    private final List<AVPacket> packets = new ArrayList<>();
    private long[] pts = new long[64];
    private long[] dts = new long[64];
    private boolean[] key = new boolean[64];
    private boolean corrupt;

    /**
     * @param nalLengthSize bytes of each H.264 NAL unit's length prefix, 0 for Annex B
     */
    VideoPackets(int nalLengthSize) {
        this.nalLengthSize = nalLengthSize;
    }

    /**
     * Keeps {@code p} (a reference FFmpeg made for it; freed on close).
     *
     * @param damaged the demuxer flagged it corrupt
     */
    void add(AVPacket p, long ptsValue, long dtsValue, boolean keyframe, boolean damaged) {
        if (p == null) {
            throw new IllegalStateException("FFmpeg could not reference a demuxed packet");
        }
        int n = packets.size();
        if (n == pts.length) {
            pts = Arrays.copyOf(pts, 2 * n);
            dts = Arrays.copyOf(dts, 2 * n);
            key = Arrays.copyOf(key, 2 * n);
        }
        packets.add(p);
        pts[n] = ptsValue;
        dts[n] = dtsValue;
        key[n] = keyframe;
        corrupt |= damaged;
    }

    /** Whether the demuxer flagged any packet corrupt. */
    boolean anyCorrupt() {
        return corrupt;
    }

    int size() {
        return packets.size();
    }

    AVPacket packet(int i) {
        return packets.get(i);
    }

    /** Presentation times, in the stream's time base ({@code AV_NOPTS_VALUE} when missing). */
    long[] pts() {
        return Arrays.copyOf(pts, size());
    }

    /** Decode times, in the stream's time base ({@code AV_NOPTS_VALUE} when missing). */
    long[] dts() {
        return Arrays.copyOf(dts, size());
    }

    /** The demuxer's keyframe flags. */
    boolean[] keyframes() {
        return Arrays.copyOf(key, size());
    }

    /** Whether packet {@code i} is an H.264 IDR picture (its first slice is an IDR slice). */
    boolean idr(int i) {
        return H264Nal.startsIdr(packets.get(i), nalLengthSize);
    }

    @Override
    public void close() {
        for (AVPacket p : packets) {
            av_packet_free(p);
        }
        packets.clear();
    }
}
