package io.vigil.cli.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;

import io.vigil.cli.VigilCommand;
import io.vigil.cli.common.ExitCode;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaTarget;
import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.models.video.RecordedClips;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Topics;
import io.vigil.schemas.VideoChunk;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil ingest}, {@code ask} and {@code tail} against a real (embedded) broker. */
@Timeout(180)
class KafkaCommandsITCase {
    private static EmbeddedKafka kafka;

    @TempDir Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(1, Topics.ALL);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int vigil(String... args) {
        return VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void ingestOfASourceListPublishesEveryCameraAndReportsTheOneThatFails() throws Exception {
        Path a = dir.resolve("a.ts");
        Path b = dir.resolve("b.ts");
        RecordedClips.write(a, "mpegts", AV_CODEC_ID_H264, 30, 10, 10, 96, 64, false);
        RecordedClips.write(b, "mpegts", AV_CODEC_ID_H264, 20, 10, 10, 96, 64, false);
        Path list = dir.resolve("cameras.txt");
        Files.writeString(
                list,
                "# id source\ncam-a "
                        + a
                        + "\n\ncam-b "
                        + b
                        + "\ncam-gone "
                        + dir.resolve("missing.ts")
                        + "\n");
        String topic = "multi.chunks";
        kafka.createTopics(1, topic);

        int code =
                vigil(
                        "ingest",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--topic",
                        topic,
                        "--sources",
                        list.toString());

        assertThat(code).isEqualTo(ExitCode.FAILURE); // one camera failed, the others went out
        assertThat(out.toString())
                .contains("cam-a: 2 chunks") // 3 s in 2-s chunks
                .contains("cam-b: 1 chunks")
                .contains("cam-gone: failed: no such video file");
        java.util.Map<String, Integer> perStream = new java.util.TreeMap<>();
        AvroCodec<VideoChunk> codec = AvroCodec.of(VideoChunk.class);
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(kafka.bootstrapServers())) {
            KafkaClients.assignAll(c, kafka.bootstrapServers(), topic, true);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && perStream.values().stream().mapToInt(i -> i).sum() < 3) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    VideoChunk chunk = codec.decode(r.value());
                    assertThat(r.key()).isEqualTo(chunk.getStreamId());
                    perStream.merge(chunk.getStreamId(), 1, Integer::sum);
                }
            }
        }
        assertThat(perStream)
                .containsExactly(java.util.Map.entry("cam-a", 2), java.util.Map.entry("cam-b", 1));
    }

    @Test
    void ingestPublishesContiguousAvroChunksKeyedByStream() throws Exception {
        Path clip = dir.resolve("cam.ts");
        RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 50, 10, 10, 96, 64, false);

        int code =
                vigil(
                        "ingest",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--stream-id",
                        "cam-7",
                        "--no-progress",
                        clip.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("cam-7:").contains("chunks");
        List<VideoChunk> chunks = new ArrayList<>();
        AvroCodec<VideoChunk> codec = AvroCodec.of(VideoChunk.class);
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(kafka.bootstrapServers())) {
            KafkaClients.assignAll(c, kafka.bootstrapServers(), Topics.CHUNKS, true);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && (chunks.isEmpty() || !chunks.get(chunks.size() - 1).getLast())) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    assertThat(r.key()).isEqualTo("cam-7");
                    chunks.add(codec.decode(r.value()));
                }
            }
        }
        assertThat(chunks).isNotEmpty();
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).getSeq()).isEqualTo(i);
        }
        assertThat(chunks.get(chunks.size() - 1).getLast()).isTrue();
        assertThat(chunks.get(chunks.size() - 1).getMediaEndMs()).isEqualTo(5000);
    }

    @Test
    void askPublishesTheQuestionAndPrintsItsAnswer() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread answerer =
                new Thread(
                        () ->
                                EchoAnswerer.run(
                                        KafkaTarget.of(kafka.bootstrapServers()), "cam-1", 3, stop),
                        "fake-job");
        answerer.start();
        try {
            int code =
                    vigil(
                            "ask",
                            "--bootstrap",
                            kafka.bootstrapServers(),
                            "--stream",
                            "cam-1",
                            "--id",
                            "q-42",
                            "what",
                            "entered",
                            "first");

            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("cam-1", "echo: what entered first", "q-42");
        } finally {
            stop.set(true);
            answerer.join();
        }
    }

    @Test
    void tailPrintsCaptionsReadably() throws Exception {
        Caption caption =
                Caption.newBuilder()
                        .setStreamId("cam-2")
                        .setSegmentStartMs(60_000)
                        .setSegmentEndMs(64_000)
                        .setText("a red car drives left")
                        .setFramesSeen(64)
                        .setModelId("vigil-tiny@1")
                        .setProducedAtMs(System.currentTimeMillis())
                        .build();
        publish(caption);

        int code =
                vigil(
                        "tail",
                        "captions",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--from-beginning",
                        "--max-records",
                        "1");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("cam-2", "1:00.0-1:04.0", "a red car drives left", "vigil-tiny@1");
    }

    private void publish(Caption... captions) throws Exception {
        try (KafkaProducer<String, byte[]> p = KafkaClients.producer(kafka.bootstrapServers())) {
            for (Caption c : captions) {
                p.send(
                                new ProducerRecord<>(
                                        Topics.CAPTIONS,
                                        c.getStreamId(),
                                        AvroCodec.of(Caption.class).encode(c)))
                        .get();
            }
        }
    }

    @Test
    void tailSkipsCaptionsBelowMinConfidence() throws Exception {
        Caption.Builder c =
                Caption.newBuilder()
                        .setStreamId("cam-3")
                        .setSegmentStartMs(0)
                        .setSegmentEndMs(4_000)
                        .setFramesSeen(4)
                        .setModelId("vigil-tiny@2")
                        .setProducedAtMs(System.currentTimeMillis());
        publish(
                c.setText("a scene a yes a yes").setConfidence(0.12f).build(),
                c.setText("a blue ball rolls up").setConfidence(0.99f).build());

        int code =
                vigil(
                        "tail",
                        "captions",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--from-beginning",
                        "--min-confidence",
                        "0.5",
                        "--idle-timeout",
                        "3");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("a blue ball rolls up", "p 0.99")
                .doesNotContain("a scene a yes");
    }

    @Test
    void askWithoutAnAnswerTimesOutWithOneLine() {
        int code =
                vigil(
                        "ask",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--stream",
                        "nobody",
                        "--timeout",
                        "2",
                        "anyone there");

        assertThat(code).isEqualTo(ExitCode.FAILURE);
        assertThat(err.toString().strip()).contains("no answer").doesNotContain("\n");
    }
}
