package io.vigil.jobs.ingest;

/** A video source that cannot be opened, read or cut into chunks; the message says why. */
public class IngestException extends Exception {
    private static final long serialVersionUID = 1L;

    public IngestException(String message) {
        super(message);
    }

    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
