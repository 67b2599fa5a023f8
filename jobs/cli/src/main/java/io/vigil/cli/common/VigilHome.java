package io.vigil.cli.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The repository root: {@code -Dvigil.home} (set by the {@code ./vigil} launcher), else the nearest
 * folder at or above the working directory that holds {@code models/train}.
 */
public final class VigilHome {
    public static final String PROPERTY = "vigil.home";

    private VigilHome() {}

    public static Optional<Path> find() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Optional.of(Path.of(prop).toAbsolutePath());
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("models").resolve("train"))) {
                return Optional.of(dir);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /** A path under the repository root, or {@code relative} itself when no root is found. */
    public static Path resolve(String relative) {
        return find().map(h -> h.resolve(relative)).orElse(Path.of(relative));
    }
}
