package io.vigil.operators.encode;

/**
 * One frame of one stream compressed to a single token, or the end-of-stream marker (then {@link
 * #token} is empty). A Flink POJO: this (D floats, not pixels) is what reaches the memory.
 */
public class FrameToken {
    public String streamId;

    /** Seq of the chunk the frame came from. */
    public long seq;

    /** Presentation time, ms of stream media time. */
    public long ptsMs;

    /** {@code [D]} frame token; empty for the marker. */
    public float[] token;

    public boolean endOfStream;

    /** On the marker: the stream's end, ms of media time. */
    public long streamEndMs;

    public FrameToken() {}

    public static FrameToken of(String streamId, long seq, long ptsMs, float[] token) {
        FrameToken t = new FrameToken();
        t.streamId = streamId;
        t.seq = seq;
        t.ptsMs = ptsMs;
        t.token = token;
        return t;
    }

    public static FrameToken end(String streamId, long seq, long streamEndMs) {
        FrameToken t = of(streamId, seq, streamEndMs, new float[0]);
        t.endOfStream = true;
        t.streamEndMs = streamEndMs;
        return t;
    }

    public String getStreamId() {
        return streamId;
    }

    @Override
    public String toString() {
        return endOfStream
                ? "FrameToken[" + streamId + " end at " + streamEndMs + " ms]"
                : "FrameToken[" + streamId + "#" + seq + " " + ptsMs + " ms]";
    }
}
