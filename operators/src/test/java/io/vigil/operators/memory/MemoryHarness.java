package io.vigil.operators.memory;

import io.vigil.models.VigilModel;
import io.vigil.operators.TestModels;
import io.vigil.operators.encode.FrameToken;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Question;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The memory operator in Flink's keyed two-input test harness, and what its tests share: the test
 * model and ten random frame tokens of stream "cam" at 0, 1000, … 9000 ms.
 */
abstract class MemoryHarness {
    static VigilModel model;
    static List<FrameToken> tokens;

    @BeforeAll
    static void load() {
        model = VigilModel.load(Path.of(TestModels.dir()));
        tokens = tokens(model);
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    /** Ten random tokens of stream "cam" at 0, 1000, … 9000 ms, two frames per chunk. */
    static List<FrameToken> tokens(VigilModel model) {
        Random r = new Random(7);
        List<FrameToken> tokens = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            float[] t = new float[model.decoder().tokenDim()]; // [D]
            for (int j = 0; j < t.length; j++) {
                t[j] = (float) r.nextGaussian();
            }
            tokens.add(FrameToken.of("cam", i / 2, 1000L * i, t));
        }
        return tokens;
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> harness()
            throws Exception {
        return harness(Duration.ZERO);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> harness(
            Duration ttl) throws Exception {
        return harness(ttl, 0);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> harness(
            Duration ttl, int history) throws Exception {
        return harness(TestModels.dir(), ttl, history);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> harness(
            String modelDir, Duration ttl, int history) throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(
                                new StreamMemoryFunction(
                                        modelDir, Duration.ofSeconds(4), 500, ttl, 1, history)),
                        (FrameToken t) -> t.streamId,
                        (Question q) -> q.getStreamId(),
                        Types.STRING);
        TestModels.noKryo(h.getExecutionConfig());
        return h;
    }

    static Question question(String id, String stream, String text) {
        return Question.newBuilder()
                .setQuestionId(id)
                .setStreamId(stream)
                .setText(text)
                .setAskedAtMs(0L)
                .build();
    }

    static byte[] memoryOf(
            KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> h,
            String key)
            throws Exception {
        KeyedStateBackend<String> be = h.getOperator().getKeyedStateBackend();
        be.setCurrentKey(key);
        ValueState<byte[]> s =
                be.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new ValueStateDescriptor<>(
                                "memory", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        return s.value();
    }

    /** Captions without the wall-clock field, which alone differs on a replay. */
    static List<String> stable(List<Caption> cs) {
        return cs.stream()
                .map(
                        c ->
                                c.getStreamId()
                                        + " ["
                                        + c.getSegmentStartMs()
                                        + ","
                                        + c.getSegmentEndMs()
                                        + ") frames="
                                        + c.getFramesSeen()
                                        + " "
                                        + c.getModelId()
                                        + ": "
                                        + c.getText()
                                        + " p="
                                        + c.getConfidence())
                .collect(Collectors.toList());
    }

    static List<Answer> answers(
            KeyedTwoInputStreamOperatorTestHarness<String, FrameToken, Question, Caption> h) {
        var q = h.getSideOutput(StreamMemoryFunction.ANSWERS);
        return q == null
                ? List.of()
                : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }
}
