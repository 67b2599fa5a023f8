package io.vigil.jobs.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A SASL_SSL listener for {@link EmbeddedKafka#start(Properties, SaslSsl)}: TLS with a self-signed
 * certificate for {@code localhost} made at start (see {@link TlsMaterial}), and users who log in
 * with {@link #SCRAM_SHA_512}, {@link #SCRAM_SHA_256} or {@link #PLAIN}. Authentication only: no
 * authorizer, so an authenticated user may do anything.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka =
 *         EmbeddedKafka.start(new Properties(), SaslSsl.users(Map.of("vigil", password)))) {
 *     Map<String, String> client = kafka.clientProperties(SaslSsl.SCRAM_SHA_512, "vigil");
 * }
 * }</pre>
 */
public final class SaslSsl {
    public static final String SCRAM_SHA_512 = "SCRAM-SHA-512";
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String PLAIN = "PLAIN";

    /** The listener's name (and security protocol). */
    static final String LISTENER = "SASL_SSL";

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");

    private final Map<String, String> users;

    private SaslSsl(Map<String, String> users) {
        this.users = users;
    }

    /**
     * Users by name with their passwords; each may use every mechanism. Names and passwords are
     * letters, digits, {@code . _ -} (they go into JAAS and SCRAM settings unquoted).
     */
    public static SaslSsl users(Map<String, String> users) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("at least one user");
        }
        users.forEach(
                (name, password) -> {
                    if (!SAFE.matcher(name).matches() || !SAFE.matcher(password).matches()) {
                        throw new IllegalArgumentException(
                                "user names and passwords are [A-Za-z0-9._-]+: " + name);
                    }
                });
        return new SaslSsl(Map.copyOf(users));
    }

    /** The users and their passwords. */
    public Map<String, String> users() {
        return users;
    }

    /** The JAAS line a client logs in with, for {@code sasl.jaas.config}. */
    public static String jaasConfig(String mechanism, String user, String password) {
        String module =
                mechanism.equals(PLAIN)
                        ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /**
     * Client properties for this listener: {@code security.protocol}, {@code sasl.mechanism},
     * {@code sasl.jaas.config} and the trust store holding the broker's certificate (host name
     * verification stays on: the certificate names {@code localhost}).
     */
    static Map<String, String> clientProperties(
            String mechanism, String user, String password, TlsMaterial tls) {
        if (!List.of(SCRAM_SHA_512, SCRAM_SHA_256, PLAIN).contains(mechanism)) {
            throw new IllegalArgumentException("unknown SASL mechanism " + mechanism);
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", LISTENER);
        p.put("sasl.mechanism", mechanism);
        p.put("sasl.jaas.config", jaasConfig(mechanism, user, password));
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", tls.trustStore().toString());
        p.put("ssl.truststore.password", tls.trustStorePassword());
        return p;
    }

    /**
     * The broker's listener settings: PLAINTEXT (inter-broker traffic and {@link
     * EmbeddedKafka#admin()}), SASL_SSL (clients) and the controller's.
     */
    Properties brokerProperties(
            int plaintextPort, int saslSslPort, int controllerPort, TlsMaterial tls) {
        String prefix = "listener.name." + LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        Properties p = new Properties();
        p.put(
                "listeners",
                "PLAINTEXT://localhost:"
                        + plaintextPort
                        + ","
                        + LISTENER
                        + "://localhost:"
                        + saslSslPort
                        + ",CONTROLLER://localhost:"
                        + controllerPort);
        p.put(
                "advertised.listeners",
                "PLAINTEXT://localhost:"
                        + plaintextPort
                        + ","
                        + LISTENER
                        + "://localhost:"
                        + saslSslPort);
        p.put(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT," + LISTENER + ":" + LISTENER + ",CONTROLLER:PLAINTEXT");
        p.put(
                prefix + "sasl.enabled.mechanisms",
                SCRAM_SHA_512 + "," + SCRAM_SHA_256 + "," + PLAIN);
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        p.put(prefix + "scram-sha-512.sasl.jaas.config", scram);
        p.put(prefix + "scram-sha-256.sasl.jaas.config", scram);
        StringBuilder plain =
                new StringBuilder(
                        "org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach(
                (name, password) ->
                        plain.append(" user_")
                                .append(name)
                                .append("=\"")
                                .append(password)
                                .append('"'));
        p.put(prefix + "plain.sasl.jaas.config", plain.append(';').toString());
        p.put(prefix + "ssl.keystore.type", "PKCS12");
        p.put(prefix + "ssl.keystore.location", tls.keyStore().toString());
        p.put(prefix + "ssl.keystore.password", tls.keyStorePassword());
        p.put(prefix + "ssl.key.password", tls.keyStorePassword());
        return p;
    }

    /** The users' SCRAM credentials, as {@code kafka-storage format --add-scram} takes them. */
    List<String> scramArguments() {
        List<String> out = new ArrayList<>();
        users.forEach(
                (name, password) -> {
                    for (String mechanism : List.of(SCRAM_SHA_512, SCRAM_SHA_256)) {
                        out.add(mechanism + "=[name=" + name + ",password=" + password + "]");
                    }
                });
        return out;
    }
}
