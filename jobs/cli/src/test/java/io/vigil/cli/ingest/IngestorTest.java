package io.vigil.cli.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;

import com.sun.net.httpserver.HttpServer;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.RecordedClips;
import io.vigil.models.video.VideoChunker;
import io.vigil.models.video.VideoSourceException;
import io.vigil.schemas.VideoChunk;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120) // a reconnect loop that never ends must fail, not hang the build
class IngestorTest {
    @TempDir Path dir;

    @Test
    void aNetworkSourceThatNeverAnswersIsRetriedThenReported() {
        AtomicInteger chunks = new AtomicInteger();
        Ingestor.Reconnect twice =
                new Ingestor.Reconnect(2, Duration.ofMillis(10), Duration.ofMillis(20));

        assertThatThrownBy(
                        () ->
                                Ingestor.ingest(
                                        "http://127.0.0.1:1/none.ts",
                                        ChunkerOptions.defaults("net"),
                                        c -> chunks.incrementAndGet(),
                                        twice,
                                        ms -> {}))
                .isInstanceOf(VideoSourceException.class)
                .hasMessageContaining("cannot open");
        assertThat(chunks).hasValue(0);
    }

    @Test
    void aFileIsReadOnceAndItsLastChunkIsMarked() throws Exception {
        Path clip = dir.resolve("clip.ts");
        RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 30, 10, 10, 96, 64, false);
        List<VideoChunk> chunks = new ArrayList<>();

        VideoChunker chunker =
                Ingestor.ingest(
                        clip.toString(),
                        ChunkerOptions.defaults("file"),
                        chunks::add,
                        Ingestor.Reconnect.NEVER,
                        ms -> {});

        assertThat(chunker.mediaEndMs()).isEqualTo(3000);
        assertThat(chunks).last().extracting(VideoChunk::getLast).isEqualTo(true);
        assertThat(chunks).filteredOn(VideoChunk::getLast).hasSize(1);
    }

    @Test
    void aFileServedOverHttpIsReadOnceNotReconnected() throws Exception {
        Path clip = dir.resolve("clip.ts");
        RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 30, 10, 10, 96, 64, false);
        byte[] bytes = Files.readAllBytes(clip);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/clip.ts",
                exchange -> {
                    exchange.sendResponseHeaders(200, bytes.length);
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write(bytes);
                    }
                });
        server.start();
        List<VideoChunk> chunks = new ArrayList<>();
        try {
            Ingestor.ingest(
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/clip.ts",
                    ChunkerOptions.defaults("http"),
                    chunks::add,
                    new Ingestor.Reconnect(3, Duration.ofMillis(10), Duration.ofMillis(20)),
                    ms -> {});
        } finally {
            server.stop(0);
        }

        assertThat(chunks).isNotEmpty();
        assertThat(chunks).last().extracting(VideoChunk::getLast).isEqualTo(true);
        assertThat(chunks).last().extracting(VideoChunk::getMediaEndMs).isEqualTo(3000L);
    }

    @Test
    void aSecondRunContinuesSeqAndMediaTime() throws Exception {
        Path clip = dir.resolve("clip.ts");
        RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 20, 10, 10, 96, 64, false);
        List<VideoChunk> chunks = new ArrayList<>();
        VideoChunker chunker = new VideoChunker(ChunkerOptions.defaults("live"));

        chunker.run(clip.toString(), chunks::add, false, ms -> {});
        int firstRun = chunks.size();
        chunker.run(clip.toString(), chunks::add, false, ms -> {});

        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).getSeq()).isEqualTo(i);
            assertThat(chunks.get(i).getLast()).isFalse();
        }
        assertThat(chunks.get(firstRun).getMediaStartMs()).isEqualTo(2000);
        assertThat(chunker.mediaEndMs()).isEqualTo(4000);
    }
}
