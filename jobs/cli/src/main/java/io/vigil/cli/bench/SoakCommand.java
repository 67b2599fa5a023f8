package io.vigil.cli.bench;

import io.vigil.cli.common.HistoryOption;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.ModelDirOption;
import io.vigil.cli.common.OnnxRuntimeInit;
import io.vigil.cli.common.TempDirs;
import io.vigil.cli.ingest.ChunkPublisher;
import io.vigil.cli.ingest.RealtimePacer;
import io.vigil.jobs.understand.UnderstandJobOptions;
import io.vigil.schemas.Topics;
import io.vigil.schemas.VideoChunk;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil soak}: N camera streams at media pace through the whole pipeline (embedded Kafka,
 * the understand job on a local Flink cluster) for T minutes, sampling memory, checkpoint size and
 * lag over time; ends with whether each stayed flat.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        header = "Run N streams for T minutes and watch memory, checkpoints and lag.",
        description = {
            "Each stream replays a generated clip in a loop at media pace (media time and seq run",
            "on across loops, as a live camera's), through embedded Kafka and the understand job",
            "on a local Flink cluster. Every --sample-seconds (after a full GC): live heap, native",
            "memory (resident minus heap), direct buffers, the newest checkpoint's size and the",
            "job's lag on the chunks topic. Exit 1 when one of them grew from the first to the",
            "last quarter of the run by more than the slack it prints, or a dead letter appeared."
        })
public final class SoakCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelDirOption model;

    @Option(
            names = "--streams",
            defaultValue = "100",
            description = "Streams (default ${DEFAULT-VALUE}).")
    int streams;

    @Option(
            names = "--minutes",
            defaultValue = "60",
            description = "Length (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(
            names = "--sample-seconds",
            defaultValue = "30",
            description = "Sampling period (default ${DEFAULT-VALUE}).")
    int sampleSeconds;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "The job's checkpoint interval (default ${DEFAULT-VALUE}).")
    int checkpointSeconds;

    @Mixin HistoryOption history;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table here.")
    Path outFile;

    @Override
    public Integer call() throws Exception {
        if (streams < 1
                || !(minutes > 0)
                || sampleSeconds < 1
                || checkpointSeconds < 1
                || history.segments() < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--streams, --minutes, --sample-seconds and --checkpoint-interval must be > 0,"
                            + " --history-segments ≥ 0");
        }
        OnnxRuntimeInit.ensure();
        PrintWriter out = spec.commandLine().getOut();
        Path tmp = Files.createTempDirectory("vigil-soak-");
        ExecutorService feeders = Executors.newFixedThreadPool(streams);
        List<SoakProbe.Sample> samples = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        AtomicLong captions = new AtomicLong();
        AtomicLong deadLetters = new AtomicLong();
        long[] inFlight = {0};
        try (PipelineRun run =
                new PipelineRun(
                        model.dir(), Duration.ofSeconds(checkpointSeconds), history.segments())) {
            List<BenchClip> clips = BenchCommand.clips(tmp, Math.min(streams, 4), 20);
            VideoChunk first = clips.get(0).chunks().get(0);
            long chunkMs = Math.max(1, first.getMediaEndMs() - first.getMediaStartMs());
            inFlight[0] = streams * (checkpointSeconds * 1000L / chunkMs + 2);
            run.start();
            run.submit();
            String bootstrap = run.kafka().bootstrapServers();
            try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap);
                    SoakProbe probe =
                            new SoakProbe(
                                    bootstrap,
                                    Topics.CHUNKS,
                                    UnderstandJobOptions.GROUP_ID.defaultValue(),
                                    run.checkpoints())) {
                for (int s = 0; s < streams; s++) {
                    BenchClip clip = clips.get(s % clips.size());
                    String id = "soak-" + s;
                    feeders.submit(() -> feed(producer, clip, id));
                }
                AtomicBoolean stop = new AtomicBoolean();
                Thread reader = reader(bootstrap, captions, deadLetters, stop);
                reader.start();
                String head =
                        String.format(
                                "| min | live heap MB | native MB | direct MB | checkpoint MB | lag"
                                        + " (chunks) | captions | dead letters |%n|---:|---:|---:|---:|---:|---:|---:|---:|%n");
                out.print(head);
                table.append(head);
                long start = System.nanoTime();
                long end = start + (long) (minutes * 60e9);
                while (System.nanoTime() < end) {
                    Thread.sleep(
                            Math.min(
                                    sampleSeconds * 1000L,
                                    Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                    System.gc();
                    SoakProbe.Sample s = probe.sample();
                    samples.add(s);
                    String row =
                            String.format(
                                    "| %.1f | %.0f | %.0f | %.0f | %.1f | %d | %d | %d |%n",
                                    (System.nanoTime() - start) / 60e9,
                                    s.heapUsed() / 1e6,
                                    s.nativeOutsideHeap() / 1e6,
                                    s.direct() / 1e6,
                                    s.checkpointBytes() / 1e6,
                                    s.lag(),
                                    captions.get(),
                                    deadLetters.get());
                    out.print(row);
                    out.flush();
                    table.append(row);
                }
                stop.set(true); // the reader closes its consumer itself (an interrupt makes Kafka
                // log one)
                reader.join(10_000);
            }
        } finally {
            feeders.shutdownNow();
            feeders.awaitTermination(10, TimeUnit.SECONDS);
            TempDirs.deleteRecursively(tmp);
        }
        SoakVerdict verdict =
                SoakVerdict.of(samples, inFlight[0], deadLetters.get(), captions.get());
        out.printf("%n%s%n", verdict.text());
        table.append(System.lineSeparator()).append(verdict.text()).append(System.lineSeparator());
        if (outFile != null) {
            Files.writeString(outFile, table.toString());
        }
        return verdict.flat() ? 0 : 1;
    }

    /** One camera: the clip in a loop, media time and seq running on, at media pace. */
    private static Void feed(KafkaProducer<String, byte[]> producer, BenchClip clip, String id)
            throws Exception {
        RealtimePacer pacer = new RealtimePacer(new ChunkPublisher(producer, Topics.CHUNKS));
        long seq = 0;
        for (long loop = 0; !Thread.currentThread().isInterrupted(); loop++) {
            long shift = loop * clip.durationMs();
            for (VideoChunk c : clip.chunks()) {
                pacer.accept(
                        VideoChunk.newBuilder(c)
                                .setStreamId(id)
                                .setSeq(seq++)
                                .setMediaStartMs(c.getMediaStartMs() + shift)
                                .setMediaEndMs(c.getMediaEndMs() + shift)
                                .setLast(false)
                                .setData(c.getData().duplicate())
                                .setWallClockMs(System.currentTimeMillis())
                                .build());
            }
        }
        return null;
    }

    /** Counts committed captions and dead letters until {@code stop}. */
    private static Thread reader(
            String bootstrap, AtomicLong captions, AtomicLong deadLetters, AtomicBoolean stop) {
        Thread t =
                new Thread(
                        () -> {
                            try (KafkaConsumer<String, byte[]> c =
                                    KafkaClients.consumer(bootstrap)) {
                                KafkaClients.assignAll(
                                        c,
                                        bootstrap,
                                        List.of(Topics.CAPTIONS, Topics.DEADLETTER),
                                        true);
                                while (!stop.get()) {
                                    for (ConsumerRecord<String, byte[]> r :
                                            c.poll(Duration.ofMillis(500))) {
                                        (r.topic().equals(Topics.CAPTIONS) ? captions : deadLetters)
                                                .incrementAndGet();
                                    }
                                }
                            } catch (org.apache.kafka.common.errors.InterruptException e) {
                                // the soak is over
                            }
                        },
                        "vigil-soak-reader");
        t.setDaemon(true);
        return t;
    }
}
