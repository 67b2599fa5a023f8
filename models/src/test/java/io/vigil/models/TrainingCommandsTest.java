package io.vigil.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code python -m package.module} command that the docs, the README files and the training
 * scripts give names a module of {@code models/train} that runs as a program (it has the {@code if
 * __name__ == "__main__":} guard). CI never trains, so without this a refactoring that drops a
 * module's command line would go unnoticed until someone follows the docs.
 */
class TrainingCommandsTest {
    private static final Pattern COMMAND =
            Pattern.compile("python3? -m ((?:vigil_[a-z]+|backbone)\\.[a-z_]+)");
    private static final String GUARD = "if __name__ == \"__main__\":";

    @Test
    void everyDocumentedTrainingCommandHasAMainGuard() throws IOException {
        Path root = TestModels.repoRoot();
        Set<String> modules = new TreeSet<>();
        for (Path f : sources(root)) {
            Matcher m = COMMAND.matcher(Files.readString(f));
            while (m.find()) {
                modules.add(m.group(1));
            }
        }
        assertTrue(modules.size() >= 10, "too few commands found, the scan is broken: " + modules);
        List<String> broken = new ArrayList<>();
        for (String module : modules) {
            Path py = root.resolve("models/train").resolve(module.replace('.', '/') + ".py");
            if (!Files.isRegularFile(py)) {
                broken.add(module + " (no file " + root.relativize(py) + ")");
            } else if (!Files.readString(py).contains(GUARD)) {
                broken.add(module + " (no " + GUARD + " in " + root.relativize(py) + ")");
            }
        }
        assertTrue(broken.isEmpty(), "documented commands that do not run: " + broken);
    }

    private static List<Path> sources(Path root) throws IOException {
        List<Path> out = new ArrayList<>(List.of(root.resolve("README.md")));
        for (Path dir : List.of(root.resolve("docs"), root.resolve("models/train"))) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> p.toString().matches(".*\\.(md|py|sh)$"))
                        .forEach(out::add);
            }
        }
        return out;
    }
}
