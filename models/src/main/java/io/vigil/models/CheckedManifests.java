package io.vigil.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manifests already read and checked in this process, keyed by the folder's absolute path and a
 * fingerprint of its files (name, size, modification time of each). Hashing the graphs is the
 * expensive part of loading a model; with this a Flink task slot's operators check a folder once,
 * and a folder whose files change is read and checked again.
 */
final class CheckedManifests {
    private static final Logger LOG = LoggerFactory.getLogger(CheckedManifests.class);
    private static final int MAX_ENTRIES = 64;
    private static final Map<String, Manifest> CHECKED = new ConcurrentHashMap<>();

    private CheckedManifests() {}

    static Manifest get(Path modelDir, Function<Path, Manifest> read) {
        String key = fingerprint(modelDir);
        if (key == null) {
            return read.apply(modelDir); // not a readable folder: read() says why
        }
        Manifest m = CHECKED.get(key);
        if (m != null) {
            return m;
        }
        m = read.apply(modelDir);
        if (CHECKED.size() >= MAX_ENTRIES) {
            CHECKED.clear();
        }
        CHECKED.put(key, m);
        LOG.info("Checked model {} in {} (files and sha256s)", m.id(), modelDir);
        return m;
    }

    /** The folder's absolute path and each file's name, size and mtime; null if unreadable. */
    static String fingerprint(Path dir) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : (Iterable<Path>) list::iterator) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                files.put(
                        f.getFileName().toString(),
                        a.size() + "@" + a.lastModifiedTime().toMillis());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return dir.toAbsolutePath().normalize() + files.toString();
    }
}
