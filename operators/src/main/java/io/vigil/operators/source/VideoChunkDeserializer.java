package io.vigil.operators.source;

import io.vigil.operators.DeadLetterReason;
import io.vigil.operators.DeadLetters;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.VideoChunk;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka value bytes → {@link ChunkEnvelope}; never throws. Bytes that are not a {@link VideoChunk}
 * become a {@code RECORD_MALFORMED} dead letter (streamId from the Kafka key when it is UTF-8
 * text); a chunk that breaks a {@link RecordCheck} rule (stream id, key, seq, media times) becomes
 * {@code RECORD_INVALID}; a chunk whose data exceeds the size limit becomes {@code
 * CHUNK_OVERSIZED}.
 */
public class VideoChunkDeserializer implements KafkaRecordDeserializationSchema<ChunkEnvelope> {
    private static final long serialVersionUID = 1L;

    private final long maxChunkBytes;
    private final AvroCodec<VideoChunk> decoder = AvroCodec.of(VideoChunk.class);

    /**
     * @param maxChunkBytes chunks with more data bytes than this are dead letters
     */
    public VideoChunkDeserializer(long maxChunkBytes) {
        this.maxChunkBytes = maxChunkBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ChunkEnvelope> out) {
        out.collect(
                toEnvelope(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value()));
    }

    /** The envelope for one record's key and value bytes. */
    public ChunkEnvelope toEnvelope(
            String topic, int partition, long offset, byte[] key, byte[] value) {
        VideoChunk chunk;
        try {
            chunk = decoder.decode(value);
        } catch (AvroCodec.Malformed e) {
            return ChunkEnvelope.dead(
                    DeadLetters.of(
                            topic,
                            partition,
                            offset,
                            keyText(key),
                            DeadLetterReason.RECORD_MALFORMED,
                            e.getMessage(),
                            value));
        }
        String invalid = RecordCheck.streamId(chunk.getStreamId());
        if (invalid == null) {
            invalid = RecordCheck.key(key, chunk.getStreamId());
        }
        if (invalid == null) {
            invalid = RecordCheck.chunk(chunk);
        }
        if (invalid != null) {
            return ChunkEnvelope.dead(
                    DeadLetters.of(
                            topic,
                            partition,
                            offset,
                            keyText(key),
                            DeadLetterReason.RECORD_INVALID,
                            invalid,
                            value));
        }
        int size = chunk.getData().remaining();
        if (size > maxChunkBytes) {
            return ChunkEnvelope.dead(
                    DeadLetters.of(
                            topic,
                            partition,
                            offset,
                            chunk.getStreamId(),
                            DeadLetterReason.CHUNK_OVERSIZED,
                            String.format(
                                    "chunk %s#%d has %d data bytes, the limit is %d",
                                    chunk.getStreamId(), chunk.getSeq(), size, maxChunkBytes),
                            chunk.getData()));
        }
        return ChunkEnvelope.of(topic, partition, offset, chunk);
    }

    static String keyText(byte[] key) {
        if (key == null || key.length == 0 || key.length > 256) {
            return null;
        }
        String s = new String(key, StandardCharsets.UTF_8);
        return s.indexOf('\uFFFD') >= 0 ? null : s;
    }

    @Override
    public TypeInformation<ChunkEnvelope> getProducedType() {
        return TypeInformation.of(ChunkEnvelope.class);
    }
}
