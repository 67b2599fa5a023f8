package io.vigil.cli.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;

import io.vigil.cli.LogCapture;
import io.vigil.cli.VigilCommand;
import io.vigil.cli.common.ExitCode;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaTarget;
import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.jobs.kafka.SaslSsl;
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
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil ingest}, {@code ask} and {@code tail} against a broker that takes SASL_SSL only
 * (SCRAM-SHA-512 and PLAIN, TLS with host name verification), their settings in a {@code
 * --kafka-config} file; a wrong password (these and {@code vigil run}) or no security settings end
 * in one line; no secret is ever printed or logged (at INFO).
 */
@Timeout(240)
class SecureKafkaCommandsITCase {
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final String WRONG = "wrong-" + UUID.randomUUID();

    private static EmbeddedKafka kafka;
    private static LogCapture log;
    private static Path scramConfig;
    private static Path plainConfig;
    private static Path wrongConfig;
    private static KafkaTarget scram;
    private static String trustStorePassword;

    @TempDir static Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startKafka() throws Exception {
        log = new LogCapture("io.vigil", "org.apache.kafka");
        kafka = EmbeddedKafka.start(new Properties(), SaslSsl.users(Map.of("vigil", PASSWORD)));
        kafka.createTopics(1, Topics.ALL); // over the broker's own PLAINTEXT listener
        Map<String, String> scramProps = kafka.clientProperties(SaslSsl.SCRAM_SHA_512, "vigil");
        trustStorePassword = scramProps.get("ssl.truststore.password");
        scram = new KafkaTarget(kafka.bootstrapServers(), scramProps);
        scramConfig = write("scram.properties", scramProps);
        plainConfig = write("plain.properties", kafka.clientProperties(SaslSsl.PLAIN, "vigil"));
        wrongConfig =
                write(
                        "wrong.properties",
                        kafka.clientProperties(SaslSsl.SCRAM_SHA_512, "vigil", WRONG));
    }

    /** A client config file as a user keeps one, bootstrap.servers included. */
    private static Path write(String name, Map<String, String> props) throws Exception {
        Properties p = new Properties();
        p.putAll(props);
        p.put("bootstrap.servers", kafka.bootstrapServers());
        Path f = dir.resolve(name);
        try (var w = Files.newBufferedWriter(f)) {
            p.store(w, "vigil test client");
        }
        return f;
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
        if (log != null) {
            log.close();
        }
    }

    @AfterEach
    void nothingSecretWasPrintedOrLogged() {
        for (String text : List.of(out.toString(), err.toString(), log.text())) {
            assertThat(text)
                    .doesNotContain(PASSWORD)
                    .doesNotContain(WRONG)
                    .doesNotContain(trustStorePassword);
        }
    }

    private int vigil(String... args) {
        return VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void ingestPublishesThroughSaslSsl() throws Exception {
        Path clip = dir.resolve("cam.ts");
        RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 30, 10, 10, 96, 64, false);

        int code =
                vigil(
                        "ingest",
                        "--kafka-config",
                        scramConfig.toString(),
                        "--stream-id",
                        "cam-sasl",
                        "--no-progress",
                        clip.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("cam-sasl: 2 chunks");
        List<VideoChunk> chunks = new ArrayList<>();
        AvroCodec<VideoChunk> codec = AvroCodec.of(VideoChunk.class);
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(scram)) {
            KafkaClients.assignAll(c, scram.bootstrap(), Topics.CHUNKS, true);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && (chunks.isEmpty() || !chunks.get(chunks.size() - 1).getLast())) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    chunks.add(codec.decode(r.value()));
                }
            }
        }
        assertThat(chunks).extracting(VideoChunk::getStreamId).containsOnly("cam-sasl");
        assertThat(chunks).extracting(VideoChunk::getSeq).containsExactly(0L, 1L);
        // what the command logged at INFO shows the settings, secrets masked; Kafka's own
        // config dump hides them too
        assertThat(log.text())
                .contains("security.protocol=SASL_SSL")
                .contains("sasl.jaas.config=******")
                .contains("sasl.jaas.config = [hidden]");
    }

    @Test
    void tailReadsCaptionsThroughSaslSsl() throws Exception {
        Caption caption =
                Caption.newBuilder()
                        .setStreamId("cam-tail")
                        .setSegmentStartMs(0)
                        .setSegmentEndMs(4_000)
                        .setText("a green box moves right")
                        .setFramesSeen(4)
                        .setModelId("vigil-tiny@1")
                        .setProducedAtMs(System.currentTimeMillis())
                        .build();
        try (KafkaProducer<String, byte[]> p = KafkaClients.producer(scram)) {
            p.send(
                            new ProducerRecord<>(
                                    Topics.CAPTIONS,
                                    "cam-tail",
                                    AvroCodec.of(Caption.class).encode(caption)))
                    .get();
        }

        int code =
                vigil(
                        "tail",
                        "captions",
                        "--kafka-config",
                        scramConfig.toString(),
                        "--from-beginning",
                        "--max-records",
                        "1");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("cam-tail", "a green box moves right");
    }

    @Test
    void askGetsItsAnswerThroughSaslSslWithPlain() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread answerer = new Thread(() -> EchoAnswerer.run(scram, "cam-ask", 1, stop), "fake-job");
        answerer.start();
        try {
            int code =
                    vigil(
                            "ask",
                            "--kafka-config",
                            plainConfig.toString(),
                            "--stream",
                            "cam-ask",
                            "--id",
                            "q-sasl",
                            "what",
                            "moved");

            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("cam-ask", "echo: what moved", "q-sasl");
        } finally {
            stop.set(true);
            answerer.join();
        }
    }

    @Test
    void aWrongPasswordEndsEveryCommandWithOneLine() throws Exception {
        Path clip = dir.resolve("wrong.ts");
        RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 10, 10, 10, 96, 64, false);
        String config = wrongConfig.toString();
        String[][] commands = {
            {"tail", "captions", "--kafka-config", config, "--max-records", "1"},
            {"ask", "--kafka-config", config, "--stream", "cam-1", "hello"},
            {"ingest", "--kafka-config", config, "--no-progress", clip.toString()},
            {"run", "--kafka-config", config, "--checkpoints", dir.resolve("chk").toString()}
        };
        for (String[] command : commands) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);

            int code = vigil(command);

            String line = err.toString().strip();
            assertThat(code).as(command[0] + ": " + line).isEqualTo(ExitCode.FAILURE);
            assertThat(line)
                    .as(command[0])
                    .startsWith("vigil " + command[0] + ": ")
                    .contains("Authentication failed")
                    .doesNotContain("\n")
                    .doesNotContain("Exception");
            System.out.println("wrong password, " + command[0] + ": " + line);
        }
    }

    @Test
    void withoutSecuritySettingsTheCommandGivesUpWithOneLine() {
        int code =
                vigil(
                        "tail",
                        "captions",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--max-records",
                        "1");

        String line = err.toString().strip();
        assertThat(code).as(line).isEqualTo(ExitCode.FAILURE);
        assertThat(line)
                .startsWith("vigil tail: cannot reach Kafka at " + kafka.bootstrapServers())
                .contains("--kafka-config")
                .doesNotContain("\n");
    }
}
