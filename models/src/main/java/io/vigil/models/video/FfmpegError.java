package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_INVALIDDATA;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * FFmpeg's error codes in FFmpeg's own words, for messages people read; its frames' error flags.
 */
final class FfmpegError {
    private static final Pattern CODE = Pattern.compile("error (-\\d+)");

    private FfmpegError() {}

    /** E.g. "not a video FFmpeg can read (Invalid data found when processing input)". */
    static String text(int code) {
        byte[] buf = new byte[256];
        String words = "FFmpeg error " + code;
        if (av_strerror(code, buf, buf.length) == 0) {
            int end = 0;
            while (end < buf.length && buf[end] != 0) {
                end++;
            }
            words = new String(buf, 0, end, StandardCharsets.UTF_8);
        }
        return code == AVERROR_INVALIDDATA()
                ? "not a video FFmpeg can read (" + words + ")"
                : words + " (FFmpeg error " + code + ")";
    }

    /** A JavaCV message ("… error -1094995529: …") as {@link #text}; others unchanged. */
    static String fromMessage(String message) {
        Matcher m = CODE.matcher(String.valueOf(message));
        return m.find() ? text(Integer.parseInt(m.group(1))) : String.valueOf(message);
    }

    /** AV_FRAME_FLAG_CORRUPT (libavutil/frame.h; a macro the presets do not carry). */
    private static final int FRAME_FLAG_CORRUPT = 1;

    /** Whether FFmpeg reports {@code f} intact: no decode error, no concealment, not corrupt. */
    static boolean intact(AVFrame f) {
        return f.decode_error_flags() == 0 && (f.flags() & FRAME_FLAG_CORRUPT) == 0;
    }
}
