package io.vigil.jobs.understand;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * Hides the values of settings that look secret wherever vigil logs or prints its configuration:
 * Kafka client properties ({@code sasl.jaas.config}, {@code ssl.keystore.password}, {@code
 * ssl.keystore.key}, …) and Flink options (Flink's own rule plus these).
 *
 * <p>A key is secret when, lower-cased, it contains one of {@link #SECRET_WORDS} or ends with
 * {@code .key}, {@code -key} or {@code _key} (a private key in PEM, as {@code ssl.keystore.key}).
 * Keys are never hidden, only values.
 */
public final class SecretMask {
    /** What a hidden value is shown as. */
    public static final String MASK = "******";

    /** Parts of a key that make its value secret. */
    public static final List<String> SECRET_WORDS =
            List.of(
                    "password",
                    "passphrase",
                    "secret",
                    "jaas.config",
                    "token",
                    "credential",
                    "apikey",
                    "api-key",
                    "api.key",
                    "api_key",
                    "private",
                    "auth-params",
                    "basic-auth",
                    "basic.auth",
                    "user.info",
                    "service-key",
                    "http-headers");

    private SecretMask() {}

    /** Whether the value of {@code key} must not be shown. */
    public static boolean isSecret(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return k.endsWith(".key") || k.endsWith("-key") || k.endsWith("_key") || k.equals("key");
    }

    /** A sorted copy of {@code properties} with every secret value replaced by {@link #MASK}. */
    public static Map<String, String> mask(Map<?, ?> properties) {
        Map<String, String> out = new TreeMap<>();
        properties.forEach(
                (k, v) -> {
                    String key = String.valueOf(k);
                    out.put(key, isSecret(key) ? MASK : String.valueOf(v));
                });
        return out;
    }

    /**
     * {@code options} as a sorted {@code {key=value, …}} string for a log line: secret values
     * hidden, {@link UnderstandJobOptions#KAFKA_PROPERTIES} (however it was given: one map value or
     * {@code vigil.kafka.properties.KEY} entries) shown as one map with its secrets hidden.
     */
    public static String describe(Configuration options) {
        String kafkaKey = UnderstandJobOptions.KAFKA_PROPERTIES.key();
        Map<String, String> out = new TreeMap<>();
        boolean kafka = false;
        for (Map.Entry<String, String> e : options.toMap().entrySet()) {
            String key = e.getKey();
            if (key.equals(kafkaKey) || key.startsWith(kafkaKey + ".")) {
                kafka = true;
            } else if (isSecret(key) || GlobalConfiguration.isSensitive(key)) {
                out.put(key, MASK);
            } else {
                out.put(key, e.getValue());
            }
        }
        if (kafka) {
            String shown;
            try {
                shown = mask(options.get(UnderstandJobOptions.KAFKA_PROPERTIES)).toString();
            } catch (IllegalArgumentException e) {
                shown = "(not a map of KEY:VALUE pairs; not shown)";
            }
            out.put(kafkaKey, shown);
        }
        return out.toString();
    }
}
