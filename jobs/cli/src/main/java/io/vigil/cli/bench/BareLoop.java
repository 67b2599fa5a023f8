package io.vigil.cli.bench;

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
 * The model loop without Flink or Kafka, over the same chunks: decode, sample, preprocess, encode
 * (one batch across all streams per round of chunks), step the Mamba states (batched across
 * streams), and caption every stream at each segment boundary, as the job does.
 */
final class BareLoop {
    private final VigilModel model;
    private final long segmentMs;

    BareLoop(VigilModel model, long segmentMs) {
        this.model = model;
        this.segmentMs = segmentMs;
    }

    /** Frames per second over {@code streams} streams, stream i playing clip i mod clips. */
    double framesPerSecond(List<BenchClip> clips, int streams) {
        ChunkDecoder decoder = new ChunkDecoder();
        FramePreprocessor pre = model.preprocessor();
        List<StreamState> states = new ArrayList<>();
        List<FrameSampler> samplers = new ArrayList<>();
        long[] pendingSegment = new long[streams];
        for (int s = 0; s < streams; s++) {
            states.add(model.newState());
            samplers.add(new FrameSampler(model.manifest().sampleFps()));
        }
        int rounds = clips.stream().mapToInt(c -> c.chunks().size()).max().orElse(0);
        long frames = 0;
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            List<float[]> pixels = new ArrayList<>();
            List<Integer> owner = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                List<VideoChunk> chunks = clips.get(s % clips.size()).chunks();
                if (round >= chunks.size()) {
                    continue;
                }
                VideoChunk c = chunks.get(round);
                for (SampledFrame f : decoder.sample(c, samplers.get(s), pre).frames()) {
                    pixels.add(f.pixels());
                    owner.add(s);
                    times.add(f.ptsMs());
                }
            }
            if (pixels.isEmpty()) {
                continue;
            }
            float[][] tokens = model.encoder().encode(pixels);
            // step in waves: each wave holds at most one frame per stream, batched
            boolean[] done = new boolean[tokens.length];
            int left = tokens.length;
            while (left > 0) {
                List<StreamState> batch = new ArrayList<>();
                List<float[]> batchTokens = new ArrayList<>();
                boolean[] used = new boolean[streams];
                for (int i = 0; i < tokens.length; i++) {
                    int s = owner.get(i);
                    if (done[i] || used[s]) {
                        continue;
                    }
                    long segment = times.get(i) / segmentMs;
                    if (segment > pendingSegment[s]) {
                        model.generator().caption(states.get(s)); // segment boundary
                        pendingSegment[s] = segment;
                    }
                    used[s] = true;
                    done[i] = true;
                    left--;
                    batch.add(states.get(s));
                    batchTokens.add(tokens[i]);
                }
                model.decoder().stepFrames(batch, batchTokens.toArray(new float[0][]));
                frames += batch.size();
            }
        }
        for (StreamState state : states) {
            model.generator().caption(state); // the final segment
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return frames / seconds;
    }
}
