package io.vigil.cli.common;

import io.vigil.jobs.understand.SecretMask;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret values this process was given (values of {@link SecretMask#isSecret secret} Kafka
 * properties, and the passwords inside a JAAS line), so that every message the command line prints
 * can be {@link #scrub scrubbed} of them: an exception's text from Kafka or the JDK may quote a
 * setting back.
 */
public final class SecretValues {
    /** Shorter values are not scrubbed (replacing every "a" would garble the message). */
    static final int MIN_LENGTH = 4;

    private static final Pattern JAAS_SECRET =
            Pattern.compile(
                    "(?i)\\b[\\w.-]*(?:password|secret|token)[\\w.-]*\\s*=\\s*"
                            + "(?:\"([^\"]*)\"|([^\\s;\"]+))");

    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    private SecretValues() {}

    /** Remembers the secret values among {@code properties}. */
    public static void remember(Map<String, String> properties) {
        properties.forEach(
                (key, value) -> {
                    if (value == null || !SecretMask.isSecret(key)) {
                        return;
                    }
                    add(value);
                    Matcher m = JAAS_SECRET.matcher(value);
                    while (m.find()) {
                        add(m.group(1) != null ? m.group(1) : m.group(2));
                    }
                });
    }

    private static void add(String value) {
        if (value.strip().length() >= MIN_LENGTH) {
            VALUES.add(value.strip());
        }
    }

    /** {@code text} with every remembered secret value replaced by {@link SecretMask#MASK}. */
    public static String scrub(String text) {
        if (text == null || VALUES.isEmpty()) {
            return text;
        }
        String out = text;
        // longest first: a JAAS line goes whole before the password inside it
        List<String> values =
                VALUES.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String v : values) {
            out = out.replace(v, SecretMask.MASK);
        }
        return out;
    }
}
