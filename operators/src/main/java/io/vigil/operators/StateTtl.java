package io.vigil.operators;

import java.time.Duration;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The idle-stream policy: with a positive TTL, a stream's keyed state (decoder position, memory,
 * its history) expires after that much processing time without being written or read (a chunk or a
 * question); expired state is never returned, so the stream then starts afresh (a question gets
 * "not seen"). Cleaned up in full snapshots, incrementally on the heap backend and in RocksDB
 * compaction. A zero TTL keeps state forever.
 */
public final class StateTtl {
    private StateTtl() {}

    /** Applies the TTL to a descriptor (nothing for a zero or negative TTL). */
    public static <T> ValueStateDescriptor<T> apply(
            ValueStateDescriptor<T> descriptor, Duration ttl) {
        if (enabled(ttl)) {
            descriptor.enableTimeToLive(config(ttl));
        }
        return descriptor;
    }

    /** Applies the TTL to a map state's descriptor (nothing for a zero or negative TTL). */
    public static <K, V> MapStateDescriptor<K, V> apply(
            MapStateDescriptor<K, V> descriptor, Duration ttl) {
        if (enabled(ttl)) {
            descriptor.enableTimeToLive(config(ttl));
        }
        return descriptor;
    }

    private static boolean enabled(Duration ttl) {
        return ttl != null && !ttl.isZero() && !ttl.isNegative();
    }

    private static StateTtlConfig config(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .updateTtlOnReadAndWrite()
                .neverReturnExpired()
                .cleanupFullSnapshot()
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }
}
