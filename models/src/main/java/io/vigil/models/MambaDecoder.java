package io.vigil.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Mamba decoder's recurrent step graph ({@code decoder_step.onnx}): the immutable model.
 * Per-stream memory lives in {@link StreamState}; {@code step} reads B states, stacks them along
 * the batch axis into {@code [L, B, ...]} ({@link StepGraph}), runs one ONNX call and writes the
 * new states back into the same {@code StreamState} objects. Opens only the step graph; close it to
 * free the session.
 *
 * <p>Thread-safe (the session allows concurrent {@code run}); a given {@code StreamState} must not
 * be stepped from two threads at once, nor appear twice in one batch. See {@code package-info.java}
 * for the glossary.
 */
public final class MambaDecoder implements AutoCloseable {

    private final OrtGraph graph;
    private final MambaConfig config;
    private final int tokenDim; // D
    private final int vocabSize; // V

    private MambaDecoder(OrtGraph graph, Manifest m) {
        this.graph = graph;
        this.config = m.mamba();
        this.tokenDim = m.tokenDim();
        this.vocabSize = m.vocabSize();
        graph.requireIo(StepGraph.INPUTS, StepGraph.OUTPUTS);
    }

    /**
     * Opens the step graph of {@code manifest}'s folder.
     *
     * @throws ModelException when ONNX Runtime cannot load it or its inputs and outputs are not the
     *     contract's
     */
    public static MambaDecoder open(Manifest manifest, ModelOptions options) {
        OrtGraph g = OrtGraph.open(manifest, manifest.graphs().step(), options);
        try {
            return new MambaDecoder(g, manifest);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    public MambaConfig config() {
        return config;
    }

    /** D, the frame token width. */
    public int tokenDim() {
        return tokenDim;
    }

    /** V, the logits' width. */
    public int vocabSize() {
        return vocabSize;
    }

    /** {@code "CUDA"} or {@code "CPU"}: the execution provider the step graph runs on. */
    public String provider() {
        return graph.provider;
    }

    /** A new stream's state (all zeros). */
    public StreamState newState() {
        return StreamState.zeros(config);
    }

    /**
     * Steps B streams by one frame token each; {@code framesSeen} of each grows by one.
     *
     * @param tokens {@code [B][D]}, from {@link FrameEncoder}
     * @return next-token logits {@code [B][V]}
     */
    public float[][] stepFrames(List<StreamState> states, float[][] tokens) {
        boolean[] isFrame = new boolean[states.size()];
        Arrays.fill(isFrame, true);
        return step(states, tokens, null, isFrame);
    }

    /**
     * Text steps on private copies of {@code states}, kept inside ONNX Runtime between steps (each
     * step's output states are the next step's inputs; nothing is copied back). The states are only
     * read, here, once. Close it to free the native tensors. Used by {@link TextGenerator}.
     */
    public TextSteps textSteps(List<StreamState> states) {
        return new TextSteps(graph, config, tokenDim, vocabSize, states);
    }

    /** One stream, one frame token {@code [D]}; returns logits {@code [V]}. */
    public float[] stepFrame(StreamState state, float[] token) {
        return stepFrames(List.of(state), new float[][] {token})[0];
    }

    /**
     * The general step: row b is a frame step ({@code isFrame[b]}, token {@code frameTokens[b]}) or
     * a text step (token id {@code tokenIds[b]}).
     *
     * @param frameTokens {@code [B][D]}, or null when no row is a frame step
     * @param tokenIds {@code [B]}, or null when every row is a frame step
     * @param isFrame {@code [B]}
     * @return logits {@code [B][V]}
     */
    public float[][] step(
            List<StreamState> states, float[][] frameTokens, int[] tokenIds, boolean[] isFrame) {
        int b = states.size();
        if (b == 0) {
            return new float[0][];
        }
        if (isFrame.length != b
                || (frameTokens != null && frameTokens.length != b)
                || (tokenIds != null && tokenIds.length != b)) {
            throw new IllegalArgumentException(
                    String.format(
                            "batch of %d states with %s frame tokens, %s token ids, %d flags",
                            b,
                            frameTokens == null ? "no" : frameTokens.length,
                            tokenIds == null ? "no" : tokenIds.length,
                            isFrame.length));
        }
        int layers = config.layers();
        int convBlock = StepGraph.convBlock(config); // [d_inner, d_conv-1]
        int ssmBlock = StepGraph.ssmBlock(config); // [d_inner, d_state]

        Tensors.Scratch scratch = Tensors.Scratch.get();
        FloatBuffer frameBuf = scratch.floats(1, b * tokenDim); // [B, D]
        LongBuffer idBuf = scratch.longs(2, b); // [B]
        FloatBuffer flagBuf = scratch.floats(3, b); // [B]
        FloatBuffer convBuf =
                scratch.floats(4, layers * b * convBlock); // [L, B, d_inner, d_conv-1]
        FloatBuffer ssmBuf = scratch.floats(5, layers * b * ssmBlock); // [L, B, d_inner, d_state]
        float[] zeros = new float[tokenDim];
        Set<StreamState> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < b; i++) {
            StreamState s = states.get(i);
            if (!seen.add(s)) {
                throw new IllegalArgumentException(
                        "the same StreamState is at two rows of one batch (row " + i + ")");
            }
            if (isFrame[i]) {
                if (frameTokens == null || frameTokens[i] == null) {
                    throw new IllegalArgumentException(
                            "row " + i + " is a frame step without token");
                }
                if (frameTokens[i].length != tokenDim) {
                    throw new ModelException(
                            String.format(
                                    "frame token %d has %d floats, model %s takes D=%d",
                                    i, frameTokens[i].length, graph.modelDir, tokenDim));
                }
                frameBuf.put(frameTokens[i]);
                idBuf.put(0L);
                flagBuf.put(1f);
            } else {
                if (tokenIds == null) {
                    throw new IllegalArgumentException("row " + i + " is a text step without id");
                }
                int id = tokenIds[i];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException(
                            "token id " + id + " outside the vocabulary of " + vocabSize);
                }
                frameBuf.put(zeros);
                idBuf.put(id);
                flagBuf.put(0f);
            }
        }
        StepGraph.stack(config, graph.modelDir.toString(), states, convBuf, ssmBuf);
        frameBuf.rewind();
        idBuf.rewind();
        flagBuf.rewind();

        long[] convShape = StepGraph.convShape(config, b);
        long[] ssmShape = StepGraph.ssmShape(config, b);
        try (OnnxTensor frameT =
                        OnnxTensor.createTensor(graph.env, frameBuf, new long[] {b, tokenDim});
                OnnxTensor idT = OnnxTensor.createTensor(graph.env, idBuf, new long[] {b});
                OnnxTensor flagT = OnnxTensor.createTensor(graph.env, flagBuf, new long[] {b});
                OnnxTensor convT = OnnxTensor.createTensor(graph.env, convBuf, convShape);
                OnnxTensor ssmT = OnnxTensor.createTensor(graph.env, ssmBuf, ssmShape);
                OrtSession.Result result =
                        graph.session.run(
                                Map.of(
                                        StepGraph.IN_FRAME_TOKEN, frameT,
                                        StepGraph.IN_TOKEN_ID, idT,
                                        StepGraph.IN_IS_FRAME, flagT,
                                        StepGraph.IN_CONV, convT,
                                        StepGraph.IN_SSM, ssmT))) {
            FloatBuffer logits = Tensors.output(result, StepGraph.OUT_LOGITS); // [B, V]
            FloatBuffer convOut =
                    Tensors.output(result, StepGraph.OUT_CONV); // [L, B, d_inner, d_conv-1]
            FloatBuffer ssmOut =
                    Tensors.output(result, StepGraph.OUT_SSM); // [L, B, d_inner, d_state]
            if (logits.remaining() != b * vocabSize
                    || convOut.remaining() != layers * b * convBlock
                    || ssmOut.remaining() != layers * b * ssmBlock) {
                throw new ModelException(
                        String.format(
                                "step graph %s/%s returned %d logits, %d conv, %d ssm floats for"
                                        + " B=%d; expected [B, %d], %s, %s",
                                graph.modelDir,
                                graph.file,
                                logits.remaining(),
                                convOut.remaining(),
                                ssmOut.remaining(),
                                b,
                                vocabSize,
                                Arrays.toString(convShape),
                                Arrays.toString(ssmShape)));
            }
            StepGraph.unstack(config, convOut, ssmOut, states);
            float[][] out = new float[b][vocabSize]; // [B][V]
            for (int i = 0; i < b; i++) {
                logits.get(out[i]);
                if (isFrame[i]) {
                    states.get(i).incrementFramesSeen();
                }
            }
            return out;
        } catch (OrtException e) {
            throw ModelException.ort(
                    graph.modelDir,
                    graph.file,
                    "step B=" + b,
                    String.join(
                            ", ",
                            ModelException.shape(StepGraph.IN_FRAME_TOKEN, b, tokenDim),
                            ModelException.shape(StepGraph.IN_TOKEN_ID, b),
                            ModelException.shape(StepGraph.IN_IS_FRAME, b),
                            ModelException.shape(StepGraph.IN_CONV, convShape),
                            ModelException.shape(StepGraph.IN_SSM, ssmShape)),
                    e);
        }
    }

    @Override
    public void close() {
        graph.close();
    }
}
