package io.vigil.models.video;

import io.vigil.schemas.VideoChunk;

/** Receives the chunks {@link VideoChunker} cuts, in order. */
@FunctionalInterface
public interface ChunkSink {
    void accept(VideoChunk chunk) throws Exception;
}
