package io.vigil.operators.source;

import io.vigil.schemas.VideoChunk;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Validation at the edge: what a record must be before the job uses it. Each check returns why a
 * record is unusable, as a sentence for its {@code RECORD_INVALID} dead letter, or null when it is
 * fine. The rules ({@code docs/topics.md}):
 *
 * <ul>
 *   <li>A stream id is 1 to {@value #MAX_STREAM_ID_CHARS} characters of valid UTF-8 (Avro reads
 *       invalid bytes as U+FFFD, so that character is refused too) without control or
 *       bidirectional-override characters.
 *   <li>A record's Kafka key is either absent or exactly the UTF-8 bytes of its {@code streamId}:
 *       the key decides the partition, the streamId the memory, and they must not disagree.
 *   <li>A chunk's seq is ≥ 0; its media times are ≥ 0 and its end is not before its start.
 * </ul>
 */
public final class RecordCheck {
    public static final int MAX_STREAM_ID_CHARS = 200;

    private RecordCheck() {}

    public static String streamId(String id) {
        if (id == null || id.isEmpty()) {
            return "empty streamId";
        }
        if (id.length() > MAX_STREAM_ID_CHARS) {
            return "streamId of " + id.length() + " characters (most " + MAX_STREAM_ID_CHARS + ")";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '\uFFFD') {
                return "streamId is not valid UTF-8";
            }
            if (Character.isISOControl(c) || isBidiControl(c)) {
                return String.format("streamId has a control character (U+%04X at %d)", (int) c, i);
            }
        }
        return null;
    }

    public static String key(byte[] key, String streamId) {
        if (key == null) {
            return null;
        }
        return Arrays.equals(key, streamId.getBytes(StandardCharsets.UTF_8))
                ? null
                : "the Kafka key is not the record's streamId (a key, when set, must be its UTF-8"
                        + " bytes)";
    }

    public static String chunk(VideoChunk c) {
        if (c.getSeq() < 0) {
            return "seq " + c.getSeq() + " is negative (a stream's chunks count from 0)";
        }
        if (c.getMediaStartMs() < 0 || c.getMediaEndMs() < c.getMediaStartMs()) {
            return String.format(
                    "media times %d-%d ms: they must be ≥ 0 and the end not before the start",
                    c.getMediaStartMs(), c.getMediaEndMs());
        }
        return null;
    }

    /** The Unicode bidi embedding, override and isolate controls (U+202A-E, U+2066-9). */
    static boolean isBidiControl(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }
}
