package io.vigil.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SASL_SSL listener: SCRAM and PLAIN users get in over TLS (host name verified), a wrong
 * password is refused, and the certificate made at start goes with the log dir on close.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedKafkaSaslSslITCase {

    @Test
    void usersLogInWithScramAndPlainAndAWrongPasswordIsRefused() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        Path dir;
        try (EmbeddedKafka kafka =
                EmbeddedKafka.start(new Properties(), SaslSsl.users(Map.of("alice", password)))) {
            dir = kafka.logDir();
            assertThat(kafka.bootstrapServers()).isNotEqualTo(kafka.plaintextBootstrapServers());
            assertThat(Files.list(dir.resolve("tls"))).isNotEmpty();
            kafka.createTopics(1, "t");

            Map<String, String> scram = kafka.clientProperties(SaslSsl.SCRAM_SHA_512, "alice");
            Map<String, String> plain = kafka.clientProperties(SaslSsl.PLAIN, "alice");
            send(kafka, scram, "by scram");
            send(kafka, kafka.clientProperties(SaslSsl.SCRAM_SHA_256, "alice"), "by scram-256");
            assertThat(read(kafka, plain, 2)).containsExactly("by scram", "by scram-256");

            Map<String, String> wrong =
                    kafka.clientProperties(SaslSsl.SCRAM_SHA_512, "alice", "not-" + password);
            assertThatThrownBy(() -> send(kafka, wrong, "never"))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
        assertThat(Files.exists(dir)).isFalse();
    }

    private static void send(EmbeddedKafka kafka, Map<String, String> client, String value)
            throws ExecutionException, InterruptedException {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("t", "k", value)).get();
        }
    }

    private static List<String> read(EmbeddedKafka kafka, Map<String, String> client, int n) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("t"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
