package io.vigil.cli.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --bootstrap}, {@code --kafka-config FILE} and {@code --kafka-property KEY=VALUE}, shared
 * by every command that talks to Kafka: where Kafka is and any client property (SASL, TLS,
 * timeouts) for every producer and consumer the command makes.
 *
 * <p>Bootstrap servers: {@code --bootstrap}, else {@code bootstrap.servers} among the properties,
 * else {@code $VIGIL_BOOTSTRAP}, else {@value #DEFAULT_BOOTSTRAP}. Properties: the file's, then
 * each {@code --kafka-property} (a later one wins).
 */
public final class KafkaOptions {
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    /** Environment variable: the bootstrap servers when neither option nor file names them. */
    public static final String BOOTSTRAP_ENV = "VIGIL_BOOTSTRAP";

    /** Environment variable: the default of {@code --kafka-config}. */
    public static final String CONFIG_ENV = "VIGIL_KAFKA_CONFIG";

    private static final String BOOTSTRAP_KEY = "bootstrap.servers";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT[,...]",
            description =
                    "Kafka bootstrap servers (default: bootstrap.servers of --kafka-config, else"
                            + " $VIGIL_BOOTSTRAP, else "
                            + DEFAULT_BOOTSTRAP
                            + ").")
    String bootstrap;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            defaultValue = "${env:" + CONFIG_ENV + "}",
            description =
                    "Kafka client properties (a Java properties file: security.protocol, sasl.*,"
                            + " ssl.*, …) for every client the command makes (default:"
                            + " $"
                            + CONFIG_ENV
                            + ").")
    Path config;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "A Kafka client property, e.g. security.protocol=SASL_SSL; repeatable; wins"
                            + " over --kafka-config. Keep secrets in the file.")
    List<String> properties = new ArrayList<>();

    private KafkaTarget target;

    /** The bootstrap servers, resolved as the class comment says. */
    public String bootstrap() {
        return target().bootstrap();
    }

    /**
     * Bootstrap servers and client properties; read (the file) and checked once.
     *
     * @throws ParameterException when a {@code --kafka-property} is not {@code KEY=VALUE}
     * @throws CliException when the file cannot be read
     */
    public KafkaTarget target() {
        if (target == null) {
            Map<String, String> p = new LinkedHashMap<>();
            if (config != null) {
                p.putAll(read(config));
            }
            for (int i = 0; i < properties.size(); i++) {
                String arg = properties.get(i);
                int eq = arg.indexOf('=');
                String key = eq < 0 ? "" : arg.substring(0, eq).strip();
                if (eq < 0 || !KEY.matcher(key).matches()) {
                    // the argument is not echoed: it may hold a secret
                    throw new ParameterException(
                            mixee.commandLine(),
                            "--kafka-property #"
                                    + (i + 1)
                                    + " is not KEY=VALUE"
                                    + (eq < 0
                                            ? " (no '=')"
                                            : " ('" + key + "' is not a property name)"));
                }
                p.put(key, arg.substring(eq + 1));
            }
            SecretValues.remember(p);
            String fromProperties = p.remove(BOOTSTRAP_KEY);
            String env = System.getenv(BOOTSTRAP_ENV);
            String b;
            if (bootstrap != null) {
                b = bootstrap;
            } else if (fromProperties != null && !fromProperties.isBlank()) {
                b = fromProperties.strip();
            } else if (env != null && !env.isBlank()) {
                b = env.strip();
            } else {
                b = DEFAULT_BOOTSTRAP;
            }
            target = new KafkaTarget(b, p);
        }
        return target;
    }

    /** A properties file: Java's syntax, keys checked; values are never echoed. */
    static Map<String, String> read(Path file) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (NoSuchFileException e) {
            throw new CliException("cannot read the Kafka config " + file + ": no such file");
        } catch (IOException e) {
            throw new CliException("cannot read the Kafka config " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) { // a malformed \\uXXXX escape
            throw new CliException("the Kafka config " + file + " is malformed: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (!KEY.matcher(key).matches()) {
                throw new CliException(
                        "the Kafka config "
                                + file
                                + " has '"
                                + key
                                + "', which is not a property name");
            }
            out.put(key, props.getProperty(key).strip());
        }
        return out;
    }
}
