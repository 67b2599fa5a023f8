package io.vigil.models;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The decoder step graph's contract in one place ({@code docs/model-contract.md}): its input and
 * output names, and how B streams' states are stacked along the batch axis into the graph's {@code
 * [L, B, ...]} state tensors and taken apart again. {@link MambaDecoder} (frame steps on live
 * states) and {@link TextSteps} (text steps on copies) both go through here.
 */
final class StepGraph {
    static final String IN_FRAME_TOKEN = "frame_token"; // [B, D]
    static final String IN_TOKEN_ID = "token_id"; // [B]
    static final String IN_IS_FRAME = "is_frame"; // [B]
    static final String IN_CONV = "conv_state"; // [L, B, d_inner, d_conv-1]
    static final String IN_SSM = "ssm_state"; // [L, B, d_inner, d_state]
    static final String OUT_LOGITS = "logits"; // [B, V]
    static final String OUT_CONV = "conv_state_out"; // [L, B, d_inner, d_conv-1]
    static final String OUT_SSM = "ssm_state_out"; // [L, B, d_inner, d_state]

    static final String[] INPUTS = {IN_FRAME_TOKEN, IN_TOKEN_ID, IN_IS_FRAME, IN_CONV, IN_SSM};
    static final String[] OUTPUTS = {OUT_LOGITS, OUT_CONV, OUT_SSM};

    private StepGraph() {}

    /** {@code [L, B, d_inner, d_conv-1]}. */
    static long[] convShape(MambaConfig c, int batch) {
        return new long[] {c.layers(), batch, c.dInner(), c.dConv() - 1};
    }

    /** {@code [L, B, d_inner, d_state]}. */
    static long[] ssmShape(MambaConfig c, int batch) {
        return new long[] {c.layers(), batch, c.dInner(), c.dState()};
    }

    /** Floats of one stream's conv state in one layer: {@code d_inner * (d_conv-1)}. */
    static int convBlock(MambaConfig c) {
        return c.dInner() * (c.dConv() - 1);
    }

    /** Floats of one stream's SSM state in one layer: {@code d_inner * d_state}. */
    static int ssmBlock(MambaConfig c) {
        return c.dInner() * c.dState();
    }

    /**
     * Writes the states, layer by layer, into {@code conv} {@code [L, B, d_inner, d_conv-1]} and
     * {@code ssm} {@code [L, B, d_inner, d_state]}, and rewinds both.
     *
     * @throws ModelException when a state does not fit the model's sizes
     */
    static void stack(
            MambaConfig c,
            String model,
            List<StreamState> states,
            FloatBuffer conv,
            FloatBuffer ssm) {
        for (StreamState s : states) {
            if (!s.fits(c)) {
                throw new ModelException(
                        "state " + s + " does not fit model " + model + " (" + c + ")");
            }
        }
        int convBlock = convBlock(c);
        int ssmBlock = ssmBlock(c);
        for (int l = 0; l < c.layers(); l++) {
            for (StreamState s : states) {
                conv.put(s.conv(), l * convBlock, convBlock);
                ssm.put(s.ssm(), l * ssmBlock, ssmBlock);
            }
        }
        conv.rewind();
        ssm.rewind();
    }

    /** The inverse of {@link #stack}: reads the graph's new states back into {@code states}. */
    static void unstack(
            MambaConfig c, FloatBuffer conv, FloatBuffer ssm, List<StreamState> states) {
        int convBlock = convBlock(c);
        int ssmBlock = ssmBlock(c);
        for (int l = 0; l < c.layers(); l++) {
            for (StreamState s : states) {
                conv.get(s.conv(), l * convBlock, convBlock);
                ssm.get(s.ssm(), l * ssmBlock, ssmBlock);
            }
        }
    }
}
