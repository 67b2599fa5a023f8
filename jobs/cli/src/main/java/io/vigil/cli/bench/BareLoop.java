package io.vigil.cli.bench;

import io.vigil.models.StreamState;
import io.vigil.models.VigilModel;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.FramePreprocessor;
import io.vigil.models.video.FrameSampler;
import io.vigil.models.video.LeadPairing;
import io.vigil.models.video.SampledFrame;
import io.vigil.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The model loop without Flink or Kafka, over the same chunks: decode, sample, preprocess, encode
 * (one batch across all streams per round of chunks), step the Mamba states (batched across
 * streams), and caption every stream at each segment boundary (the captions due together generated
 * together), as the job does. Each stage's CPU time (this thread's) is counted apart.
 */
final class BareLoop {
    /** The loop's stages. */
    enum Stage {
        DECODE("decode"),
        PREPROCESS("preprocess"),
        ENCODE("encode"),
        STEP("step"),
        CAPTIONS("captions");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    /**
     * @param coreSeconds CPU seconds of the loop's thread per stage (native threads that ONNX
     *     Runtime may start are not in it; the bench runs it with one intra-op thread)
     */
    record Result(double framesPerSecond, long frames, Map<Stage, Double> coreSeconds) {}

    private final VigilModel model;
    private final long segmentMs;

    BareLoop(VigilModel model, long segmentMs) {
        this.model = model;
        this.segmentMs = segmentMs;
    }

    /** Over {@code streams} streams, stream i playing clip i mod clips. */
    Result run(List<BenchClip> clips, int streams) {
        long[] cpu = new long[Stage.values().length];
        ChunkDecoder decoder = new ChunkDecoder();
        FramePreprocessor pre = model.preprocessor();
        List<StreamState> states = new ArrayList<>();
        List<FrameSampler> samplers = new ArrayList<>();
        long[] pendingSegment = new long[streams];
        for (int s = 0; s < streams; s++) {
            states.add(model.newState());
            samplers.add(model.manifest().sampler());
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
                // preprocesses (and, with a lead, pairs) the frames as the job does
                LeadPairing pairs = new LeadPairing(samplers.get(s), pre);
                long before = CpuLedger.threadCpuNanos();
                decoder.decodeSampled(
                        ChunkDecoder.bytes(c.getData()),
                        ChunkDecoder.format(c.getContainer()),
                        c.getMediaStartMs(),
                        samplers.get(s),
                        new ChunkDecoder.SampleSink() {
                            @Override
                            public void accept(
                                    long ptsMs, ByteBuffer rgb, int width, int height, int stride) {
                                long t = CpuLedger.threadCpuNanos();
                                pairs.accept(ptsMs, rgb, width, height, stride);
                                cpu[Stage.PREPROCESS.ordinal()] += CpuLedger.threadCpuNanos() - t;
                            }

                            @Override
                            public void restart() { // the chunk is decoded again, every frame
                                pairs.restart();
                            }
                        });
                cpu[Stage.DECODE.ordinal()] += CpuLedger.threadCpuNanos() - before;
                long held = CpuLedger.threadCpuNanos();
                // as ChunkDecoder.sample does: a lead whose sample is in the next chunk
                samplers.get(s).hold(pairs.held());
                cpu[Stage.PREPROCESS.ordinal()] += CpuLedger.threadCpuNanos() - held;
                for (SampledFrame f : pairs.frames()) {
                    pixels.add(f.pixels()); // [C, H, W]
                    owner.add(s);
                    times.add(f.ptsMs());
                }
            }
            if (pixels.isEmpty()) {
                continue;
            }
            long before = CpuLedger.threadCpuNanos();
            float[][] tokens = model.encoder().encode(pixels);
            cpu[Stage.ENCODE.ordinal()] += CpuLedger.threadCpuNanos() - before;
            // step in waves: each wave holds at most one frame per stream, batched
            boolean[] done = new boolean[tokens.length];
            int left = tokens.length;
            while (left > 0) {
                List<StreamState> batch = new ArrayList<>();
                List<float[]> batchTokens = new ArrayList<>();
                List<StreamState> due = new ArrayList<>(); // segments closing: captioned together
                boolean[] used = new boolean[streams];
                for (int i = 0; i < tokens.length; i++) {
                    int s = owner.get(i);
                    if (done[i] || used[s]) {
                        continue;
                    }
                    long segment = times.get(i) / segmentMs;
                    if (segment > pendingSegment[s]) {
                        due.add(states.get(s)); // segment boundary
                        pendingSegment[s] = segment;
                    }
                    used[s] = true;
                    done[i] = true;
                    left--;
                    batch.add(states.get(s));
                    batchTokens.add(tokens[i]);
                }
                if (!due.isEmpty()) {
                    long t = CpuLedger.threadCpuNanos();
                    model.generator().generateCaptions(due);
                    cpu[Stage.CAPTIONS.ordinal()] += CpuLedger.threadCpuNanos() - t;
                }
                long t = CpuLedger.threadCpuNanos();
                model.decoder().stepFrames(batch, batchTokens.toArray(new float[0][]));
                cpu[Stage.STEP.ordinal()] += CpuLedger.threadCpuNanos() - t;
                frames += batch.size();
            }
        }
        long t = CpuLedger.threadCpuNanos();
        model.generator().generateCaptions(states); // the final segments
        cpu[Stage.CAPTIONS.ordinal()] += CpuLedger.threadCpuNanos() - t;
        double seconds = (System.nanoTime() - start) / 1e9;
        cpu[Stage.DECODE.ordinal()] -= cpu[Stage.PREPROCESS.ordinal()]; // counted inside decode
        Map<Stage, Double> coreSeconds = new EnumMap<>(Stage.class);
        for (Stage st : Stage.values()) {
            coreSeconds.put(st, cpu[st.ordinal()] / 1e9);
        }
        return new Result(frames / seconds, frames, coreSeconds);
    }
}
