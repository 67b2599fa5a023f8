package io.vigil.cli.demo;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.TempDirs;
import io.vigil.cli.eval.SceneQuestion;
import io.vigil.cli.ingest.ChunkPublisher;
import io.vigil.cli.ingest.Ingestor;
import io.vigil.cli.local.LocalUnderstandCluster;
import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.jobs.understand.UnderstandJob;
import io.vigil.jobs.understand.UnderstandJobOptions;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.VideoChunker;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Question;
import io.vigil.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole demo: embedded KRaft broker, a local Flink cluster running the understand job, sample
 * videos ingested, questions asked once a stream has been watched to its end, captions and answers
 * printed as they arrive. {@link #close()} (also from a shutdown hook) stops everything and deletes
 * the temp folder; it may be called more than once.
 */
public final class DemoRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoRunner.class);
    private static final AvroCodec<Question> QUESTIONS = AvroCodec.of(Question.class);

    /** Input topics of the real-scene model's job (outputs are shared with the scene job). */
    static final String REAL_CHUNKS = Topics.CHUNKS + ".real";

    static final String REAL_QUESTIONS = Topics.QUESTIONS + ".real";

    /** Ask anyway this long after a stream was ingested, even if its last caption is not in. */
    private static final Duration ASK_PATIENCE = Duration.ofSeconds(20);

    /**
     * What to run.
     *
     * @param realModelDir the model for real footage (its own job on the same cluster, reading its
     *     own input topics); null or absent: the scene model watches real footage too
     */
    public record Settings(
            Path modelDir,
            Path realModelDir,
            Duration duration,
            boolean vtest,
            int scenes,
            int sceneSeconds,
            Duration checkpointInterval,
            Path tempParent) {}

    private final Settings settings;
    private final PrintWriter out;
    private final Map<String, Long> ingestedEndMs = new ConcurrentHashMap<>();
    private final Map<String, Long> ingestedAtNanos = new ConcurrentHashMap<>();
    private Path tmp;
    private EmbeddedKafka kafka;
    private MiniCluster flink;
    private final List<JobID> jobIds = new ArrayList<>();
    private boolean realJob;
    private DemoPrinter printer;
    private ExecutorService ingestPool;
    private KafkaProducer<String, byte[]> producer;
    private volatile boolean closed;

    public DemoRunner(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs the demo to its end (all questions answered, or the duration is up). */
    public DemoSummary run() throws Exception {
        long deadline = System.nanoTime() + settings.duration().toNanos();
        if (!Files.isRegularFile(settings.modelDir().resolve("manifest.json"))) {
            throw new CliException("no model at " + settings.modelDir() + " (manifest.json)");
        }
        tmp =
                settings.tempParent() == null
                        ? Files.createTempDirectory("vigil-demo-")
                        : Files.createTempDirectory(settings.tempParent(), "vigil-demo-");
        realJob =
                settings.realModelDir() != null
                        && Files.isRegularFile(settings.realModelDir().resolve("manifest.json"));
        say("preparing sample videos...");
        List<DemoVideo> list =
                DemoVideos.prepare(
                        tmp, settings.scenes(), settings.sceneSeconds(), settings.vtest(), realJob);
        if (list.isEmpty()) {
            throw new CliException(
                    "no sample videos: python3 with numpy is missing, the committed clip "
                            + DemoVideos.GOLDEN_CLIP
                            + " is absent and vtest.avi is not installed");
        }
        Map<String, DemoVideo> videos = new LinkedHashMap<>();
        for (DemoVideo v : list) {
            videos.put(v.streamId(), v);
            say("  stream %-9s %s", v.streamId(), v.description());
        }

        kafka = EmbeddedKafka.start();
        kafka.createTopics(1, Topics.ALL);
        kafka.createTopics(1, REAL_CHUNKS, REAL_QUESTIONS);
        say("Kafka (embedded, KRaft) at %s", kafka.bootstrapServers());

        startFlink();

        printer = new DemoPrinter(kafka.bootstrapServers(), videos, out);
        printer.start();
        producer = KafkaClients.producer(kafka.bootstrapServers());
        ingest(list);

        Map<String, String> pending = new LinkedHashMap<>(); // questionId -> streamId
        List<String> askedStreams = new ArrayList<>();
        while (System.nanoTime() < deadline && !closed) {
            for (DemoVideo v : list) {
                if (!askedStreams.contains(v.streamId()) && readyToAsk(v.streamId())) {
                    askedStreams.add(v.streamId());
                    ask(v, pending);
                }
            }
            pending.keySet().removeIf(printer::answered);
            if (askedStreams.size() == list.size() && pending.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        }
        if (closed) {
            return new DemoSummary(printer.captions(), printer.answers(), printer.deadLetters());
        }
        if (System.nanoTime() >= deadline) {
            say("time is up (--duration %d s)", settings.duration().toSeconds());
        }
        Thread.sleep(300); // let the printer drain what has arrived
        String summary = printer.summary();
        DemoSummary result =
                new DemoSummary(printer.captions(), printer.answers(), printer.deadLetters());
        close();
        say("done: %s", summary);
        return result;
    }

    private void startFlink() throws Exception {
        LocalUnderstandCluster local =
                LocalUnderstandCluster.start(jobOptions(settings.modelDir(), "scenes"));
        flink = local.flink();
        jobIds.add(local.job());
        say(
                "Flink (local cluster, web UI %s) runs %s with %s",
                flink.getRestAddress().get(10, TimeUnit.SECONDS),
                UnderstandJob.JOB_NAME,
                settings.modelDir());
        if (realJob) {
            Configuration real = jobOptions(settings.realModelDir(), "real");
            real.set(UnderstandJobOptions.CHUNKS_TOPIC, REAL_CHUNKS);
            real.set(UnderstandJobOptions.QUESTIONS_TOPIC, REAL_QUESTIONS);
            jobIds.add(LocalUnderstandCluster.submit(flink, real));
            say("  and a second job with %s for real footage", settings.realModelDir());
        }
    }

    /** One job's options; {@code name} keeps its transactions, group and checkpoints apart. */
    private Configuration jobOptions(Path modelDir, String name) {
        Configuration conf = new Configuration();
        conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(UnderstandJobOptions.MODEL_DIR, modelDir.toAbsolutePath().toString());
        conf.set(UnderstandJobOptions.CHECKPOINT_INTERVAL, settings.checkpointInterval());
        conf.set(
                UnderstandJobOptions.TRANSACTIONAL_ID_PREFIX,
                "vigil-demo-" + name + "-" + System.nanoTime());
        conf.set(UnderstandJobOptions.GROUP_ID, "vigil-demo-" + name);
        // file storage in the demo's own temp folder: JobManager memory storage caps state at 5 MB
        conf.set(
                UnderstandJobOptions.CHECKPOINT_DIR,
                tmp.resolve("checkpoints-" + name).toUri().toString());
        return conf;
    }

    /** The topic a video's chunks go to: the real-scene job's own when it runs. */
    private String chunksTopic(DemoVideo v) {
        return realJob && v.real() ? REAL_CHUNKS : Topics.CHUNKS;
    }

    private String questionsTopic(DemoVideo v) {
        return realJob && v.real() ? REAL_QUESTIONS : Topics.QUESTIONS;
    }

    private void ingest(List<DemoVideo> list) {
        ingestPool =
                Executors.newFixedThreadPool(
                        Math.min(2, list.size()),
                        r -> {
                            Thread t = new Thread(r, "vigil-demo-ingest");
                            t.setDaemon(true);
                            return t;
                        });
        for (DemoVideo v : list) {
            ingestPool.submit(
                    () -> {
                        try {
                            ChunkPublisher publisher = new ChunkPublisher(producer, chunksTopic(v));
                            VideoChunker chunker =
                                    Ingestor.ingest(
                                            v.file().toString(),
                                            ChunkerOptions.defaults(v.streamId()),
                                            publisher,
                                            Ingestor.Reconnect.NEVER,
                                            ms -> {});
                            ingestedEndMs.put(v.streamId(), chunker.mediaEndMs());
                            ingestedAtNanos.put(v.streamId(), System.nanoTime());
                            say(
                                    "ingested %-9s %d chunks, %.1f s of video",
                                    v.streamId(),
                                    publisher.chunks(),
                                    chunker.mediaEndMs() / 1000.0);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (Exception e) {
                            say("cannot ingest %s: %s", v.streamId(), e.getMessage());
                            ingestedEndMs.put(v.streamId(), -1L);
                            ingestedAtNanos.put(v.streamId(), System.nanoTime());
                        }
                        return null;
                    });
        }
    }

    private boolean readyToAsk(String streamId) {
        Long end = ingestedEndMs.get(streamId);
        if (end == null) {
            return false;
        }
        boolean watched = end >= 0 && printer.captionEndMs(streamId) >= end - 1000;
        boolean waited = System.nanoTime() - ingestedAtNanos.get(streamId) > ASK_PATIENCE.toNanos();
        return watched || waited;
    }

    private void ask(DemoVideo v, Map<String, String> pending) throws Exception {
        int i = 1;
        for (SceneQuestion q : v.questions()) {
            String id = v.streamId() + "-q" + i++;
            printer.asked(id, q);
            Question question =
                    Question.newBuilder()
                            .setQuestionId(id)
                            .setStreamId(v.streamId())
                            .setText(q.question())
                            .setAskedAtMs(System.currentTimeMillis())
                            .build();
            producer.send(
                            new ProducerRecord<>(
                                    questionsTopic(v), v.streamId(), QUESTIONS.encode(question)))
                    .get(30, TimeUnit.SECONDS);
            say("ask      %-9s Q: %s?", v.streamId(), q.question());
            pending.put(id, v.streamId());
        }
    }

    private void say(String format, Object... args) {
        synchronized (out) {
            out.println(String.format(Locale.ROOT, format, args));
            out.flush();
        }
    }

    /** Whether {@link #close()} has run (e.g. from the Ctrl-C shutdown hook). */
    public boolean closed() {
        return closed;
    }

    /** Stops the job, the cluster, the broker and the threads; deletes the temp folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ingestPool != null) {
            ingestPool.shutdownNow();
            await(ingestPool);
        }
        if (flink != null) {
            for (JobID id : jobIds) {
                try {
                    flink.cancelJob(id).get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.debug("cancelling job {} failed", id, e);
                }
            }
            try {
                flink.closeAsync().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("stopping the local Flink cluster failed: {}", e.toString());
            }
        }
        if (printer != null) {
            try {
                printer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (kafka != null) {
            kafka.close();
        }
        TempDirs.deleteRecursively(tmp);
    }

    private static void await(ExecutorService pool) {
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
