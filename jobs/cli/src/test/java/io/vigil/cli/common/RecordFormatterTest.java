package io.vigil.cli.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import org.junit.jupiter.api.Test;

class RecordFormatterTest {
    private static Caption.Builder caption() {
        return Caption.newBuilder()
                .setStreamId("cam-1")
                .setSegmentStartMs(60_000)
                .setSegmentEndMs(64_000)
                .setText("a red car drives left")
                .setFramesSeen(64)
                .setModelId("vigil-tiny@2")
                .setProducedAtMs(0);
    }

    @Test
    void captionShowsItsConfidenceWhenItHasOne() {
        assertThat(RecordFormatter.caption(caption().setConfidence(0.934f).build()))
                .contains(
                        "1:00.0-1:04.0  a red car drives left",
                        "(p 0.93, 64 frames, vigil-tiny@2)");
        assertThat(RecordFormatter.caption(caption().build()))
                .contains("(64 frames, vigil-tiny@2)")
                .doesNotContain("p ");
    }

    @Test
    void answerShowsItsConfidenceWhenItHasOne() {
        Answer a =
                Answer.newBuilder()
                        .setQuestionId("q-42")
                        .setStreamId("cam-1")
                        .setText("a red car")
                        .setFramesSeen(64)
                        .setModelId("vigil-tiny@2")
                        .setProducedAtMs(0)
                        .setConfidence(0.5f)
                        .build();
        assertThat(RecordFormatter.answer(a))
                .contains("A: a red car   (p 0.50, question q-42, 64 frames, vigil-tiny@2)");
    }

    @Test
    void controlAndBidiCharactersFromATopicArePrintedEscaped() {
        assertThat(RecordFormatter.escaped("cam\u202Eevil\u0000\n\uFFFD\\ok"))
                .isEqualTo("cam\\u202Eevil\\u0000\\u000A\\uFFFD\\u005Cok");
        assertThat(RecordFormatter.escaped("caf\u00e9 cam-1")).isEqualTo("caf\u00e9 cam-1");
        assertThat(RecordFormatter.caption(caption().setStreamId("a\u001B[2Jb").build()))
                .startsWith("a\\u001B[2Jb")
                .doesNotContain("\u001B");
    }
}
