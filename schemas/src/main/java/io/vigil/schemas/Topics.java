package io.vigil.schemas;

import java.util.List;

/**
 * The topic names of vigil, one place for all: the understand job's defaults, the command line and
 * the tests read them from here. A deployment may rename them (the job's {@code vigil.topic.*}
 * options); the records on them are the Avro records of this module, keyed by streamId (UTF-8).
 */
public final class Topics {
    /** {@link VideoChunk} records, the job's video input. */
    public static final String CHUNKS = "vigil.video.chunks";

    /** {@link Question} records, the job's question input. */
    public static final String QUESTIONS = "vigil.questions";

    /** {@link Caption} records, one per stream per caption segment. */
    public static final String CAPTIONS = "vigil.captions";

    /** {@link Answer} records, one per question. */
    public static final String ANSWERS = "vigil.answers";

    /** {@link DeadLetter} records: every input that could not be used, with its reason. */
    public static final String DEADLETTER = "vigil.deadletter";

    /** All five, inputs first. */
    public static final List<String> ALL =
            List.of(CHUNKS, QUESTIONS, CAPTIONS, ANSWERS, DEADLETTER);

    private Topics() {}
}
