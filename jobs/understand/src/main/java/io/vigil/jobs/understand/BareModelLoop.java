package io.vigil.jobs.understand;

import io.vigil.models.StreamState;
import io.vigil.models.VigilModel;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.FramePreprocessor;
import io.vigil.models.video.FrameSampler;
import io.vigil.models.video.SampledFrame;
import io.vigil.schemas.VideoChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference: the model run over one stream's chunks with no Flink and no Kafka (ChunkDecoder →
 * FrameSampler → FramePreprocessor → encoder → Mamba step → greedy caption at each segment end),
 * written from the contract and the runbook's segment rule, not from the operators. The job's
 * captions are, record for record, this loop's (UnderstandJobITCase); tests and {@code vigil chaos}
 * compare a run's committed output with it.
 */
public final class BareModelLoop {
    /** A caption without its wall-clock time. */
    public record Cap(String streamId, long startMs, long endMs, String text, long framesSeen) {}

    /** The captions so far, in stream order. */
    public final List<Cap> captions = new ArrayList<>();

    final StreamState state;
    private final VigilModel model;
    private final long segmentMs;

    public BareModelLoop(VigilModel model, long segmentMs) {
        this.model = model;
        this.segmentMs = segmentMs;
        this.state = model.newState();
    }

    /**
     * Runs a finite stream's chunks (the last one marked last), sampled at {@code fps} with the
     * manifest's lead, as the job samples.
     */
    public BareModelLoop run(List<VideoChunk> chunks, double fps) {
        FrameSampler sampler = FrameSampler.start(fps, model.manifest().leadMs());
        FramePreprocessor pre = model.preprocessor();
        ChunkDecoder decoder = new ChunkDecoder();
        Long segment = null;
        long lastMs = 0;
        String streamId = chunks.get(0).getStreamId();
        for (VideoChunk c : chunks) {
            for (SampledFrame f : decoder.sample(c, sampler, pre).frames()) {
                float[] px = f.pixels(); // [C, H, W]: C = 6 with a lead, else 3
                float[][] token = model.encoder().encode(List.of(px)); // [1][D]
                long s = Math.floorDiv(f.ptsMs(), segmentMs);
                if (segment != null && s != segment) {
                    caption(streamId, segment, (segment + 1) * segmentMs);
                }
                model.decoder().stepFrames(List.of(state), token);
                segment = s;
                lastMs = f.ptsMs();
            }
            if (c.getLast() && segment != null) {
                long end =
                        Math.min(
                                (segment + 1) * segmentMs, Math.max(c.getMediaEndMs(), lastMs + 1));
                caption(streamId, segment, end);
                segment = null;
            }
        }
        return this;
    }

    private void caption(String streamId, long segment, long endMs) {
        captions.add(
                new Cap(
                        streamId,
                        segment * segmentMs,
                        endMs,
                        model.generator().caption(state),
                        state.framesSeen()));
    }

    String answer(String question) {
        return model.generator().answer(state, question);
    }
}
