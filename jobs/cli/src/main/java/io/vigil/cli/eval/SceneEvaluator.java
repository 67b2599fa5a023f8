package io.vigil.cli.eval;

import io.vigil.models.StreamState;
import io.vigil.models.TextGenerator;
import io.vigil.models.VigilModel;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.ClipEncoder;
import io.vigil.models.video.FramePreprocessor;
import io.vigil.models.video.FrameSampler;
import io.vigil.models.video.SampledFrame;
import io.vigil.models.video.VideoChunker;
import io.vigil.models.video.VideoSourceException;
import io.vigil.schemas.VideoChunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Scores the model on one scene video through the pipeline's own Java path: the frames are encoded
 * as real H.264 ({@link ClipEncoder}), cut into chunks as {@code vigil ingest} cuts them ({@link
 * VideoChunker}), decoded, sampled at the model's rate and lead and preprocessed by the job's own
 * path ({@link ChunkDecoder#sample}), encoded to one token per frame in one batch per chunk,
 * stepped into the stream's Mamba state, and captions and answers are generated greedily from
 * copies.
 */
public final class SceneEvaluator {
    private final VigilModel model;
    private final Path workDir;
    private final ChunkDecoder decoder = new ChunkDecoder();
    private final Consumer<String> mismatches;

    /**
     * @param mismatches receives one line per wrong caption or answer (for {@code --show-errors})
     */
    public SceneEvaluator(VigilModel model, Path workDir, Consumer<String> mismatches) {
        this.model = model;
        this.workDir = workDir;
        this.mismatches = mismatches;
    }

    /**
     * @param longVideo score only the questions about the earliest events, into {@code qa_long};
     *     otherwise every sample's caption and every question
     */
    public void evaluate(SceneVideo video, boolean longVideo, EvalScore score)
            throws IOException, VideoSourceException, InterruptedException {
        ClipEncoder clips = new ClipEncoder(video.fps(), Math.max(1, video.fps()));
        byte[] ts = clips.encode(video.frames(), video.width(), video.height());
        Path clip = workDir.resolve(video.id() + ".ts");
        Files.write(clip, ts);
        List<VideoChunk> chunks;
        try {
            chunks = VideoChunker.chunkAll(clip.toString(), ChunkerOptions.defaults(video.id()));
        } finally {
            Files.deleteIfExists(clip);
        }

        FramePreprocessor pre = model.preprocessor();
        TextGenerator text = model.generator();
        FrameSampler sampler = model.manifest().sampler();
        StreamState state = model.newState();
        int sample = 0;
        for (VideoChunk chunk : chunks) {
            List<float[]> pixels = new ArrayList<>();
            for (SampledFrame f : decoder.sample(chunk, sampler, pre).frames()) {
                pixels.add(f.pixels());
            }
            if (pixels.isEmpty()) {
                continue;
            }
            float[][] tokens = model.encoder().encode(pixels);
            for (float[] token : tokens) {
                model.decoder().stepFrame(state, token);
                score(video, sample, state, text, longVideo, score);
                sample++;
            }
        }
        score.video(longVideo, sample);
    }

    private void score(
            SceneVideo video,
            int sample,
            StreamState state,
            TextGenerator text,
            boolean longVideo,
            EvalScore score) {
        if (!longVideo && sample < video.captions().size()) {
            TextGenerator.Generated generated = text.generateCaption(state);
            String caption = generated.text();
            String truth = video.captions().get(sample);
            boolean hit = caption.equals(truth);
            score.caption(hit, generated.confidence());
            if (!hit) {
                mismatches.accept(
                        String.format(
                                Locale.ROOT,
                                "%s @%ds caption: got \"%s\", truth \"%s\"",
                                video.id(),
                                sample,
                                caption,
                                truth));
            }
        }
        for (SceneQuestion q : video.questions()) {
            if (q.sample() != sample || (longVideo && !q.earliest())) {
                continue;
            }
            String answer = text.answer(state, q.question());
            boolean hit = normalise(answer).equals(normalise(q.answer()));
            score.question(q.type(), hit, longVideo);
            if (!hit) {
                mismatches.accept(
                        String.format(
                                Locale.ROOT,
                                "%s%s @%ds %s? got \"%s\", truth \"%s\"",
                                longVideo ? "long " : "",
                                video.id(),
                                sample,
                                q.question(),
                                answer,
                                q.answer()));
            }
        }
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 ]", " ")
                .trim()
                .replaceAll(" +", " ");
    }
}
