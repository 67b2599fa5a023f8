package io.vigil.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.models.Manifest;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.DecodedFrame;
import io.vigil.models.video.FramePreprocessor;
import io.vigil.operators.TestChunks;
import io.vigil.operators.TestModels;
import io.vigil.operators.source.ChunkEnvelope;
import io.vigil.schemas.VideoChunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder for a model whose manifest declares a lead ({@code frame.lead_ms}: the shipped
 * model's files with {@code "lead_ms": 500}; only the manifest is read here): samples half-way
 * between whole seconds, each {@code [6, H, W]} with its lead frame, and the same keyed state as
 * without one.
 */
class ChunkDecodeFunctionLeadTest {
    private static final int FPS = 5;

    @TempDir static Path leadModel;

    private static VideoChunk c0;
    private static VideoChunk c1;
    private static int frameSize; // one frame, [3, H, W]

    @BeforeAll
    static void setUp() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(TestModels.dir()))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, leadModel.resolve(f.getFileName()));
            }
        }
        io.vigil.models.TestModels.addLead(leadModel, 500);
        frameSize = Manifest.load(leadModel).preprocessor().frameSize();
        c0 = TestChunks.chunk("cam", 0, 1, FPS, 2, false);
        c1 = TestChunks.chunk("cam", 1, 1, FPS, 2, false);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ChunkEnvelope, StreamFrame> harness(
            double sampleFps) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new ChunkDecodeFunction(
                                        leadModel.toString(),
                                        sampleFps,
                                        Duration.ZERO,
                                        Duration.ofSeconds(20))),
                        (ChunkEnvelope e) -> e.chunk.getStreamId(),
                        Types.STRING);
        TestModels.noKryo(harness.getExecutionConfig());
        return harness;
    }

    static void send(
            KeyedOneInputStreamOperatorTestHarness<String, ChunkEnvelope, StreamFrame> h,
            VideoChunk c,
            long offset)
            throws Exception {
        h.processElement(new StreamRecord<>(ChunkEnvelope.of("chunks", 0, offset, c)));
    }

    @Test
    void samplesComeWithTheirLeadAndTheSamplerSurvivesARestore() throws Exception {
        var h = harness(1.0);
        h.open();
        send(h, c0, 1);
        List<StreamFrame> first = h.extractOutputValues();
        // 5 fps: the first frames at or after 0.5 s and 1.5 s, their leads at 0 s and 1 s
        assertThat(first).extracting(f -> f.ptsMs).containsExactly(600L, 1600L);
        assertThat(first).allSatisfy(f -> assertThat(f.pixels).hasSize(2 * frameSize));
        for (StreamFrame f : first) { // the scene moves: the lead (0.5 s before) differs
            float[] sample = Arrays.copyOfRange(f.pixels, 0, frameSize);
            float[] lead = Arrays.copyOfRange(f.pixels, frameSize, 2 * frameSize);
            assertThat(lead).as("%s", f).isNotEqualTo(sample);
        }
        OperatorSubtaskState snap = h.snapshot(1L, 1L);
        h.close();

        var restored = harness(1.0);
        restored.initializeState(snap); // the keyed state of a decoder without a lead
        restored.open();
        send(restored, c1, 2);
        assertThat(restored.extractOutputValues())
                .extracting(f -> f.ptsMs)
                .containsExactly(2600L, 3600L);
        restored.close();
    }

    @Test
    void aSampleWhoseLeadWasInTheChunkBeforeIsItsOwnLead() throws Exception {
        var h = harness(1.0);
        h.open();
        send(h, c0, 1); // frames 0 to 1.8 s; the next sample's lead window is [2 s, 2.5 s)
        // a chunk that starts on the sample at 2.5 s (c0's frames again, from 2.5 s on): the
        // window lies before it
        VideoChunk late = TestChunks.chunk("cam", 1, c0.getData().array(), 2500, 4500, false);
        send(h, late, 2);
        List<StreamFrame> out = h.extractOutputValues();
        assertThat(out).extracting(f -> f.ptsMs).containsExactly(600L, 1600L, 2500L, 3500L);
        StreamFrame alone = out.get(2);
        assertThat(Arrays.copyOfRange(alone.pixels, frameSize, 2 * frameSize))
                .isEqualTo(Arrays.copyOfRange(alone.pixels, 0, frameSize));
        StreamFrame paired = out.get(3);
        assertThat(Arrays.copyOfRange(paired.pixels, frameSize, 2 * frameSize))
                .isNotEqualTo(Arrays.copyOfRange(paired.pixels, 0, frameSize));
        h.close();
    }

    @Test
    void aLeadAtTheEndOfAChunkIsHeldInKeyedStateForItsSampleInTheNext() throws Exception {
        var h = harness(1.0);
        h.open();
        // c0's frames from 0.5 s (0.5 to 2.3 s): the lead of the sample at 2.5 s is at 2.1 s
        VideoChunk early = TestChunks.chunk("cam", 0, c0.getData().array(), 500, 2500, false);
        send(h, early, 1);
        assertThat(h.extractOutputValues()).extracting(f -> f.ptsMs).containsExactly(500L, 1500L);
        OperatorSubtaskState snap = h.snapshot(1L, 1L);
        h.close();

        var restored = harness(1.0);
        restored.initializeState(snap);
        restored.open();
        send(restored, TestChunks.chunk("cam", 1, c1.getData().array(), 2500, 4500, false), 2);
        List<StreamFrame> out = restored.extractOutputValues();
        assertThat(out).extracting(f -> f.ptsMs).containsExactly(2500L, 3500L);
        FramePreprocessor pre = Manifest.load(leadModel).preprocessor();
        float[] expected = null; // the frame at 2.1 s, as the held lead keeps it (8 bits)
        for (DecodedFrame f : new ChunkDecoder().decodeAll(c0.getData().array(), "mpegts", 500)) {
            if (f.ptsMs() == 2100) {
                expected = new float[frameSize];
                pre.dequantise(
                        pre.quantise(pre.preprocess(f.rgb(), f.width(), f.height()), 0),
                        expected,
                        0);
            }
        }
        float[] lead = Arrays.copyOfRange(out.get(0).pixels, frameSize, 2 * frameSize);
        assertThat(lead).isEqualTo(expected);
        assertThat(lead).isNotEqualTo(Arrays.copyOfRange(out.get(0).pixels, 0, frameSize));
        restored.close();
    }

    @Test
    void aLeadLongerThanTheConfiguredSampleStepIsRefusedAtOpen() throws Exception {
        var h = harness(2.0); // a step of 500 ms: a lead must be shorter
        assertThatThrownBy(h::open)
                .hasStackTraceContaining("lead_ms 500")
                .hasStackTraceContaining("2.0 fps");
        h.close();
    }
}
