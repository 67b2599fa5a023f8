package io.vigil.models.video;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens a file path or an rtsp/http(s)/... URL with FFmpeg. */
public final class SourceOpener {
    private static final Logger LOG = LoggerFactory.getLogger(SourceOpener.class);

    /** Socket read/write timeout for network sources, microseconds. */
    private static final String NETWORK_TIMEOUT_US = "10000000";

    static {
        FfmpegLogLevel.atMostErrors();
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
            close(grabber);
            throw new VideoSourceException(
                    "cannot open " + source + ": " + FfmpegError.fromMessage(e.getMessage()), e);
        }
        if (!grabber.hasVideo()) {
            close(grabber);
            throw new VideoSourceException(source + " has no video stream");
        }
        return grabber;
    }

    /** A file's length in ms as FFmpeg reports it, or -1 when unknown (a live source). */
    public static long durationMs(String source) {
        if (isNetwork(source)) {
            return -1;
        }
        try {
            FFmpegFrameGrabber grabber = open(source);
            try {
                long us = grabber.getLengthInTime();
                return us > 0 ? us / 1000 : -1;
            } finally {
                close(grabber);
            }
        } catch (VideoSourceException e) {
            return -1;
        }
    }

    /** Closes, best effort (debug-logged). */
    static void close(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            LOG.debug("closing the grabber failed", e);
        }
    }
}
