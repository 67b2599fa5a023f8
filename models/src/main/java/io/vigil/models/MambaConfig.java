package io.vigil.models;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Sizes of the Mamba decoder, from the manifest's {@code mamba} object. See the glossary in {@code
 * package-info.java} for what each size means in the paper.
 *
 * @param layers L, the number of Mamba blocks
 * @param dModel the residual stream width (D in the paper's block diagram)
 * @param dInner the expanded width inside a block, {@code expand * d_model}
 * @param dConv the causal depthwise conv kernel width; the conv state keeps the last {@code d_conv
 *     - 1} inputs
 * @param dState N in the paper, the SSM state size per channel
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MambaConfig(
        @JsonProperty("layers") int layers,
        @JsonProperty("d_model") int dModel,
        @JsonProperty("d_inner") int dInner,
        @JsonProperty("d_conv") int dConv,
        @JsonProperty("d_state") int dState) {

    public MambaConfig {
        if (layers <= 0 || dModel <= 0 || dInner <= 0 || dConv <= 1 || dState <= 0) {
            throw new ModelException(
                    String.format(
                            "bad mamba sizes: layers=%d d_model=%d d_inner=%d d_conv=%d"
                                    + " d_state=%d (all > 0, d_conv > 1)",
                            layers, dModel, dInner, dConv, dState));
        }
    }

    /** Floats in one stream's conv state: {@code L * d_inner * (d_conv - 1)}. */
    public int convStateSize() {
        return layers * dInner * (dConv - 1);
    }

    /** Floats in one stream's SSM state: {@code L * d_inner * d_state}. */
    public int ssmStateSize() {
        return layers * dInner * dState;
    }
}
