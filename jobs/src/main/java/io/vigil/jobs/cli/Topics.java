package io.vigil.jobs.cli;

/** The topic names the understand job uses by default (DESIGN §1). */
public final class Topics {
    public static final String CHUNKS = "vigil.video.chunks";
    public static final String QUESTIONS = "vigil.questions";
    public static final String CAPTIONS = "vigil.captions";
    public static final String ANSWERS = "vigil.answers";
    public static final String DEADLETTER = "vigil.deadletter";

    private Topics() {}
}
