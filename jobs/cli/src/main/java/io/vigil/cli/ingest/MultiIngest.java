package io.vigil.cli.ingest;

import io.vigil.cli.common.ExitCode;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaTarget;
import io.vigil.cli.common.SecretValues;
import io.vigil.models.video.ChunkSink;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.VideoChunker;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Many cameras from one process: every source of a {@link SourceList} on its own thread, all
 * through one Kafka producer (thread-safe, batching across cameras). A source that fails is
 * reported on its line and the others carry on; the exit code says whether all succeeded.
 */
final class MultiIngest {
    private MultiIngest() {}

    static int run(
            SourceList list,
            Function<String, ChunkerOptions> options,
            KafkaTarget kafka,
            String topic,
            boolean realtime,
            Ingestor.Reconnect reconnect,
            PrintWriter out)
            throws InterruptedException {
        List<SourceList.Entry> entries = list.entries();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        entries.size(),
                        r -> {
                            Thread t = new Thread(r, "vigil-ingest");
                            t.setDaemon(true);
                            return t;
                        });
        int failed = 0;
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka)) {
            List<Future<String>> results = new ArrayList<>();
            for (SourceList.Entry e : entries) {
                results.add(
                        pool.submit(
                                () -> {
                                    ChunkPublisher publisher = new ChunkPublisher(producer, topic);
                                    ChunkSink sink =
                                            realtime ? new RealtimePacer(publisher) : publisher;
                                    VideoChunker chunker =
                                            Ingestor.ingest(
                                                    e.source(),
                                                    options.apply(e.streamId()),
                                                    sink,
                                                    reconnect,
                                                    ms -> {});
                                    return String.format(
                                            Locale.ROOT,
                                            "%s: %d chunks (%.1f MB, %.1f s of video) to %s",
                                            e.streamId(),
                                            publisher.chunks(),
                                            publisher.bytes() / 1e6,
                                            chunker.mediaEndMs() / 1000.0,
                                            topic);
                                }));
            }
            for (int i = 0; i < entries.size(); i++) {
                String line;
                try {
                    line = results.get(i).get();
                } catch (java.util.concurrent.ExecutionException ex) {
                    failed++;
                    line =
                            entries.get(i).streamId()
                                    + ": failed: "
                                    + SecretValues.scrub(ex.getCause().getMessage());
                }
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return failed == 0 ? ExitCode.OK : ExitCode.FAILURE;
    }
}
