/**
 * The vigil model, run through ONNX Runtime: a frame encoder giving one token per frame and a Mamba
 * decoder whose fixed-size recurrent state is a stream's memory.
 *
 * <p>Entry point: {@link io.vigil.models.VigilModel#load}. The model ({@link
 * io.vigil.models.FrameEncoder}, {@link io.vigil.models.MambaDecoder}, {@link
 * io.vigil.models.TextGenerator}) is immutable and shared; each stream's memory is a {@link
 * io.vigil.models.StreamState} value object (llama2.c's {@code Weights}/{@code RunState} split).
 * The contract with the Python toolkit is {@code docs/model-contract.md}.
 *
 * <h2>Mamba glossary: code names and the paper</h2>
 *
 * Gu &amp; Dao, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces" (2023),
 * arXiv:2312.00752. Reference implementations: <a
 * href="https://github.com/state-spaces/mamba">state-spaces/mamba</a> ({@code mamba_simple.py},
 * {@code Mamba.step()}) and <a
 * href="https://github.com/johnma2006/mamba-minimal">mamba-minimal</a>; the recurrent step with the
 * caches as arguments follows <a href="https://github.com/alxndrTL/mamba.py">mamba.py</a>'s {@code
 * step(x, cache)}.
 *
 * <table>
 *   <caption>Names</caption>
 *   <tr><th>code / manifest</th><th>paper</th><th>meaning</th></tr>
 *   <tr><td>{@code layers} (L)</td><td>number of blocks</td><td>Mamba blocks stacked with
 *       residuals; every state array leads with this axis</td></tr>
 *   <tr><td>{@code d_model}</td><td>D (model width)</td><td>residual stream width; a frame token
 *       of width {@code token_dim} is projected to it ({@code frame_proj}), a text token is
 *       embedded to it ({@code embed})</td></tr>
 *   <tr><td>{@code d_inner}</td><td>E·D (expand × D)</td><td>width inside a block after {@code
 *       in_proj}; the SSM runs per channel of this width</td></tr>
 *   <tr><td>{@code d_conv}</td><td>conv kernel width (4)</td><td>the causal depthwise conv1d
 *       before the SSM; in the recurrent form its state keeps the last {@code d_conv - 1}
 *       inputs</td></tr>
 *   <tr><td>{@code d_state}</td><td>N</td><td>SSM state size per channel</td></tr>
 *   <tr><td>{@code conv} / {@code conv_state} {@code [L, d_inner, d_conv-1]}</td><td>(the conv
 *       cache)</td><td>sliding window of past conv inputs</td></tr>
 *   <tr><td>{@code ssm} / {@code ssm_state} {@code [L, d_inner, d_state]}</td><td>h (hidden
 *       state)</td><td>h<sub>t</sub> = Ā<sub>t</sub> h<sub>t-1</sub> + B̄<sub>t</sub>
 *       x<sub>t</sub>; y<sub>t</sub> = C<sub>t</sub> h<sub>t</sub> + D x<sub>t</sub></td></tr>
 *   <tr><td>{@code dt}, {@code dt_proj}</td><td>Δ</td><td>per-step, per-channel step size,
 *       softplus(dt_proj(x_proj(x))): how much a frame writes into the state (initialised in
 *       [0.01, 1] for 1-fps frames, see the model card)</td></tr>
 *   <tr><td>{@code A_log}</td><td>A = −exp(A_log)</td><td>diagonal state matrix;
 *       discretised Ā = exp(Δ·A) (zero-order hold)</td></tr>
 *   <tr><td>{@code x_proj} → B, C</td><td>B, C (selective)</td><td>input and output
 *       projections of the SSM, computed from the input at every step: the "selection"</td></tr>
 *   <tr><td>{@code D}</td><td>D (skip)</td><td>per-channel skip connection around the SSM</td></tr>
 *   <tr><td>{@code z} (gate)</td><td>SiLU gate</td><td>second half of {@code in_proj}; y ·
 *       SiLU(z) before {@code out_proj}</td></tr>
 *   <tr><td>{@code RMSNorm}</td><td>norm</td><td>pre-norm of each block and the final
 *       norm</td></tr>
 *   <tr><td>{@code framesSeen}</td><td>t</td><td>frame steps taken by the live state (text
 *       steps run on copies)</td></tr>
 *   <tr><td>{@code is_frame}</td><td>—</td><td>1 for a frame step (input {@code
 *       frame_proj(frame_token)}), 0 for a text step (input {@code embed(token_id)})</td></tr>
 * </table>
 *
 * <p>Shapes in comments: {@code B} is the batch (streams stepped together), {@code N} frames
 * encoded together, {@code D} the token width, {@code V} the vocabulary.
 */
package io.vigil.models;
