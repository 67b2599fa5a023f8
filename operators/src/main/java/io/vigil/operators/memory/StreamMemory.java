package io.vigil.operators.memory;

import io.vigil.models.MambaDecoder;
import io.vigil.models.Manifest;
import io.vigil.models.ModelOptions;
import io.vigil.models.StreamState;
import io.vigil.models.TextGenerator;
import io.vigil.operators.StateTtl;
import io.vigil.operators.encode.FrameToken;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Question;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-stream memory logic shared by {@link StreamMemoryFunction} (one frame per step) and
 * {@link StreamMemoryOperator} (frames of many streams per step). Its keyed state handles act on
 * the backend's current key: the caller sets the key before each call.
 *
 * <p>A frame is handled in three parts: {@link #beforeStep} (restart, identity check, the caption
 * of the pending segment on the pre-step state), {@link #step} (one {@code stepFrames} call for B
 * streams, each at most once) and {@link #afterStep} (state and segment written back). Done for one
 * stream at a time this is exactly the former per-frame code; the state bytes after a B-stream step
 * equal those after B single steps (the step graph treats the batch rows independently).
 *
 * <p>Keyed state: {@code memory} (bytes), {@code pendingSegment}, {@code lastFrameMs}, {@code
 * ended}, {@code history} (segment end → bytes), {@code writtenBy}, {@code restartedWhy}; all under
 * the idle TTL policy ({@link StateTtl}). Names and types are those of the savepoints.
 */
final class StreamMemory implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StreamMemory.class);

    private final String modelDir;
    private final long segmentMs;
    private final int maxQuestionChars;
    private final Duration idleTtl;
    private final int threads;
    private final int historySegments;

    private transient MambaDecoder decoder;
    private transient String modelId;
    private transient String modelKey; // id and step-graph hash: who writes this memory
    private transient TextGenerator generator;
    private transient MemoryMetrics metrics;
    private transient ValueState<byte[]> memory;
    private transient ValueState<Long> pendingSegment;
    private transient ValueState<Long> lastFrameMs;
    private transient ValueState<Boolean> ended;
    private transient MapState<Long, byte[]> history; // segment end ms -> memory bytes then
    private transient ValueState<String> writtenBy; // modelKey of the memory's writer
    private transient ValueState<String> restartedWhy; // for the next caption
    private transient AsOfMemories pastMemories;

    StreamMemory(
            String modelDir,
            Duration segmentLength,
            int maxQuestionChars,
            Duration idleTtl,
            int threads,
            int historySegments) {
        if (historySegments < 0) {
            throw new IllegalArgumentException("historySegments < 0: " + historySegments);
        }
        if (segmentLength.toMillis() <= 0) {
            throw new IllegalArgumentException("segment length must be > 0: " + segmentLength);
        }
        this.historySegments = historySegments;
        this.modelDir = modelDir;
        this.segmentMs = segmentLength.toMillis();
        this.maxQuestionChars = maxQuestionChars;
        this.idleTtl = idleTtl;
        this.threads = threads;
    }

    /** Opens the step graph and the keyed state of {@code rc} (a keyed context). */
    void open(RuntimeContext rc) {
        // only the step graph: this operator never encodes frames
        Manifest manifest = Manifest.load(Path.of(modelDir));
        decoder = MambaDecoder.open(manifest, ModelOptions.defaults().withIntraOpThreads(threads));
        generator = TextGenerator.of(manifest, decoder);
        modelId = manifest.id();
        modelKey = modelId + " step " + manifest.files().get(manifest.graphs().step());
        metrics = new MemoryMetrics(rc.getMetricGroup());
        memory =
                rc.getState(
                        StateTtl.apply(
                                new ValueStateDescriptor<>(
                                        "memory",
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                idleTtl));
        pendingSegment = longState(rc, "pendingSegment");
        lastFrameMs = longState(rc, "lastFrameMs");
        ended =
                rc.getState(
                        StateTtl.apply(
                                new ValueStateDescriptor<>("ended", Types.BOOLEAN), idleTtl));
        history =
                rc.getMapState(
                        StateTtl.apply(
                                new MapStateDescriptor<>(
                                        "history",
                                        Types.LONG,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                idleTtl));
        pastMemories = new AsOfMemories(history, historySegments);
        writtenBy = stringState(rc, "writtenBy");
        restartedWhy = stringState(rc, "restartedWhy");
        LOG.info(
                "StreamMemory open: model {} on {}, segment {} ms, state {} bytes per stream",
                modelId,
                decoder.provider(),
                segmentMs,
                decoder.newState().sizeBytes());
    }

    private ValueState<Long> longState(RuntimeContext rc, String name) {
        return rc.getState(StateTtl.apply(new ValueStateDescriptor<>(name, Types.LONG), idleTtl));
    }

    private ValueState<String> stringState(RuntimeContext rc, String name) {
        return rc.getState(StateTtl.apply(new ValueStateDescriptor<>(name, Types.STRING), idleTtl));
    }

    MemoryMetrics metrics() {
        return metrics;
    }

    /**
     * The current key's state to step with frame {@code t} (not an end-of-stream marker): a fresh
     * one for a new, finished or reset stream; the pending segment captioned to {@code out} first
     * when {@code t} starts a later segment.
     */
    StreamState beforeStep(FrameToken t, Consumer<Caption> out) throws Exception {
        byte[] bytes = memory.value();
        StreamState state = bytes == null ? null : readOrReset(t.streamId, bytes);
        if (state == null || Boolean.TRUE.equals(ended.value())) {
            state = decoder.newState();
            pendingSegment.clear();
            ended.clear();
            history.clear();
            metrics.streamsStarted.inc();
        }
        long segment = Math.floorDiv(t.ptsMs, segmentMs);
        Long pending = pendingSegment.value();
        if (pending != null && pending != segment) {
            out.accept(caption(t.streamId, state, pending, (pending + 1) * segmentMs));
        }
        return state;
    }

    /** One step of B streams' states (each stream at most once) by their frame tokens [B][D]. */
    void step(List<StreamState> states, float[][] tokens) {
        long t0 = System.nanoTime();
        decoder.stepFrames(states, tokens); // [B][D] -> logits [B][V]
        metrics.stepMicros.update((System.nanoTime() - t0) / 1000L);
        metrics.stepCalls.inc();
        metrics.stepBatchSize.update(states.size());
    }

    /** Writes the current key's stepped state back after frame {@code t}. */
    void afterStep(FrameToken t, StreamState state) throws Exception {
        byte[] updated = state.toBytes();
        memory.update(updated);
        if (!modelKey.equals(writtenBy.value())) {
            writtenBy.update(modelKey);
        }
        metrics.stateBytes.update(updated.length);
        metrics.framesStepped.inc();
        pendingSegment.update(Math.floorDiv(t.ptsMs, segmentMs));
        lastFrameMs.update(t.ptsMs);
    }

    /**
     * The stored memory; or null, after clearing all of the stream's keyed state (memory, segment,
     * history), when this job's model must not read it: it was written by another model (another id
     * or step graph, e.g. an upgrade with the same sizes; memories written before the writer was
     * recorded are read as before), or it does not fit this model's sizes, or it is unreadable. The
     * stream then starts a fresh memory instead of failing the job or misreading another model's
     * state: logged, counted in {@code statesReset}, and said on the stream's next Caption ({@code
     * memoryRestarted}).
     */
    private StreamState readOrReset(String streamId, byte[] bytes) throws Exception {
        String writer = writtenBy.value();
        String why;
        if (writer != null && !writer.equals(modelKey)) {
            why = "its memory was written by " + writer + "; this job runs " + modelKey;
        } else {
            try {
                StreamState s = StreamState.fromBytes(bytes);
                if (s.fits(decoder.config())) {
                    return s;
                }
                why = "its memory (" + s + ") does not fit model " + modelId;
            } catch (IllegalArgumentException e) {
                why = "its memory is unreadable (" + e.getMessage() + ")";
            }
        }
        LOG.warn("Stream {}: {}; starting afresh", streamId, why);
        metrics.statesReset.inc();
        memory.clear();
        pendingSegment.clear();
        lastFrameMs.clear();
        ended.clear();
        history.clear();
        writtenBy.clear();
        restartedWhy.update(why);
        return null;
    }

    /** The end-of-stream marker {@code t} of the current key: the last segment's caption. */
    void endStream(FrameToken t, Consumer<Caption> out) throws Exception {
        metrics.streamsEnded.inc();
        Long pending = pendingSegment.value();
        byte[] bytes = memory.value();
        StreamState state = bytes == null ? null : readOrReset(t.streamId, bytes);
        if (pending != null && state != null && !Boolean.TRUE.equals(ended.value())) {
            long last = lastFrameMs.value() == null ? pending * segmentMs : lastFrameMs.value();
            long end = Math.min((pending + 1) * segmentMs, Math.max(t.streamEndMs, last + 1));
            out.accept(caption(t.streamId, state, pending, end));
        }
        pendingSegment.clear();
        if (state != null) {
            ended.update(true);
        }
    }

    private Caption caption(String streamId, StreamState state, long segment, long endMs)
            throws Exception {
        pastMemories.remember(endMs, state);
        long t0 = System.nanoTime();
        TextGenerator.Generated text = generator.generateCaption(state);
        metrics.captionMicros.update((System.nanoTime() - t0) / 1000L);
        metrics.captions.inc();
        String restarted = restartedWhy.value();
        if (restarted != null) {
            restartedWhy.clear();
        }
        return Caption.newBuilder()
                .setMemoryRestarted(restarted)
                .setStreamId(streamId)
                .setSegmentStartMs(segment * segmentMs)
                .setSegmentEndMs(endMs)
                .setText(text.text())
                .setConfidence(text.confidence())
                .setFramesSeen(state.framesSeen())
                .setModelId(modelId)
                .setProducedAtMs(System.currentTimeMillis())
                .build();
    }

    /** The one answer to question {@code q} of the current key (memory untouched). */
    Answer answer(Question q) throws Exception {
        metrics.questions.inc();
        byte[] bytes = memory.value();
        StreamState live = bytes == null ? null : readOrReset(q.getStreamId(), bytes);
        long last = lastFrameMs.value() == null ? 0L : lastFrameMs.value();
        QuestionCheck.Verdict verdict =
                QuestionCheck.check(
                        q.getText(),
                        maxQuestionChars,
                        q.getStreamId(),
                        live != null,
                        generator.tokenizer(),
                        q.getAsOfMediaMs(),
                        last);
        String why = verdict.whyNot();
        Answer.Builder a =
                Answer.newBuilder()
                        .setQuestionId(q.getQuestionId())
                        .setStreamId(q.getStreamId())
                        .setModelId(modelId);
        StreamState from = live;
        Long asOf = q.getAsOfMediaMs();
        if (why == null && asOf != null && asOf < last) {
            Map.Entry<Long, byte[]> past = pastMemories.at(asOf);
            if (past == null) {
                why = pastMemories.whyNone(asOf);
            } else {
                from = StreamState.fromBytes(past.getValue());
            }
        }
        if (why != null) {
            metrics.unanswered.inc();
            a.setText(why).setAnswered(false).setFramesSeen(live == null ? 0L : live.framesSeen());
        } else {
            // a fresh object from the stored bytes; the generator works on a copy of it anyway
            long t0 = System.nanoTime();
            TextGenerator.Generated text = generator.generateAnswer(from, verdict.tokens());
            metrics.answerMicros.update((System.nanoTime() - t0) / 1000L);
            metrics.answers.inc();
            a.setText(text.text())
                    .setConfidence(text.confidence())
                    .setAnswered(true)
                    .setFramesSeen(from.framesSeen());
        }
        return a.setProducedAtMs(System.currentTimeMillis()).build();
    }

    void close() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }
}
