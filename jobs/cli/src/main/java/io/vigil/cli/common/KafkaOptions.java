package io.vigil.cli.common;

import picocli.CommandLine.Option;

/** {@code --bootstrap}, shared by every command that talks to Kafka. */
public final class KafkaOptions {
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:VIGIL_BOOTSTRAP:-" + DEFAULT_BOOTSTRAP + "}",
            description =
                    "Kafka bootstrap servers (default: $VIGIL_BOOTSTRAP or ${DEFAULT-VALUE}).")
    String bootstrap;

    public String bootstrap() {
        return bootstrap;
    }
}
