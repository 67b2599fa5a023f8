package io.vigil.operators.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.TestModels;
import io.vigil.operators.encode.FrameToken;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Question;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batching operator against the one-stream-per-call function, on the real model: many
 * interleaved streams (frames across segment boundaries, questions, end-of-stream markers, a
 * finished stream starting again, a checkpoint and restore half-way) give the same records per
 * stream, in the same order, for every batch size; and the frames of many streams go into one step
 * call.
 */
class StreamMemoryOperatorTest {
    private static final int STREAMS = 20;
    private static final Duration SEGMENT = Duration.ofSeconds(4);
    private static final int HISTORY = 2;

    /** One input: a frame token or marker (input 1) or a question (input 2), with a timestamp. */
    private record In(FrameToken token, Question question, long ts) {}

    private static List<In> inputs;

    @BeforeAll
    static void script() {
        int dim;
        try (var m = io.vigil.models.VigilModel.load(java.nio.file.Path.of(TestModels.dir()))) {
            dim = m.decoder().tokenDim();
        }
        Random r = new Random(42);
        List<List<In>> perStream = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
            String id = "cam-" + s;
            List<In> xs = new ArrayList<>();
            int frames = 6 + r.nextInt(10); // 1 s apart: 2 to 4 segments
            long seq = 0;
            for (int f = 0; f < frames; f++) {
                xs.add(new In(FrameToken.of(id, seq++, 1000L * f, gaussian(r, dim)), null, 0));
                if (r.nextInt(4) == 0) {
                    xs.add(new In(null, question(id + "-q" + f, id, null), 0));
                }
                if (f == 6 && s % 3 == 0) { // a question about a past segment end
                    xs.add(new In(null, question(id + "-past", id, 4500L), 0));
                }
            }
            xs.add(new In(FrameToken.end(id, seq++, 1000L * frames - 300), null, 0));
            xs.add(new In(null, question(id + "-after", id, null), 0));
            if (s % 4 == 0) { // the same streamId again: a fresh memory
                for (int f = 0; f < 5; f++) {
                    xs.add(new In(FrameToken.of(id, seq++, 1000L * f, gaussian(r, dim)), null, 0));
                }
                xs.add(new In(FrameToken.end(id, seq, 5000L), null, 0));
            }
            perStream.add(xs);
        }
        // interleave at random, keeping each stream's order
        inputs = new ArrayList<>();
        int[] next = new int[STREAMS];
        int left = perStream.stream().mapToInt(List::size).sum();
        long ts = 1;
        while (left > 0) {
            int s = r.nextInt(STREAMS);
            if (next[s] < perStream.get(s).size()) {
                In x = perStream.get(s).get(next[s]++);
                inputs.add(new In(x.token(), x.question(), ts++));
                left--;
            }
        }
    }

    private static float[] gaussian(Random r, int dim) {
        float[] t = new float[dim]; // [D]
        for (int j = 0; j < dim; j++) {
            t[j] = (float) r.nextGaussian();
        }
        return t;
    }

    private static Question question(String id, String stream, Long asOf) {
        Question q =
                Question.newBuilder()
                        .setQuestionId(id)
                        .setStreamId(stream)
                        .setText("what was seen")
                        .setAskedAtMs(0L)
                        .build();
        q.setAsOfMediaMs(asOf);
        return q;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption>
            harness(TwoInputStreamOperator<FrameToken, Question, Caption> op) throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        op,
                        (FrameToken t) -> t.streamId,
                        (Question q) -> q.getStreamId(),
                        Types.STRING);
        TestModels.noKryo(h.getExecutionConfig());
        return h;
    }

    private static StreamMemoryOperator batched(int maxBatch) {
        return new StreamMemoryOperator(
                TestModels.dir(),
                SEGMENT,
                500,
                Duration.ZERO,
                1,
                HISTORY,
                maxBatch,
                Duration.ofMinutes(1)); // the test's processing time never moves: no timer flush
    }

    /** Per stream: its captions and its answers, in order, without the wall-clock field. */
    private static final class Outputs {
        final Map<String, List<String>> captions = new TreeMap<>();
        final Map<String, List<String>> answers = new TreeMap<>();

        void drain(
                KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> h) {
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> rec && rec.getValue() instanceof Caption c) {
                    captions.computeIfAbsent(c.getStreamId(), k -> new ArrayList<>())
                            .add(
                                    "ts="
                                            + rec.getTimestamp()
                                            + " ["
                                            + c.getSegmentStartMs()
                                            + ","
                                            + c.getSegmentEndMs()
                                            + ") frames="
                                            + c.getFramesSeen()
                                            + " "
                                            + c.getText()
                                            + " p="
                                            + c.getConfidence()
                                            + " restarted="
                                            + c.getMemoryRestarted());
                }
            }
            var side = h.getSideOutput(StreamMemoryFunction.ANSWERS);
            if (side != null) {
                for (StreamRecord<Answer> rec : side) {
                    Answer a = rec.getValue();
                    answers.computeIfAbsent(a.getStreamId(), k -> new ArrayList<>())
                            .add(
                                    "ts="
                                            + rec.getTimestamp()
                                            + " "
                                            + a.getQuestionId()
                                            + " "
                                            + a.getAnswered()
                                            + " frames="
                                            + a.getFramesSeen()
                                            + " "
                                            + a.getText()
                                            + " p="
                                            + a.getConfidence());
                }
            }
        }
    }

    private static void feed(
            KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> h,
            List<In> xs)
            throws Exception {
        for (In x : xs) {
            if (x.token() != null) {
                h.processElement1(new StreamRecord<>(x.token(), x.ts()));
            } else {
                h.processElement2(new StreamRecord<>(x.question(), x.ts()));
            }
        }
    }

    private static Outputs unbatched() throws Exception {
        Outputs out = new Outputs();
        try (var h =
                harness(
                        new KeyedCoProcessOperator<>(
                                new StreamMemoryFunction(
                                        TestModels.dir(),
                                        SEGMENT,
                                        500,
                                        Duration.ZERO,
                                        1,
                                        HISTORY)))) {
            h.open();
            feed(h, inputs);
            out.drain(h);
        }
        return out;
    }

    /** The batched run, snapshot and restored half-way; the restored instance's metrics. */
    private static MemoryMetrics batched(int maxBatch, Outputs out) throws Exception {
        int half = inputs.size() / 2;
        OperatorSubtaskState snap;
        try (var h = harness(batched(maxBatch))) {
            h.open();
            feed(h, inputs.subList(0, half));
            h.prepareSnapshotPreBarrier(1L); // as the task does, before the barrier
            snap = h.snapshot(1L, 1L);
            out.drain(h);
        }
        var h = harness(batched(maxBatch));
        try {
            h.initializeState(snap);
            h.open();
            feed(h, inputs.subList(half, inputs.size()));
            h.endInput1();
            h.endInput2();
            out.drain(h);
            return ((StreamMemoryOperator) h.getOperator()).metrics();
        } finally {
            h.close();
        }
    }

    @Test
    void batchedOutputEqualsTheUnbatchedFunctionPerStreamAndStepsManyStreamsPerCall()
            throws Exception {
        Outputs want = unbatched();
        long frames =
                inputs.stream().filter(x -> x.token() != null && !x.token().endOfStream).count();
        assertThat(want.captions).hasSize(STREAMS);
        assertThat(want.answers.values().stream().mapToInt(List::size).sum())
                .isGreaterThan(STREAMS);
        assertThat(want.answers.values().stream().flatMap(List::stream))
                .anyMatch(a -> a.contains("-past true"));
        for (int maxBatch : new int[] {1, 8, 64}) {
            Outputs got = new Outputs();
            MemoryMetrics m = batched(maxBatch, got);
            assertThat(got.captions).as("captions, maxBatch %d", maxBatch).isEqualTo(want.captions);
            assertThat(got.answers).as("answers, maxBatch %d", maxBatch).isEqualTo(want.answers);
            long stepped = m.framesStepped.getCount(); // after the restore
            long calls = m.stepCalls.getCount();
            assertThat(stepped).isPositive().isLessThan(frames);
            if (maxBatch == 1) {
                assertThat(calls).isEqualTo(stepped);
            } else {
                assertThat(m.stepBatchSize.getStatistics().getMax()).isGreaterThan(1L);
                assertThat(calls).as("calls, maxBatch %d", maxBatch).isLessThan(stepped / 2);
                assertThat(m.captionBatchSize.getStatistics().getMax())
                        .as("captions generated together, maxBatch %d", maxBatch)
                        .isGreaterThan(1L);
            }
        }
    }

    @Test
    void aPartBatchIsSteppedAfterMaxDelayOfProcessingTimeAndBeforeAWatermark() throws Exception {
        var op =
                new StreamMemoryOperator(
                        TestModels.dir(),
                        SEGMENT,
                        500,
                        Duration.ZERO,
                        1,
                        0,
                        64,
                        Duration.ofMillis(50));
        try (var h = harness(op)) {
            h.setProcessingTime(1000L);
            h.open();
            List<In> frames =
                    inputs.stream()
                            .filter(x -> x.token() != null && !x.token().endOfStream)
                            .limit(3)
                            .toList();
            feed(h, frames);
            assertThat(op.metrics().framesStepped.getCount()).isZero();
            h.setProcessingTime(1049L);
            assertThat(op.metrics().framesStepped.getCount()).isZero();
            h.setProcessingTime(1050L);
            assertThat(op.metrics().framesStepped.getCount()).isEqualTo(3L);
            feed(h, frames.subList(0, 1));
            h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(5L));
            h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(5L));
            assertThat(op.metrics().framesStepped.getCount()).isEqualTo(4L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSnapshotOfTheFunctionRestoresIntoTheOperator(String backend) throws Exception {
        Outputs want = unbatched();
        int half = inputs.size() / 2;
        Outputs got = new Outputs();
        OperatorSubtaskState snap;
        try (var h =
                harness(
                        new KeyedCoProcessOperator<>(
                                new StreamMemoryFunction(
                                        TestModels.dir(),
                                        SEGMENT,
                                        500,
                                        Duration.ZERO,
                                        1,
                                        HISTORY)))) {
            backend(h, backend);
            h.open();
            feed(h, inputs.subList(0, half));
            snap = h.snapshot(1L, 1L);
            got.drain(h);
        }
        try (var h = harness(batched(16))) {
            backend(h, backend);
            h.initializeState(snap);
            h.open();
            assertThat(h.getOperator().getKeyedStateBackend().getClass().getSimpleName())
                    .startsWith(backend.equals("rocksdb") ? "RocksDB" : "Heap");
            feed(h, inputs.subList(half, inputs.size()));
            h.endInput1();
            h.endInput2();
            got.drain(h);
        }
        assertThat(got.captions).isEqualTo(want.captions);
        assertThat(got.answers).isEqualTo(want.answers);
    }

    private static void backend(
            KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> h,
            String backend) {
        if (backend.equals("rocksdb")) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
    }
}
