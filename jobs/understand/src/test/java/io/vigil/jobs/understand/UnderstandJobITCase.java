package io.vigil.jobs.understand;

import static io.vigil.jobs.understand.TestTopics.avro;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.models.VigilModel;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.VideoChunker;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Container;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.Question;
import io.vigil.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a MiniCluster against a real (embedded) broker: real H.264 clips cut by {@code
 * vigil ingest}'s chunker, published as chunks; captions and answers read back with a
 * read_committed consumer equal, record for record, the bare model loop's on the same chunks; every
 * bad input ends as a dead letter (or an unanswered Answer) while good streams beside it are
 * captioned.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UnderstandJobITCase {
    private static final String CHUNKS = "it.chunks";
    private static final String QUESTIONS = "it.questions";
    private static final String CAPTIONS = "it.captions";
    private static final String ANSWERS = "it.answers";
    private static final String DEAD = "it.deadletter";

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static EmbeddedKafka kafka;

    @TempDir static Path tmp;

    @BeforeAll
    static void broker() {
        Properties p = new Properties();
        p.put("message.max.bytes", "4194304"); // room for the oversized chunk
        kafka = EmbeddedKafka.start(p);
        kafka.createTopics(2, CHUNKS, QUESTIONS);
        kafka.createTopics(1, CAPTIONS, ANSWERS, DEAD);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static List<VideoChunk> ingest(String streamId, int seconds, int hue) throws Exception {
        return TestStreams.ingest(tmp, streamId, seconds, hue);
    }

    static VideoChunk badChunk(long seq, byte[] data) {
        return VideoChunk.newBuilder()
                .setStreamId("bad")
                .setSeq(seq)
                .setContainer(Container.MPEGTS)
                .setCodec("h264")
                .setData(ByteBuffer.wrap(data))
                .setMediaStartMs(seq * 2000)
                .setMediaEndMs(seq * 2000 + 2000)
                .setWallClockMs(System.currentTimeMillis())
                .build();
    }

    static Question question(String id, String stream, String text) {
        return Question.newBuilder()
                .setQuestionId(id)
                .setStreamId(stream)
                .setText(text)
                .setAskedAtMs(System.currentTimeMillis())
                .build();
    }

    @Test
    void captionsAndAnswersEqualTheBareModelLoopAndBadInputBecomesDeadLetters() throws Exception {
        String modelDir = TestTopics.modelDir();
        List<VideoChunk> a = ingest("good-a", 12, 0);
        List<VideoChunk> b = ingest("good-b", 8, 2);
        // the golden clip (the Python generator's scene, with ground truth), as vigil ingest cuts
        // it
        Path goldenDir =
                TestTopics.findUp(Path.of("models/src/test/resources/golden/clip.ts")).getParent();
        List<VideoChunk> g =
                VideoChunker.chunkAll(
                        goldenDir.resolve("clip.ts").toString(), ChunkerOptions.defaults("golden"));

        Map<String, String> asked =
                Map.of(
                        "qa", "what colour was the ball",
                        "qb", "how many cars have appeared");
        List<BareModelLoop.Cap> expectedCaptions = new ArrayList<>();
        Map<String, String> expectedAnswers;
        Map<String, Long> framesAtEnd;
        try (VigilModel model = VigilModel.load(Path.of(modelDir))) {
            BareModelLoop la = new BareModelLoop(model, 4000).run(a, 1.0);
            BareModelLoop lb = new BareModelLoop(model, 4000).run(b, 1.0);
            BareModelLoop lg = new BareModelLoop(model, 4000).run(g, 1.0);
            expectedCaptions.addAll(la.captions);
            expectedCaptions.addAll(lb.captions);
            expectedCaptions.addAll(lg.captions);
            expectedAnswers =
                    Map.of("qa", la.answer(asked.get("qa")), "qb", lb.answer(asked.get("qb")));
            framesAtEnd = Map.of("good-a", la.state.framesSeen(), "good-b", lb.state.framesSeen());
        }
        // 3 segments of 12 s, 2 of 8 s, 4 of the 16-s golden clip
        assertThat(expectedCaptions).hasSize(9);

        Configuration conf = new Configuration();
        conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(UnderstandJobOptions.CHUNKS_TOPIC, CHUNKS);
        conf.set(UnderstandJobOptions.QUESTIONS_TOPIC, QUESTIONS);
        conf.set(UnderstandJobOptions.CAPTIONS_TOPIC, CAPTIONS);
        conf.set(UnderstandJobOptions.ANSWERS_TOPIC, ANSWERS);
        conf.set(UnderstandJobOptions.DEADLETTER_TOPIC, DEAD);
        conf.set(UnderstandJobOptions.MODEL_DIR, modelDir);
        conf.set(UnderstandJobOptions.PARALLELISM, 2);
        conf.set(UnderstandJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(UnderstandJobOptions.TRANSACTIONAL_ID_PREFIX, "it-understand");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // a bug fails the test
        JobClient job = UnderstandJob.fromKafka(conf).executeAsync(UnderstandJob.environment(conf));

        try (KafkaProducer<String, byte[]> producer = producer();
                KafkaConsumer<byte[], byte[]> capReader =
                        TestTopics.committedReader(kafka.bootstrapServers(), CAPTIONS);
                KafkaConsumer<byte[], byte[]> ansReader =
                        TestTopics.committedReader(kafka.bootstrapServers(), ANSWERS);
                KafkaConsumer<byte[], byte[]> deadReader =
                        TestTopics.committedReader(kafka.bootstrapServers(), DEAD)) {
            // good streams, with the bad inputs interleaved
            byte[] audioOnly =
                    Files.readAllBytes(
                            TestTopics.findUp(
                                    Path.of("models/src/test/resources/video/audio-only.ts")));
            byte[] garbage = new byte[4000];
            new Random(3).nextBytes(garbage);
            send(producer, CHUNKS, "bad", avro(badChunk(0, garbage))); // undecodable
            send(producer, CHUNKS, null, "this is not avro".getBytes()); // malformed
            send(producer, QUESTIONS, null, new byte[] {(byte) 0xff, 1, 2}); // malformed
            for (int i = 0; i < Math.max(a.size(), g.size()); i++) {
                if (i < a.size()) {
                    send(producer, CHUNKS, "good-a", avro(a.get(i)));
                }
                if (i == 1) {
                    send(producer, CHUNKS, "good-a", avro(a.get(1))); // duplicate seq
                }
                if (i < b.size()) {
                    send(producer, CHUNKS, "good-b", avro(b.get(i)));
                }
                if (i < g.size()) {
                    send(producer, CHUNKS, "golden", avro(g.get(i)));
                }
            }
            send(producer, CHUNKS, "bad", avro(badChunk(1, audioOnly))); // not video
            send(producer, CHUNKS, "bad", avro(badChunk(2, new byte[1_500_000]))); // oversized
            send(producer, CHUNKS, "bad", avro(badChunk(1, audioOnly))); // duplicate
            send(producer, CHUNKS, "bad", avro(badChunk(5, garbage))); // gap + undecodable

            List<Caption> captions =
                    TestTopics.pollUntil(
                            capReader,
                            Caption.class,
                            new ArrayList<>(),
                            l -> l.size() >= expectedCaptions.size(),
                            Duration.ofSeconds(120));
            assertThat(captions).hasSize(expectedCaptions.size());

            // questions once the streams are fully in memory
            send(producer, QUESTIONS, "good-a", avro(question("qa", "good-a", asked.get("qa"))));
            send(producer, QUESTIONS, "good-b", avro(question("qb", "good-b", asked.get("qb"))));
            send(producer, QUESTIONS, "ghost", avro(question("q-ghost", "ghost", "what is seen")));
            send(producer, QUESTIONS, "good-a", avro(question("q-empty", "good-a", "")));
            send(
                    producer,
                    QUESTIONS,
                    "good-a",
                    avro(question("q-long", "good-a", "what ".repeat(2000))));
            send(
                    producer,
                    QUESTIONS,
                    "good-a",
                    avro(question("q-words", "good-a", "what colour was the zebra")));
            List<Answer> answers =
                    TestTopics.pollUntil(
                            ansReader,
                            Answer.class,
                            new ArrayList<>(),
                            l -> l.size() >= 6,
                            Duration.ofSeconds(60));
            List<DeadLetter> dead =
                    TestTopics.pollUntil(
                            deadReader,
                            DeadLetter.class,
                            new ArrayList<>(),
                            l -> l.size() >= 9,
                            Duration.ofSeconds(60));

            // a few more checkpoints: nothing else (no duplicates) may appear
            Thread.sleep(2000);
            TestTopics.drain(capReader, Caption.class, captions, Duration.ofSeconds(2));
            TestTopics.drain(ansReader, Answer.class, answers, Duration.ofSeconds(1));
            TestTopics.drain(deadReader, DeadLetter.class, dead, Duration.ofSeconds(1));

            captions.forEach(c -> System.out.println("caption " + c));
            answers.forEach(x -> System.out.println("answer " + x));
            dead.forEach(
                    d -> System.out.println("dead letter " + d.getReason() + " " + d.getMessage()));

            // captions: record for record the bare loop's (per stream in order)
            List<BareModelLoop.Cap> got =
                    captions.stream()
                            .map(
                                    c ->
                                            new BareModelLoop.Cap(
                                                    c.getStreamId(),
                                                    c.getSegmentStartMs(),
                                                    c.getSegmentEndMs(),
                                                    c.getText(),
                                                    c.getFramesSeen()))
                            .collect(Collectors.toList());
            reportGroundTruth(goldenDir, captions);
            for (String s : List.of("good-a", "good-b", "golden")) {
                assertThat(got.stream().filter(c -> c.streamId().equals(s)))
                        .as("captions of %s", s)
                        .containsExactlyElementsOf(
                                expectedCaptions.stream()
                                        .filter(c -> c.streamId().equals(s))
                                        .toList());
            }
            assertThat(captions).allSatisfy(c -> assertThat(c.getModelId()).isNotBlank());

            // answers: one per question
            Map<String, Answer> byId =
                    answers.stream().collect(Collectors.toMap(Answer::getQuestionId, x -> x));
            assertThat(answers).hasSize(6);
            assertThat(byId.get("qa").getAnswered()).isTrue();
            assertThat(byId.get("qa").getText()).isEqualTo(expectedAnswers.get("qa"));
            assertThat(byId.get("qa").getFramesSeen()).isEqualTo(framesAtEnd.get("good-a"));
            assertThat(byId.get("qb").getAnswered()).isTrue();
            assertThat(byId.get("qb").getText()).isEqualTo(expectedAnswers.get("qb"));
            assertThat(byId.get("qb").getFramesSeen()).isEqualTo(framesAtEnd.get("good-b"));
            for (String id : List.of("q-ghost", "q-empty", "q-long", "q-words")) {
                assertThat(byId.get(id).getAnswered()).as(id).isFalse();
            }
            assertThat(byId.get("q-ghost").getText()).contains("ghost").contains("not been seen");
            assertThat(byId.get("q-empty").getText()).contains("empty");
            assertThat(byId.get("q-long").getText()).contains("10,000");
            assertThat(byId.get("q-words").getText()).contains("\"zebra\"");

            // dead letters: every bad input, once
            assertThat(
                            dead.stream()
                                    .map(d -> d.getReason() + "/" + d.getStreamId())
                                    .sorted()
                                    .toList())
                    .containsExactlyInAnyOrder(
                            "RECORD_MALFORMED/null",
                            "RECORD_MALFORMED/null",
                            "CHUNK_UNDECODABLE/bad",
                            "CHUNK_NOT_VIDEO/bad",
                            "CHUNK_OVERSIZED/bad",
                            "CHUNK_DUPLICATE/bad",
                            "CHUNK_OUT_OF_ORDER/bad",
                            "CHUNK_UNDECODABLE/bad",
                            "CHUNK_DUPLICATE/good-a");
            assertThat(dead)
                    .filteredOn(d -> d.getReason().equals("RECORD_MALFORMED"))
                    .extracting(DeadLetter::getSourceTopic)
                    .containsExactlyInAnyOrder(CHUNKS, QUESTIONS);
            assertThat(dead)
                    .allSatisfy(
                            d -> assertThat(d.getExcerpt().remaining()).isLessThanOrEqualTo(256));
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Prints how the golden clip's captions compare with its ground truth (truth.json: one caption
     * per 1-s sample; a segment's caption is compared with its last sample's). Not asserted: that
     * agreement is the model's quality, which its model card reports.
     */
    private static void reportGroundTruth(Path goldenDir, List<Caption> captions) throws Exception {
        var truth =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(goldenDir.resolve("truth.json").toFile())
                        .get("captions");
        int n = 0;
        int exact = 0;
        for (Caption c : captions) {
            if (!c.getStreamId().equals("golden")) {
                continue;
            }
            int sample = (int) (c.getSegmentEndMs() / 1000) - 1;
            String t = sample < truth.size() ? truth.get(sample).asText() : "?";
            n++;
            exact += t.equals(c.getText()) ? 1 : 0;
            System.out.printf(
                    "golden [%d,%d) model: %s | truth: %s%n",
                    c.getSegmentStartMs(), c.getSegmentEndMs(), c.getText(), t);
        }
        System.out.printf("golden clip: %d/%d segment captions equal the ground truth%n", exact, n);
    }

    private static KafkaProducer<String, byte[]> producer() {
        return TestStreams.producer(kafka.bootstrapServers());
    }

    private static void send(
            KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        TestStreams.send(producer, topic, key, value);
    }
}
