package io.vigil.models.video;

import io.vigil.models.video.VideoDecodeException.Reason;
import io.vigil.schemas.Container;
import io.vigil.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Decodes one self-contained chunk (MPEG-TS or Matroska bytes, starting at a keyframe) with
 * FFmpeg's own API reading from memory ({@link NativeChunk}), and hands the frames a {@link
 * FrameSink} wants to it as RGB: {@link #sample} is the job's path (sample by media time,
 * preprocess), {@link #decodeAll} keeps every frame.
 *
 * <p>Times: a frame's {@code ptsMs} is its time relative to the chunk's first video frame plus
 * {@code baseMs} (the chunk's media start, {@code VideoChunk.mediaStartMs}), so the absolute
 * timestamps inside the container (MPEG-TS muxers start at 1.4 s, ingest may restart them) do not
 * matter.
 *
 * <p>Bad input never escapes as anything but {@link VideoDecodeException}: garbage and truncated
 * containers, streams without video, chunks without frames. An MPEG-TS chunk that is not a whole
 * number of 188-byte packets is rejected as truncated. A chunk cut exactly at a packet boundary
 * cannot be told from a shorter one: it yields the frames that decode intact; the frame that was
 * cut is dropped, not concealed ({@code err_detect=explode}), so no damaged picture reaches the
 * model. A chunk of a source with open GOPs starts at a keyframe that is not an IDR picture: its
 * leading pictures are skipped ({@link LeadingPictures}) and, when the strict decoder gets no frame
 * out of it (it takes the gap in frame numbers for damage), it is decoded again keeping only the
 * pictures FFmpeg reports intact ({@link NativeChunk#openLenient}).
 *
 * <p>Decoding only what the sampler keeps: {@link #sample} and {@link #decodeSampled} demux the
 * whole H.264 chunk first, work out from the packets' times and keyframes which frames the sampler
 * will take ({@link SamplePlan}), and decode only the GOPs holding one, each up to the last packet
 * needed ({@link PlannedDecode}); for an intact chunk the sampled frames, their pixels and the
 * sampler's state after the chunk are those of decoding everything. Packets that do not fit the
 * plan's picture (no pts, decode times going back, an open GOP first, ...), or a decoder whose
 * output differs from the plan, make it decode every frame instead, as {@link #everyFrameDecoded()}
 * always does. A damaged chunk is rejected for the same reasons either way, but where damage sits
 * in packets the plan skips, the frames can differ: decoding everything is then itself not
 * repeatable (error concealment across decoder threads), and loses the frames still in the decoder
 * when the last packet of a chunk cut short fails.
 *
 * <p>Every chunk has a time budget: damaged streams can make FFmpeg slow (or, driven by a loop that
 * retries failed decodes, never finish), so decoding checks a deadline between FFmpeg calls and
 * gives up with {@code CHUNK_TOO_SLOW}. Stateless and thread-safe; each call opens its own demuxer
 * and decoder.
 */
public final class ChunkDecoder {
    static {
        FfmpegLogLevel.atMostErrors();
    }

    /** Default budget per chunk: a 1 MB, 2-s chunk decodes in well under a second. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(20);

    private final int maxFrames;
    private final long budgetNanos;
    private final boolean skipUnsampled;

    /** At most 100,000 frames and {@link #DEFAULT_BUDGET} per chunk. */
    public ChunkDecoder() {
        this(100_000, DEFAULT_BUDGET);
    }

    /**
     * @param maxFrames stops with {@code CHUNK_UNDECODABLE} after this many frames
     * @param budget stops with {@code CHUNK_TOO_SLOW} when one chunk takes longer
     */
    public ChunkDecoder(int maxFrames, Duration budget) {
        this(maxFrames, checked(budget, maxFrames).toNanos(), true);
    }

    private ChunkDecoder(int maxFrames, long budgetNanos, boolean skipUnsampled) {
        this.maxFrames = maxFrames;
        this.budgetNanos = budgetNanos;
        this.skipUnsampled = skipUnsampled;
    }

    private static Duration checked(Duration budget, int maxFrames) {
        if (maxFrames < 1 || budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException(
                    "maxFrames must be ≥ 1 and the budget > 0: " + maxFrames + ", " + budget);
        }
        return budget;
    }

    /**
     * This decoder's limits, but {@link #sample} and {@link #decodeSampled} decode every frame of
     * the chunk (as before frames were skipped): for comparisons and benchmarks.
     */
    public ChunkDecoder everyFrameDecoded() {
        return new ChunkDecoder(maxFrames, budgetNanos, false);
    }

    /** FFmpeg's demuxer name for a container. */
    public static String format(Container container) {
        return switch (container) {
            case MPEGTS -> "mpegts";
            case MATROSKA -> "matroska";
        };
    }

    /**
     * What a decode pass does with frames: it asks, by presentation time, whether a frame's pixels
     * are wanted, and only those are converted to RGB and handed over.
     */
    public interface FrameSink {
        boolean wants(long ptsMs);

        /**
         * @param rgb packed RGB24 rows {@code stride} bytes apart (absolute indices), in FFmpeg's
         *     memory: valid only during this call
         */
        void accept(long ptsMs, ByteBuffer rgb, int width, int height, int stride);
    }

    /** Where a sampler-driven decode ({@link #decodeSampled}) hands the sampled frames. */
    public interface SampleSink {
        /**
         * @param rgb packed RGB24 rows {@code stride} bytes apart (absolute indices), in FFmpeg's
         *     memory: valid only during this call
         */
        void accept(long ptsMs, ByteBuffer rgb, int width, int height, int stride);

        /**
         * Forget every frame accepted so far: the decode starts over from the chunk's first frame,
         * decoding every frame (it happens at most once per chunk, when skipping frames did not
         * work out).
         */
        void restart();
    }

    /**
     * Frame counts of one chunk.
     *
     * @param inChunk frames the chunk holds: what decoding every frame gives (counted from its
     *     packets when frames were skipped: one frame per packet, so on a damaged chunk also those
     *     that would not decode)
     * @param decoded frames actually decoded, at most {@code inChunk}
     */
    public record FrameCounts(int inChunk, int decoded) {}

    /**
     * The frames of a chunk the sampler keeps, preprocessed (with a lead, each paired with its lead
     * frame: {@link LeadPairing}).
     *
     * @param frames in presentation order, possibly none
     * @param inChunk frames in the chunk, kept or not ({@link FrameCounts#inChunk()})
     * @param decoded frames actually decoded ({@link FrameCounts#decoded()})
     * @param leadsMissing samples without a lead frame (their own pixels stand in for it); 0
     *     without a lead
     */
    public record Sampled(List<SampledFrame> frames, int inChunk, int decoded, int leadsMissing) {}

    /**
     * The job's frame path, and that of {@code vigil eval} and the bare loop: decodes the chunk,
     * lets {@code sampler} pick frames by media time, and preprocesses only those, straight from
     * FFmpeg's buffer; with a lead, each sample comes out paired with its lead frame ({@code [6, H,
     * W]}, {@link LeadPairing}; a lead whose sample lies in the next chunk is held by the sampler,
     * {@link FrameSampler#heldLead()}). Frames the sampler drops are never converted nor copied out
     * of FFmpeg, and most are not decoded at all ({@link #decodeSampled}).
     *
     * @param sampler advanced past the kept frames
     * @throws VideoDecodeException with a stable {@link VideoDecodeException#reason()}
     */
    public Sampled sample(
            byte[] data,
            Container container,
            long baseMs,
            FrameSampler sampler,
            FramePreprocessor preprocessor) {
        LeadPairing pairs = new LeadPairing(sampler, preprocessor);
        String format = format(container);
        FrameCounts counts = decodeSampled(data, format, baseMs, sampler, pairs);
        sampler.hold(pairs.held());
        return pairs.sampled(counts, what(data, format));
    }

    /**
     * {@link #sample(byte[], Container, long, FrameSampler, FramePreprocessor)} of a chunk as it
     * comes from a topic: its data (used in place when the buffer is a whole array), container and
     * media start.
     */
    public Sampled sample(VideoChunk chunk, FrameSampler sampler, FramePreprocessor preprocessor) {
        return sample(
                bytes(chunk.getData()),
                chunk.getContainer(),
                chunk.getMediaStartMs(),
                sampler,
                preprocessor);
    }

    /** The buffer's bytes: its array when it is exactly that, else a copy. */
    public static byte[] bytes(ByteBuffer data) {
        ByteBuffer b = data.duplicate();
        if (b.hasArray()
                && b.arrayOffset() == 0
                && b.position() == 0
                && b.remaining() == b.array().length) {
            return b.array();
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Every frame as tight RGB, for tools and tests that look at pixels. */
    public List<DecodedFrame> decodeAll(byte[] data, String format, long baseMs) {
        List<DecodedFrame> frames = new ArrayList<>();
        decode(
                data,
                format,
                baseMs,
                new FrameSink() {
                    @Override
                    public boolean wants(long ptsMs) {
                        return true;
                    }

                    @Override
                    public void accept(
                            long ptsMs, ByteBuffer rgb, int width, int height, int stride) {
                        frames.add(
                                new DecodedFrame(
                                        ptsMs, tight(rgb, width, height, stride), width, height));
                    }
                });
        return frames;
    }

    /**
     * Decodes the frames {@code sampler} takes (as {@link #decode} with a sink that asks the
     * sampler would), skipping the GOPs and GOP tails that hold none of them when the packets allow
     * it ({@link SamplePlan}); else, or when the decoder's output differs from the plan, every
     * frame, within the same deadline. Either way the sink gets the same frames, with the same
     * pixels, and the sampler ends in the same state. With a lead the sink gets the leads too, each
     * before its sample ({@link FrameSampler#take}); the chunk starts with no lead taken ({@link
     * FrameSampler#startChunk()}).
     *
     * @param sampler advanced past the kept frames
     * @throws VideoDecodeException with a stable {@link VideoDecodeException#reason()}
     */
    public FrameCounts decodeSampled(
            byte[] data, String format, long baseMs, FrameSampler sampler, SampleSink sink) {
        check(data, format);
        sampler.startChunk();
        long deadline = System.nanoTime() + budgetNanos;
        if (skipUnsampled) {
            FrameCounts skipped =
                    PlannedDecode.decode(data, format, baseMs, sampler, sink, deadline, maxFrames);
            if (skipped != null) {
                return skipped;
            }
        }
        int decoded =
                decode(
                        data,
                        format,
                        baseMs,
                        new FrameSink() {
                            @Override
                            public boolean wants(long ptsMs) {
                                return sampler.accept(ptsMs);
                            }

                            @Override
                            public void accept(
                                    long ptsMs, ByteBuffer rgb, int width, int height, int stride) {
                                sink.accept(ptsMs, rgb, width, height, stride);
                            }
                        },
                        deadline);
        return new FrameCounts(decoded, decoded);
    }

    /**
     * The one full decode loop: every frame of the chunk.
     *
     * @param format FFmpeg demuxer name: {@code "mpegts"} or {@code "matroska"}
     * @param baseMs media time of the chunk's first frame, added to chunk-relative times
     * @return frames decoded, at least one
     * @throws VideoDecodeException with a stable {@link VideoDecodeException#reason()}
     */
    public int decode(byte[] data, String format, long baseMs, FrameSink sink) {
        check(data, format);
        return decode(data, format, baseMs, sink, System.nanoTime() + budgetNanos);
    }

    private static void check(byte[] data, String format) {
        if (data == null || data.length == 0) {
            throw new VideoDecodeException(Reason.CHUNK_EMPTY, "no bytes");
        }
        if ("mpegts".equals(format) && isTruncatedTs(data)) {
            throw new VideoDecodeException(
                    Reason.CHUNK_UNDECODABLE,
                    "truncated MPEG-TS: "
                            + data.length
                            + " bytes is not a whole number of 188-byte packets");
        }
    }

    static String what(byte[] data, String format) {
        return "a " + data.length + "-byte " + format + " chunk";
    }

    /** Strictly; a chunk that so yields no frame again leniently, within the same deadline. */
    private int decode(byte[] data, String format, long baseMs, FrameSink sink, long deadline) {
        try {
            return decode(data, format, baseMs, sink, deadline, true);
        } catch (VideoDecodeException e) {
            if (e.reason() != Reason.CHUNK_EMPTY) {
                throw e;
            }
            return decode(data, format, baseMs, sink, deadline, false);
        }
    }

    private int decode(
            byte[] data,
            String format,
            long baseMs,
            FrameSink sink,
            long deadline,
            boolean strict) {
        try (NativeChunk chunk =
                        strict
                                ? NativeChunk.open(data, format, deadline)
                                : NativeChunk.openLenient(data, format, deadline);
                RgbConverter rgb = new RgbConverter()) {
            int decoded = 0;
            long firstUs = Long.MIN_VALUE;
            AVFrame picture;
            while ((picture = chunk.next()) != null) {
                long us = chunk.timestampUs(picture);
                if (firstUs == Long.MIN_VALUE) {
                    // times count from the chunk's first frame, a skipped leading one included
                    firstUs = Math.min(us, chunk.skippedLeadingUs());
                }
                long ptsMs = baseMs + Math.round((us - firstUs) / 1000.0);
                if (++decoded > maxFrames) {
                    throw new VideoDecodeException(
                            Reason.CHUNK_UNDECODABLE,
                            "more than " + maxFrames + " frames in one chunk");
                }
                if (sink.wants(ptsMs)) {
                    ByteBuffer pixels = rgb.convert(picture);
                    sink.accept(ptsMs, pixels, picture.width(), picture.height(), rgb.stride());
                }
            }
            if (decoded == 0) {
                throw new VideoDecodeException(
                        Reason.CHUNK_EMPTY,
                        format + " chunk of " + data.length + " bytes decoded to no frame");
            }
            return decoded;
        } catch (VideoDecodeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new VideoDecodeException(
                    Reason.CHUNK_UNDECODABLE,
                    "decoding " + what(data, format) + " failed: " + e,
                    e);
        }
    }

    /** 188-byte packets (sync bytes at 0 and 188) but a length that is not a multiple of 188. */
    static boolean isTruncatedTs(byte[] data) {
        boolean packetised = data.length > 188 && data[0] == 0x47 && data[188] == 0x47;
        boolean shortPacket = data.length < 188 && data[0] == 0x47;
        return (packetised && data.length % 188 != 0) || shortPacket;
    }

    /** Packed RGB24 rows {@code stride} apart to a tight {@code [h, w, 3]} array. */
    static byte[] tight(ByteBuffer rgb, int w, int h, int stride) {
        int row = 3 * w;
        byte[] out = new byte[row * h];
        ByteBuffer buf = rgb.duplicate();
        for (int y = 0; y < h; y++) {
            buf.position(y * stride);
            buf.get(out, y * row, row);
        }
        return out;
    }
}
