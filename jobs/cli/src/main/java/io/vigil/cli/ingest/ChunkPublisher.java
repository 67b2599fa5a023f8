package io.vigil.cli.ingest;

import io.vigil.cli.common.KafkaClients;
import io.vigil.models.video.ChunkSink;
import io.vigil.models.video.VideoSourceException;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.VideoChunk;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes chunks to Kafka as Avro specific binary records keyed by stream id, one at a time (each
 * send is acknowledged before the next chunk, so a failure stops ingest at a known seq).
 */
public final class ChunkPublisher implements ChunkSink {
    private static final AvroCodec<VideoChunk> CODEC = AvroCodec.of(VideoChunk.class);
    private static final long SEND_TIMEOUT_S = 60;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private long chunks;
    private long bytes;

    public ChunkPublisher(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    @Override
    public void accept(VideoChunk chunk) throws VideoSourceException, InterruptedException {
        byte[] value = CODEC.encode(chunk);
        try {
            producer.send(new ProducerRecord<>(topic, chunk.getStreamId(), value))
                    .get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new VideoSourceException(
                    "cannot publish chunk "
                            + chunk.getSeq()
                            + " of "
                            + chunk.getStreamId()
                            + " to "
                            + topic
                            + ": "
                            + KafkaClients.why(cause),
                    e);
        }
        chunks++;
        bytes += value.length;
    }

    public long chunks() {
        return chunks;
    }

    public long bytes() {
        return bytes;
    }
}
