package io.vigil.operators.memory;

import io.vigil.models.StreamState;
import io.vigil.operators.encode.FrameToken;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Question;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The streams' memories (keyed by streamId, both inputs), with the frames of many streams stepped
 * in one ONNX call: the same records out as {@link StreamMemoryFunction} (captions on the main
 * output, answers on {@link StreamMemoryFunction#ANSWERS}; per stream in the same order; across
 * streams the order may differ) and the same keyed state (names and types), so a savepoint of
 * either restores into the other.
 *
 * <p>Frame tokens and end-of-stream markers are buffered with their keys. The buffer is flushed
 * when it holds {@code maxBatch} frames, when its oldest element has waited {@code maxDelay} (a
 * processing-time timer), before a question of a stream with buffered elements (so the answer sees
 * every earlier frame), before a watermark is forwarded, in {@link #prepareSnapshotPreBarrier} (no
 * element sits in the buffer across a checkpoint: the buffer is not state) and at end of input.
 *
 * <p>A flush runs in rounds: round {@code r} holds the {@code r}-th buffered element of each key (a
 * key's elements stay in arrival order). Per round, for each element with its key current: the
 * pre-step part ({@link StreamMemory#beforeStep}: restart, identity check, the caption of the
 * pending segment due on the pre-step state) or the end-of-stream handling; then the round's due
 * captions generated together ({@link StreamMemory#captions}: one batched greedy decode); then one
 * {@code stepFrames} call for all the round's frames; then each state written back. {@code maxBatch
 * = 1} (or {@code maxDelay = 0}) is the unbatched function.
 */
public class StreamMemoryOperator extends AbstractStreamOperator<Caption>
        implements TwoInputStreamOperator<FrameToken, Question, Caption>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    private final StreamMemory memory;
    private final int maxBatch;
    private final long maxDelayMs;

    private transient List<Buffered> buffer;
    private transient Set<Object> keysInBuffer;
    private transient int framesInBuffer;
    private transient boolean timerSet;

    /** A buffered frame token or marker, its key and its record's timestamp (if any). */
    private record Buffered(Object key, FrameToken token, boolean hasTimestamp, long timestamp) {}

    /**
     * @param modelDir the model folder
     * @param segmentLength media-time length of a caption segment
     * @param maxQuestionChars longer questions are not answered
     * @param idleTtl state TTL (zero: keep forever)
     * @param threads ONNX Runtime intra-op threads
     * @param historySegments memories kept at the last this many segment ends (0: none)
     * @param maxBatch most frames (streams) in one step call
     * @param maxDelay longest a frame waits for its batch to fill (processing time)
     */
    public StreamMemoryOperator(
            String modelDir,
            Duration segmentLength,
            int maxQuestionChars,
            Duration idleTtl,
            int threads,
            int historySegments,
            int maxBatch,
            Duration maxDelay) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1: " + maxBatch);
        }
        this.memory =
                new StreamMemory(
                        modelDir,
                        segmentLength,
                        maxQuestionChars,
                        idleTtl,
                        threads,
                        historySegments);
        this.maxBatch = maxBatch;
        this.maxDelayMs = Math.max(0L, maxDelay.toMillis());
    }

    @Override
    public void open() throws Exception {
        super.open();
        memory.open(getRuntimeContext());
        buffer = new ArrayList<>(maxBatch + 4);
        keysInBuffer = new HashSet<>();
    }

    @Override
    public void processElement1(StreamRecord<FrameToken> element) throws Exception {
        FrameToken t = element.getValue();
        Object key = getCurrentKey();
        buffer.add(new Buffered(key, t, element.hasTimestamp(), element.getTimestamp()));
        keysInBuffer.add(key);
        if (!t.endOfStream) {
            framesInBuffer++;
        }
        if (framesInBuffer >= maxBatch || maxDelayMs == 0) {
            flush();
        } else if (!timerSet) {
            timerSet = true;
            long at = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMs;
            getProcessingTimeService().registerTimer(at, ts -> onTimer());
        }
    }

    @Override
    public void processElement2(StreamRecord<Question> element) throws Exception {
        Object key = getCurrentKey();
        if (keysInBuffer.contains(key)) {
            flush(); // the answer sees every earlier frame of its stream
            setCurrentKey(key);
        }
        output.collect(
                StreamMemoryFunction.ANSWERS,
                new StreamRecord<>(memory.answer(element.getValue()), element.getTimestamp()));
    }

    private void onTimer() throws Exception {
        timerSet = false;
        flush();
    }

    /** Steps and emits everything buffered, in rounds of at most one element per key. */
    void flush() throws Exception {
        if (buffer.isEmpty()) {
            return;
        }
        List<Buffered> all = buffer;
        buffer = new ArrayList<>(maxBatch + 4);
        keysInBuffer.clear();
        framesInBuffer = 0;
        Map<Object, Integer> seen = new HashMap<>();
        List<List<Buffered>> rounds = new ArrayList<>();
        for (Buffered b : all) {
            int r = seen.merge(b.key(), 1, Integer::sum) - 1;
            if (r == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(r).add(b);
        }
        for (List<Buffered> round : rounds) {
            runRound(round);
        }
    }

    private void runRound(List<Buffered> round) throws Exception {
        List<Buffered> stepped = new ArrayList<>(round.size());
        List<StreamState> states = new ArrayList<>(round.size());
        List<StreamMemory.PendingCaption> pending = new ArrayList<>();
        List<Buffered> captionOf = new ArrayList<>(); // the element each pending caption came with
        for (Buffered b : round) {
            setCurrentKey(b.key());
            Consumer<StreamMemory.PendingCaption> due =
                    p -> {
                        pending.add(p);
                        captionOf.add(b);
                    };
            if (b.token().endOfStream) {
                memory.endStream(b.token(), due);
            } else {
                states.add(memory.beforeStep(b.token(), due));
                stepped.add(b);
            }
        }
        List<Caption> captions = memory.captions(pending); // together, on the pre-step states
        for (int i = 0; i < captions.size(); i++) {
            emit(captionOf.get(i), captions.get(i));
        }
        if (states.isEmpty()) {
            return;
        }
        float[][] tokens = new float[states.size()][]; // [B][D]
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = stepped.get(i).token().token;
        }
        memory.step(states, tokens);
        for (int i = 0; i < tokens.length; i++) {
            setCurrentKey(stepped.get(i).key());
            memory.afterStep(stepped.get(i).token(), states.get(i));
        }
    }

    private void emit(Buffered b, Caption c) {
        output.collect(
                b.hasTimestamp() ? new StreamRecord<>(c, b.timestamp()) : new StreamRecord<>(c));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(); // no buffered record behind a later watermark
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void endInput(int inputId) throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** For tests: this instance's metrics. */
    MemoryMetrics metrics() {
        return memory.metrics();
    }

    @Override
    public void close() throws Exception {
        try {
            memory.close();
        } finally {
            super.close();
        }
    }
}
