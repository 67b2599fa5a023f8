package io.vigil.operators;

import io.vigil.models.video.ClipEncoder;
import io.vigil.schemas.Container;
import io.vigil.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Real H.264 MPEG-TS chunks of synthetic video, made in memory with {@link ClipEncoder}. */
public final class TestChunks {
    public static final int WIDTH = 96;
    public static final int HEIGHT = 64;

    private TestChunks() {}

    /** Frame i of a stream: a gradient and a box moving right, colour set by {@code hue}. */
    public static byte[] frame(int i, int hue, int w, int h) {
        byte[] rgb = new byte[3 * w * h];
        int box = Math.max(4, w / 6);
        int bx = (i * 4) % Math.max(1, w - box);
        int by = h / 3;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = 3 * (y * w + x);
                boolean in = x >= bx && x < bx + box && y >= by && y < by + box;
                rgb[p] = (byte) (in ? (hue * 80) % 256 : 40 + 120 * x / w);
                rgb[p + 1] = (byte) (in ? 200 - hue * 50 : 50 + 100 * y / h);
                rgb[p + 2] = (byte) (in ? 30 + hue * 60 : 90 + (i * 5) % 60);
            }
        }
        return rgb;
    }

    /**
     * One self-contained chunk: {@code seconds * fps} frames from frame index {@code first}, a
     * keyframe every second.
     */
    public static VideoChunk chunk(
            String streamId, long seq, int hue, int fps, int seconds, boolean last) {
        int n = fps * seconds;
        List<byte[]> frames = new ArrayList<>();
        int first = (int) (seq * n);
        for (int i = 0; i < n; i++) {
            frames.add(frame(first + i, hue, WIDTH, HEIGHT));
        }
        byte[] ts = new ClipEncoder(fps, fps).encode(frames, WIDTH, HEIGHT);
        long start = seq * seconds * 1000L;
        return chunk(streamId, seq, ts, start, start + seconds * 1000L, last);
    }

    public static VideoChunk chunk(
            String streamId, long seq, byte[] data, long startMs, long endMs, boolean last) {
        return VideoChunk.newBuilder()
                .setStreamId(streamId)
                .setSeq(seq)
                .setContainer(Container.MPEGTS)
                .setCodec("h264")
                .setData(ByteBuffer.wrap(data))
                .setMediaStartMs(startMs)
                .setMediaEndMs(endMs)
                .setWallClockMs(1_700_000_000_000L + startMs)
                .setLast(last)
                .build();
    }

    /** Bytes that are no container at all. */
    public static byte[] garbage(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A copy of {@code c} with other seq (same data). */
    public static VideoChunk withSeq(VideoChunk c, long seq) {
        return VideoChunk.newBuilder(c).setSeq(seq).build();
    }

    /** A copy of {@code c} with another {@code last} flag. */
    public static VideoChunk withLast(VideoChunk c, boolean last) {
        return VideoChunk.newBuilder(c).setLast(last).build();
    }
}
