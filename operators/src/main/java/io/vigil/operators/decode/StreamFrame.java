package io.vigil.operators.decode;

/**
 * One sampled, preprocessed frame of one stream, or the end-of-stream marker of a finite source
 * (then {@link #pixels} is empty). A Flink POJO; it only travels inside the decode → encode chain,
 * never over the network.
 */
public class StreamFrame {
    public String streamId;

    /** Seq of the chunk the frame came from. */
    public long seq;

    /** Presentation time, ms of stream media time. */
    public long ptsMs;

    /**
     * {@code [3, H, W]} from {@code FramePreprocessor}, or {@code [6, H, W]} (the sample, then its
     * lead frame) for a model with a lead; empty for the marker.
     */
    public float[] pixels;

    /** True on the marker sent after the last chunk of a finite stream. */
    public boolean endOfStream;

    /** On the marker: the stream's end, the last chunk's {@code mediaEndMs}. */
    public long streamEndMs;

    public StreamFrame() {}

    public static StreamFrame frame(String streamId, long seq, long ptsMs, float[] pixels) {
        StreamFrame f = new StreamFrame();
        f.streamId = streamId;
        f.seq = seq;
        f.ptsMs = ptsMs;
        f.pixels = pixels;
        return f;
    }

    public static StreamFrame end(String streamId, long seq, long streamEndMs) {
        StreamFrame f = new StreamFrame();
        f.streamId = streamId;
        f.seq = seq;
        f.ptsMs = streamEndMs;
        f.pixels = new float[0];
        f.endOfStream = true;
        f.streamEndMs = streamEndMs;
        return f;
    }

    @Override
    public String toString() {
        return endOfStream
                ? "StreamFrame[" + streamId + " end at " + streamEndMs + " ms]"
                : "StreamFrame[" + streamId + "#" + seq + " " + ptsMs + " ms]";
    }
}
