package io.vigil.operators;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The idle-stream policy: with a positive TTL, a stream's keyed state (decoder position, memory)
 * expires after that much processing time without being written or read (a chunk or a question);
 * expired state is never returned, so the stream then starts afresh (a question gets "not seen").
 * Cleaned up in full snapshots, incrementally on the heap backend and in RocksDB compaction. A zero
 * TTL keeps state forever.
 */
public final class StateTtl {
    private StateTtl() {}

    /** Applies the TTL to a descriptor (nothing for a zero or negative TTL). */
    public static <T> ValueStateDescriptor<T> apply(
            ValueStateDescriptor<T> descriptor, Duration ttl) {
        if (ttl != null && !ttl.isZero() && !ttl.isNegative()) {
            descriptor.enableTimeToLive(
                    StateTtlConfig.newBuilder(ttl)
                            .updateTtlOnReadAndWrite()
                            .neverReturnExpired()
                            .cleanupFullSnapshot()
                            .cleanupIncrementally(10, false)
                            .cleanupInRocksdbCompactFilter(1000)
                            .build());
        }
        return descriptor;
    }
}
