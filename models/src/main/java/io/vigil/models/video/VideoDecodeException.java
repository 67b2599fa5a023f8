package io.vigil.models.video;

/**
 * A chunk that cannot be turned into frames. {@link #reason()} is a stable code for dead letters
 * and metrics.
 */
public class VideoDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reason codes; their names go into {@code DeadLetter.reason}. */
    public enum Reason {
        /** Not a readable container of the stated format, or its video does not decode. */
        CHUNK_UNDECODABLE,
        /** A readable container without a video stream (e.g. audio only). */
        CHUNK_NOT_VIDEO,
        /** No bytes, or a video stream that yields no frame. */
        CHUNK_EMPTY,
        /** Decoding took longer than the chunk's budget (damaged streams can make FFmpeg slow). */
        CHUNK_TOO_SLOW,
        /** Frames larger than {@link #MAX_FRAME_PIXELS}: refused before they are decoded. */
        FRAME_TOO_LARGE
    }

    /**
     * The most pixels a frame may have: 8K UHD, 7680 x 4320. A chunk of under 1 MB can hold frames
     * of 16384 x 8192, each costing FFmpeg a second and hundreds of MB to decode and convert.
     */
    public static final long MAX_FRAME_PIXELS = 7680L * 4320;

    private final Reason reason;

    public VideoDecodeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public VideoDecodeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /**
     * @throws VideoDecodeException FRAME_TOO_LARGE when a {@code width x height} frame is over
     *     {@link #MAX_FRAME_PIXELS}
     */
    static void checkFrameSize(int width, int height, String what) {
        if ((long) width * height > MAX_FRAME_PIXELS) {
            throw new VideoDecodeException(
                    Reason.FRAME_TOO_LARGE,
                    what
                            + " has "
                            + width
                            + "x"
                            + height
                            + " frames, over the limit of "
                            + MAX_FRAME_PIXELS
                            + " pixels (8K UHD)");
        }
    }

    public Reason reason() {
        return reason;
    }
}
