package io.vigil.operators;

import io.vigil.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds {@link DeadLetter} records with a bounded excerpt. */
public final class DeadLetters {
    /** Most payload bytes copied into {@link DeadLetter#getExcerpt()}. */
    public static final int MAX_EXCERPT_BYTES = 256;

    /** Most characters of {@link DeadLetter#getMessage()}. */
    public static final int MAX_MESSAGE_CHARS = 1000;

    private DeadLetters() {}

    /**
     * A dead letter.
     *
     * @param payload the record's bytes (or the chunk's data); only the first {@value
     *     #MAX_EXCERPT_BYTES} are kept; may be null
     * @param streamId null when unknown
     */
    public static DeadLetter of(
            String topic,
            int partition,
            long offset,
            String streamId,
            DeadLetterReason reason,
            String message,
            byte[] payload) {
        byte[] excerpt =
                payload == null
                        ? new byte[0]
                        : Arrays.copyOf(payload, Math.min(payload.length, MAX_EXCERPT_BYTES));
        return of(topic, partition, offset, streamId, reason, message, ByteBuffer.wrap(excerpt));
    }

    /** As {@link #of(String, int, long, String, DeadLetterReason, String, byte[])}. */
    public static DeadLetter of(
            String topic,
            int partition,
            long offset,
            String streamId,
            DeadLetterReason reason,
            String message,
            ByteBuffer payload) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "" : topic)
                .setPartition(partition)
                .setOffset(offset)
                .setStreamId(streamId)
                .setReason(reason.name())
                .setMessage(truncate(message))
                .setExcerpt(excerpt(payload))
                .setProducedAtMs(System.currentTimeMillis())
                .build();
    }

    /** The first {@value #MAX_EXCERPT_BYTES} bytes of a buffer, without moving its position. */
    public static ByteBuffer excerpt(ByteBuffer payload) {
        if (payload == null) {
            return ByteBuffer.allocate(0);
        }
        ByteBuffer b = payload.duplicate();
        int n = Math.min(b.remaining(), MAX_EXCERPT_BYTES);
        byte[] out = new byte[n];
        b.get(out);
        return ByteBuffer.wrap(out);
    }

    private static String truncate(String message) {
        String m = message == null ? "" : message;
        return m.length() <= MAX_MESSAGE_CHARS ? m : m.substring(0, MAX_MESSAGE_CHARS) + "…";
    }
}
