package io.vigil.models.video;

/**
 * How {@link VideoChunker} cuts a video into chunks.
 *
 * @param streamId the stream id written into every chunk (the Kafka key)
 * @param maxChunkBytes hard upper bound on a chunk's {@code data} size
 * @param targetChunkMs a chunk is cut once it holds this much media time (latency bound)
 * @param gopSeconds keyframe interval when the source has to be re-encoded
 * @param forceReencode re-encode even an H.264 source instead of remuxing its packets
 */
public record ChunkerOptions(
        String streamId,
        int maxChunkBytes,
        long targetChunkMs,
        double gopSeconds,
        boolean forceReencode) {

    /** Kafka's default record limit is 1 MiB; 1,000,000 data bytes leave room for the rest. */
    public static final int DEFAULT_MAX_CHUNK_BYTES = 1_000_000;

    public static final long DEFAULT_TARGET_CHUNK_MS = 2_000;
    public static final double DEFAULT_GOP_SECONDS = 1.0;

    public ChunkerOptions {
        if (streamId == null || streamId.isBlank()) {
            throw new IllegalArgumentException("stream id must not be empty");
        }
        if (maxChunkBytes < 4_096) {
            throw new IllegalArgumentException(
                    "max chunk bytes must be at least 4096, was " + maxChunkBytes);
        }
        if (targetChunkMs <= 0) {
            throw new IllegalArgumentException("target chunk length must be positive");
        }
        if (!(gopSeconds > 0)) {
            throw new IllegalArgumentException("GOP seconds must be positive");
        }
    }

    public static ChunkerOptions defaults(String streamId) {
        return new ChunkerOptions(
                streamId,
                DEFAULT_MAX_CHUNK_BYTES,
                DEFAULT_TARGET_CHUNK_MS,
                DEFAULT_GOP_SECONDS,
                false);
    }

    public ChunkerOptions withMaxChunkBytes(int bytes) {
        return new ChunkerOptions(streamId, bytes, targetChunkMs, gopSeconds, forceReencode);
    }

    public ChunkerOptions withTargetChunkMs(long ms) {
        return new ChunkerOptions(streamId, maxChunkBytes, ms, gopSeconds, forceReencode);
    }

    public ChunkerOptions withForceReencode(boolean force) {
        return new ChunkerOptions(streamId, maxChunkBytes, targetChunkMs, gopSeconds, force);
    }
}
