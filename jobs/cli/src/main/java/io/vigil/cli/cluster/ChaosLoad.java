package io.vigil.cli.cluster;

import io.vigil.cli.bench.BenchCommand;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.ingest.ChunkPublisher;
import io.vigil.cli.ingest.RealtimePacer;
import io.vigil.jobs.understand.BareModelLoop;
import io.vigil.models.VigilModel;
import io.vigil.models.video.ChunkSink;
import io.vigil.schemas.VideoChunk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The load of a chaos run: {@code streams} camera streams (generated scenes, cut into chunks as
 * {@code vigil ingest} cuts them), published at media pace, and what an uninterrupted run must
 * caption for them: the bare model loop over the same chunks, no Flink, no Kafka.
 */
final class ChaosLoad {
    private final List<List<VideoChunk>> streams;
    private final List<BareModelLoop.Cap> expected;

    private ChaosLoad(List<List<VideoChunk>> streams, List<BareModelLoop.Cap> expected) {
        this.streams = streams;
        this.expected = expected;
    }

    /** {@code streams} streams over {@code clips} distinct scenes of {@code seconds} each. */
    static ChaosLoad make(
            Path dir, Path modelDir, int streams, int clips, int seconds, long segmentMs)
            throws Exception {
        List<List<VideoChunk>> scenes =
                BenchCommand.clips(dir, Math.min(clips, streams), seconds).stream()
                        .map(c -> c.chunks())
                        .toList();
        // the reference per distinct scene, once: a caption depends on the frames, not the id
        List<List<BareModelLoop.Cap>> sceneCaptions = new ArrayList<>();
        try (VigilModel model = VigilModel.load(modelDir)) {
            for (List<VideoChunk> scene : scenes) {
                sceneCaptions.add(
                        new BareModelLoop(model, segmentMs)
                                .run(scene, model.manifest().sampleFps())
                                .captions);
            }
        }
        List<List<VideoChunk>> all = new ArrayList<>();
        List<BareModelLoop.Cap> expected = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            String id = "chaos-" + s;
            all.add(scenes.get(s % scenes.size()).stream().map(c -> withStream(c, id)).toList());
            for (BareModelLoop.Cap c : sceneCaptions.get(s % scenes.size())) {
                expected.add(
                        new BareModelLoop.Cap(
                                id, c.startMs(), c.endMs(), c.text(), c.framesSeen()));
            }
        }
        return new ChaosLoad(all, List.copyOf(expected));
    }

    /** What every run must commit (in any order). */
    List<BareModelLoop.Cap> expected() {
        return expected;
    }

    int streams() {
        return streams.size();
    }

    /** Media length of the longest stream, ms. */
    long durationMs() {
        return streams.stream().mapToLong(s -> s.get(s.size() - 1).getMediaEndMs()).max().orElse(0);
    }

    /**
     * Publishes every stream to {@code topic} at media pace, one thread per stream; the returned
     * pool ends when all are published (or is shut down).
     */
    Feed feed(String bootstrap, String topic) {
        KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap);
        ExecutorService pool = Executors.newFixedThreadPool(streams.size());
        List<Future<?>> done = new ArrayList<>();
        for (List<VideoChunk> chunks : streams) {
            done.add(
                    pool.submit(
                            () -> {
                                ChunkSink sink =
                                        new RealtimePacer(new ChunkPublisher(producer, topic));
                                for (VideoChunk c : chunks) {
                                    sink.accept(withStream(c, c.getStreamId())); // own buffer
                                }
                                return null;
                            }));
        }
        return new Feed(producer, pool, done);
    }

    /** Publishing in progress. */
    record Feed(KafkaProducer<String, byte[]> producer, ExecutorService pool, List<Future<?>> done)
            implements AutoCloseable {
        /** Waits until every stream is published; a publishing failure is thrown. */
        void await() throws Exception {
            for (Future<?> f : done) {
                f.get();
            }
        }

        @Override
        public void close() throws InterruptedException {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            producer.close();
        }
    }

    private static VideoChunk withStream(VideoChunk c, String streamId) {
        return VideoChunk.newBuilder(c)
                .setStreamId(streamId)
                .setData(c.getData().duplicate())
                .build();
    }
}
