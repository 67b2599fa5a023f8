package io.vigil.operators.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.TestChunks;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Question;
import io.vigil.schemas.VideoChunk;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class DeserializerTest {
    private final VideoChunkDeserializer chunks = new VideoChunkDeserializer(1 << 20);
    private final QuestionDeserializer questions = new QuestionDeserializer();

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> byte[] avro(T record) {
        return AvroCodec.of((Class<T>) record.getClass()).encode(record);
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void chunksThatBreakAnEdgeRuleAreInvalidWithTheRuleSaid() throws Exception {
        String[][] cases = {
            {"", "0", "0", "1000", "empty streamId"},
            {"cam\uFFFD", "0", "0", "1000", "not valid UTF-8"},
            {"cam\u202Eevil", "0", "0", "1000", "control character (U+202E"},
            {"cam\u0000", "0", "0", "1000", "control character (U+0000"},
            {"x".repeat(201), "0", "0", "1000", "201 characters"},
            {"cam", "-1", "0", "1000", "seq -1 is negative"},
            {"cam", "0", "-2000", "0", "media times -2000-0 ms"},
            {"cam", "0", "5000", "4000", "media times 5000-4000 ms"},
        };
        for (String[] c : cases) {
            VideoChunk chunk =
                    TestChunks.chunk(
                            c[0],
                            Long.parseLong(c[1]),
                            new byte[100],
                            Long.parseLong(c[2]),
                            Long.parseLong(c[3]),
                            false);
            ChunkEnvelope e = chunks.toEnvelope("t", 0, 5, null, avro(chunk));
            assertThat(e.isDead()).as(c[4]).isTrue();
            assertThat(e.deadLetter.getReason()).isEqualTo("RECORD_INVALID");
            assertThat(e.deadLetter.getMessage()).contains(c[4]);
        }
    }

    @Test
    void aKeyThatIsNotTheStreamIdIsInvalidAndNoKeyIsFine() throws Exception {
        byte[] value = avro(TestChunks.chunk("cam-1", 0, new byte[100], 0, 1000, false));
        ChunkEnvelope wrong = chunks.toEnvelope("t", 0, 5, key("cam-2"), value);
        assertThat(wrong.deadLetter.getReason()).isEqualTo("RECORD_INVALID");
        assertThat(wrong.deadLetter.getMessage()).contains("Kafka key");
        assertThat(chunks.toEnvelope("t", 0, 6, null, value).isDead()).isFalse();
        Question q = question("q1", "");
        assertThat(questions.toEnvelope("q", 0, 1, null, avro(q)).deadLetter.getReason())
                .isEqualTo("RECORD_INVALID");
        Question ok = question("q2", "cam-1");
        assertThat(questions.toEnvelope("q", 0, 2, key("cam-9"), avro(ok)).isDead()).isTrue();
        assertThat(questions.toEnvelope("q", 0, 3, key("cam-1"), avro(ok)).isDead()).isFalse();
    }

    private static Question question(String id, String streamId) {
        return Question.newBuilder()
                .setQuestionId(id)
                .setStreamId(streamId)
                .setText("what entered first")
                .setAskedAtMs(1L)
                .build();
    }

    @Test
    void aValidChunkPassesWithItsProvenance() throws Exception {
        VideoChunk c = TestChunks.chunk("cam", 3, new byte[1000], 0, 1000, false);
        ChunkEnvelope e = chunks.toEnvelope("t", 2, 77, key("cam"), avro(c));
        assertThat(e.isDead()).isFalse();
        assertThat(e.chunk).isEqualTo(c);
        assertThat(e.topic).isEqualTo("t");
        assertThat(e.partition).isEqualTo(2);
        assertThat(e.offset).isEqualTo(77L);
    }

    @Test
    void garbageEmptyAndTruncatedBytesAreMalformedNeverAnException() throws Exception {
        byte[] good = avro(TestChunks.chunk("cam", 3, new byte[1000], 0, 1000, false));
        Random r = new Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[r.nextInt(600)];
            r.nextBytes(b);
            ChunkEnvelope e = chunks.toEnvelope("t", 0, i, key("cam"), b);
            assertThat(e.isDead()).as("random bytes #%d", i).isTrue();
            assertThat(e.deadLetter.getReason()).isEqualTo("RECORD_MALFORMED");
            assertThat(e.deadLetter.getExcerpt().remaining()).isLessThanOrEqualTo(256);
            assertThat(e.deadLetter.getStreamId()).isEqualTo("cam");
            assertThat(e.deadLetter.getOffset()).isEqualTo(i);
        }
        assertThat(chunks.toEnvelope("t", 0, 0, null, new byte[0]).isDead()).isTrue();
        assertThat(chunks.toEnvelope("t", 0, 0, null, null).isDead()).isTrue();
        assertThat(
                        chunks.toEnvelope("t", 0, 0, null, Arrays.copyOf(good, good.length - 10))
                                .isDead())
                .isTrue();
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        assertThat(chunks.toEnvelope("t", 0, 0, null, trailing).deadLetter.getMessage())
                .contains("trailing");
    }

    @Test
    void aHugeDeclaredLengthIsMalformedNotAnAllocation() {
        // streamId = "a", seq = 0, container = 0, codec = "h", data length = 2^30 (zigzag varint)
        byte[] b = {2, 'a', 0, 0, 2, 'h', (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        ChunkEnvelope e = chunks.toEnvelope("t", 0, 5, null, b);
        assertThat(e.isDead()).isTrue();
        assertThat(e.deadLetter.getReason()).isEqualTo("RECORD_MALFORMED");
        assertThat(e.deadLetter.getStreamId()).isNull();
    }

    @Test
    void anOversizedChunkIsADeadLetter() throws Exception {
        VideoChunk c = TestChunks.chunk("cam", 0, new byte[(1 << 20) + 1], 0, 1000, false);
        ChunkEnvelope e = chunks.toEnvelope("t", 0, 9, key("cam"), avro(c));
        assertThat(e.isDead()).isTrue();
        assertThat(e.deadLetter.getReason()).isEqualTo("CHUNK_OVERSIZED");
        assertThat(e.deadLetter.getStreamId()).isEqualTo("cam");
        assertThat(e.deadLetter.getExcerpt().remaining()).isEqualTo(256);
    }

    @Test
    void questionsDecodeOrBecomeDeadLetters() throws Exception {
        Question q =
                Question.newBuilder()
                        .setQuestionId("q")
                        .setStreamId("cam")
                        .setText("what")
                        .setAskedAtMs(1L)
                        .build();
        assertThat(questions.toEnvelope("qs", 0, 1, key("cam"), avro(q)).question).isEqualTo(q);
        QuestionEnvelope bad =
                questions.toEnvelope("qs", 0, 2, key("cam"), key("not avro at all!"));
        assertThat(bad.isDead()).isTrue();
        assertThat(bad.deadLetter.getReason()).isEqualTo("RECORD_MALFORMED");
        assertThat(bad.deadLetter.getSourceTopic()).isEqualTo("qs");
    }
}
