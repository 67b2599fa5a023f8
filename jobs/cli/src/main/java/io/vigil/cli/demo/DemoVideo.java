package io.vigil.cli.demo;

import io.vigil.cli.eval.SceneQuestion;
import java.nio.file.Path;
import java.util.List;

/**
 * One demo stream: a video file and, for generated scenes, the ground truth.
 *
 * @param truthCaptions caption per 1-fps sample, or empty when unknown
 * @param questions questions to ask once the stream has been watched to its end (with their true
 *     answers, or null answers when unknown)
 * @param real real footage, for the real-scene model when there is one
 */
public record DemoVideo(
        String streamId,
        Path file,
        String description,
        List<String> truthCaptions,
        List<SceneQuestion> questions,
        boolean real) {

    /** The true caption of the segment that ends at {@code segmentEndMs}, or null. */
    public String truthAt(long segmentEndMs) {
        if (truthCaptions.isEmpty()) {
            return null;
        }
        int k = (int) Math.max(0, (segmentEndMs - 1) / 1000);
        return truthCaptions.get(Math.min(k, truthCaptions.size() - 1));
    }
}
