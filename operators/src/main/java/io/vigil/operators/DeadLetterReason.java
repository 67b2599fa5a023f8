package io.vigil.operators;

/**
 * Stable reason codes of {@link io.vigil.schemas.DeadLetter#getReason()}; {@code docs/topics.md}
 * lists them. Never rename one: dashboards and alerts match on the code.
 */
public enum DeadLetterReason {
    /** The Kafka record's value is not a valid Avro record of the topic's schema. */
    RECORD_MALFORMED,
    /**
     * A well-formed record that breaks a rule at the edge: a stream id that is empty, too long, not
     * valid UTF-8 or has control characters; a Kafka key that is not its streamId; a negative seq;
     * media times below 0 or ending before they start.
     */
    RECORD_INVALID,
    /** The chunk's data is larger than {@code vigil.chunk.max-size} (1 MB). */
    CHUNK_OVERSIZED,
    /** A chunk with a seq already processed for its stream; dropped. */
    CHUNK_DUPLICATE,
    /**
     * A gap (seq ahead of the next expected; the chunk is still decoded) or a late chunk (a seq
     * skipped earlier; dropped, since the memory cannot go back in time).
     */
    CHUNK_OUT_OF_ORDER,
    /** FFmpeg could not open or decode the chunk (corrupt, truncated). */
    CHUNK_UNDECODABLE,
    /** The chunk is a readable container without a video stream (e.g. audio only). */
    CHUNK_NOT_VIDEO,
    /** The chunk has no bytes, or its video yields no frame. */
    CHUNK_EMPTY,
    /**
     * Decoding the chunk took longer than its budget ({@code vigil.decode.budget}); the chunk is
     * dropped so that one damaged chunk cannot hold every stream of its task.
     */
    CHUNK_TOO_SLOW,
    /** The chunk's frames are larger than 8K UHD (7680 x 4320 pixels); refused before decoding. */
    FRAME_TOO_LARGE,
    /** Any other failure while handling one record; the job carries on. */
    INTERNAL_ERROR
}
