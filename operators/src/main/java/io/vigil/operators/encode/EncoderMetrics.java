package io.vigil.operators.encode;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** Metrics of {@link FrameEncoderOperator}. */
public final class EncoderMetrics {
    public static final String GROUP = "vigilEncoder";
    public static final String FRAMES_ENCODED = "framesEncoded";
    public static final String BATCHES = "encoderBatches";
    public static final String BATCH_SIZE = "encoderBatchSize";
    public static final String ENCODE_MICROS = "encodeMicros";
    public static final String FLUSHES_BY_BARRIER = "flushesByBarrier";
    public static final String FLUSHES_BY_TIMER = "flushesByTimer";

    public final Counter framesEncoded;
    public final Counter batches;

    /** Frames per encoder call. */
    public final Histogram batchSize;

    /** Wall time of one encoder call, µs. */
    public final Histogram encodeMicros;

    public final Counter flushesByBarrier;
    public final Counter flushesByTimer;

    public EncoderMetrics(MetricGroup parent) {
        MetricGroup g = parent.addGroup(GROUP);
        framesEncoded = g.counter(FRAMES_ENCODED);
        batches = g.counter(BATCHES);
        batchSize = g.histogram(BATCH_SIZE, new DescriptiveStatisticsHistogram(1000));
        encodeMicros = g.histogram(ENCODE_MICROS, new DescriptiveStatisticsHistogram(1000));
        flushesByBarrier = g.counter(FLUSHES_BY_BARRIER);
        flushesByTimer = g.counter(FLUSHES_BY_TIMER);
    }
}
