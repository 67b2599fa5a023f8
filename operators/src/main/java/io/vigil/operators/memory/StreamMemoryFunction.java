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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's memory (keyed by streamId): the Mamba decoder's recurrent state, stepped once per
 * frame token, kept in keyed state as {@code StreamState.toBytes()} (a {@code byte[]}: no Kryo).
 * Captions go to the main output, answers to {@link #ANSWERS}.
 *
 * <p><b>Captions.</b> Media time is cut into segments of {@code segmentLength}; segment {@code i}
 * is {@code [i*len, (i+1)*len)}. When the first frame of a later segment arrives, the pending
 * segment is captioned from the state after its last frame (before the new frame is stepped); on
 * the end-of-stream marker the last segment is captioned, ending at the stream's end. A segment
 * without frames gets no caption. A caption is generated on a copy of the state.
 *
 * <p><b>Answers.</b> Every question gets exactly one {@link Answer}: generated from a copy of the
 * live state, so the memory is untouched; or, when it cannot be answered, {@code answered=false}
 * and a plain sentence ({@link QuestionCheck}).
 *
 * <p><b>Finished streams.</b> After the end-of-stream marker the memory is kept for questions; if
 * the same streamId then sends frames again, its memory starts afresh from zeros.
 *
 * <p><b>As-of answers.</b> With {@code historySegments > 0} the memory is also kept at the last
 * that many segment ends; a question with {@code asOfMediaMs} in the past is answered from the one
 * at the latest segment end {@code <= asOfMediaMs + 1} (segment resolution).
 *
 * <p>Keyed state: {@code memory} (bytes), {@code pendingSegment}, {@code lastFrameMs}, {@code
 * ended}, {@code history} (segment end → bytes); all under the idle TTL policy ({@link StateTtl}).
 */
public class StreamMemoryFunction
        extends KeyedCoProcessFunction<String, FrameToken, Question, Caption> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StreamMemoryFunction.class);

    /** Side output of the answers. */
    public static final OutputTag<Answer> ANSWERS =
            new OutputTag<>("answers", TypeInformation.of(Answer.class));

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

    /**
     * @param modelDir the model folder
     * @param segmentLength media-time length of a caption segment
     * @param maxQuestionChars longer questions are not answered
     * @param idleTtl state TTL (zero: keep forever)
     * @param threads ONNX Runtime intra-op threads
     * @param historySegments memories kept at the last this many segment ends, for questions with
     *     {@code asOfMediaMs} in the past (0: none)
     */
    public StreamMemoryFunction(
            String modelDir,
            Duration segmentLength,
            int maxQuestionChars,
            Duration idleTtl,
            int threads,
            int historySegments) {
        if (historySegments < 0) {
            throw new IllegalArgumentException("historySegments < 0: " + historySegments);
        }
        this.historySegments = historySegments;
        if (segmentLength.toMillis() <= 0) {
            throw new IllegalArgumentException("segment length must be > 0: " + segmentLength);
        }
        this.modelDir = modelDir;
        this.segmentMs = segmentLength.toMillis();
        this.maxQuestionChars = maxQuestionChars;
        this.idleTtl = idleTtl;
        this.threads = threads;
    }

    @Override
    public void open(OpenContext openContext) {
        // only the step graph: this operator never encodes frames
        Manifest manifest = Manifest.load(Path.of(modelDir));
        decoder = MambaDecoder.open(manifest, ModelOptions.defaults().withIntraOpThreads(threads));
        generator = TextGenerator.of(manifest, decoder);
        modelId = manifest.id();
        modelKey = modelId + " step " + manifest.files().get(manifest.graphs().step());
        metrics = new MemoryMetrics(getRuntimeContext().getMetricGroup());
        memory =
                getRuntimeContext()
                        .getState(
                                StateTtl.apply(
                                        new ValueStateDescriptor<>(
                                                "memory",
                                                PrimitiveArrayTypeInfo
                                                        .BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                        idleTtl));
        pendingSegment =
                getRuntimeContext()
                        .getState(
                                StateTtl.apply(
                                        new ValueStateDescriptor<>("pendingSegment", Types.LONG),
                                        idleTtl));
        lastFrameMs =
                getRuntimeContext()
                        .getState(
                                StateTtl.apply(
                                        new ValueStateDescriptor<>("lastFrameMs", Types.LONG),
                                        idleTtl));
        ended =
                getRuntimeContext()
                        .getState(
                                StateTtl.apply(
                                        new ValueStateDescriptor<>("ended", Types.BOOLEAN),
                                        idleTtl));
        history =
                getRuntimeContext()
                        .getMapState(
                                StateTtl.apply(
                                        new MapStateDescriptor<>(
                                                "history",
                                                Types.LONG,
                                                PrimitiveArrayTypeInfo
                                                        .BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                        idleTtl));
        pastMemories = new AsOfMemories(history, historySegments);
        writtenBy = stringState("writtenBy");
        restartedWhy = stringState("restartedWhy");
        LOG.info(
                "StreamMemory open: model {} on {}, segment {} ms, state {} bytes per stream",
                modelId,
                decoder.provider(),
                segmentMs,
                decoder.newState().sizeBytes());
    }

    @Override
    public void processElement1(FrameToken t, Context ctx, Collector<Caption> out)
            throws Exception {
        if (t.endOfStream) {
            endStream(t, out);
            return;
        }
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
            out.collect(caption(t.streamId, state, pending, (pending + 1) * segmentMs));
        }
        long t0 = System.nanoTime();
        decoder.stepFrames(List.of(state), new float[][] {t.token}); // [1][D] -> logits [1][V]
        byte[] updated = state.toBytes();
        memory.update(updated);
        if (!modelKey.equals(writtenBy.value())) {
            writtenBy.update(modelKey);
        }
        metrics.stepMicros.update((System.nanoTime() - t0) / 1000L);
        metrics.stateBytes.update(updated.length);
        metrics.framesStepped.inc();
        pendingSegment.update(segment);
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

    private ValueState<String> stringState(String name) {
        return getRuntimeContext()
                .getState(StateTtl.apply(new ValueStateDescriptor<>(name, Types.STRING), idleTtl));
    }

    private void endStream(FrameToken t, Collector<Caption> out) throws Exception {
        metrics.streamsEnded.inc();
        Long pending = pendingSegment.value();
        byte[] bytes = memory.value();
        StreamState state = bytes == null ? null : readOrReset(t.streamId, bytes);
        if (pending != null && state != null && !Boolean.TRUE.equals(ended.value())) {
            long last = lastFrameMs.value() == null ? pending * segmentMs : lastFrameMs.value();
            long end = Math.min((pending + 1) * segmentMs, Math.max(t.streamEndMs, last + 1));
            out.collect(caption(t.streamId, state, pending, end));
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

    @Override
    public void processElement2(Question q, Context ctx, Collector<Caption> out) throws Exception {
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
        ctx.output(ANSWERS, a.setProducedAtMs(System.currentTimeMillis()).build());
    }

    @Override
    public void close() throws Exception {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }
}
