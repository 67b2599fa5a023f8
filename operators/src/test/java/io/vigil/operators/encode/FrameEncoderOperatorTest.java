package io.vigil.operators.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.VigilModel;
import io.vigil.operators.TestModels;
import io.vigil.operators.decode.StreamFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FrameEncoderOperatorTest {
    private static VigilModel model;
    private static int frameSize;

    @BeforeAll
    static void load() {
        model = VigilModel.load(Path.of(TestModels.dir()));
        frameSize = model.encoder().frameSize();
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private static OneInputStreamOperatorTestHarness<StreamFrame, FrameToken> harness(
            FrameEncoderOperator op) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(op);
        TestModels.noKryo(h.getExecutionConfig());
        h.open();
        return h;
    }

    /** Frames of three streams, interleaved; frame i of stream s has a distinct random image. */
    private static List<StreamFrame> frames(int n) {
        Random r = new Random(42);
        List<StreamFrame> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = new float[frameSize]; // [3, H, W]
            for (int j = 0; j < px.length; j++) {
                px[j] = (float) r.nextGaussian();
            }
            out.add(StreamFrame.frame("s" + (i % 3), i / 3, 1000L * (i / 3), px));
        }
        return out;
    }

    @Test
    void framesOfSeveralStreamsGoIntoOneCallBeforeTheBarrierInOrder() throws Exception {
        var op = new FrameEncoderOperator(TestModels.dir(), 16, Duration.ofHours(1), 1);
        try (var h = harness(op)) {
            List<StreamFrame> in = frames(9);
            for (StreamFrame f : in) {
                h.processElement(new StreamRecord<>(f));
            }
            assertThat(h.extractOutputValues()).isEmpty(); // waiting for a fuller batch
            h.prepareSnapshotPreBarrier(1L);
            List<FrameToken> out = h.extractOutputValues();
            assertThat(op.metrics().batches.getCount()).isEqualTo(1);
            assertThat(op.metrics().framesEncoded.getCount()).isEqualTo(9);
            assertThat(out).hasSize(9);
            for (int i = 0; i < 9; i++) {
                FrameToken t = out.get(i);
                assertThat(t.streamId).isEqualTo(in.get(i).streamId);
                assertThat(t.ptsMs).isEqualTo(in.get(i).ptsMs);
                float[] alone = model.encoder().encode(List.of(in.get(i).pixels))[0]; // [D]
                assertThat(t.token).hasSize(alone.length);
                assertThat(t.token)
                        .containsExactly(alone, org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void aFullBatchIsFlushedAtOnceAndTheRestAtEndOfInput() throws Exception {
        var op = new FrameEncoderOperator(TestModels.dir(), 4, Duration.ofHours(1), 1);
        try (var h = harness(op)) {
            for (StreamFrame f : frames(10)) {
                h.processElement(new StreamRecord<>(f));
            }
            assertThat(h.extractOutputValues()).hasSize(8);
            h.endInput();
            assertThat(h.extractOutputValues()).hasSize(10);
            assertThat(op.metrics().batches.getCount()).isEqualTo(3);
        }
    }

    @Test
    void theDelayTimerFlushesAPartialBatchAndMarkersKeepTheirPlace() throws Exception {
        var op = new FrameEncoderOperator(TestModels.dir(), 16, Duration.ofMillis(50), 1);
        try (var h = harness(op)) {
            h.setProcessingTime(1_000L);
            List<StreamFrame> in = frames(2);
            h.processElement(new StreamRecord<>(in.get(0)));
            h.processElement(new StreamRecord<>(StreamFrame.end("s0", 0, 1000L)));
            h.processElement(new StreamRecord<>(in.get(1)));
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(1_050L);
            List<FrameToken> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(t -> t.streamId + (t.endOfStream ? "/end" : ""))
                    .containsExactly("s0", "s0/end", "s1");
            assertThat(op.metrics().batches.getCount()).isEqualTo(1);
            assertThat(op.metrics().flushesByTimer.getCount()).isEqualTo(1);
        }
    }
}
