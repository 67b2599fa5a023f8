package io.vigil.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

/** Where the shipped model and the fixtures are, and small helpers for model tests. */
public final class TestModels {
    private TestModels() {}

    /** Overrides the model folder, e.g. {@code -Dvigil.model.dir=/tmp/other}. */
    public static final String DIR_PROPERTY = "vigil.model.dir";

    /** The repository root: the first folder up from the working directory with {@code models/}. */
    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("models").resolve("src"))) {
                return q;
            }
        }
        throw new IllegalStateException("no repository root above " + p);
    }

    /** The shipped model, {@code models/vigil-tiny}, or the folder named by the property. */
    public static Path modelDir() {
        String d = System.getProperty(DIR_PROPERTY);
        return d != null ? Path.of(d) : repoRoot().resolve("models").resolve("vigil-tiny");
    }

    public static boolean modelPresent() {
        return Files.isRegularFile(modelDir().resolve(Manifest.FILE_NAME));
    }

    /** {@code models/src/test/resources/<name>}. */
    public static Path resources(String name) {
        return repoRoot().resolve("models/src/test/resources").resolve(name);
    }

    /** A little-endian float32 file. */
    public static float[] readF32(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            float[] out = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] gaussian(Random r, int n, float scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextGaussian() * scale;
        }
        return out;
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** Copies the model folder's files (flat) into {@code to}. */
    public static void copyModel(Path to) {
        try (Stream<Path> files = Files.list(modelDir())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Declares a lead frame ({@code frame.lead_ms}) in a copied model's manifest, in place: the
     * tests of a lead model's contract on the small model's files.
     */
    public static void addLead(Path modelDir, int leadMs) {
        Path manifest = modelDir.resolve(Manifest.FILE_NAME);
        String anchor = "\"resize\": \"box\",";
        try {
            String json = Files.readString(manifest);
            if (!json.contains(anchor)) {
                throw new IllegalStateException(
                        manifest + " has no " + anchor + " to add a lead after");
            }
            Files.writeString(
                    manifest, json.replace(anchor, anchor + " \"lead_ms\": " + leadMs + ","));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
