package io.vigil.cli.common;

/** Exit codes of every {@code vigil} command. */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;

    /** An expected failure: one line on stderr says why. */
    public static final int FAILURE = 1;

    /** A command-line mistake: one line, never a stack trace. */
    public static final int USAGE = 2;

    private ExitCode() {}
}
