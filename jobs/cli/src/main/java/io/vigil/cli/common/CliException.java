package io.vigil.cli.common;

/**
 * An expected failure (a broker that is down, a missing file, no answer in time): the command line
 * prints its message as one line and exits with {@link ExitCode#FAILURE}.
 */
public class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
