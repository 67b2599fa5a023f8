package io.vigil.cli.bench;

import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.TempDirs;
import io.vigil.cli.ingest.ChunkPublisher;
import io.vigil.cli.ingest.RealtimePacer;
import io.vigil.cli.local.LocalUnderstandCluster;
import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.jobs.understand.UnderstandJobOptions;
import io.vigil.models.video.ChunkSink;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Topics;
import io.vigil.schemas.VideoChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * One run of the real pipeline: embedded Kafka → the understand job on a local Flink cluster →
 * Kafka, captions read back {@code read_committed}.
 *
 * <p>Throughput: every stream's chunks are on the topic before the job starts; frames/s is the
 * frames the job took in between the first caption it produced and the last ({@code
 * Caption.producedAtMs}, the operator's clock, so commit batching does not blur it), divided by
 * that time. Latency: the chunks are published at media pace (as a camera would) and a caption's
 * latency is the wall-clock time it became readable minus the moment its segment's last frame was
 * "filmed" (publishing start + {@code segmentEndMs}); it includes chunking, decoding, the model,
 * waiting for the next segment's first frame, and the checkpoint that commits the caption.
 */
final class PipelineRun implements AutoCloseable {
    private static final AvroCodec<Caption> CAPTIONS = AvroCodec.of(Caption.class);

    private final Path modelDir;
    private final Duration checkpointInterval;
    private final String stateBackend;
    private final int historySegments;
    private EmbeddedKafka kafka;
    private MiniCluster flink;
    private JobID job;
    private Path
            checkpoints; // file checkpoint storage: 100 streams' memory outgrows JobManager's 5 MB

    PipelineRun(Path modelDir, Duration checkpointInterval, int historySegments) {
        this(
                modelDir,
                checkpointInterval,
                UnderstandJobOptions.STATE_BACKEND.defaultValue(),
                historySegments);
    }

    /** {@code stateBackend}: {@code vigil.state.backend}, hashmap or rocksdb (incremental). */
    PipelineRun(
            Path modelDir, Duration checkpointInterval, String stateBackend, int historySegments) {
        this.historySegments = historySegments;
        this.modelDir = modelDir;
        this.checkpointInterval = checkpointInterval;
        this.stateBackend = stateBackend;
    }

    /**
     * Result of a throughput run; {@code checkpoints} as the last caption was read; {@code cpu}:
     * this JVM's core-seconds by thread group from the first caption read to the last (the broker,
     * Flink and the reader all run in it).
     */
    record Throughput(
            double framesPerSecond,
            long frames,
            double startupSeconds,
            CheckpointFigures checkpoints,
            Map<CpuLedger.Group, Double> cpu) {}

    /** Result of a latency run, milliseconds. */
    record Latency(long p50Ms, long p99Ms, int captions) {}

    Throughput throughput(List<BenchClip> clips, int streams, Duration timeout) throws Exception {
        start();
        Map<String, Long> endMs = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.producer(kafka.bootstrapServers())) {
            ChunkPublisher publisher = new ChunkPublisher(producer, Topics.CHUNKS);
            for (int s = 0; s < streams; s++) {
                BenchClip clip = clips.get(s % clips.size());
                String id = "bench-" + s;
                for (VideoChunk c : clip.chunks()) {
                    publisher.accept(withStream(c, id));
                }
                endMs.put(id, clip.durationMs());
            }
        }
        long submitted = System.currentTimeMillis();
        submit();
        Map<String, Caption> first = new HashMap<>();
        Map<String, Caption> last = new HashMap<>();
        Map<CpuLedger.Group, Double> cpu;
        long t0;
        long t1;
        try (CpuLedger.Recorder recorder = CpuLedger.record(Duration.ofMillis(200))) {
            readCaptions(
                    endMs,
                    timeout,
                    (c, seenAt) -> {
                        first.putIfAbsent(c.getStreamId(), c);
                        last.put(c.getStreamId(), c);
                    });
            t0 = first.values().stream().mapToLong(Caption::getProducedAtMs).min().orElse(0);
            t1 = last.values().stream().mapToLong(Caption::getProducedAtMs).max().orElse(0);
            cpu = recorder.between(t0, t1); // the frames' window, by the operator's clock
        }
        long frames = 0;
        long total = 0;
        for (String id : last.keySet()) {
            total += last.get(id).getFramesSeen();
            frames += last.get(id).getFramesSeen() - first.get(id).getFramesSeen();
        }
        double seconds = Math.max(1, t1 - t0) / 1000.0;
        return new Throughput(
                frames / seconds, total, (t0 - submitted) / 1000.0, checkpointFigures(), cpu);
    }

    /** The running job's completed checkpoints so far, from Flink's checkpoint statistics. */
    CheckpointFigures checkpointFigures() throws Exception {
        return CheckpointFigures.of(
                flink.getExecutionGraph(job)
                        .get(30, TimeUnit.SECONDS)
                        .getCheckpointStatsSnapshot());
    }

    Latency latency(List<BenchClip> clips, int streams, Duration timeout) throws Exception {
        start();
        submit();
        Map<String, Long> endMs = new HashMap<>();
        for (int s = 0; s < streams; s++) {
            endMs.put("bench-" + s, clips.get(s % clips.size()).durationMs());
        }
        List<Long> latencies = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        long[] startWall = new long[1];
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.producer(kafka.bootstrapServers())) {
            Thread.sleep(3_000); // let the job come up before the "cameras" start
            startWall[0] = System.currentTimeMillis();
            List<Future<?>> feeds = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                BenchClip clip = clips.get(s % clips.size());
                String id = "bench-" + s;
                feeds.add(
                        pool.submit(
                                () -> {
                                    ChunkSink sink =
                                            new RealtimePacer(
                                                    new ChunkPublisher(producer, Topics.CHUNKS));
                                    for (VideoChunk c : clip.chunks()) {
                                        sink.accept(withStream(c, id));
                                    }
                                    return null;
                                }));
            }
            readCaptions(
                    endMs,
                    timeout,
                    (c, seenAt) -> latencies.add(seenAt - (startWall[0] + c.getSegmentEndMs())));
            for (Future<?> f : feeds) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        latencies.sort(Long::compare);
        return new Latency(
                percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.size());
    }

    private interface CaptionSeen {
        void accept(Caption caption, long seenAtMs);
    }

    /** Reads captions until every stream's last segment (ending at its end) has arrived. */
    private void readCaptions(Map<String, Long> endMs, Duration timeout, CaptionSeen seen)
            throws Exception {
        Map<String, Boolean> done = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer =
                KafkaClients.consumer(kafka.bootstrapServers())) {
            KafkaClients.assignAll(consumer, kafka.bootstrapServers(), Topics.CAPTIONS, true);
            while (done.size() < endMs.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "only "
                                    + done.size()
                                    + " of "
                                    + endMs.size()
                                    + " streams were captioned to their end within "
                                    + timeout.toSeconds()
                                    + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    Caption c = CAPTIONS.decode(r.value());
                    seen.accept(c, now);
                    Long end = endMs.get(c.getStreamId());
                    if (end != null && c.getSegmentEndMs() >= end - 1000) {
                        done.put(c.getStreamId(), true);
                    }
                }
            }
        }
    }

    private static VideoChunk withStream(VideoChunk c, String streamId) {
        return VideoChunk.newBuilder(c)
                .setStreamId(streamId)
                .setData(c.getData().duplicate())
                .setWallClockMs(System.currentTimeMillis())
                .build();
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    void start() {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(1, Topics.ALL);
    }

    void submit() throws Exception {
        Configuration conf = new Configuration();
        conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(UnderstandJobOptions.MODEL_DIR, modelDir.toAbsolutePath().toString());
        conf.set(UnderstandJobOptions.CHECKPOINT_INTERVAL, checkpointInterval);
        conf.set(UnderstandJobOptions.STATE_BACKEND, stateBackend);
        conf.set(UnderstandJobOptions.HISTORY_SEGMENTS, historySegments);
        conf.set(UnderstandJobOptions.TRANSACTIONAL_ID_PREFIX, "vigil-bench-" + System.nanoTime());
        checkpoints = Files.createTempDirectory("vigil-bench-checkpoints-");
        conf.set(UnderstandJobOptions.CHECKPOINT_DIR, checkpoints.toUri().toString());
        LocalUnderstandCluster local = LocalUnderstandCluster.start(conf);
        flink = local.flink();
        job = local.job();
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    /** The folder the running job checkpoints to. */
    Path checkpoints() {
        return checkpoints;
    }

    @Override
    public void close() {
        if (flink != null) {
            try {
                flink.cancelJob(job).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // already finished or failed; closing the cluster is what matters
            }
            try {
                flink.closeAsync().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the local Flink cluster", e);
            }
            flink = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (checkpoints != null) {
            TempDirs.deleteRecursively(checkpoints);
            checkpoints = null;
        }
    }
}
