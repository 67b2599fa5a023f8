package io.vigil.jobs.understand;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.ClipEncoder;
import io.vigil.models.video.VideoChunker;
import io.vigil.schemas.VideoChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Synthetic scenes as real H.264 files, cut by the ingest chunker; job settings for tests. */
final class TestStreams {
    static final int FPS = 10;
    static final int W = 96;
    static final int H = 64;

    private TestStreams() {}

    /**
     * Frame i of a scene: a gradient and a coloured box (hue 0 red, 1 green, 2 blue) moving right.
     */
    static byte[] frame(int i, int hue) {
        byte[] rgb = new byte[3 * W * H];
        int box = 16;
        int bx = (i * 3) % (W - box);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = 3 * (y * W + x);
                boolean in = x >= bx && x < bx + box && y >= 24 && y < 24 + box;
                rgb[p] = (byte) (in ? (hue == 0 ? 230 : 30) : 40 + 100 * x / W);
                rgb[p + 1] = (byte) (in ? (hue == 1 ? 220 : 40) : 60 + 80 * y / H);
                rgb[p + 2] = (byte) (in ? (hue == 2 ? 230 : 30) : 100);
            }
        }
        return rgb;
    }

    /** A clip file ({@code seconds} long) cut into chunks by {@code vigil ingest}'s chunker. */
    static List<VideoChunk> ingest(Path dir, String streamId, int seconds, int hue)
            throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < seconds * FPS; i++) {
            frames.add(frame(i, hue));
        }
        Path file = dir.resolve(streamId + ".ts");
        Files.write(file, new ClipEncoder(FPS, FPS).encode(frames, W, H));
        List<VideoChunk> chunks =
                VideoChunker.chunkAll(file.toString(), ChunkerOptions.defaults(streamId));
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks.get(chunks.size() - 1).getLast()).isTrue();
        return chunks;
    }

    /** Job options for a test on {@code bootstrap} with topics named {@code prefix.*}. */
    static Configuration jobOptions(String bootstrap, String prefix, int parallelism) {
        Configuration conf = UnderstandJobOptions.withNames(new Configuration(), prefix);
        conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        conf.set(UnderstandJobOptions.MODEL_DIR, TestTopics.modelDir());
        conf.set(UnderstandJobOptions.PARALLELISM, parallelism);
        conf.set(UnderstandJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        return conf;
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return producer(bootstrap, Map.of());
    }

    /** A producer with extra client properties (security settings, say). */
    static KafkaProducer<String, byte[]> producer(String bootstrap, Map<String, String> client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "4194304");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
}
