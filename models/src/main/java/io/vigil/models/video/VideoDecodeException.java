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
        CHUNK_TOO_SLOW
    }

    private final Reason reason;

    public VideoDecodeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public VideoDecodeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
