package io.vigil.jobs.ingest;

import java.nio.file.Path;

/** Real test clips for tests outside this package. */
public final class ChunkTestClips {
    private ChunkTestClips() {}

    /** A square moving over a gradient; see {@link TestClips}. */
    public static void write(
            Path file,
            String format,
            int codecId,
            int frames,
            double fps,
            int gopFrames,
            int width,
            int height)
            throws Exception {
        TestClips.write(file, format, codecId, frames, fps, gopFrames, width, height, false);
    }
}
