package io.vigil.operators.source;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Metrics of {@link EnvelopeRouter}: records in, records refused at the source. */
public final class SourceMetrics {
    public static final String GROUP = "vigilSource";
    public static final String RECORDS_IN = "recordsIn";
    public static final String DEAD_LETTERS = "deadLetters";

    public final Counter recordsIn;
    public final Counter deadLetters;

    public SourceMetrics(MetricGroup parent) {
        MetricGroup g = parent.addGroup(GROUP);
        recordsIn = g.counter(RECORDS_IN);
        deadLetters = g.counter(DEAD_LETTERS);
    }
}
