package io.vigil.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * The frame encoder graph: preprocessed frames {@code [N, C, H, W]} to one token per frame {@code
 * [N, D]}, N frames in one ONNX call. C is 3 (R, G, B), or 6 when the manifest declares a lead
 * ({@code frame.lead_ms}: each input is the sample's R, G, B followed by its lead frame's, as the
 * decoder pairs them). Immutable; thread-safe (ONNX Runtime sessions allow concurrent {@code run}).
 * Opens only the encoder graph; close it to free the session.
 */
public final class FrameEncoder implements AutoCloseable {

    static final String INPUT = "frames";
    static final String OUTPUT = "tokens";

    private final OrtGraph graph;
    private final int channels; // C
    private final int height; // H
    private final int width; // W
    private final int tokenDim; // D

    private FrameEncoder(OrtGraph graph, Manifest m) {
        this.graph = graph;
        this.channels = m.inputChannels();
        this.height = m.frameHeight();
        this.width = m.frameWidth();
        this.tokenDim = m.tokenDim();
        graph.requireIo(new String[] {INPUT}, OUTPUT);
        long graphChannels = inputChannelsOf(graph);
        if (graphChannels > 0 && graphChannels != channels) {
            throw new ModelException(
                    String.format(
                            "encoder %s/%s takes %d channels per frame, but the manifest's frame"
                                    + " gives %d (frame.lead_ms = %d: 6 with a lead, else 3)",
                            graph.modelDir, graph.file, graphChannels, channels, m.leadMs()));
        }
    }

    /** The graph's fixed channel count (dim 1 of its input), or -1 when it is not fixed. */
    private static long inputChannelsOf(OrtGraph graph) {
        try {
            if (graph.session.getInputInfo().get(INPUT).getInfo() instanceof TensorInfo t
                    && t.getShape().length == 4) {
                return t.getShape()[1]; // [N, C, H, W]
            }
            return -1;
        } catch (OrtException e) {
            throw ModelException.ort(
                    graph.modelDir, graph.file, "reading the input shape", INPUT, e);
        }
    }

    /**
     * Opens the encoder graph of {@code manifest}'s folder.
     *
     * @throws ModelException when ONNX Runtime cannot load it or its input and output are not the
     *     contract's
     */
    public static FrameEncoder open(Manifest manifest, ModelOptions options) {
        OrtGraph g = OrtGraph.open(manifest, manifest.graphs().encoder(), options);
        try {
            return new FrameEncoder(g, manifest);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** {@code "CUDA"} or {@code "CPU"}: the execution provider the encoder runs on. */
    public String provider() {
        return graph.provider;
    }

    /** D. */
    public int tokenDim() {
        return tokenDim;
    }

    /** C: 3, or 6 with a lead (the manifest's {@code frame.lead_ms}). */
    public int channels() {
        return channels;
    }

    /** Floats in one encoder input: {@code C * H * W}. */
    public int frameSize() {
        return channels * height * width;
    }

    /**
     * Encodes frames in one call.
     *
     * @param frames each {@code [C, H, W]}: from {@code FramePreprocessor}, or with a lead as the
     *     decoder pairs a sample with its lead ({@code ChunkDecoder.sample})
     * @return {@code [N][D]}
     */
    public float[][] encode(List<float[]> frames) {
        int n = frames.size();
        if (n == 0) {
            return new float[0][];
        }
        int size = frameSize();
        FloatBuffer in = Tensors.Scratch.get().floats(0, n * size); // [N, C, H, W]
        for (int i = 0; i < n; i++) {
            float[] f = frames.get(i);
            if (f.length != size) {
                throw new ModelException(
                        String.format(
                                "frame %d has %d floats, the encoder of %s takes [%d, %d, %d] = %d",
                                i, f.length, graph.modelDir, channels, height, width, size));
            }
            in.put(f);
        }
        in.rewind();
        long[] shape = {n, channels, height, width};
        try (OnnxTensor frameTensor = OnnxTensor.createTensor(graph.env, in, shape);
                OrtSession.Result result = graph.session.run(Map.of(INPUT, frameTensor))) {
            FloatBuffer out = Tensors.output(result, OUTPUT); // [N, D]
            if (out.remaining() != n * tokenDim) {
                throw new ModelException(
                        String.format(
                                "encoder %s/%s returned %d floats for %d frames, expected [%d, %d]",
                                graph.modelDir, graph.file, out.remaining(), n, n, tokenDim));
            }
            float[][] tokens = new float[n][tokenDim]; // [N][D]
            for (int i = 0; i < n; i++) {
                out.get(tokens[i]);
            }
            return tokens;
        } catch (OrtException e) {
            throw ModelException.ort(
                    graph.modelDir, graph.file, "encode", ModelException.shape(INPUT, shape), e);
        }
    }

    @Override
    public void close() {
        graph.close();
    }
}
