package io.vigil.models.video;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg's process-wide log level, which logs to stderr outside SLF4J. */
public final class FfmpegLogLevel {
    private FfmpegLogLevel() {}

    /**
     * Makes FFmpeg log errors only (FFmpeg's default also prints warnings and info). Never makes it
     * more verbose than an application has set it; failures reach callers as exceptions.
     */
    public static void atMostErrors() {
        if (avutil.av_log_get_level() > avutil.AV_LOG_ERROR) {
            avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        }
    }
}
