package io.vigil.cli.ingest;

import io.vigil.models.video.ChunkSink;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.SourceOpener;
import io.vigil.models.video.VideoChunker;
import io.vigil.models.video.VideoSourceException;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link VideoChunker} over one source into a sink; a network source that drops (or ends) is
 * reconnected with exponential backoff, {@code seq} and media time continuing.
 */
public final class Ingestor {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);

    /** How often and how patiently to reconnect a network source. */
    public record Reconnect(int attempts, Duration firstBackoff, Duration maxBackoff) {
        public static final Reconnect NEVER = new Reconnect(0, Duration.ZERO, Duration.ZERO);
    }

    private Ingestor() {}

    /**
     * @return the chunker, for its final {@code seq} and media time
     * @throws VideoSourceException when the source fails and reconnecting does not help (or is off)
     */
    public static VideoChunker ingest(
            String source,
            ChunkerOptions options,
            ChunkSink sink,
            Reconnect reconnect,
            LongConsumer progressMs)
            throws VideoSourceException, InterruptedException {
        VideoChunker chunker = new VideoChunker(options);
        boolean network = SourceOpener.isNetwork(source);
        if (!network) {
            chunker.run(source, sink, true, progressMs);
            return chunker;
        }
        int failures = 0;
        Duration backoff = reconnect.firstBackoff();
        while (true) {
            long seqBefore = chunker.nextSeq();
            VideoSourceException failure = null;
            try {
                chunker.run(source, sink, (Boolean) null, progressMs);
            } catch (VideoSourceException e) {
                failure = e;
            }
            if (failure == null && chunker.lastRunFinite()) {
                return chunker; // a file served over the network, read to its end
            }
            if (chunker.nextSeq() > seqBefore) {
                failures = 0; // it worked for a while: start the backoff afresh
                backoff = reconnect.firstBackoff();
            }
            if (++failures > reconnect.attempts()) {
                if (failure != null) {
                    throw failure;
                }
                return chunker;
            }
            LOG.warn(
                    "{}: source {} {}; reconnecting in {} ms (attempt {} of {})",
                    options.streamId(),
                    source,
                    failure == null ? "ended" : "failed: " + failure.getMessage(),
                    backoff.toMillis(),
                    failures,
                    reconnect.attempts());
            Thread.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2);
            if (backoff.compareTo(reconnect.maxBackoff()) > 0) {
                backoff = reconnect.maxBackoff();
            }
        }
    }
}
