package io.vigil.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;

/**
 * A run of text steps over B private state copies that stay inside ONNX Runtime: the output tensors
 * {@code conv_state_out}, {@code ssm_state_out} of one step are fed as the inputs of the next, so
 * greedy decoding never copies states through Java arrays. The source {@link StreamState}s are read
 * once, at construction, and never written. Not thread-safe; close it. Obtained from {@link
 * MambaDecoder#textSteps}.
 */
public final class TextSteps implements AutoCloseable {
    private final OrtGraph graph;
    private final int batch; // B
    private final int vocabSize; // V
    private final long[] convShape; // [L, B, d_inner, d_conv-1]
    private final long[] ssmShape; // [L, B, d_inner, d_state]
    private final OnnxTensor frameZeros; // [B, D]
    private final OnnxTensor flagZeros; // [B]
    private final OnnxTensor convInit; // [L, B, d_inner, d_conv-1]
    private final OnnxTensor ssmInit; // [L, B, d_inner, d_state]
    private OnnxTensor conv;
    private OnnxTensor ssm;
    private OrtSession.Result held; // owns conv and ssm after the first step

    TextSteps(
            OrtGraph graph, MambaConfig c, int tokenDim, int vocabSize, List<StreamState> states) {
        this.graph = graph;
        this.batch = states.size();
        this.vocabSize = vocabSize;
        if (batch == 0) {
            throw new IllegalArgumentException("no states");
        }
        convShape = StepGraph.convShape(c, batch);
        ssmShape = StepGraph.ssmShape(c, batch);
        // own buffers, not the per-thread scratch: these tensors live across calls
        FloatBuffer convBuf = Tensors.floats(c.layers() * batch * StepGraph.convBlock(c));
        FloatBuffer ssmBuf = Tensors.floats(c.layers() * batch * StepGraph.ssmBlock(c));
        StepGraph.stack(c, graph.modelDir.toString(), states, convBuf, ssmBuf);
        OrtEnvironment env = graph.env;
        OnnxTensor f = null;
        OnnxTensor g = null;
        OnnxTensor ci = null;
        try {
            f =
                    OnnxTensor.createTensor(
                            env, Tensors.floats(batch * tokenDim), new long[] {batch, tokenDim});
            g = OnnxTensor.createTensor(env, Tensors.floats(batch), new long[] {batch});
            ci = OnnxTensor.createTensor(env, convBuf, convShape);
            ssmInit = OnnxTensor.createTensor(env, ssmBuf, ssmShape);
        } catch (OrtException e) {
            closeAll(f, g, ci);
            throw ModelException.ort(
                    graph.modelDir,
                    graph.file,
                    "text state B=" + batch,
                    ModelException.shape(StepGraph.IN_CONV, convShape)
                            + ", "
                            + ModelException.shape(StepGraph.IN_SSM, ssmShape),
                    e);
        }
        frameZeros = f;
        flagZeros = g;
        convInit = ci;
        conv = convInit;
        ssm = ssmInit;
    }

    /** B. */
    public int batch() {
        return batch;
    }

    /**
     * Steps one text token per row.
     *
     * @param tokenIds {@code [B]}
     * @return next-token logits {@code [B][V]}
     */
    public float[][] step(int[] tokenIds) {
        if (tokenIds.length != batch) {
            throw new IllegalArgumentException(tokenIds.length + " ids for a batch of " + batch);
        }
        LongBuffer ids = Tensors.Scratch.get().longs(2, batch); // [B]
        for (int id : tokenIds) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException(
                        "token id " + id + " outside the vocabulary of " + vocabSize);
            }
            ids.put(id);
        }
        ids.rewind();
        try (OnnxTensor idT = OnnxTensor.createTensor(graph.env, ids, new long[] {batch})) {
            OrtSession.Result r =
                    graph.session.run(
                            Map.of(
                                    StepGraph.IN_FRAME_TOKEN, frameZeros,
                                    StepGraph.IN_TOKEN_ID, idT,
                                    StepGraph.IN_IS_FRAME, flagZeros,
                                    StepGraph.IN_CONV, conv,
                                    StepGraph.IN_SSM, ssm));
            float[][] logits = new float[batch][vocabSize]; // [B][V]
            try {
                FloatBuffer out = Tensors.output(r, StepGraph.OUT_LOGITS);
                if (out.remaining() != batch * vocabSize) {
                    throw new ModelException(
                            String.format(
                                    "step graph %s/%s returned %d logits for B=%d, V=%d",
                                    graph.modelDir, graph.file, out.remaining(), batch, vocabSize));
                }
                for (float[] row : logits) {
                    out.get(row);
                }
                OnnxTensor newConv = tensor(r, StepGraph.OUT_CONV);
                OnnxTensor newSsm = tensor(r, StepGraph.OUT_SSM);
                if (held != null) {
                    held.close(); // the previous states, inputs of this run, are no longer needed
                }
                held = r;
                conv = newConv;
                ssm = newSsm;
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
            return logits;
        } catch (OrtException e) {
            throw ModelException.ort(
                    graph.modelDir,
                    graph.file,
                    "text step B=" + batch,
                    String.join(
                            ", ",
                            ModelException.shape(StepGraph.IN_TOKEN_ID, batch),
                            ModelException.shape(StepGraph.IN_CONV, convShape),
                            ModelException.shape(StepGraph.IN_SSM, ssmShape)),
                    e);
        }
    }

    private static OnnxTensor tensor(OrtSession.Result r, String name) {
        OnnxValue v =
                r.get(name).orElseThrow(() -> new ModelException("graph has no output " + name));
        if (!(v instanceof OnnxTensor t)) {
            throw new ModelException("output " + name + " is not a tensor");
        }
        return t;
    }

    private static void closeAll(AutoCloseable... cs) {
        for (AutoCloseable c : cs) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing native tensors after a failure
                }
            }
        }
    }

    @Override
    public void close() {
        closeAll(held, convInit, ssmInit, frameZeros, flagZeros);
        held = null;
    }
}
