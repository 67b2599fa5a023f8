package io.vigil.cli.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vigil.jobs.understand.SecretMask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

class KafkaOptionsTest {
    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"vigil\" password=\"hunter2-secret\";";

    @TempDir Path dir;

    @Command(name = "t")
    static final class T implements Runnable {
        @Mixin KafkaOptions kafka;

        @Override
        public void run() {}
    }

    private static KafkaOptions parse(String... args) {
        T t = new T();
        new CommandLine(t).parseArgs(args);
        return t.kafka;
    }

    private Path config(String text) throws Exception {
        Path f = dir.resolve("kafka.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void theFileThenEachPropertyAndTheFilesBootstrapUnlessBootstrapIsGiven() throws Exception {
        Path f =
                config(
                        "# client settings\n"
                                + "bootstrap.servers=kafka-1:9093\n"
                                + "security.protocol=SASL_SSL\n"
                                + "sasl.mechanism=SCRAM-SHA-512\n"
                                + "sasl.jaas.config="
                                + JAAS
                                + "\n");

        KafkaTarget fromFile =
                parse("--kafka-config", f.toString(), "--kafka-property", "sasl.mechanism=PLAIN")
                        .target();
        KafkaTarget given =
                parse("--bootstrap", "other:9092", "--kafka-config", f.toString()).target();

        assertThat(fromFile.bootstrap()).isEqualTo("kafka-1:9093");
        assertThat(fromFile.properties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN") // the option wins over the file
                .containsEntry("sasl.jaas.config", JAAS)
                .doesNotContainKey("bootstrap.servers"); // that is bootstrap()
        assertThat(given.bootstrap()).isEqualTo("other:9092");
    }

    @Test
    void withoutAnyOptionTheDefaultBootstrapAndNoProperties() {
        assumeThat(System.getenv(KafkaOptions.BOOTSTRAP_ENV)).isNull();
        assumeThat(System.getenv(KafkaOptions.CONFIG_ENV)).isNull();

        KafkaTarget t = parse().target();

        assertThat(t.bootstrap()).isEqualTo(KafkaOptions.DEFAULT_BOOTSTRAP);
        assertThat(t.properties()).isEmpty();
    }

    @Test
    void aValueMayHoldEqualsSignsAndQuotes() {
        KafkaTarget t = parse("--kafka-property", "sasl.jaas.config=" + JAAS).target();

        assertThat(t.properties()).containsExactly(Map.entry("sasl.jaas.config", JAAS));
    }

    @Test
    void aPropertyWithoutEqualsIsAUsageErrorThatDoesNotEchoTheArgument() {
        KafkaOptions o =
                parse("--kafka-property", "a=b", "--kafka-property", "sasl.jaas.config:hunter2");

        assertThatThrownBy(o::target)
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--kafka-property #2 is not KEY=VALUE")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(parse("--kafka-property", "=x")::target)
                .isInstanceOf(ParameterException.class);
        assertThatThrownBy(parse("--kafka-property", "two words=x")::target)
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("'two words' is not a property name");
    }

    @Test
    void aMissingConfigFileIsAnExpectedFailure() {
        assertThatThrownBy(parse("--kafka-config", dir.resolve("nope").toString())::target)
                .isInstanceOf(CliException.class)
                .hasMessageContaining("no such file");
    }

    @Test
    void describeAndToStringMaskSecretValues() throws Exception {
        KafkaTarget t =
                parse(
                                "--bootstrap",
                                "k:9093",
                                "--kafka-config",
                                config("sasl.jaas.config=" + JAAS + "\n").toString(),
                                "--kafka-property",
                                "ssl.truststore.password=trust-me-pw",
                                "--kafka-property",
                                "security.protocol=SASL_SSL")
                        .target();

        for (String shown : new String[] {t.describe(), t.toString()}) {
            assertThat(shown)
                    .startsWith("k:9093 (")
                    .contains("security.protocol=SASL_SSL")
                    .contains("sasl.jaas.config=" + SecretMask.MASK)
                    .doesNotContain("hunter2")
                    .doesNotContain("trust-me-pw");
        }
    }

    @Test
    void secretValuesGivenAreScrubbedFromMessages() {
        parse("--kafka-property", "sasl.jaas.config=" + JAAS).target();

        assertThat(SecretValues.scrub("bad config: " + JAAS))
                .isEqualTo("bad config: " + SecretMask.MASK);
        assertThat(SecretValues.scrub("password hunter2-secret is wrong"))
                .isEqualTo("password " + SecretMask.MASK + " is wrong");
        assertThat(SecretValues.scrub("nothing secret here")).isEqualTo("nothing secret here");
    }

    @Test
    void clientsTakeTheUsersPropertiesButNotOverWhatVigilRestsOn() {
        Properties vigil = new Properties();
        vigil.put("isolation.level", "read_committed");
        vigil.put("default.api.timeout.ms", "15000");
        KafkaTarget t =
                new KafkaTarget(
                        "k:9093",
                        Map.of(
                                "isolation.level", "read_uncommitted",
                                "default.api.timeout.ms", "60000",
                                "security.protocol", "SASL_SSL"));

        Properties p = KafkaClients.merge(vigil, t, KafkaClients.CONSUMER_FIXED, "consumer");

        assertThat(p)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("default.api.timeout.ms", "60000")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "k:9093");
    }
}
