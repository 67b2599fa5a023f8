package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import io.vigil.models.video.VideoDecodeException.Reason;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One chunk's bytes, demuxed from memory with FFmpeg's API and decoded picture by picture; a
 * deadline checked between short FFmpeg calls bounds its time (budget plus one call), errors in its
 * last packets end it, frames over 8K are refused at opening. Not thread-safe; close it.
 *
 * <p>Two ways to use it: {@link #next()} demuxes and decodes everything, interleaved; or {@link
 * #readVideoPackets()} demuxes the whole chunk first and {@link #send}, {@link #receive} and {@link
 * #restart} decode the packets a caller picks ({@link PlannedDecode}).
 */
final class NativeChunk implements AutoCloseable {
    private static final int IO_BUFFER = 4096;

    private final String what;
    private final long deadlineNanos;
    private final long id = ChunkBytes.nextId();
    private AVFormatContext format;
    private AVIOContext io;
    private AVCodecContext codec;
    private AVPacket packet;
    private AVFrame picture;
    private int stream = -1;
    private boolean audio;
    private AVRational timeBase;
    private boolean flushed;
    private boolean strict = true;
    private boolean started; // the first video packet has been read
    private final LeadingPictures leading = new LeadingPictures();

    /**
     * @param what names the chunk in messages, e.g. "a 1234-byte mpegts chunk"
     * @param deadlineNanos {@link System#nanoTime()} after which decoding stops
     */
    private NativeChunk(String what, long deadlineNanos) {
        this.what = what;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Opens {@code data} as {@code formatName} and its first video stream's decoder.
     *
     * @throws VideoDecodeException CHUNK_UNDECODABLE or CHUNK_NOT_VIDEO, or CHUNK_TOO_SLOW
     */
    static NativeChunk open(byte[] data, String formatName, long deadlineNanos) {
        return open(data, formatName, deadlineNanos, true);
    }

    /**
     * Opens {@code data} as {@link #open} does but without FFmpeg's stream analysis ({@code
     * avformat_find_stream_info}), which decodes up to 7 frames of an H.264 stream to guess its
     * decode delay: the streams, codecs and time bases come from the container's header alone (the
     * PMT, Matroska's tracks), and the decoder reads the parameter sets from the packets. Its video
     * stream is the first video stream, whose codec must be known from the header. Opening fails
     * (CHUNK_UNDECODABLE) where {@link #open} might still succeed; the caller then opens it so.
     */
    static NativeChunk openUnprobed(byte[] data, String formatName, long deadlineNanos) {
        return open(data, formatName, deadlineNanos, false);
    }

    /**
     * Opens {@code data} as {@link #open} does, with a decoder that carries on past errors instead
     * of failing the frame that has one ({@code err_detect=explode} off), and hands out only the
     * pictures FFmpeg reports as intact (no decode error, no concealment, not marked corrupt). For
     * a chunk that starts at a keyframe that is not an IDR picture (x264's open-gop, many cameras):
     * its {@code frame_num} continues from the chunk before, a gap the strict decoder takes for
     * damage, so it drops every frame; this decoder fills the gap with invisible frames, as
     * starting at a recovery point allows.
     */
    static NativeChunk openLenient(byte[] data, String formatName, long deadlineNanos) {
        return open(data, formatName, deadlineNanos, true, false);
    }

    private static NativeChunk open(
            byte[] data, String formatName, long deadlineNanos, boolean probe) {
        return open(data, formatName, deadlineNanos, probe, true);
    }

    private static NativeChunk open(
            byte[] data, String formatName, long deadlineNanos, boolean probe, boolean strict) {
        NativeChunk c =
                new NativeChunk(
                        "a " + data.length + "-byte " + formatName + " chunk", deadlineNanos);
        c.strict = strict;
        try {
            c.openInput(data, formatName, probe);
            c.openDecoder();
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void openInput(byte[] data, String formatName, boolean probe) {
        AVInputFormat input = av_find_input_format(formatName);
        if (input == null) {
            throw undecodable("FFmpeg has no demuxer " + formatName);
        }
        ChunkBytes.register(id, data);
        format = avformat_alloc_context();
        io =
                avio_alloc_context(
                        new BytePointer(av_malloc(IO_BUFFER)),
                        IO_BUFFER,
                        0,
                        new Pointer() {
                            {
                                address = id;
                            }
                        },
                        ChunkBytes.READ,
                        null,
                        null);
        format.pb(io);
        int ret = avformat_open_input(format, (String) null, input, (AVDictionary) null);
        if (ret < 0) {
            format = null; // freed by avformat_open_input on failure
            throw undecodable("cannot open it as " + formatName + ": " + FfmpegError.text(ret));
        }
        checkDeadline("opening");
        if (probe) {
            ret = avformat_find_stream_info(format, (PointerPointer<?>) null);
            if (ret < 0) {
                throw undecodable("no stream information: " + FfmpegError.text(ret));
            }
            checkDeadline("reading its stream information");
        }
        boolean seenVideo = false;
        for (int i = 0; i < format.nb_streams(); i++) {
            AVCodecParameters par = format.streams(i).codecpar();
            if (par.codec_type() == AVMEDIA_TYPE_VIDEO) {
                // unprobed, a later stream might be the one analysis would have picked
                if (stream < 0 && par.codec_id() != 0 && (probe || !seenVideo)) {
                    stream = i;
                }
                seenVideo = true;
            } else if (par.codec_type() == AVMEDIA_TYPE_AUDIO) {
                audio = true;
            }
        }
    }

    private void openDecoder() {
        if (stream < 0) {
            throw audio
                    ? new VideoDecodeException(
                            Reason.CHUNK_NOT_VIDEO, what + " has audio but no video")
                    : undecodable("no video stream");
        }
        AVStream st = format.streams(stream);
        timeBase = st.time_base();
        AVCodec decoder = avcodec_find_decoder(st.codecpar().codec_id());
        if (decoder == null) {
            throw undecodable("no decoder for codec id " + st.codecpar().codec_id());
        }
        codec = avcodec_alloc_context3(decoder);
        if (avcodec_parameters_to_context(codec, st.codecpar()) < 0) {
            throw undecodable("cannot copy the video stream's parameters");
        }
        VideoDecodeException.checkFrameSize(codec.width(), codec.height(), what);
        codec.thread_count(1); // not a thread pool per chunk (docs/models-java.md)
        AVDictionary options = new AVDictionary(null);
        if (strict) {
            // a damaged frame (e.g. the last one of a chunk cut short) is dropped, not concealed
            av_dict_set(options, "err_detect", "explode", 0);
        }
        int ret = avcodec_open2(codec, decoder, options);
        av_dict_free(options);
        if (ret < 0) {
            throw undecodable("cannot open the video decoder: " + FfmpegError.text(ret));
        }
        packet = av_packet_alloc();
        picture = av_frame_alloc();
    }

    /**
     * The next decoded picture (valid until the next call), or null at the end of the chunk. Each
     * pass either returns a picture or consumes input, and after the flush packet nothing is read
     * again, so the loop ends on any input.
     *
     * @throws VideoDecodeException CHUNK_TOO_SLOW past the deadline
     */
    AVFrame next() {
        while (true) {
            checkDeadline("decoding");
            int ret = avcodec_receive_frame(codec, picture);
            if (ret >= 0 && (strict || FfmpegError.intact(picture))) {
                return picture;
            }
            if (ret >= 0) {
                continue; // lenient: a picture with an error or concealment is dropped
            }
            if (flushed) {
                return null; // drained, or an error after the flush: the chunk is over
            }
            feed(); // the decoder wants input (or skipped a damaged packet): read on
        }
    }

    /** Sends the next video packet, or the flush packet at the end of the input. */
    private void feed() {
        while (true) {
            checkDeadline("demuxing");
            if (av_read_frame(format, packet) < 0) {
                flushed = true;
                avcodec_send_packet(codec, null); // drain what the decoder holds
                return;
            }
            boolean video = packet.stream_index() == stream;
            if (video && strict && !started) {
                started = true;
                startsStrictly(packet);
            }
            if (video && !leading.skip(packet)) {
                avcodec_send_packet(codec, packet); // a packet that fails to decode is skipped
            }
            av_packet_unref(packet);
            if (video) {
                return;
            }
        }
    }

    /**
     * An H.264 chunk whose first packet is a keyframe but not an IDR picture gives no frame to the
     * strict decoder: say so at once, so the caller decodes it leniently without a wasted pass.
     */
    private void startsStrictly(AVPacket p) {
        if (codec.codec_id() == AV_CODEC_ID_H264
                && (p.flags() & AV_PKT_FLAG_KEY) != 0
                && !H264Nal.startsIdr(p, H264Nal.lengthSize(format.streams(stream).codecpar()))) {
            av_packet_unref(p);
            throw new VideoDecodeException(
                    Reason.CHUNK_EMPTY, what + " starts at a keyframe that is not an IDR picture");
        }
    }

    /**
     * The earliest presentation time (µs) of the leading pictures skipped so far ({@link
     * LeadingPictures}), or {@code Long.MAX_VALUE}: the chunk's first frame in time when it starts
     * at an open GOP.
     */
    long skippedLeadingUs() {
        long pts = leading.earliestSkippedPts();
        return pts == AV_NOPTS_VALUE ? Long.MAX_VALUE : timestampUs(pts);
    }

    /**
     * Demuxes the rest of the chunk and keeps its video packets (references to them, in demux
     * order, which is decode order). Use either this or {@link #next()}, not both.
     */
    VideoPackets readVideoPackets() {
        VideoPackets out = new VideoPackets(H264Nal.lengthSize(format.streams(stream).codecpar()));
        try {
            while (true) {
                checkDeadline("demuxing");
                if (av_read_frame(format, packet) < 0) {
                    return out;
                }
                if (packet.stream_index() == stream) {
                    out.add(
                            av_packet_clone(packet),
                            packet.pts(),
                            packet.dts(),
                            (packet.flags() & AV_PKT_FLAG_KEY) != 0,
                            (packet.flags() & AV_PKT_FLAG_CORRUPT) != 0);
                }
                av_packet_unref(packet);
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * Sends one packet to the decoder ({@code null}: drain it). A packet the decoder refuses is
     * skipped, as in {@link #next()}: its frame is then missing from what {@link #receive} gives.
     */
    void send(AVPacket p) {
        checkDeadline("decoding");
        avcodec_send_packet(codec, p);
    }

    /** The next picture the decoder has ready (valid until the next call), or null for none. */
    AVFrame receive() {
        checkDeadline("decoding");
        return avcodec_receive_frame(codec, picture) >= 0 ? picture : null;
    }

    /** Forgets every frame the decoder holds, so it can be sent a stream from a keyframe again. */
    void restart() {
        checkDeadline("decoding");
        avcodec_flush_buffers(codec);
    }

    /** The video codec's FFmpeg id. */
    int codecId() {
        return codec.codec_id();
    }

    /** A picture's presentation time in microseconds of the stream's clock. */
    long timestampUs(AVFrame f) {
        return timestampUs(f.best_effort_timestamp());
    }

    /** A timestamp in the stream's time base in microseconds. */
    long timestampUs(long pts) {
        return 1000000L * pts * timeBase.num() / timeBase.den();
    }

    private void checkDeadline(String doing) {
        if (System.nanoTime() > deadlineNanos) {
            throw new VideoDecodeException(
                    Reason.CHUNK_TOO_SLOW,
                    what + " passed its decoding deadline while " + doing + "; dropped");
        }
    }

    private VideoDecodeException undecodable(String why) {
        return new VideoDecodeException(Reason.CHUNK_UNDECODABLE, what + ": " + why);
    }

    @Override
    public void close() {
        if (picture != null) {
            av_frame_free(picture);
            picture = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (codec != null) {
            avcodec_free_context(codec);
            codec = null;
        }
        if (format != null) {
            avformat_close_input(format);
            format = null;
        }
        if (io != null) {
            av_free(io.buffer());
            avio_context_free(io);
            io = null;
        }
        ChunkBytes.unregister(id);
    }
}
