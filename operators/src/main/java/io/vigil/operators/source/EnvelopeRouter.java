package io.vigil.operators.source;

import io.vigil.schemas.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits a source's envelopes: usable records go on, dead letters go to {@link #DEAD_LETTERS}.
 * Chained to the source, so nothing crosses the network before the split.
 *
 * @param <E> {@link ChunkEnvelope} or {@link QuestionEnvelope}
 */
public abstract class EnvelopeRouter<E> extends ProcessFunction<E, E> {
    private static final long serialVersionUID = 1L;

    /** Side output of the records the job cannot use. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private transient SourceMetrics metrics;

    /** The dead letter of an envelope, or null when the envelope is usable. */
    protected abstract DeadLetter deadLetterOf(E envelope);

    @Override
    public void open(OpenContext openContext) {
        metrics = new SourceMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(E envelope, Context ctx, Collector<E> out) {
        metrics.recordsIn.inc();
        DeadLetter dead = deadLetterOf(envelope);
        if (dead != null) {
            metrics.deadLetters.inc();
            ctx.output(DEAD_LETTERS, dead);
        } else {
            out.collect(envelope);
        }
    }

    /** Router of the chunk source. */
    public static class Chunks extends EnvelopeRouter<ChunkEnvelope> {
        private static final long serialVersionUID = 1L;

        @Override
        protected DeadLetter deadLetterOf(ChunkEnvelope e) {
            return e.deadLetter;
        }
    }

    /** Router of the question source. */
    public static class Questions extends EnvelopeRouter<QuestionEnvelope> {
        private static final long serialVersionUID = 1L;

        @Override
        protected DeadLetter deadLetterOf(QuestionEnvelope e) {
            return e.deadLetter;
        }
    }
}
