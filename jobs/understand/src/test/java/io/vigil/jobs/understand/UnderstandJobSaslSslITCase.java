package io.vigil.jobs.understand;

import static io.vigil.jobs.understand.TestTopics.avro;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.jobs.kafka.SaslSsl;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Question;
import io.vigil.schemas.VideoChunk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker whose clients must log in (SASL_SSL, SCRAM-SHA-512, TLS with host name
 * verification), its settings in {@code vigil.kafka.properties}: both sources read through it and
 * the exactly-once sinks commit through it (one stream, one question); the password and the trust
 * store's password appear nowhere in the log (at INFO, Flink's and Kafka's included).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UnderstandJobSaslSslITCase {
    private static final String PREFIX = "sasl";

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    @TempDir static Path tmp;

    @Test
    void theJobReadsAndCommitsThroughSaslSslAndLogsNoSecret() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        List<VideoChunk> chunks = TestStreams.ingest(tmp, "cam-s", 8, 1); // two 4-s segments
        try (LogCapture log = new LogCapture();
                EmbeddedKafka kafka =
                        EmbeddedKafka.start(
                                new Properties(), SaslSsl.users(Map.of("vigil", password)))) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopics(
                    1,
                    PREFIX + ".chunks",
                    PREFIX + ".questions",
                    PREFIX + ".captions",
                    PREFIX + ".answers",
                    PREFIX + ".deadletter");
            Map<String, String> client = kafka.clientProperties(SaslSsl.SCRAM_SHA_512, "vigil");
            Configuration conf = TestStreams.jobOptions(bootstrap, PREFIX, 1);
            conf.set(UnderstandJobOptions.KAFKA_PROPERTIES, client);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // a refused login fails it

            JobClient job =
                    UnderstandJob.fromKafka(conf).executeAsync(UnderstandJob.environment(conf));
            try (KafkaProducer<String, byte[]> producer = TestStreams.producer(bootstrap, client);
                    KafkaConsumer<byte[], byte[]> captionReader =
                            TestTopics.committedReader(bootstrap, PREFIX + ".captions", client);
                    KafkaConsumer<byte[], byte[]> answerReader =
                            TestTopics.committedReader(bootstrap, PREFIX + ".answers", client)) {
                for (VideoChunk c : chunks) {
                    TestStreams.send(producer, PREFIX + ".chunks", "cam-s", avro(c));
                }
                List<Caption> captions =
                        TestTopics.pollUntil(
                                captionReader,
                                Caption.class,
                                new ArrayList<>(),
                                l -> l.size() >= 2,
                                Duration.ofSeconds(150));
                assertThat(captions)
                        .extracting(Caption::getStreamId, Caption::getSegmentEndMs)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("cam-s", 4000L),
                                org.assertj.core.groups.Tuple.tuple("cam-s", 8000L));

                Question q =
                        Question.newBuilder()
                                .setQuestionId("q-sasl")
                                .setStreamId("cam-s")
                                .setText("what colour was the ball")
                                .setAskedAtMs(System.currentTimeMillis())
                                .build();
                TestStreams.send(producer, PREFIX + ".questions", "cam-s", avro(q));
                List<Answer> answers =
                        TestTopics.pollUntil(
                                answerReader,
                                Answer.class,
                                new ArrayList<>(),
                                l -> !l.isEmpty(),
                                Duration.ofSeconds(90));
                assertThat(answers).hasSize(1);
                assertThat(answers.get(0).getQuestionId()).isEqualTo("q-sasl");
                assertThat(answers.get(0).getAnswered()).isTrue();
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }

            String logged = log.text();
            // the log has the settings (so the check below is not vacuous), secrets masked
            assertThat(logged)
                    .contains("security.protocol=SASL_SSL")
                    .contains("sasl.jaas.config=" + SecretMask.MASK)
                    .contains("sasl.jaas.config = [hidden]"); // Kafka's own config dump
            assertThat(logged)
                    .doesNotContain(password)
                    .doesNotContain(client.get("ssl.truststore.password"));
        }
    }
}
