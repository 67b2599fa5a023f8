package io.vigil.operators.memory;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** Metrics of {@link StreamMemory} (the function and the batching operator). */
public final class MemoryMetrics {
    public static final String GROUP = "vigilMemory";
    public static final String FRAMES_STEPPED = "framesStepped";
    public static final String STEP_MICROS = "stepMicros";
    public static final String STEP_CALLS = "stepCalls";
    public static final String STEP_BATCH_SIZE = "stepBatchSize";
    public static final String STATE_BYTES = "stateBytes";
    public static final String STREAMS_STARTED = "streamsStarted";
    public static final String STREAMS_ENDED = "streamsEnded";
    public static final String STATES_RESET = "statesReset";
    public static final String CAPTIONS = "captions";
    public static final String CAPTION_MICROS = "captionMicros";
    public static final String CAPTION_BATCH_SIZE = "captionBatchSize";
    public static final String QUESTIONS = "questions";
    public static final String ANSWERS = "answers";
    public static final String UNANSWERED = "unanswered";
    public static final String ANSWER_MICROS = "answerMicros";

    public final Counter framesStepped;

    /** One Mamba step call (B streams, one frame each), µs. */
    public final Histogram stepMicros;

    /** Mamba step calls; {@code framesStepped / stepCalls} is the mean batch. */
    public final Counter stepCalls;

    /** Streams (frames) per step call. */
    public final Histogram stepBatchSize;

    /** Bytes of one stream's memory in keyed state (constant for a model). */
    public final Histogram stateBytes;

    public final Counter streamsStarted;
    public final Counter streamsEnded;

    /** Memories this model could not read (other Mamba sizes), restarted from zeros. */
    public final Counter statesReset;

    public final Counter captions;

    /** One caption's share of its batch's generation time, µs. */
    public final Histogram captionMicros;

    /** Captions generated together (due in the same round of a flush). */
    public final Histogram captionBatchSize;

    public final Counter questions;
    public final Counter answers;
    public final Counter unanswered;
    public final Histogram answerMicros;

    public MemoryMetrics(MetricGroup parent) {
        MetricGroup g = parent.addGroup(GROUP);
        framesStepped = g.counter(FRAMES_STEPPED);
        stepMicros = g.histogram(STEP_MICROS, new DescriptiveStatisticsHistogram(1000));
        stepCalls = g.counter(STEP_CALLS);
        stepBatchSize = g.histogram(STEP_BATCH_SIZE, new DescriptiveStatisticsHistogram(1000));
        stateBytes = g.histogram(STATE_BYTES, new DescriptiveStatisticsHistogram(100));
        streamsStarted = g.counter(STREAMS_STARTED);
        streamsEnded = g.counter(STREAMS_ENDED);
        statesReset = g.counter(STATES_RESET);
        captions = g.counter(CAPTIONS);
        captionMicros = g.histogram(CAPTION_MICROS, new DescriptiveStatisticsHistogram(1000));
        captionBatchSize =
                g.histogram(CAPTION_BATCH_SIZE, new DescriptiveStatisticsHistogram(1000));
        questions = g.counter(QUESTIONS);
        answers = g.counter(ANSWERS);
        unanswered = g.counter(UNANSWERED);
        answerMicros = g.histogram(ANSWER_MICROS, new DescriptiveStatisticsHistogram(1000));
    }
}
