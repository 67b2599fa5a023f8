package io.vigil.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.Manifest;
import io.vigil.models.video.VideoDecodeException;
import io.vigil.operators.DeadLetterReason;
import io.vigil.operators.TestChunks;
import io.vigil.operators.TestModels;
import io.vigil.operators.source.ChunkEnvelope;
import io.vigil.operators.source.EnvelopeRouter;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.VideoChunk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChunkDecodeFunctionTest {
    private static final int FPS = 5;
    private static VideoChunk c0;
    private static VideoChunk c1;
    private static VideoChunk c2;
    private static int frameSize;

    private KeyedOneInputStreamOperatorTestHarness<String, ChunkEnvelope, StreamFrame> h;

    @BeforeAll
    static void clips() {
        c0 = TestChunks.chunk("cam", 0, 1, FPS, 2, false);
        c1 = TestChunks.chunk("cam", 1, 1, FPS, 2, false);
        c2 = TestChunks.chunk("cam", 2, 1, FPS, 2, true);
        frameSize = Manifest.load(Path.of(TestModels.dir())).preprocessor().frameSize();
    }

    @BeforeEach
    void open() throws Exception {
        h = harness();
        h.open();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ChunkEnvelope, StreamFrame> harness()
            throws Exception {
        return harness(Duration.ofSeconds(20));
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ChunkEnvelope, StreamFrame> harness(
            Duration decodeBudget) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new ChunkDecodeFunction(
                                        TestModels.dir(), 1.0, Duration.ZERO, decodeBudget)),
                        (ChunkEnvelope e) -> e.chunk.getStreamId(),
                        Types.STRING);
        TestModels.noKryo(harness.getExecutionConfig());
        return harness;
    }

    private void send(VideoChunk c, long offset) throws Exception {
        h.processElement(new StreamRecord<>(ChunkEnvelope.of("chunks", 0, offset, c)));
    }

    private List<StreamFrame> frames() {
        return h.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        return h.getSideOutput(EnvelopeRouter.DEAD_LETTERS) == null
                ? List.of()
                : h.getSideOutput(EnvelopeRouter.DEAD_LETTERS).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    @Test
    void goodChunksAreDecodedAndSampledAtOneFpsByMediaTime() throws Exception {
        send(c0, 10);
        send(c1, 11);
        List<StreamFrame> out = frames();
        assertThat(out).extracting(f -> f.ptsMs).containsExactly(0L, 1000L, 2000L, 3000L);
        assertThat(out).extracting(f -> f.seq).containsExactly(0L, 0L, 1L, 1L);
        assertThat(out).allSatisfy(f -> assertThat(f.pixels).hasSize(frameSize));
        assertThat(out).noneMatch(f -> f.endOfStream);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aCorruptChunkIsADeadLetterAndTheStreamCarriesOn() throws Exception {
        send(c0, 10);
        VideoChunk corrupt =
                TestChunks.chunk("cam", 1, TestChunks.garbage(5000, 1), 2000, 4000, false);
        send(corrupt, 11);
        send(c2, 12);
        List<DeadLetter> dead = deadLetters();
        assertThat(dead).hasSize(1);
        DeadLetter d = dead.get(0);
        assertThat(d.getReason()).isEqualTo("CHUNK_UNDECODABLE");
        assertThat(d.getStreamId()).isEqualTo("cam");
        assertThat(d.getSourceTopic()).isEqualTo("chunks");
        assertThat(d.getOffset()).isEqualTo(11L);
        assertThat(d.getExcerpt().remaining()).isEqualTo(256);
        // the stream goes on: chunk 2 is decoded, then the end marker
        assertThat(frames())
                .extracting(f -> f.endOfStream ? -1L : f.ptsMs)
                .containsExactly(0L, 1000L, 4000L, 5000L, -1L);
    }

    /**
     * The ledger: every chunk that reaches the decoder is used (its frames go on) or dropped with a
     * dead letter, never both and never neither. A gap notice is not a drop: that chunk is used.
     */
    @Test
    void everyChunkIsUsedOrADeadLetterExactlyOnce() throws Exception {
        VideoChunk undecodable =
                TestChunks.chunk("cam", 2, TestChunks.garbage(3000, 2), 4000, 6000, false);
        VideoChunk ahead = TestChunks.chunk("cam", 4, 1, FPS, 2, false); // seq 3 missing
        VideoChunk late = TestChunks.chunk("cam", 3, 1, FPS, 2, false); // the skipped seq
        VideoChunk backwards = TestChunks.chunk("cam", 5, c0.getData().array(), 0, 2000, false);
        VideoChunk end = TestChunks.chunk("cam", 6, 1, FPS, 2, true);
        List<VideoChunk> in = List.of(c0, c1, c1, undecodable, ahead, late, backwards, end);
        for (int i = 0; i < in.size(); i++) {
            send(in.get(i), 100 + i);
        }
        Set<String> drops = Set.of("CHUNK_DUPLICATE", "CHUNK_UNDECODABLE", "CHUNK_OUT_OF_ORDER");
        Set<Long> usedSeqs = new TreeSet<>();
        for (StreamFrame f : frames()) {
            if (!f.endOfStream) {
                usedSeqs.add(f.seq);
            }
        }
        Set<Long> droppedOffsets = new TreeSet<>();
        for (DeadLetter d : deadLetters()) {
            boolean gapNotice = d.getMessage().startsWith("gap in");
            if (drops.contains(d.getReason()) && !gapNotice) {
                assertThat(droppedOffsets.add(d.getOffset())).as("one drop per record").isTrue();
            }
        }
        // records 100..107: seqs 0, 1 used; 102 duplicate; 103 undecodable; seq 4 used (with a
        // gap notice); 105 late; 106 backwards; seq 6 used
        assertThat(usedSeqs).containsExactly(0L, 1L, 4L, 6L);
        assertThat(droppedOffsets).containsExactly(102L, 103L, 105L, 106L);
        assertThat(usedSeqs.size() + droppedOffsets.size()).isEqualTo(in.size());
    }

    @Test
    void aChunkPastTheDecodeBudgetIsADeadLetterAndCountsAsReceived() throws Exception {
        h.close();
        h = harness(Duration.ofNanos(1));
        h.open();
        send(c0, 10);
        send(c1, 11);
        assertThat(deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactly("CHUNK_TOO_SLOW", "CHUNK_TOO_SLOW");
        assertThat(deadLetters().get(0).getMessage()).contains("deadline");
        // seq 1 was expected after seq 0: no gap and no duplicate reported
        assertThat(deadLetters()).extracting(DeadLetter::getOffset).containsExactly(10L, 11L);
        assertThat(frames()).isEmpty();
    }

    @Test
    void aChunkWhoseMediaTimeRunsBackwardsIsADeadLetterAndLaterOnesGoOn() throws Exception {
        send(c0, 10); // 0-2000 ms
        send(c1, 11); // 2000-4000 ms
        VideoChunk backwards =
                TestChunks.chunk(
                        "cam",
                        2,
                        TestChunks.chunk("cam", 0, 1, FPS, 2, false).getData().array(),
                        0,
                        2000,
                        false);
        send(backwards, 12);
        VideoChunk onward = TestChunks.chunk("cam", 3, 2, FPS, 2, true); // 6000-8000 ms
        send(onward, 13);
        assertThat(deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactly("CHUNK_OUT_OF_ORDER");
        assertThat(deadLetters().get(0).getMessage()).contains("runs backwards");
        assertThat(frames())
                .extracting(f -> f.endOfStream ? -1L : f.ptsMs)
                .containsExactly(0L, 1000L, 2000L, 3000L, 6000L, 7000L, -1L);
    }

    @Test
    void aTruncatedChunkIsADeadLetter() throws Exception {
        byte[] data = new byte[(c0.getData().remaining() / 3 / 188) * 188 + 100]; // cut mid-packet
        c0.getData().duplicate().get(data);
        send(TestChunks.chunk("cam", 0, data, 0, 2000, false), 1);
        assertThat(deadLetters()).hasSize(1);
        assertThat(deadLetters().get(0).getReason())
                .isIn("CHUNK_UNDECODABLE", "CHUNK_EMPTY", "CHUNK_NOT_VIDEO");
    }

    @Test
    void aDuplicateSeqIsDroppedAsADeadLetter() throws Exception {
        send(c0, 1);
        send(c0, 2);
        assertThat(frames()).hasSize(2);
        assertThat(deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactly("CHUNK_DUPLICATE");
        assertThat(deadLetters().get(0).getOffset()).isEqualTo(2L);
    }

    @Test
    void aGapIsReportedAndDecodedALateChunkIsDropped() throws Exception {
        send(c0, 1);
        send(TestChunks.withLast(c2, false), 3); // #1 missing: reported, #2 still decoded
        send(c1, 2); // #1 arrives late: dropped
        assertThat(deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactly("CHUNK_OUT_OF_ORDER", "CHUNK_OUT_OF_ORDER");
        assertThat(deadLetters().get(0).getMessage()).contains("expected #1, got #2");
        assertThat(deadLetters().get(1).getMessage()).contains("late chunk");
        assertThat(frames())
                .extracting(f -> f.endOfStream ? -1L : f.ptsMs)
                .containsExactly(0L, 1000L, 4000L, 5000L);
    }

    @Test
    void theLastChunkEndsTheStreamAndTheIdMayStartAgain() throws Exception {
        send(c0, 1);
        send(c1, 2);
        send(c2, 3);
        List<StreamFrame> out = frames();
        StreamFrame end = out.get(out.size() - 1);
        assertThat(end.endOfStream).isTrue();
        assertThat(end.streamEndMs).isEqualTo(6000L);
        send(c0, 4); // a new run of the same id from seq 0
        assertThat(deadLetters()).isEmpty();
        assertThat(frames()).hasSize(out.size() + 2);
    }

    @Test
    void seqAndSamplerSurviveSnapshotAndRestore() throws Exception {
        send(c0, 1);
        OperatorSubtaskState snap = h.snapshot(1L, 1L);
        h.close();
        h = harness();
        h.initializeState(snap);
        h.open();
        send(c0, 1); // replayed duplicate is still recognised
        send(c1, 2);
        assertThat(deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactly("CHUNK_DUPLICATE");
        assertThat(frames()).extracting(f -> f.ptsMs).containsExactly(2000L, 3000L);
    }

    @Test
    void nonVideoBytesAreADeadLetterNotAnException() throws Exception {
        byte[] text = "this is not video at all".repeat(20).getBytes();
        send(TestChunks.chunk("other", 0, text, 0, 1000, false), 7);
        assertThat(deadLetters()).hasSize(1);
        assertThat(deadLetters().get(0).getReason())
                .isIn("CHUNK_UNDECODABLE", "CHUNK_NOT_VIDEO", "CHUNK_EMPTY");
        assertThat(frames()).isEmpty();
    }

    @Test
    void everyDecoderReasonIsADeadLetterReason() {
        // the function turns a decode failure into a dead letter by the reason's name
        for (VideoDecodeException.Reason r : VideoDecodeException.Reason.values()) {
            assertThat(DeadLetterReason.valueOf(r.name()).name()).isEqualTo(r.name());
        }
    }
}
