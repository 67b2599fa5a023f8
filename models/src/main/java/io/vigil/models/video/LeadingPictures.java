package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import org.bytedeco.ffmpeg.avcodec.AVPacket;

/**
 * Finds an open GOP's leading pictures in a chunk's packets (decode order): after the chunk's first
 * keyframe but shown before it. They reference the GOP before the keyframe, which is in the
 * previous chunk, so they cannot be decoded here; sent anyway, their errors make FFmpeg's strict
 * decoder ({@code err_detect=explode}) drop the whole chunk, and a lenient one conceal them. They
 * are skipped, as a decoder starting at an open GOP's keyframe skips them (HEVC's RASL pictures at
 * a CRA). Closed GOPs have none: nothing after an IDR picture in decode order is shown before it.
 */
final class LeadingPictures {
    private long firstKeyPts = AV_NOPTS_VALUE; // the chunk's first keyframe's pts, once read
    private long earliest = AV_NOPTS_VALUE; // the earliest skipped leading picture's pts

    /** Whether to skip {@code p}, the chunk's next video packet in decode order. */
    boolean skip(AVPacket p) {
        boolean key = (p.flags() & AV_PKT_FLAG_KEY) != 0;
        if (firstKeyPts == AV_NOPTS_VALUE) {
            if (key) {
                firstKeyPts = p.pts();
            }
            return false;
        }
        if (key || p.pts() == AV_NOPTS_VALUE || p.pts() >= firstKeyPts) {
            return false;
        }
        earliest = earliest == AV_NOPTS_VALUE ? p.pts() : Math.min(earliest, p.pts());
        return true;
    }

    /** The earliest pts skipped, in the stream's time base, or {@code AV_NOPTS_VALUE}. */
    long earliestSkippedPts() {
        return earliest;
    }
}
