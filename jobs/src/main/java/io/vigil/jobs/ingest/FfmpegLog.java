package io.vigil.jobs.ingest;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

/**
 * FFmpeg logs to stderr itself (muxer banners, openh264 warnings); the command line keeps only its
 * errors so that what it prints stays readable.
 */
public final class FfmpegLog {
    private FfmpegLog() {}

    public static void errorsOnly() {
        av_log_set_level(AV_LOG_ERROR);
    }
}
