package io.vigil.cli.common;

import io.vigil.jobs.understand.SecretMask;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where and how to reach Kafka: bootstrap servers and the client properties given on the command
 * line ({@code --kafka-config}, {@code --kafka-property}: security, timeouts, anything a Kafka
 * client takes). {@link #toString()} and {@link #describe()} never show a secret value.
 */
public record KafkaTarget(String bootstrap, Map<String, String> properties) {

    public KafkaTarget {
        properties = Map.copyOf(properties);
    }

    /** Bootstrap servers and no other property. */
    public static KafkaTarget of(String bootstrap) {
        return new KafkaTarget(bootstrap, Map.of());
    }

    /**
     * {@code kafka:9093} or {@code kafka:9093 (sasl.jaas.config=******, security.protocol=…)}:
     * secret values masked.
     */
    public String describe() {
        if (properties.isEmpty()) {
            return bootstrap;
        }
        return bootstrap
                + " ("
                + SecretMask.mask(properties).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", "))
                + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
