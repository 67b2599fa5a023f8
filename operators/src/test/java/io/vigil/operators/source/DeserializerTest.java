package io.vigil.operators.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.TestChunks;
import io.vigil.schemas.Question;
import io.vigil.schemas.VideoChunk;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class DeserializerTest {
    private final VideoChunkDeserializer chunks = new VideoChunkDeserializer(1 << 20);
    private final QuestionDeserializer questions = new QuestionDeserializer();

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> byte[] avro(T record) throws Exception {
        var w = new SpecificDatumWriter<T>((Class<T>) record.getClass());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        w.write(record, e);
        e.flush();
        return out.toByteArray();
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
