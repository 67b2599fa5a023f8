package io.vigil.models.video;

import io.vigil.models.video.VideoDecodeException.Reason;
import io.vigil.schemas.Container;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one self-contained chunk (MPEG-TS or Matroska bytes, starting at a keyframe) into RGB
 * frames with JavaCV's {@code FFmpegFrameGrabber} reading from memory.
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
 * model. Stateless and thread-safe; each call opens its own grabber.
 */
public final class ChunkDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkDecoder.class);

    static {
        FfmpegLogLevel.atMostErrors();
    }

    private final int maxFrames;

    /** At most 100,000 frames per chunk (a 1 MB chunk holds far fewer). */
    public ChunkDecoder() {
        this(100_000);
    }

    /** Stops with {@code CHUNK_UNDECODABLE} after {@code maxFrames} frames. */
    public ChunkDecoder(int maxFrames) {
        this.maxFrames = maxFrames;
    }

    /** FFmpeg's demuxer name for a container. */
    public static String format(Container container) {
        return switch (container) {
            case MPEGTS -> "mpegts";
            case MATROSKA -> "matroska";
        };
    }

    public List<DecodedFrame> decode(byte[] data, Container container, long baseMs) {
        return decode(data, format(container), baseMs);
    }

    /**
     * @param format FFmpeg demuxer name: {@code "mpegts"} or {@code "matroska"}
     * @param baseMs media time of the chunk's first frame, added to chunk-relative times
     * @return the frames in presentation order, at least one
     * @throws VideoDecodeException with a stable {@link VideoDecodeException#reason()}
     */
    public List<DecodedFrame> decode(byte[] data, String format, long baseMs) {
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
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(new ByteArrayInputStream(data), 0);
        try {
            grabber.setFormat(format);
            grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
            // a damaged frame (e.g. the last one of a chunk cut short) is dropped, not concealed
            grabber.setVideoOption("err_detect", "explode");
            try {
                grabber.start();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw new VideoDecodeException(
                        Reason.CHUNK_UNDECODABLE,
                        "cannot open "
                                + data.length
                                + " bytes as "
                                + format
                                + ": "
                                + e.getMessage(),
                        e);
            }
            if (!grabber.hasVideo()) {
                if (grabber.hasAudio()) {
                    throw new VideoDecodeException(
                            Reason.CHUNK_NOT_VIDEO,
                            format + " chunk of " + data.length + " bytes has audio but no video");
                }
                throw new VideoDecodeException(
                        Reason.CHUNK_UNDECODABLE,
                        format + " chunk of " + data.length + " bytes has no video stream");
            }
            List<DecodedFrame> frames = new ArrayList<>();
            long firstUs = Long.MIN_VALUE;
            Frame f;
            try {
                while ((f = grabber.grabImage()) != null) {
                    if (f.image == null) {
                        continue;
                    }
                    if (firstUs == Long.MIN_VALUE) {
                        firstUs = f.timestamp;
                    }
                    long ptsMs = baseMs + Math.round((f.timestamp - firstUs) / 1000.0);
                    frames.add(new DecodedFrame(ptsMs, copyRgb(f), f.imageWidth, f.imageHeight));
                    if (frames.size() > maxFrames) {
                        throw new VideoDecodeException(
                                Reason.CHUNK_UNDECODABLE,
                                "more than " + maxFrames + " frames in one chunk");
                    }
                }
            } catch (FrameGrabber.Exception | RuntimeException e) {
                if (e instanceof VideoDecodeException v) {
                    throw v;
                }
                throw new VideoDecodeException(
                        Reason.CHUNK_UNDECODABLE,
                        "decoding failed after "
                                + frames.size()
                                + " frames of a "
                                + data.length
                                + "-byte "
                                + format
                                + " chunk: "
                                + e.getMessage(),
                        e);
            }
            if (frames.isEmpty()) {
                throw new VideoDecodeException(
                        Reason.CHUNK_EMPTY,
                        format + " chunk of " + data.length + " bytes decoded to no frame");
            }
            return frames;
        } finally {
            try {
                grabber.close();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                LOG.debug("closing the grabber failed", e);
            }
        }
    }

    /** 188-byte packets (sync bytes at 0 and 188) but a length that is not a multiple of 188. */
    static boolean isTruncatedTs(byte[] data) {
        boolean packetised = data.length > 188 && data[0] == 0x47 && data[188] == 0x47;
        boolean shortPacket = data.length < 188 && data[0] == 0x47;
        return (packetised && data.length % 188 != 0) || shortPacket;
    }

    /**
     * Copies a packed RGB24 frame into a tight {@code [h, w, 3]} array. JavaCV infers {@code
     * imageChannels} as stride / width, which is wrong when FFmpeg pads rows (a 96-pixel RGB24 row
     * of 288 bytes has a 384-byte stride and reads as "4 channels"), so only the stride is used.
     */
    static byte[] copyRgb(Frame f) {
        int w = f.imageWidth;
        int h = f.imageHeight;
        int row = 3 * w;
        int stride = f.imageStride;
        ByteBuffer buf = ((ByteBuffer) f.image[0]).duplicate();
        if (f.imageDepth != Frame.DEPTH_UBYTE
                || stride < row
                || buf.capacity() < stride * (h - 1) + row) {
            throw new IllegalStateException(
                    String.format(
                            "unexpected frame layout: %dx%d depth %d stride %d, %d bytes",
                            w, h, f.imageDepth, stride, buf.capacity()));
        }
        byte[] out = new byte[row * h];
        for (int y = 0; y < h; y++) {
            buf.position(y * stride);
            buf.get(out, y * row, row);
        }
        return out;
    }
}
