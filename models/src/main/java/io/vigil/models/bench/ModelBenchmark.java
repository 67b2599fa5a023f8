package io.vigil.models.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vigil.models.FrameEncoder;
import io.vigil.models.MambaDecoder;
import io.vigil.models.ModelException;
import io.vigil.models.StreamState;
import io.vigil.models.VigilModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Speed and memory of the model alone (no Flink, no Kafka), written as a markdown report: encoder
 * frames/s by batch, decoder steps/s by batch, the flat cost of one stream over 100,000 frames, and
 * — side by side in the same run — a KV-cache transformer decoder step of the same width (exported
 * by {@code models/train/bench/baseline_transformer.py}).
 *
 * <p>Every figure is a median over repeated timed rounds after a warm-up; the caller reports the
 * machine. Nothing here is asserted by tests: benchmarks measure, tests check behaviour.
 */
public final class ModelBenchmark {

    private final VigilModel model;
    private final Path transformerStep; // may be null: the comparison is then skipped and said so
    private final int flatFrames;
    private final int[] encoderBatches;
    private final Random random = new Random(42);

    /**
     * @param encoderBatches the encoder's batch sizes to time (e.g. 1, 16, 64; a detector backbone
     *     is ~100x costlier per frame, so 1, 8, 32)
     */
    public ModelBenchmark(
            VigilModel model, Path transformerStep, int flatFrames, int... encoderBatches) {
        this.model = model;
        this.transformerStep = transformerStep;
        this.flatFrames = flatFrames;
        this.encoderBatches = encoderBatches.clone();
    }

    /** Runs every measurement and returns the report. */
    public String run() {
        StringBuilder md = new StringBuilder();
        md.append("### Frame encoder (").append(model.id()).append(")\n\n");
        md.append("| batch | frames/s | ms per call |\n|---:|---:|---:|\n");
        for (int batch : encoderBatches) {
            double ms = encoderCallMs(batch);
            md.append(row(batch, batch * 1000.0 / ms, ms));
        }
        md.append("\n### Decoder step (frame tokens)\n\n");
        md.append("| streams in batch | steps/s (all streams) | µs per stream-step |\n");
        md.append("|---:|---:|---:|\n");
        for (int batch : new int[] {1, 64, 256}) {
            double ms = decoderCallMs(batch);
            md.append(row(batch, batch * 1000.0 / ms, ms * 1000.0 / batch));
        }
        md.append(flatCost());
        md.append(transformerComparison());
        return md.toString();
    }

    private static String row(int batch, double perSecond, double ms) {
        return String.format(Locale.ROOT, "| %d | %,.0f | %.3f |%n", batch, perSecond, ms);
    }

    private double encoderCallMs(int batch) {
        FrameEncoder enc = model.encoder();
        List<float[]> frames = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            frames.add(randomFloats(enc.frameSize())); // [C, H, W]
        }
        return medianMs(Math.max(3, 64 / batch), i -> enc.encode(frames));
    }

    private double decoderCallMs(int batch) {
        MambaDecoder dec = model.decoder();
        List<StreamState> states = new ArrayList<>();
        float[][] tokens = new float[batch][]; // [B, D]
        for (int i = 0; i < batch; i++) {
            states.add(dec.newState());
            tokens[i] = randomFloats(dec.tokenDim());
        }
        return medianMs(Math.max(3, 512 / batch), i -> dec.stepFrames(states, tokens));
    }

    /** One stream stepped {@code flatFrames} times; mean step time near the start vs the end. */
    private String flatCost() {
        MambaDecoder dec = model.decoder();
        StreamState state = dec.newState();
        float[][] tokens = new float[256][];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = randomFloats(dec.tokenDim()); // [D]
        }
        int window = Math.min(1000, flatFrames / 10);
        StreamState warmUp = dec.newState(); // JIT and ONNX Runtime warm before frame 100
        for (int f = 0; f < 2000; f++) {
            dec.stepFrame(warmUp, tokens[f % tokens.length]);
        }
        long earlyNs = 0;
        long lateNs = 0;
        long bytesEarly = 0;
        for (int f = 1; f <= flatFrames; f++) {
            long t0 = System.nanoTime();
            dec.stepFrame(state, tokens[f % tokens.length]);
            long dt = System.nanoTime() - t0;
            if (f > 100 && f <= 100 + window) {
                earlyNs += dt;
                bytesEarly = state.sizeBytes();
            } else if (f > flatFrames - window) {
                lateNs += dt;
            }
        }
        double early = earlyNs / 1000.0 / window;
        double late = lateNs / 1000.0 / window;
        return String.format(
                Locale.ROOT,
                "%n### Flat cost: one stream, %,d frames%n%n"
                        + "| | mean step (µs) | state bytes |%n|---|---:|---:|%n"
                        + "| frames 101–%d | %.1f | %,d |%n"
                        + "| last %d frames (to %,d) | %.1f | %,d |%n"
                        + "| ratio late / early | %.3f | %.3f |%n",
                flatFrames,
                100 + window,
                early,
                bytesEarly,
                window,
                flatFrames,
                late,
                state.sizeBytes(),
                late / early,
                state.sizeBytes() / (double) bytesEarly);
    }

    private String transformerComparison() {
        if (transformerStep == null) {
            return "\n(The transformer comparison was skipped: no baseline graph given.)\n";
        }
        MambaDecoder dec = model.decoder();
        StreamState state = dec.newState();
        float[] token = randomFloats(dec.tokenDim());
        double mambaUs = medianMs(2000, i -> dec.stepFrame(state, token)) * 1000.0;
        StringBuilder md = new StringBuilder();
        md.append("\n### Mamba state vs a KV-cache transformer of the same width, one stream\n\n");
        md.append("| frames in memory | transformer µs/frame | Mamba µs/frame | cost ratio |");
        md.append(" transformer KV bytes | Mamba state bytes | memory ratio |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        try (OrtEnvironment env = OrtEnvironment.getEnvironment();
                OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(transformerStep.toString(), opts)) {
                for (int frames : new int[] {1000, 10000}) {
                    double tUs = transformerStepUs(env, session, frames);
                    long kvBytes = kvBytes(session, frames);
                    md.append(
                            String.format(
                                    Locale.ROOT,
                                    "| %,d | %.1f | %.1f | %.1f× | %,d | %,d | %.0f× |%n",
                                    frames,
                                    tUs,
                                    mambaUs,
                                    tUs / mambaUs,
                                    kvBytes,
                                    state.sizeBytes(),
                                    kvBytes / (double) state.sizeBytes()));
                }
            }
        } catch (OrtException e) {
            throw new ModelException("transformer baseline " + transformerStep + " failed", e);
        }
        return md.toString();
    }

    private long[] cacheShape(OrtSession session, int frames) throws OrtException {
        long[] shape =
                ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("k_cache").getInfo())
                        .getShape(); // [L, B, H, T, Dh]
        return new long[] {shape[0], 1, shape[2], frames, shape[4]};
    }

    private long kvBytes(OrtSession session, int frames) throws OrtException {
        long n = 1;
        for (long d : cacheShape(session, frames)) {
            n *= d;
        }
        return 2 * n * Float.BYTES; // keys and values
    }

    private double transformerStepUs(OrtEnvironment env, OrtSession session, int frames)
            throws OrtException {
        long[] shape = cacheShape(session, frames); // [L, 1, H, T, Dh]
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        long width = shape[2] * shape[4]; // D = H * Dh
        FloatBuffer cache = FloatBuffer.wrap(randomFloats((int) n));
        try (OnnxTensor x =
                        OnnxTensor.createTensor(
                                env,
                                FloatBuffer.wrap(randomFloats((int) width)),
                                new long[] {1, width});
                OnnxTensor k = OnnxTensor.createTensor(env, cache, shape);
                OnnxTensor v = OnnxTensor.createTensor(env, cache, shape)) {
            Map<String, OnnxTensor> in = Map.of("x", x, "k_cache", k, "v_cache", v);
            return medianMs(
                            frames >= 10000 ? 20 : 100,
                            i -> {
                                try (OrtSession.Result r = session.run(in)) {
                                    r.get(0);
                                } catch (OrtException e) {
                                    throw new ModelException("transformer step failed", e);
                                }
                            })
                    * 1000.0;
        }
    }

    /** Median of 5 rounds of {@code iterations} calls, after one warm-up round; ms per call. */
    private static double medianMs(int iterations, IntConsumer call) {
        for (int i = 0; i < iterations; i++) {
            call.accept(i);
        }
        double[] rounds = new double[5];
        for (int r = 0; r < rounds.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                call.accept(i);
            }
            rounds[r] = (System.nanoTime() - t0) / 1e6 / iterations;
        }
        java.util.Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }

    private float[] randomFloats(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }
}
