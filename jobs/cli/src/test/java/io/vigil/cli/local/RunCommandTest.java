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

/** {@code vigil run} hands the Kafka client properties to the job as vigil.kafka.properties. */
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
}
