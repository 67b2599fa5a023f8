package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    private static final AvroCodec<Question> CODEC = AvroCodec.of(Question.class);

    static Question question() {
        return Question.newBuilder()
                .setQuestionId("q1")
                .setStreamId("cam-1")
                .setText("what entered first?")
                .setAskedAtMs(1_700_000_000_000L)
                .setAsOfMediaMs(null)
                .build();
    }

    @Test
    void aRecordRoundTrips() throws Exception {
        assertThat(CODEC.decode(CODEC.encode(question()))).isEqualTo(question());
    }

    @Test
    void emptyValuesAreMalformed() {
        assertThatThrownBy(() -> CODEC.decode(new byte[0]))
                .isInstanceOf(AvroCodec.Malformed.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> CODEC.decode(null)).isInstanceOf(AvroCodec.Malformed.class);
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] ok = CODEC.encode(question());
        byte[] longer = Arrays.copyOf(ok, ok.length + 3);
        assertThatThrownBy(() -> CODEC.decode(longer))
                .isInstanceOf(AvroCodec.Malformed.class)
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButMalformed() {
        Random r = new Random(7);
        int malformed = 0;
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[1 + r.nextInt(64)];
            r.nextBytes(junk);
            try {
                CODEC.decode(junk);
            } catch (AvroCodec.Malformed e) {
                malformed++;
                assertThat(e.getMessage()).contains("Question");
            }
        }
        assertThat(malformed).isGreaterThan(450);
    }

    @Test
    void aLengthLongerThanTheValueIsRefusedBeforeAllocating() throws Exception {
        // question_id declares 1e9 bytes (Avro would allocate them first); 3 bytes follow
        assertThatThrownBy(() -> CODEC.decode(withLength(1_000_000_000)))
                .isInstanceOf(AvroCodec.Malformed.class)
                .hasMessageContaining("string of 1000000000 bytes with 3 bytes left");
        assertThatThrownBy(() -> CODEC.decode(withLength(-5)))
                .isInstanceOf(AvroCodec.Malformed.class)
                .hasMessageContaining("negative length -5");
        // the same bound holds for a bytes field: a chunk cut inside its data
        AvroCodec<VideoChunk> chunks = AvroCodec.of(VideoChunk.class);
        byte[] chunk =
                chunks.encode(
                        VideoChunk.newBuilder()
                                .setStreamId("cam")
                                .setSeq(1)
                                .setContainer(Container.MPEGTS)
                                .setCodec("h264")
                                .setData(java.nio.ByteBuffer.wrap(new byte[100]))
                                .setMediaStartMs(0)
                                .setMediaEndMs(1000)
                                .setWallClockMs(0)
                                .build());
        assertThat(chunks.decode(chunk).getData().remaining()).isEqualTo(100);
        assertThatThrownBy(() -> chunks.decode(Arrays.copyOf(chunk, 40)))
                .isInstanceOf(AvroCodec.Malformed.class)
                .hasMessageContaining("bytes field of 100 bytes with");
    }

    private static byte[] withLength(int length) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder enc =
                org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        enc.writeInt(length);
        enc.flush();
        out.write(new byte[] {'a', 'b', 'c'});
        return out.toByteArray();
    }

    @Test
    void theCodecIsSerializableAndWorksAfterwards() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(CODEC);
        }
        @SuppressWarnings("unchecked")
        AvroCodec<Question> copy =
                (AvroCodec<Question>)
                        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))
                                .readObject();
        assertThat(copy.decode(CODEC.encode(question()))).isEqualTo(question());
    }

    @Test
    void topicNamesAreDistinct() {
        assertThat(Topics.ALL).doesNotHaveDuplicates().hasSize(5);
    }
}
