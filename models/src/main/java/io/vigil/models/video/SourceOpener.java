package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/** Opens a file path or an rtsp/http(s)/... URL with FFmpeg. */
public final class SourceOpener {
    /** Socket read/write timeout for network sources, microseconds. */
    private static final String NETWORK_TIMEOUT_US = "10000000";

    static {
        av_log_set_level(AV_LOG_ERROR);
    }

    private SourceOpener() {}

    /** True for a URL that is not a local file (a live or network source). */
    public static boolean isNetwork(String source) {
        return source.contains("://") && !source.startsWith("file:");
    }

    static FFmpegFrameGrabber open(String source) throws VideoSourceException {
        if (!isNetwork(source) && !Files.isReadable(Path.of(source))) {
            throw new VideoSourceException("no such video file: " + source);
        }
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source);
        if (isNetwork(source)) {
            grabber.setOption("rw_timeout", NETWORK_TIMEOUT_US);
            if (source.startsWith("rtsp")) {
                grabber.setOption("rtsp_transport", "tcp");
                grabber.setOption("timeout", NETWORK_TIMEOUT_US);
            }
        }
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            try {
                grabber.close();
            } catch (FrameGrabber.Exception ignored) {
                // nothing was opened
            }
            throw new VideoSourceException(
                    "FFmpeg cannot open " + source + ": " + e.getMessage(), e);
        }
        if (!grabber.hasVideo()) {
            try {
                grabber.close();
            } catch (FrameGrabber.Exception ignored) {
                // closing is best effort
            }
            throw new VideoSourceException(source + " has no video stream");
        }
        return grabber;
    }
}
