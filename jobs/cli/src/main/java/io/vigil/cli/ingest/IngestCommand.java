package io.vigil.cli.ingest;

import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaOptions;
import io.vigil.cli.common.KafkaTarget;
import io.vigil.models.video.ChunkSink;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.FfmpegLogLevel;
import io.vigil.models.video.SourceOpener;
import io.vigil.models.video.VideoChunker;
import io.vigil.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil ingest}: a video file or live URL → keyframe-aligned MPEG-TS chunks on Kafka. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        header = "Publish a video file or stream to Kafka as MPEG-TS chunks.",
        description = {
            "Publish a video (any file or URL FFmpeg opens) to Kafka as keyframe-aligned,",
            "self-contained MPEG-TS chunks (Avro VideoChunk, key = stream id).",
            "H.264 is remuxed without re-encoding; other codecs are re-encoded to H.264."
        },
        footer = {
            "",
            "Examples:",
            "  vigil ingest --stream-id walkway /usr/share/doc/opencv-doc/examples/data/vtest.avi",
            "  vigil ingest --realtime --stream-id cam-1 rtsp://camera.local/stream1"
        })
public final class IngestCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "SOURCE",
            description = "Video file path or URL (or --sources).")
    String source;

    @Option(
            names = "--sources",
            paramLabel = "FILE",
            description =
                    "Many cameras from one process: a file with one 'ID SOURCE' per line, all"
                            + " published at once (instead of SOURCE and --stream-id).")
    Path sources;

    @Option(
            names = "--stream-id",
            paramLabel = "ID",
            description = "Stream id, the Kafka key (default: the file name without extension).")
    String streamId;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            defaultValue = Topics.CHUNKS,
            description = "Chunk topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--realtime",
            description = "Publish at the pace of media time (default: as fast as possible).")
    boolean realtime;

    @Option(
            names = "--max-chunk-bytes",
            paramLabel = "BYTES",
            defaultValue = "" + ChunkerOptions.DEFAULT_MAX_CHUNK_BYTES,
            description = "Upper bound on a chunk's size (default ${DEFAULT-VALUE}).")
    int maxChunkBytes;

    @Option(
            names = "--chunk-seconds",
            paramLabel = "S",
            defaultValue = "2",
            description = "Target media length of a chunk (default ${DEFAULT-VALUE}).")
    double chunkSeconds;

    @Option(
            names = "--gop-seconds",
            paramLabel = "S",
            defaultValue = "1",
            description = "Keyframe interval when re-encoding (default ${DEFAULT-VALUE}).")
    double gopSeconds;

    @Option(names = "--reencode", description = "Re-encode even an H.264 source.")
    boolean reencode;

    @Option(
            names = "--reconnect-attempts",
            paramLabel = "N",
            defaultValue = "10",
            description =
                    "Reconnect a network source that drops up to N times in a row"
                            + " (default ${DEFAULT-VALUE}).")
    int reconnectAttempts;

    @Option(
            names = "--max-backoff",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "Longest wait between reconnects (default ${DEFAULT-VALUE}).")
    int maxBackoffSeconds;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        FfmpegLogLevel.atMostErrors();
        if ((source == null) == (sources == null) || (sources != null && streamId != null)) {
            throw new ParameterException(
                    spec.commandLine(), "give either SOURCE (with --stream-id) or --sources FILE");
        }
        if (reconnectAttempts < 0 || maxBackoffSeconds < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--reconnect-attempts must be ≥ 0, --max-backoff ≥ 1");
        }
        KafkaTarget target = kafka.target();
        Ingestor.Reconnect reconnect =
                new Ingestor.Reconnect(
                        reconnectAttempts,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(maxBackoffSeconds));
        if (sources != null) {
            return MultiIngest.run(
                    SourceList.read(sources),
                    this::options,
                    target,
                    topic,
                    realtime,
                    reconnect,
                    spec.commandLine().getOut());
        }
        ChunkerOptions options = options(streamId != null ? streamId : defaultStreamId(source));
        long totalMs = SourceOpener.durationMs(source);
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(target);
                ProgressBar bar = progressBar(totalMs)) {
            ChunkPublisher publisher = new ChunkPublisher(producer, topic);
            ChunkSink sink = realtime ? new RealtimePacer(publisher) : publisher;
            LongConsumer progress = bar == null ? ms -> {} : ms -> bar.stepTo(ms / 100);
            VideoChunker chunker = Ingestor.ingest(source, options, sink, reconnect, progress);
            if (bar != null) {
                bar.stepTo(bar.getMax());
            }
            out.printf(
                    Locale.ROOT,
                    "%s: %d chunks (%.1f MB, %.1f s of video) to %s%n",
                    options.streamId(),
                    publisher.chunks(),
                    publisher.bytes() / 1e6,
                    chunker.mediaEndMs() / 1000.0,
                    topic);
            out.flush();
        }
        return 0;
    }

    private ChunkerOptions options(String id) {
        try {
            return new ChunkerOptions(
                    id, maxChunkBytes, Math.round(chunkSeconds * 1000), gopSeconds, reencode);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private ProgressBar progressBar(long totalMs) {
        if (noProgress || totalMs <= 0) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName("ingest")
                .setInitialMax(Math.max(1, totalMs / 100))
                .setUnit(" s", 10)
                .setStyle(ProgressBarStyle.ASCII)
                .continuousUpdate()
                .build();
    }

    /** {@code walkway} for {@code /data/walkway.mp4}; {@code stream1} for an RTSP URL. */
    static String defaultStreamId(String source) {
        String name = source;
        int q = name.indexOf('?');
        if (q >= 0) {
            name = name.substring(0, q);
        }
        name = Path.of(name.replaceFirst("^[a-z]+://", "/")).getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        name = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return name.isEmpty() ? "stream" : name;
    }
}
