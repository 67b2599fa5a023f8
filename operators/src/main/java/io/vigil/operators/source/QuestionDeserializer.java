package io.vigil.operators.source;

import io.vigil.operators.DeadLetterReason;
import io.vigil.operators.DeadLetters;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Question;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka value bytes → {@link QuestionEnvelope}; never throws. Bytes that are not a {@link Question}
 * become a {@code RECORD_MALFORMED} dead letter. Whether a valid question can be answered is
 * decided later, with the stream's memory at hand.
 */
public class QuestionDeserializer implements KafkaRecordDeserializationSchema<QuestionEnvelope> {
    private static final long serialVersionUID = 1L;

    private final AvroCodec<Question> decoder = AvroCodec.of(Question.class);

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record, Collector<QuestionEnvelope> out) {
        out.collect(
                toEnvelope(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value()));
    }

    /** The envelope for one record's key and value bytes. */
    public QuestionEnvelope toEnvelope(
            String topic, int partition, long offset, byte[] key, byte[] value) {
        try {
            Question q = decoder.decode(value);
            String invalid = RecordCheck.streamId(q.getStreamId());
            if (invalid == null) {
                invalid = RecordCheck.key(key, q.getStreamId());
            }
            if (invalid != null) {
                return QuestionEnvelope.dead(
                        DeadLetters.of(
                                topic,
                                partition,
                                offset,
                                VideoChunkDeserializer.keyText(key),
                                DeadLetterReason.RECORD_INVALID,
                                invalid,
                                value));
            }
            return QuestionEnvelope.of(topic, partition, offset, q);
        } catch (AvroCodec.Malformed e) {
            return QuestionEnvelope.dead(
                    DeadLetters.of(
                            topic,
                            partition,
                            offset,
                            VideoChunkDeserializer.keyText(key),
                            DeadLetterReason.RECORD_MALFORMED,
                            e.getMessage(),
                            value));
        }
    }

    @Override
    public TypeInformation<QuestionEnvelope> getProducedType() {
        return TypeInformation.of(QuestionEnvelope.class);
    }
}
