package io.vigil.cli.eval;

import io.vigil.models.StreamState;
import io.vigil.models.TextGenerator;
import io.vigil.models.VigilModel;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.FrameSampler;
import io.vigil.models.video.SampledFrame;
import io.vigil.models.video.VideoChunker;
import io.vigil.models.video.VideoSourceException;
import io.vigil.schemas.VideoChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Scores a model on real footage against a reference made by eye ({@link RealReference}), through
 * the pipeline's Java path: the file is cut into chunks as {@code vigil ingest} cuts it, decoded,
 * sampled and preprocessed ({@link ChunkDecoder#sample}), encoded to one token per frame and
 * stepped into one stream's memory; after every sample the model captions the stream, and at the
 * reference's instants it is also asked how many people are in view and how many have appeared so
 * far; at the end, how many people have appeared and whether each vehicle kind was seen. Captions
 * are read with the real-scene grammar ({@link CamCaption}).
 */
final class RealFootageEvaluator {
    static final String IN_VIEW = "how many people are in view";
    static final String APPEARED = "how many people have appeared";

    private final VigilModel model;
    private final Consumer<String> lines;

    /**
     * @param lines receives one line per reference instant (time, reference, what the model said)
     */
    RealFootageEvaluator(VigilModel model, Consumer<String> lines) {
        this.model = model;
        this.lines = lines;
    }

    /** One sample's caption, read. */
    record Said(double tS, String caption, CamCaption parsed) {}

    RealScore evaluate(RealReference ref) throws VideoSourceException, InterruptedException {
        List<VideoChunk> chunks =
                VideoChunker.chunkAll(ref.video().toString(), ChunkerOptions.defaults("real"));
        ChunkDecoder decoder = new ChunkDecoder();
        FrameSampler sampler = new FrameSampler(model.manifest().sampleFps());
        TextGenerator text = model.generator();
        StreamState state = model.newState();
        double halfStepS = 0.5 / model.manifest().sampleFps();
        List<Said> said = new ArrayList<>();
        RealScore score = new RealScore(ref);
        for (VideoChunk chunk : chunks) {
            List<SampledFrame> frames =
                    decoder.sample(chunk, sampler, model.preprocessor()).frames();
            if (frames.isEmpty()) {
                continue;
            }
            List<float[]> pixels = frames.stream().map(SampledFrame::pixels).toList();
            float[][] tokens = model.encoder().encode(pixels); // [N][D]
            for (int i = 0; i < tokens.length; i++) {
                model.decoder().stepFrame(state, tokens[i]);
                double tS = frames.get(i).ptsMs() / 1000.0;
                String caption = text.generateCaption(state).text();
                Said s = new Said(tS, caption, CamCaption.parse(caption));
                said.add(s);
                score.caption(s);
                for (RealReference.Instant at : ref.instants()) {
                    if (Math.abs(at.tS() - tS) <= halfStepS) {
                        String answer = text.answer(state, IN_VIEW);
                        score.instant(at, s, CamCaption.number(answer));
                        String appeared = text.answer(state, APPEARED);
                        score.appearedAt(at, CamCaption.number(appeared));
                        RealReference.Range soFar = ref.appearedBy(at.tS());
                        lines.accept(
                                String.format(
                                        Locale.ROOT,
                                        "%5.1f s  people %d (%d-%d)  caption %d  answer %-6s"
                                                + " appeared %-8s (%d-%d)  %s",
                                        at.tS(),
                                        at.people(),
                                        at.peopleMin(),
                                        at.peopleMax(),
                                        s.parsed().count("person"),
                                        answer,
                                        appeared,
                                        soFar.min(),
                                        soFar.max(),
                                        caption));
                    }
                }
            }
        }
        score.crossings(said);
        score.appeared(text.answer(state, APPEARED));
        for (String kind : CamCaption.VEHICLES) {
            score.seen(kind, text.answer(state, "was a " + kind + " seen"));
        }
        return score;
    }
}
