package io.vigil.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One stream's memory: the Mamba decoder's recurrent state after the frames seen so far. A plain
 * mutable value object, kept apart from the immutable model ({@link MambaDecoder}), as llama2.c
 * keeps {@code RunState} apart from {@code Weights}. Its size never grows with the number of
 * frames.
 *
 * <p>{@link MambaDecoder} updates the arrays in place. Not thread-safe: one stream's state is
 * touched by one thread at a time (a Flink key).
 *
 * <p>Binary form ({@link #toBytes()}), little-endian: magic {@code "VGST"} (4 bytes), version byte
 * {@code 1}, int32 {@code L, d_inner, d_conv-1, d_state}, int64 {@code framesSeen}, then float32
 * {@code conv} and {@code ssm} in their array order.
 */
public final class StreamState {

    /** {@code "VGST"}. */
    static final byte[] MAGIC = {'V', 'G', 'S', 'T'};

    /** The binary form's version; bumped on any change of layout. */
    public static final byte VERSION = 1;

    static final int HEADER_BYTES = 4 + 1 + 4 * 4 + 8;

    private final int layers; // L
    private final int dInner;
    private final int convWidth; // d_conv - 1
    private final int dState;
    private final float[] conv; // [L, d_inner, d_conv-1]
    private final float[] ssm; // [L, d_inner, d_state]
    private long framesSeen;

    private StreamState(
            int layers,
            int dInner,
            int convWidth,
            int dState,
            float[] conv,
            float[] ssm,
            long framesSeen) {
        this.layers = layers;
        this.dInner = dInner;
        this.convWidth = convWidth;
        this.dState = dState;
        this.conv = conv;
        this.ssm = ssm;
        this.framesSeen = framesSeen;
    }

    /** A new stream's state: all zeros, no frames seen. */
    public static StreamState zeros(MambaConfig c) {
        return new StreamState(
                c.layers(),
                c.dInner(),
                c.dConv() - 1,
                c.dState(),
                new float[c.convStateSize()],
                new float[c.ssmStateSize()],
                0L);
    }

    /**
     * A state from arrays (taken, not copied).
     *
     * @param conv {@code [L, d_inner, d_conv-1]}
     * @param ssm {@code [L, d_inner, d_state]}
     */
    public static StreamState of(MambaConfig c, float[] conv, float[] ssm, long framesSeen) {
        if (conv.length != c.convStateSize() || ssm.length != c.ssmStateSize()) {
            throw new IllegalArgumentException(
                    String.format(
                            "state arrays conv=%d ssm=%d floats do not fit %s (conv=%d, ssm=%d)",
                            conv.length, ssm.length, c, c.convStateSize(), c.ssmStateSize()));
        }
        return new StreamState(
                c.layers(), c.dInner(), c.dConv() - 1, c.dState(), conv, ssm, framesSeen);
    }

    /** A deep copy (two array copies): text generation runs on copies, never the live state. */
    public StreamState copy() {
        return new StreamState(
                layers, dInner, convWidth, dState, conv.clone(), ssm.clone(), framesSeen);
    }

    /** The conv state, live (not a copy). */
    public float[] conv() { // [L, d_inner, d_conv-1]
        return conv;
    }

    /** The SSM state, live (not a copy). */
    public float[] ssm() { // [L, d_inner, d_state]
        return ssm;
    }

    /** Frame tokens stepped into this state so far (text steps do not count). */
    public long framesSeen() {
        return framesSeen;
    }

    void incrementFramesSeen() {
        framesSeen++;
    }

    public int layers() {
        return layers;
    }

    public int dInner() {
        return dInner;
    }

    /** {@code d_conv - 1}: how many past inputs the conv state keeps per channel. */
    public int convWidth() {
        return convWidth;
    }

    public int dState() {
        return dState;
    }

    /** Whether this state has the sizes of {@code c}. */
    public boolean fits(MambaConfig c) {
        return layers == c.layers()
                && dInner == c.dInner()
                && convWidth == c.dConv() - 1
                && dState == c.dState();
    }

    /** Bytes of the binary form ({@link #toBytes()}); constant for a given model. */
    public long sizeBytes() {
        return HEADER_BYTES + 4L * (conv.length + ssm.length);
    }

    /** The compact, versioned binary form (see the class comment). */
    public byte[] toBytes() {
        ByteBuffer b =
                ByteBuffer.allocate(Math.toIntExact(sizeBytes())).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put(VERSION);
        b.putInt(layers).putInt(dInner).putInt(convWidth).putInt(dState);
        b.putLong(framesSeen);
        b.asFloatBuffer().put(conv).put(ssm);
        return b.array();
    }

    /**
     * Reads the binary form.
     *
     * @throws IllegalArgumentException on a wrong magic, an unknown version, bad sizes or a wrong
     *     length, saying which
     */
    public static StreamState fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_BYTES) {
            throw new IllegalArgumentException(
                    "not a StreamState: "
                            + (bytes == null ? "null" : bytes.length + " bytes")
                            + ", the header alone is "
                            + HEADER_BYTES);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException(
                    "not a StreamState: magic " + Arrays.toString(magic) + ", expected \"VGST\"");
        }
        byte version = b.get();
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "StreamState binary version "
                            + version
                            + " is not supported (this code reads version "
                            + VERSION
                            + ")");
        }
        int l = b.getInt();
        int di = b.getInt();
        int cw = b.getInt();
        int ds = b.getInt();
        long frames = b.getLong();
        if (l <= 0 || di <= 0 || cw <= 0 || ds <= 0 || frames < 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "corrupt StreamState header: L=%d d_inner=%d d_conv-1=%d d_state=%d"
                                    + " framesSeen=%d",
                            l, di, cw, ds, frames));
        }
        long convN = (long) l * di * cw;
        long ssmN = (long) l * di * ds;
        long expected = HEADER_BYTES + 4 * (convN + ssmN);
        if (bytes.length != expected) {
            throw new IllegalArgumentException(
                    String.format(
                            "StreamState of L=%d d_inner=%d d_conv-1=%d d_state=%d needs %d bytes,"
                                    + " got %d",
                            l, di, cw, ds, expected, bytes.length));
        }
        float[] conv = new float[(int) convN];
        float[] ssm = new float[(int) ssmN];
        b.asFloatBuffer().get(conv).get(ssm);
        return new StreamState(l, di, cw, ds, conv, ssm, frames);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof StreamState s
                && framesSeen == s.framesSeen
                && layers == s.layers
                && dInner == s.dInner
                && convWidth == s.convWidth
                && dState == s.dState
                && Arrays.equals(conv, s.conv)
                && Arrays.equals(ssm, s.ssm);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(framesSeen);
        h = 31 * h + Arrays.hashCode(conv);
        return 31 * h + Arrays.hashCode(ssm);
    }

    @Override
    public String toString() {
        return String.format(
                "StreamState[L=%d d_inner=%d d_conv-1=%d d_state=%d framesSeen=%d, %d bytes]",
                layers, dInner, convWidth, dState, framesSeen, sizeBytes());
    }
}
