package io.vigil.operators.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.StreamState;
import io.vigil.operators.TestModels;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory's lifecycle across expiry, restore and model changes. */
class StreamMemoryStateTest extends MemoryHarness {
    @Test
    void withATtlAnIdleStreamsMemoryExpiresAndAReadKeepsItAlive() throws Exception {
        try (var h = harness(Duration.ofSeconds(10))) {
            h.open();
            h.setStateTtlProcessingTime(0L);
            h.processElement1(new StreamRecord<>(tokens.get(0)));
            h.setStateTtlProcessingTime(8_000L);
            h.processElement2(new StreamRecord<>(question("q1", "cam", "what was seen")));
            h.setStateTtlProcessingTime(16_000L); // 8 s after the read: still alive
            h.processElement2(new StreamRecord<>(question("q2", "cam", "what was seen")));
            h.setStateTtlProcessingTime(30_000L); // 14 s idle: expired
            h.processElement2(new StreamRecord<>(question("q3", "cam", "what was seen")));
            List<Answer> answers = answers(h);
            assertThat(answers).extracting(Answer::getAnswered).containsExactly(true, true, false);
            assertThat(answers.get(2).getText()).contains("not been seen");
            // new frames start a fresh memory
            h.processElement1(new StreamRecord<>(tokens.get(1)));
            assertThat(StreamState.fromBytes(memoryOf(h, "cam")).framesSeen()).isEqualTo(1L);
        }
    }

    @Test
    void aTtlCanBeTurnedOnWhenRestoringStateWrittenWithout() throws Exception {
        OperatorSubtaskState snap;
        try (var h = harness(Duration.ZERO)) {
            h.open();
            h.processElement1(new StreamRecord<>(tokens.get(0)));
            snap = h.snapshot(1L, 1L);
        }
        try (var h = harness(Duration.ofSeconds(10))) {
            h.initializeState(snap);
            h.open();
            h.processElement2(new StreamRecord<>(question("q", "cam", "what was seen")));
            assertThat(answers(h)).extracting(Answer::getAnswered).containsExactly(true);
            assertThat(answers(h).get(0).getFramesSeen()).isEqualTo(1L);
        }
    }

    @Test
    void aMemoryOfAnotherModelShapeStartsAfreshInsteadOfFailing() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(new StreamRecord<>(tokens.get(0)));
            // overwrite the stream's memory with a state of other sizes (e.g. an older model)
            KeyedStateBackend<String> be = h.getOperator().getKeyedStateBackend();
            be.setCurrentKey("cam");
            be.getPartitionedState(
                            VoidNamespace.INSTANCE,
                            VoidNamespaceSerializer.INSTANCE,
                            new ValueStateDescriptor<>(
                                    "memory",
                                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO))
                    .update(new byte[] {1, 2, 3});
            h.processElement2(new StreamRecord<>(question("q", "cam", "what was seen")));
            assertThat(answers(h).get(0).getAnswered()).isFalse();
            h.processElement1(new StreamRecord<>(tokens.get(1)));
            assertThat(StreamState.fromBytes(memoryOf(h, "cam")).framesSeen()).isEqualTo(1L);
        }
    }

    @Test
    void aMemoryWrittenByAnotherModelOfTheSameSizesIsRestartedAndTheCaptionSaysSo(@TempDir Path tmp)
            throws Exception {
        // the same graphs under another version: an upgrade that keeps the Mamba sizes
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        try (var files = Files.list(Path.of(TestModels.dir()))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, other.resolve(f.getFileName()));
            }
        }
        Path manifest = other.resolve("manifest.json");
        String json = Files.readString(manifest);
        Files.writeString(
                manifest, json.replaceFirst("\"version\": \"[^\"]*\"", "\"version\": \"99\""));

        OperatorSubtaskState snap;
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 3; i++) {
                h.processElement1(new StreamRecord<>(tokens.get(i)));
            }
            snap = h.snapshot(1L, 1L);
        }
        try (var h = harness(other.toString(), Duration.ZERO, 0)) {
            h.initializeState(snap);
            h.open();
            for (int i = 3; i < 10; i++) {
                h.processElement1(new StreamRecord<>(tokens.get(i)));
            }
            List<Caption> captions = h.extractOutputValues();
            assertThat(captions).hasSize(2); // segments [0 s, 4 s) and [4 s, 8 s)
            Caption first = captions.get(0);
            assertThat(first.getMemoryRestarted())
                    .contains("written by " + model.id())
                    .contains("this job runs vigil-tiny@99");
            assertThat(first.getFramesSeen()).isEqualTo(1L); // frame 3 only, not 0..3
            assertThat(first.getModelId()).isEqualTo("vigil-tiny@99");
            assertThat(captions.get(1).getMemoryRestarted()).isNull(); // said once
            assertThat(captions.get(1).getFramesSeen()).isEqualTo(5L); // frames 3..7
        }
    }
}
