package io.vigil.jobs.understand;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretMaskTest {
    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"vigil\" password=\"s3cr3t-jaas\";";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sasl.jaas.config",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "ssl.keystore.password",
                "ssl.truststore.password",
                "ssl.key.password",
                "ssl.keystore.key",
                "SSL.KEYSTORE.PASSWORD",
                "sasl.oauthbearer.client.credentials.client.secret",
                "sasl.oauthbearer.assertion.private.key.passphrase",
                "basic.auth.user.info",
                "fs.azure.account.key",
                "vigil.kafka.properties.sasl.jaas.config"
            })
    void secretKeysAreRecognised(String key) {
        assertThat(SecretMask.isSecret(key)).as(key).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "security.protocol",
                "sasl.mechanism",
                "ssl.truststore.location",
                "ssl.truststore.type",
                "ssl.endpoint.identification.algorithm",
                "bootstrap.servers",
                "key.serializer",
                "max.block.ms",
                "vigil.kafka.bootstrap-servers"
            })
    void ordinaryKeysAreNot(String key) {
        assertThat(SecretMask.isSecret(key)).as(key).isFalse();
    }

    @Test
    void maskHidesSecretValuesAndKeepsTheRest() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.jaas.config", JAAS);
        p.put("ssl.truststore.password", "trust-pw");

        Map<String, String> masked = SecretMask.mask(p);

        assertThat(masked)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", SecretMask.MASK)
                .containsEntry("ssl.truststore.password", SecretMask.MASK);
        assertThat(masked.toString()).doesNotContain("s3cr3t-jaas").doesNotContain("trust-pw");
        assertThat(p).containsEntry("sasl.jaas.config", JAAS); // the input is left as it was
    }

    @Test
    void describeHidesSecretsInsideTheKafkaPropertiesMap() {
        Configuration c = new Configuration();
        c.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, "kafka:9093");
        c.set(
                UnderstandJobOptions.KAFKA_PROPERTIES,
                Map.of(
                        "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-512",
                        "sasl.jaas.config", JAAS));
        c.setString("s3.secret-key", "aws-secret");
        // what Configuration.toString shows, and the reason for SecretMask: the map's key is not
        // sensitive to Flink, so its values are printed as they are
        assertThat(c.toString()).contains("s3cr3t-jaas");

        String shown = SecretMask.describe(c);

        assertThat(shown)
                .contains("vigil.kafka.bootstrap-servers=kafka:9093")
                .contains("security.protocol=SASL_SSL")
                .contains("sasl.mechanism=SCRAM-SHA-512")
                .contains("sasl.jaas.config=" + SecretMask.MASK)
                .contains("s3.secret-key=" + SecretMask.MASK)
                .doesNotContain("s3cr3t-jaas")
                .doesNotContain("aws-secret");
    }

    @Test
    void describeHidesKafkaPropertiesGivenAsPrefixedKeysAndAsAString() {
        // flink run … --vigil.kafka.properties.sasl.jaas.config '…' (a prefix map)
        Configuration prefixed =
                Configuration.fromMap(
                        Map.of(
                                "vigil.kafka.properties.security.protocol",
                                "SASL_SSL",
                                "vigil.kafka.properties.sasl.jaas.config",
                                JAAS));
        assertThat(prefixed.get(UnderstandJobOptions.KAFKA_PROPERTIES))
                .containsEntry("sasl.jaas.config", JAAS);
        // … --vigil.kafka.properties "security.protocol:SASL_SSL,sasl.jaas.config:'…'"
        Configuration inline =
                Configuration.fromMap(
                        Map.of(
                                "vigil.kafka.properties",
                                "security.protocol:SASL_SSL,sasl.jaas.config:'" + JAAS + "'"));
        assertThat(inline.get(UnderstandJobOptions.KAFKA_PROPERTIES))
                .containsEntry("sasl.jaas.config", JAAS);

        for (Configuration c : new Configuration[] {prefixed, inline}) {
            String shown = SecretMask.describe(c);
            assertThat(shown)
                    .contains("security.protocol=SASL_SSL")
                    .contains("sasl.jaas.config=" + SecretMask.MASK)
                    .doesNotContain("s3cr3t-jaas");
        }
    }

    @Test
    void anUnparseableKafkaPropertiesValueIsNotShownAtAll() {
        Configuration c =
                Configuration.fromMap(
                        Map.of("vigil.kafka.properties", "sasl.jaas.config:'unclosed s3cr3t"));

        assertThat(SecretMask.describe(c))
                .contains("vigil.kafka.properties=(not a map")
                .doesNotContain("s3cr3t");
    }
}
