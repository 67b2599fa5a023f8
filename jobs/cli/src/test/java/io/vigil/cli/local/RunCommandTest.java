package io.vigil.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.VigilCommand;
import io.vigil.jobs.understand.UnderstandJobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;

/**
 * {@code vigil run} hands the Kafka client properties to the job as vigil.kafka.properties, and the
 * as-of history only when asked.
 */
class RunCommandTest {

    @Test
    void kafkaPropertiesReachTheJobAndTheBootstrapItsOwnOption(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("kafka.properties");
        Files.writeString(
                config,
                "bootstrap.servers=kafka:9093\nsecurity.protocol=SASL_SSL\n"
                        + "sasl.jaas.config=x required username=\"u\" password=\"p4ss-word\";\n");
        ParseResult parsed =
                VigilCommand.commandLine()
                        .parseArgs(
                                "run",
                                "--kafka-config",
                                config.toString(),
                                "--kafka-property",
                                "sasl.mechanism=SCRAM-SHA-512");
        RunCommand run = parsed.subcommand().commandSpec().commandLine().getCommand();

        Configuration conf = run.jobOptions(run.kafka.target(), dir, dir.resolve("chk"));

        assertThat(conf.get(UnderstandJobOptions.BOOTSTRAP_SERVERS)).isEqualTo("kafka:9093");
        assertThat(conf.get(UnderstandJobOptions.KAFKA_PROPERTIES))
                .containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry(
                        "sasl.jaas.config", "x required username=\"u\" password=\"p4ss-word\";");
    }

    @Test
    void asOfHistoryIsOffUnlessAsked(@TempDir Path dir) throws Exception {
        RunCommand plain =
                VigilCommand.commandLine()
                        .parseArgs("run", "--bootstrap", "kafka:9092")
                        .subcommand()
                        .commandSpec()
                        .commandLine()
                        .getCommand();
        RunCommand kept =
                VigilCommand.commandLine()
                        .parseArgs("run", "--bootstrap", "kafka:9092", "--history-segments", "15")
                        .subcommand()
                        .commandSpec()
                        .commandLine()
                        .getCommand();
        assertThat(
                        plain.jobOptions(plain.kafka.target(), dir, dir)
                                .get(UnderstandJobOptions.HISTORY_SEGMENTS))
                .isZero();
        assertThat(
                        kept.jobOptions(kept.kafka.target(), dir, dir)
                                .get(UnderstandJobOptions.HISTORY_SEGMENTS))
                .isEqualTo(15);
    }
}
