package io.vigil.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The frame encoder graph: preprocessed frames {@code [N, 3, H, W]} to one token per frame {@code
 * [N, D]}, N frames in one ONNX call. Immutable; thread-safe (ONNX Runtime sessions allow
 * concurrent {@code run}). The session is owned and closed by {@link VigilModel}.
 */
public final class FrameEncoder {

    static final String INPUT = "frames";
    static final String OUTPUT = "tokens";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path modelDir;
    private final String graph;
    private final int height; // H
    private final int width; // W
    private final int tokenDim; // D

    FrameEncoder(OrtEnvironment env, OrtSession session, Manifest m) {
        this.env = env;
        this.session = session;
        this.modelDir = m.dir();
        this.graph = m.graphs().encoder();
        this.height = m.frameHeight();
        this.width = m.frameWidth();
        this.tokenDim = m.tokenDim();
        Tensors.requireNames(graph, "input", session.getInputNames(), INPUT);
        Tensors.requireNames(graph, "output", session.getOutputNames(), OUTPUT);
    }

    /** D. */
    public int tokenDim() {
        return tokenDim;
    }

    /** Floats in one preprocessed frame: {@code 3 * H * W}. */
    public int frameSize() {
        return 3 * height * width;
    }

    /**
     * Encodes frames in one call.
     *
     * @param frames each {@code [3, H, W]}, from {@link FramePreprocessor}
     * @return {@code [N][D]}
     */
    public float[][] encode(List<float[]> frames) {
        int n = frames.size();
        if (n == 0) {
            return new float[0][];
        }
        int size = frameSize();
        FloatBuffer in = Tensors.Scratch.get().floats(0, n * size); // [N, 3, H, W]
        for (int i = 0; i < n; i++) {
            float[] f = frames.get(i);
            if (f.length != size) {
                throw new ModelException(
                        String.format(
                                "frame %d has %d floats, the encoder of %s takes [3, %d, %d] = %d",
                                i, f.length, modelDir, height, width, size));
            }
            in.put(f);
        }
        in.rewind();
        long[] shape = {n, 3, height, width};
        try (OnnxTensor frameTensor = OnnxTensor.createTensor(env, in, shape);
                OrtSession.Result result = session.run(Map.of(INPUT, frameTensor))) {
            FloatBuffer out = Tensors.output(result, OUTPUT); // [N, D]
            if (out.remaining() != n * tokenDim) {
                throw new ModelException(
                        String.format(
                                "encoder %s/%s returned %d floats for %d frames, expected [%d, %d]",
                                modelDir, graph, out.remaining(), n, n, tokenDim));
            }
            float[][] tokens = new float[n][tokenDim]; // [N][D]
            for (int i = 0; i < n; i++) {
                out.get(tokens[i]);
            }
            return tokens;
        } catch (OrtException e) {
            throw ModelException.ort(
                    modelDir, graph, "encode", ModelException.shape(INPUT, shape), e);
        }
    }

    /** One frame: {@code [3, H, W]} to {@code [D]}. */
    public float[] encode(float[] frame) {
        return encode(List.of(frame))[0];
    }
}
