package io.vigil.operators.memory;

import io.vigil.models.StreamState;
import io.vigil.operators.encode.FrameToken;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Question;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

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
 * ended}, {@code history} (segment end → bytes); all under the idle TTL policy ({@code StateTtl}).
 *
 * <p>This function steps one stream per ONNX call; {@link StreamMemoryOperator} does the same with
 * the frames of many streams in one call (the job runs the operator). Both share {@link
 * StreamMemory}, the per-key logic.
 */
public class StreamMemoryFunction
        extends KeyedCoProcessFunction<String, FrameToken, Question, Caption> {
    private static final long serialVersionUID = 1L;

    /** Side output of the answers. */
    public static final OutputTag<Answer> ANSWERS =
            new OutputTag<>("answers", TypeInformation.of(Answer.class));

    private final StreamMemory memory;

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
        this.memory =
                new StreamMemory(
                        modelDir,
                        segmentLength,
                        maxQuestionChars,
                        idleTtl,
                        threads,
                        historySegments);
    }

    @Override
    public void open(OpenContext openContext) {
        memory.open(getRuntimeContext());
    }

    @Override
    public void processElement1(FrameToken t, Context ctx, Collector<Caption> out)
            throws Exception {
        Consumer<StreamMemory.PendingCaption> due =
                p -> memory.captions(List.of(p)).forEach(out::collect); // one at a time
        if (t.endOfStream) {
            memory.endStream(t, due);
            return;
        }
        StreamState state = memory.beforeStep(t, due);
        memory.step(List.of(state), new float[][] {t.token}); // [1][D] -> logits [1][V]
        memory.afterStep(t, state);
    }

    @Override
    public void processElement2(Question q, Context ctx, Collector<Caption> out) throws Exception {
        ctx.output(ANSWERS, memory.answer(q));
    }

    @Override
    public void close() throws Exception {
        memory.close();
    }
}
