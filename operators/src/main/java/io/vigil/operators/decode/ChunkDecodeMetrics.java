package io.vigil.operators.decode;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** Metrics of {@link ChunkDecodeFunction}. */
public final class ChunkDecodeMetrics {
    public static final String GROUP = "vigilDecoder";
    public static final String CHUNKS_IN = "chunksIn";
    public static final String CHUNKS_DECODED = "chunksDecoded";
    public static final String FRAMES_DECODED = "framesDecoded";
    public static final String FRAMES_SAMPLED = "framesSampled";
    public static final String FRAMES_DROPPED = "framesDropped";
    public static final String LEADS_MISSING = "leadsMissing";
    public static final String DECODE_ERRORS = "decodeErrors";
    public static final String DUPLICATES = "chunksDuplicate";
    public static final String OUT_OF_ORDER = "chunksOutOfOrder";
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String STREAMS_ENDED = "streamsEnded";
    public static final String DECODE_MILLIS = "decodeMillis";

    public final Counter chunksIn;
    public final Counter chunksDecoded;
    public final Counter framesDecoded;
    public final Counter framesSampled;
    public final Counter framesDropped;

    /** Samples whose lead frame was not in their chunk (a model with a lead only). */
    public final Counter leadsMissing;

    public final Counter decodeErrors;
    public final Counter duplicates;
    public final Counter outOfOrder;
    public final Counter deadLetters;
    public final Counter streamsEnded;

    /** Wall time to decode one chunk (all its frames), ms. */
    public final Histogram decodeMillis;

    public ChunkDecodeMetrics(MetricGroup parent) {
        MetricGroup g = parent.addGroup(GROUP);
        chunksIn = g.counter(CHUNKS_IN);
        chunksDecoded = g.counter(CHUNKS_DECODED);
        framesDecoded = g.counter(FRAMES_DECODED);
        framesSampled = g.counter(FRAMES_SAMPLED);
        framesDropped = g.counter(FRAMES_DROPPED);
        leadsMissing = g.counter(LEADS_MISSING);
        decodeErrors = g.counter(DECODE_ERRORS);
        duplicates = g.counter(DUPLICATES);
        outOfOrder = g.counter(OUT_OF_ORDER);
        deadLetters = g.counter(DEAD_LETTERS);
        streamsEnded = g.counter(STREAMS_ENDED);
        decodeMillis = g.histogram(DECODE_MILLIS, new DescriptiveStatisticsHistogram(1000));
    }
}
