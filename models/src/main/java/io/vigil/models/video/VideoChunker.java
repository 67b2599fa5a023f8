package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avformat.avio_size;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import io.vigil.schemas.Container;
import io.vigil.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one video stream into keyframe-aligned, self-contained MPEG-TS {@link VideoChunk}s of at
 * most {@link ChunkerOptions#maxChunkBytes()} bytes.
 *
 * <p>An H.264 source is remuxed packet for packet (no re-encoding): whole GOPs are packed into a
 * chunk until it would exceed the byte limit or {@link ChunkerOptions#targetChunkMs()}. Any other
 * codec (or a GOP that alone exceeds the limit) is re-encoded to H.264 with a keyframe every {@link
 * ChunkerOptions#gopSeconds()}.
 *
 * <p>Media times: {@code mediaStartMs}/{@code mediaEndMs} count from the stream's first frame. The
 * timestamps inside a chunk's bytes are only consistent <em>within</em> the chunk (remuxed chunks
 * keep the source's, re-encoded ones start near 0), so a decoder places a frame at {@code
 * mediaStartMs + (pts - pts of the chunk's first frame)}.
 *
 * <p>One instance per stream: {@code seq} and media time continue across {@link #run} calls, so a
 * live source that drops is reconnected by calling {@link #run} again. Not thread-safe.
 */
public final class VideoChunker {
    private static final Logger LOG = LoggerFactory.getLogger(VideoChunker.class);

    private final ChunkerOptions options;
    private long nextSeq;

    /** Media time, in this stream, at which the current {@link #run} starts. */
    private long runOffsetMs;

    /** Media time just past the last chunk cut. */
    private long mediaEndMs;

    private VideoChunk pending;
    private boolean lastRunFinite;

    public VideoChunker(ChunkerOptions options) {
        this.options = options;
    }

    /** Cuts a whole finite source (a file) into chunks, the last one marked {@code last}. */
    public static List<VideoChunk> chunkAll(String source, ChunkerOptions options)
            throws VideoSourceException, InterruptedException {
        List<VideoChunk> chunks = new ArrayList<>();
        new VideoChunker(options).run(source, chunks::add, true, ms -> {});
        return chunks;
    }

    /** Whether the last {@link #run} treated its source as finite (its last chunk marked). */
    public boolean lastRunFinite() {
        return lastRunFinite;
    }

    /** Sequence number the next chunk will get. */
    public long nextSeq() {
        return nextSeq;
    }

    /** Media time just past the last chunk handed to the sink. */
    public long mediaEndMs() {
        return mediaEndMs;
    }

    /**
     * Reads {@code source} to its end and hands every chunk to {@code sink}.
     *
     * @param finite true for a file: the final chunk is marked {@code last}
     * @param progressMs called with the media time (ms, within this source) read so far
     * @throws VideoSourceException when the source cannot be opened or read; the chunks cut before
     *     the failure have been handed to the sink, so calling {@code run} again continues the
     *     stream
     */
    public void run(String source, ChunkSink sink, boolean finite, LongConsumer progressMs)
            throws VideoSourceException, InterruptedException {
        run(source, sink, Boolean.valueOf(finite), progressMs);
    }

    /**
     * Like {@link #run(String, ChunkSink, boolean, LongConsumer)}; {@code finite == null} decides
     * from the source: finite when FFmpeg reports a duration or a byte size (a file, also one
     * served over HTTP with a Content-Length), not otherwise (a live RTSP or HTTP stream). {@link
     * #lastRunFinite()} tells which it was.
     */
    public void run(String source, ChunkSink sink, Boolean finite, LongConsumer progressMs)
            throws VideoSourceException, InterruptedException {
        runOffsetMs = mediaEndMs;
        boolean completed = false;
        lastRunFinite = finite != null && finite;
        try {
            FFmpegFrameGrabber grabber = SourceOpener.open(source);
            if (finite == null) {
                lastRunFinite = hasLength(grabber);
            }
            try {
                int videoIndex = videoStreamIndex(grabber.getFormatContext(), source);
                boolean remux =
                        grabber.getVideoCodec() == AV_CODEC_ID_H264 && !options.forceReencode();
                long resumeAtMs = -1;
                if (remux) {
                    LOG.info("{}: remuxing H.264 packets from {}", options.streamId(), source);
                    resumeAtMs = remux(grabber, videoIndex, sink, progressMs);
                } else {
                    LOG.info(
                            "{}: re-encoding {} ({}) to H.264",
                            options.streamId(),
                            source,
                            grabber.getVideoCodecName());
                    new FrameReencoder(options, this::cut).run(grabber, 0, sink, progressMs);
                }
                if (resumeAtMs >= 0) {
                    LOG.warn(
                            "{}: a GOP at {} ms exceeds {} bytes; re-encoding from there",
                            options.streamId(),
                            resumeAtMs,
                            options.maxChunkBytes());
                    SourceOpener.close(grabber);
                    grabber = SourceOpener.open(source);
                    new FrameReencoder(options, this::cut)
                            .run(grabber, resumeAtMs, sink, progressMs);
                }
                completed = true;
            } finally {
                SourceOpener.close(grabber);
            }
        } finally {
            flushPending(sink, completed && lastRunFinite);
        }
    }

    /** Returns -1 when done, or the media time (ms) of a GOP too large to remux. */
    private long remux(
            FFmpegFrameGrabber grabber, int videoIndex, ChunkSink sink, LongConsumer progressMs)
            throws VideoSourceException, InterruptedException {
        AVFormatContext context = grabber.getFormatContext();
        AVStream stream = context.streams(videoIndex);
        AVRational tb = stream.time_base();
        double frameRate = grabber.getFrameRate() > 0 ? grabber.getFrameRate() : 25;
        PacketRemuxer remuxer =
                new PacketRemuxer(
                        context,
                        grabber.getImageWidth(),
                        grabber.getImageHeight(),
                        grabber.getVideoCodec(),
                        frameRate);
        GopPacker packer = new GopPacker(remuxer, tb, 1000.0 / frameRate);
        try {
            List<AVPacket> gop = new ArrayList<>();
            AVPacket packet;
            while ((packet = grabPacket(grabber)) != null) {
                checkInterrupted();
                if (packet.stream_index() != videoIndex) {
                    continue;
                }
                boolean key = (packet.flags() & AV_PKT_FLAG_KEY) != 0;
                if (key && !gop.isEmpty()) {
                    long oversized = packer.add(gop, sink);
                    if (oversized >= 0) {
                        return oversized;
                    }
                    progressMs.accept(packer.lastEndMs());
                    gop = new ArrayList<>();
                }
                if (gop.isEmpty() && !key) {
                    continue; // joined a live source mid-GOP: wait for a keyframe
                }
                gop.add(av_packet_clone(packet));
            }
            if (!gop.isEmpty()) {
                long oversized = packer.add(gop, sink);
                if (oversized >= 0) {
                    return oversized;
                }
            }
            packer.flush(sink);
            progressMs.accept(packer.lastEndMs());
            return -1;
        } finally {
            packer.free();
        }
    }

    /** Packs whole GOPs into chunks. Owns the cloned packets it is given. */
    private final class GopPacker {
        private final PacketRemuxer remuxer;
        private final AVRational tb;
        private final double frameMs;
        private final List<AVPacket> chunk = new ArrayList<>();
        private final List<AVPacket> all = new ArrayList<>();
        private byte[] chunkBytes;
        private long firstTs = AV_NOPTS_VALUE;
        private long chunkStartMs;
        private long chunkEndMs;

        GopPacker(PacketRemuxer remuxer, AVRational tb, double frameMs) {
            this.remuxer = remuxer;
            this.tb = tb;
            this.frameMs = frameMs;
        }

        long lastEndMs() {
            return chunkEndMs;
        }

        /** Adds one GOP; returns -1, or its start (ms) when it alone exceeds the byte limit. */
        long add(List<AVPacket> gop, ChunkSink sink)
                throws VideoSourceException, InterruptedException {
            all.addAll(gop);
            if (firstTs == AV_NOPTS_VALUE) {
                firstTs = ts(gop.get(0));
            }
            long gopStart = Long.MAX_VALUE;
            long gopEnd = Long.MIN_VALUE;
            for (AVPacket p : gop) {
                double ms = toMs(ts(p) - firstTs);
                double dur = p.duration() > 0 ? toMs(p.duration()) : frameMs;
                gopStart = Math.min(gopStart, Math.round(ms));
                gopEnd = Math.max(gopEnd, Math.round(ms + dur));
            }
            if (!chunk.isEmpty() && gopEnd - chunkStartMs <= options.targetChunkMs()) {
                List<AVPacket> candidate = new ArrayList<>(chunk);
                candidate.addAll(gop);
                byte[] bytes = remuxer.mux(candidate);
                if (bytes.length <= options.maxChunkBytes()) {
                    chunk.addAll(gop);
                    chunkBytes = bytes;
                    chunkEndMs = Math.max(chunkEndMs, gopEnd);
                    return -1;
                }
            }
            flush(sink);
            byte[] bytes = remuxer.mux(gop);
            if (bytes.length > options.maxChunkBytes()) {
                return gopStart;
            }
            chunk.addAll(gop);
            chunkBytes = bytes;
            chunkStartMs = gopStart;
            chunkEndMs = gopEnd;
            return -1;
        }

        void flush(ChunkSink sink) throws VideoSourceException, InterruptedException {
            if (!chunk.isEmpty()) {
                cut(chunkBytes, chunkStartMs, chunkEndMs, sink);
                chunk.clear();
                chunkBytes = null;
            }
        }

        void free() {
            for (AVPacket p : all) {
                av_packet_free(p);
            }
            all.clear();
        }

        private long ts(AVPacket p) {
            return p.pts() != AV_NOPTS_VALUE ? p.pts() : p.dts();
        }

        private double toMs(long ticks) {
            return ticks * 1000.0 * tb.num() / tb.den();
        }
    }

    /**
     * Hands the previous chunk to the sink and keeps this one back, so that the final chunk can be
     * marked {@code last}. Times are relative to the current run.
     */
    void cut(byte[] data, long startMs, long endMs, ChunkSink sink)
            throws VideoSourceException, InterruptedException {
        if (data.length > options.maxChunkBytes()) {
            throw new VideoSourceException(
                    "a chunk came out at "
                            + data.length
                            + " bytes, over the limit of "
                            + options.maxChunkBytes()
                            + "; lower the chunk length or raise --max-chunk-bytes");
        }
        long start = Math.max(runOffsetMs + startMs, mediaEndMs);
        long end = Math.max(start + 1, runOffsetMs + endMs);
        VideoChunk chunk =
                VideoChunk.newBuilder()
                        .setStreamId(options.streamId())
                        .setSeq(nextSeq++)
                        .setContainer(Container.MPEGTS)
                        .setCodec("h264")
                        .setData(ByteBuffer.wrap(data))
                        .setMediaStartMs(start)
                        .setMediaEndMs(end)
                        .setWallClockMs(System.currentTimeMillis())
                        .setLast(false)
                        .build();
        mediaEndMs = end;
        VideoChunk previous = pending;
        pending = chunk;
        if (previous != null) {
            send(sink, previous);
        }
    }

    private void flushPending(ChunkSink sink, boolean last)
            throws VideoSourceException, InterruptedException {
        VideoChunk chunk = pending;
        pending = null;
        if (chunk != null) {
            chunk.setLast(last);
            send(sink, chunk);
        }
    }

    private static void send(ChunkSink sink, VideoChunk chunk)
            throws VideoSourceException, InterruptedException {
        try {
            sink.accept(chunk);
        } catch (InterruptedException | VideoSourceException e) {
            throw e;
        } catch (Exception e) {
            throw new VideoSourceException(
                    "cannot publish chunk " + chunk.getSeq() + ": " + e.getMessage(), e);
        }
    }

    /** A length in time, or a byte size (an HTTP file has a Content-Length; a live stream not). */
    private static boolean hasLength(FFmpegFrameGrabber grabber) {
        if (grabber.getLengthInTime() > 0) {
            return true;
        }
        AVIOContext io = grabber.getFormatContext().pb();
        return io != null && !io.isNull() && avio_size(io) > 0;
    }

    private static int videoStreamIndex(AVFormatContext context, String source)
            throws VideoSourceException {
        for (int i = 0; i < context.nb_streams(); i++) {
            if (context.streams(i).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
                return i;
            }
        }
        throw new VideoSourceException(source + " has no video stream");
    }

    private static AVPacket grabPacket(FFmpegFrameGrabber grabber) throws VideoSourceException {
        try {
            return grabber.grabPacket();
        } catch (FrameGrabber.Exception e) {
            throw new VideoSourceException("cannot read the source: " + e.getMessage(), e);
        }
    }

    static void checkInterrupted() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("ingest interrupted");
        }
    }
}
