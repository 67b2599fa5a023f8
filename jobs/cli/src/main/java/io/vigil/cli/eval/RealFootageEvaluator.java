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
 * sampled and preprocessed ({@link ChunkDecoder#sample}, at the manifest's rate and lead), encoded
 * to one token per frame and stepped into one stream's memory; after every sample the model
 * captions the stream. Each reference instant is scored once, with the sample nearest to it (a tie
 * goes to the earlier sample: with a lead the samples sit half-way between whole seconds): that
 * sample's caption, and the memory after it asked how many people are in view and how many have
 * appeared so far. At the end, how many people have appeared and whether each vehicle kind was
 * seen. Captions are read with the real-scene grammar ({@link CamCaption}).
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
        FrameSampler sampler = model.manifest().sampler();
        TextGenerator text = model.generator();
        StreamState state = model.newState();
        List<Said> said = new ArrayList<>();
        RealScore score = new RealScore(ref);
        List<RealReference.Instant> instants = ref.instants();
        int next = 0; // the first instant not scored yet
        Said previous = null; // the sample before, and the memory after it
        long previousMs = 0;
        StreamState previousState = null;
        for (VideoChunk chunk : chunks) {
            ChunkDecoder.Sampled sampled = decoder.sample(chunk, sampler, model.preprocessor());
            score.leadsMissing(sampled.leadsMissing());
            List<SampledFrame> frames = sampled.frames();
            if (frames.isEmpty()) {
                continue;
            }
            List<float[]> pixels = frames.stream().map(SampledFrame::pixels).toList();
            float[][] tokens = model.encoder().encode(pixels); // [N][D]
            for (int i = 0; i < tokens.length; i++) {
                model.decoder().stepFrame(state, tokens[i]);
                long ms = frames.get(i).ptsMs();
                String caption = text.generateCaption(state).text();
                Said s = new Said(ms / 1000.0, caption, CamCaption.parse(caption));
                said.add(s);
                score.caption(s);
                // the instants nearer to the sample before than to this one are the one before's
                while (previous != null
                        && next < instants.size()
                        && nearerToFirst(instants.get(next), previousMs, ms)) {
                    instant(instants.get(next++), previous, previousState, text, ref, score);
                }
                previous = s;
                previousMs = ms;
                previousState = next < instants.size() ? state.copy() : null;
            }
        }
        while (previous != null && next < instants.size()) { // those after the last sample
            instant(instants.get(next++), previous, state, text, ref, score);
        }
        score.crossings(said);
        score.appeared(text.answer(state, APPEARED));
        for (String kind : CamCaption.VEHICLES) {
            score.seen(kind, text.answer(state, "was a " + kind + " seen"));
        }
        return score;
    }

    /**
     * Whether {@code at} is at least as near to the sample at {@code firstMs} as to the later one
     * at {@code secondMs} (a tie goes to the earlier sample), in whole ms.
     */
    static boolean nearerToFirst(RealReference.Instant at, long firstMs, long secondMs) {
        long atMs = Math.round(at.tS() * 1000);
        return Math.abs(atMs - firstMs) <= Math.abs(secondMs - atMs);
    }

    /** Scores one reference instant with the sample nearest to it and the memory after it. */
    private void instant(
            RealReference.Instant at,
            Said s,
            StreamState after,
            TextGenerator text,
            RealReference ref,
            RealScore score) {
        String answer = text.answer(after, IN_VIEW);
        score.instant(at, s, CamCaption.number(answer));
        String appeared = text.answer(after, APPEARED);
        score.appearedAt(at, CamCaption.number(appeared));
        RealReference.Range soFar = ref.appearedBy(at.tS());
        lines.accept(
                String.format(
                        Locale.ROOT,
                        "%5.1f s  people %d (%d-%d)  caption %d  answer %-6s"
                                + " appeared %-8s (%d-%d, came in %d)  %s",
                        at.tS(),
                        at.people(),
                        at.peopleMin(),
                        at.peopleMax(),
                        s.parsed().count("person"),
                        answer,
                        appeared,
                        soFar.min(),
                        soFar.max(),
                        ref.enteredBy(at.tS()),
                        s.caption()));
    }
}
