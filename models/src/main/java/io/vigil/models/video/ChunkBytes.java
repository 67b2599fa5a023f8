package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The bytes FFmpeg's demuxer reads for each open chunk, found by the opaque id it hands the read
 * callback: one callback for all chunks (JavaCPP callbacks are costly to create).
 */
final class ChunkBytes {
    private ChunkBytes() {}

    private static final Map<Long, Source> SOURCES = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    /** The read callback for every chunk's AVIOContext. */
    static final Read_packet_Pointer_BytePointer_int READ = new ReadCallback();

    /** A new opaque id (a fake, aligned address). */
    static long nextId() {
        return IDS.incrementAndGet() * 4096;
    }

    static void register(long id, byte[] data) {
        SOURCES.put(id, new Source(data));
    }

    static void unregister(long id) {
        SOURCES.remove(id);
    }

    private static final class Source {
        final byte[] data;
        int pos;

        Source(byte[] data) {
            this.data = data;
        }
    }

    private static final class ReadCallback extends Read_packet_Pointer_BytePointer_int {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            Source s = SOURCES.get(opaque.address());
            if (s == null || s.pos >= s.data.length) {
                return AVERROR_EOF();
            }
            int n = Math.min(size, s.data.length - s.pos);
            buf.put(s.data, s.pos, n);
            s.pos += n;
            return n;
        }
    }
}
