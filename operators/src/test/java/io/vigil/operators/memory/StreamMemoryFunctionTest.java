package io.vigil.operators.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.StreamState;
import io.vigil.operators.encode.FrameToken;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Question;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

class StreamMemoryFunctionTest extends MemoryHarness {
    @Test
    void theStateIsSteppedOncePerFrameExactlyAsTheBareModel() throws Exception {
        StreamState ref = model.newState();
        try (var h = harness()) {
            h.open();
            for (FrameToken t : tokens) {
                h.processElement1(new StreamRecord<>(t));
                model.decoder().stepFrames(List.of(ref), new float[][] {t.token});
                StreamState got = StreamState.fromBytes(memoryOf(h, "cam"));
                assertThat(got.framesSeen()).isEqualTo(ref.framesSeen());
                assertThat(got).isEqualTo(ref);
            }
        }
    }

    @Test
    void aCaptionAtEachSegmentEndFromTheStateAfterItsLastFrame() throws Exception {
        List<String> expected = new ArrayList<>();
        StreamState ref = model.newState();
        for (int i = 0; i < 10; i++) {
            model.decoder().stepFrames(List.of(ref), new float[][] {tokens.get(i).token});
            if (i == 3 || i == 7 || i == 9) {
                long start = i == 3 ? 0 : i == 7 ? 4000 : 8000;
                long end = i == 9 ? 9500 : start + 4000;
                expected.add(
                        "cam ["
                                + start
                                + ","
                                + end
                                + ") frames="
                                + (i + 1)
                                + " "
                                + model.id()
                                + ": "
                                + model.generator().generateCaption(ref).text()
                                + " p="
                                + model.generator().generateCaption(ref).confidence());
            }
        }
        try (var h = harness()) {
            h.open();
            for (FrameToken t : tokens) {
                h.processElement1(new StreamRecord<>(t));
            }
            assertThat(h.extractOutputValues()).hasSize(2); // the last segment is still open
            h.processElement1(new StreamRecord<>(FrameToken.end("cam", 4, 9500L)));
            assertThat(stable(h.extractOutputValues())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void snapshotRestoreContinueGivesTheSameCaptionsAsAnUninterruptedRun() throws Exception {
        List<Caption> uninterrupted;
        try (var h = harness()) {
            h.open();
            for (FrameToken t : tokens) {
                h.processElement1(new StreamRecord<>(t));
            }
            h.processElement1(new StreamRecord<>(FrameToken.end("cam", 4, 10_000L)));
            uninterrupted = h.extractOutputValues();
        }
        List<Caption> resumed = new ArrayList<>();
        OperatorSubtaskState snap;
        try (var h = harness()) {
            h.open();
            for (FrameToken t : tokens.subList(0, 6)) {
                h.processElement1(new StreamRecord<>(t));
            }
            resumed.addAll(h.extractOutputValues());
            snap = h.snapshot(1L, 1L);
        }
        try (var h = harness()) {
            h.initializeState(snap);
            h.open();
            for (FrameToken t : tokens.subList(6, 10)) {
                h.processElement1(new StreamRecord<>(t));
            }
            h.processElement1(new StreamRecord<>(FrameToken.end("cam", 4, 10_000L)));
            resumed.addAll(h.extractOutputValues());
        }
        assertThat(uninterrupted).hasSize(3);
        assertThat(stable(resumed)).containsExactlyElementsOf(stable(uninterrupted));
    }

    @Test
    void anAnswerComesFromACopyAndLeavesTheStateUnchanged() throws Exception {
        try (var h = harness()) {
            h.open();
            StreamState ref = model.newState();
            for (FrameToken t : tokens.subList(0, 5)) {
                h.processElement1(new StreamRecord<>(t));
                model.decoder().stepFrames(List.of(ref), new float[][] {t.token});
            }
            byte[] before = memoryOf(h, "cam").clone();
            String q = "what colour was the ball";
            h.processElement2(new StreamRecord<>(question("q1", "cam", q)));
            byte[] after = memoryOf(h, "cam");
            assertThat(after).isEqualTo(before);

            List<Answer> answers = answers(h);
            assertThat(answers).hasSize(1);
            Answer a = answers.get(0);
            assertThat(a.getAnswered()).isTrue();
            assertThat(a.getQuestionId()).isEqualTo("q1");
            assertThat(a.getFramesSeen()).isEqualTo(5L);
            assertThat(a.getText()).isEqualTo(model.generator().answer(ref, q));
            assertThat(a.getConfidence())
                    .isEqualTo(
                            model.generator()
                                    .generateAnswer(ref, model.tokenizer().tokenize(q))
                                    .confidence());

            // the stream goes on as if nobody had asked
            h.processElement1(new StreamRecord<>(tokens.get(5)));
            model.decoder().stepFrames(List.of(ref), new float[][] {tokens.get(5).token});
            assertThat(StreamState.fromBytes(memoryOf(h, "cam"))).isEqualTo(ref);
        }
    }

    @Test
    void questionsThatCannotBeAnsweredGetAPlainSentence() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(new StreamRecord<>(tokens.get(0)));
            h.processElement2(new StreamRecord<>(question("a", "nobody", "what is seen")));
            h.processElement2(new StreamRecord<>(question("b", "cam", "   ")));
            h.processElement2(new StreamRecord<>(question("c", "cam", "x".repeat(10_000))));
            h.processElement2(
                    new StreamRecord<>(question("d", "cam", "what colour was the zebra quokka")));
            h.processElement2(new StreamRecord<>(question("e", "cam", "?!")));
            List<Answer> answers = answers(h);
            assertThat(answers)
                    .extracting(Answer::getQuestionId)
                    .containsExactly("a", "b", "c", "d", "e");
            assertThat(answers).noneMatch(Answer::getAnswered);
            assertThat(answers.get(0).getText()).contains("nobody").contains("not been seen");
            assertThat(answers.get(0).getFramesSeen()).isZero();
            assertThat(answers.get(1).getText()).isEqualTo("The question is empty.");
            assertThat(answers.get(2).getText()).contains("10,000").contains("500");
            assertThat(answers.get(3).getText()).contains("\"zebra\"").contains("\"quokka\"");
            assertThat(answers.get(3).getFramesSeen()).isEqualTo(1L);
            assertThat(answers.get(4).getText()).isEqualTo("The question has no words.");
        }
    }

    private static Question asOf(String id, String text, long asOfMs) {
        Question q = question(id, "cam", text);
        q.setAsOfMediaMs(asOfMs);
        return q;
    }

    @Test
    void asOfAPastTimeIsAnsweredFromTheMemoryKeptAtTheSegmentEndBefore() throws Exception {
        String text = "what colour was the ball";
        List<String> atEnds = new ArrayList<>(); // answers after 4 and 8 frames, and after 10
        StreamState ref = model.newState();
        for (int i = 0; i < 10; i++) {
            model.decoder().stepFrames(List.of(ref), new float[][] {tokens.get(i).token});
            if (i == 3 || i == 7 || i == 9) {
                atEnds.add(model.generator().answer(ref, text));
            }
        }
        try (var h = harness(Duration.ZERO, 1)) { // keeps the last segment end only
            h.open();
            for (FrameToken t : tokens) {
                h.processElement1(new StreamRecord<>(t));
            }
            h.processElement2(new StreamRecord<>(asOf("now", text, 9000L)));
            h.processElement2(new StreamRecord<>(asOf("at8s", text, 8500L)));
            h.processElement2(new StreamRecord<>(asOf("at5s", text, 5000L))); // evicted
            h.processElement2(new StreamRecord<>(asOf("future", text, 20_000L)));
            List<Answer> a = answers(h);
            assertThat(a).extracting(Answer::getAnswered).containsExactly(true, true, false, false);
            assertThat(a.get(0).getText()).isEqualTo(atEnds.get(2));
            assertThat(a.get(0).getFramesSeen()).isEqualTo(10L);
            assertThat(a.get(1).getText()).isEqualTo(atEnds.get(1));
            assertThat(a.get(1).getFramesSeen()).isEqualTo(8L);
            assertThat(a.get(2).getText()).contains("reaches back to 8000 ms");
            assertThat(a.get(3).getText()).contains("only reached 9000 ms");
        }
        try (var h = harness(Duration.ZERO, 0)) {
            h.open();
            for (FrameToken t : tokens) {
                h.processElement1(new StreamRecord<>(t));
            }
            h.processElement2(new StreamRecord<>(asOf("at5s", text, 5000L)));
            assertThat(answers(h).get(0).getAnswered()).isFalse();
            assertThat(answers(h).get(0).getText()).contains("history-segments = 0");
        }
    }
}
