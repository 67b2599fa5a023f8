package io.vigil.cli.ingest;

import io.vigil.models.video.ChunkSink;
import io.vigil.schemas.VideoChunk;

/**
 * Holds each chunk back until its media end time has passed on the wall clock since the first
 * chunk, so a file is published the way a live camera would publish it.
 */
public final class RealtimePacer implements ChunkSink {
    private final ChunkSink next;
    private long startNanos = -1;
    private long startMediaMs;

    public RealtimePacer(ChunkSink next) {
        this.next = next;
    }

    @Override
    public void accept(VideoChunk chunk) throws Exception {
        if (startNanos < 0) {
            startNanos = System.nanoTime();
            startMediaMs = chunk.getMediaStartMs();
        }
        long dueNanos = startNanos + (chunk.getMediaEndMs() - startMediaMs) * 1_000_000L;
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
        }
        next.accept(chunk);
    }
}
