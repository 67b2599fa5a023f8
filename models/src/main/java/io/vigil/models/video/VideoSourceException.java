package io.vigil.models.video;

/** A video source that cannot be opened, read or cut into chunks; the message says why. */
public class VideoSourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public VideoSourceException(String message) {
        super(message);
    }

    public VideoSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
