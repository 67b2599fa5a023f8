package io.vigil.jobs.understand;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaIoTest {

    /**
     * What docs/runbook-understand.md recommends on a cluster: the secret in a file on each
     * TaskManager, vigil.kafka.properties naming it through Kafka's FileConfigProvider, so that the
     * secret is in no configuration, argument or log at all.
     */
    @Test
    void aSecretCanStayInAFileThroughKafkasConfigProviders(@TempDir Path dir) throws Exception {
        String jaas =
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"vigil\" password=\"from-the-file\";";
        Path secrets = dir.resolve("kafka-secrets.properties");
        Properties s = new Properties();
        s.setProperty("sasl.jaas.config", jaas);
        try (var w = Files.newBufferedWriter(secrets)) {
            s.store(w, null);
        }
        Configuration conf = new Configuration();
        conf.set(
                UnderstandJobOptions.KAFKA_PROPERTIES,
                Map.of(
                        "config.providers", "file",
                        "config.providers.file.class",
                                "org.apache.kafka.common.config.provider.FileConfigProvider",
                        "sasl.jaas.config", "${file:" + secrets + ":sasl.jaas.config}"));

        Properties client = KafkaIo.extra(conf);
        client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        client.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        client.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        ConsumerConfig resolved = new ConsumerConfig(client);

        assertThat(resolved.getPassword(SaslConfigs.SASL_JAAS_CONFIG).value()).isEqualTo(jaas);
        assertThat(SecretMask.describe(conf)).doesNotContain("from-the-file");
    }
}
