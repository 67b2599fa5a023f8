package io.vigil.operators;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;

/**
 * The model the operator tests run: {@code -Dvigil.test.model.dir=…} if set, else the shipped
 * {@code models/vigil-tiny} found upward from the working directory. A test fails (it does not
 * skip) when there is none.
 */
public final class TestModels {
    public static final String PROPERTY = "vigil.test.model.dir";

    private TestModels() {}

    public static String dir() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return p;
        }
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            Path m = d.resolve("models").resolve("vigil-tiny");
            if (Files.isRegularFile(m.resolve("manifest.json"))) {
                return m.toString();
            }
            d = d.getParent();
        }
        return fail("no model: set -D" + PROPERTY + " or ship models/vigil-tiny");
    }

    /** {@code pipeline.generic-types: false} on a harness: a Kryo fallback fails the test. */
    public static void noKryo(ExecutionConfig config) {
        ((SerializerConfigImpl) config.getSerializerConfig()).setGenericTypes(false);
    }
}
