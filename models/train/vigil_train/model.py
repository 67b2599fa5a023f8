"""vigil-tiny: LLaVA-Mini-style frame encoder (1 token per frame) + Mamba decoder.

Glossary (Mamba paper, Gu & Dao 2023): u input, x/z the two halves of in_proj, Δ (dt) step size,
A = -exp(A_log) [d_inner, d_state], B/C input/output projections of the state h, D skip.
Recurrent form per layer: h_t = exp(Δ_t A) * h_{t-1} + Δ_t B_t x_t ;  y_t = C_t·h_t + D x_t.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    """Multi-head attention written by hand (exports to plain ONNX ops)."""

    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))

    def forward(self, q_in, kv_in):  # q_in [B, Q, d], kv_in [B, P, d]
        b, nq, d = q_in.shape
        np_ = kv_in.shape[1]
        q = self.q(q_in).reshape(b, nq, self.h, self.dh).transpose(1, 2)  # [B, h, Q, dh]
        k = self.k(kv_in).reshape(b, np_, self.h, self.dh).transpose(1, 2)  # [B, h, P, dh]
        v = self.v(kv_in).reshape(b, np_, self.h, self.dh).transpose(1, 2)  # [B, h, P, dh]
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.dh), dim=-1)  # [B, h, Q, P]
        return self.o((att @ v).transpose(1, 2).reshape(b, nq, d))  # [B, Q, d]


class FrameEncoder(nn.Module):
    """frames [N, 3, 64, 64] -> tokens [N, D].

    conv backbone -> 8x8 = 64 patch tokens (+ learned positions) -> pre-fusion block (self-
    attention over the frame's own patches; text is not available yet in a stream) ->
    learnable-query cross-attention (query = learned vector + MLP(max-pool of the conv map))
    compressing the 64 patches into ONE token.
    """

    def __init__(self, d=128, width=96, heads=8):
        super().__init__()

        def block(cin, cout, stride):
            return [nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU()]

        self.backbone = nn.Sequential(*block(3, 24, 2), *block(24, 48, 2), *block(48, width, 2),
                                      *block(width, width, 1))  # 64x64 -> 8x8
        self.patch = nn.Linear(width, d)
        self.pos = nn.Parameter(torch.randn(64, d) * 0.02)  # [P, D]
        self.n1, self.fuse = nn.LayerNorm(d), Attention(d, heads)
        self.n2, self.mlp1 = nn.LayerNorm(d), nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.Linear(d, d))
        self.query = nn.Parameter(torch.randn(1, 1, d) * 0.02)  # [1, 1, D]
        # the query is conditioned on a max-pool of the backbone map (learned much faster on
        # 2 cores than a purely static query; still one query -> one token)
        self.qmlp = nn.Sequential(nn.Linear(width, d), nn.GELU(), nn.Linear(d, d))
        self.n3, self.compress = nn.LayerNorm(d), Attention(d, heads)
        self.n4, self.mlp2 = nn.LayerNorm(d), nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.out_norm = nn.LayerNorm(d)

    def forward(self, frames):  # [N, 3, 64, 64]
        f = self.backbone(frames)  # [N, C, 8, 8]
        p = self.patch(f.flatten(2).transpose(1, 2).contiguous()) + self.pos  # [N, 64, D]
        p = p + self.fuse(self.n1(p), self.n1(p))  # pre-fusion over the frame's own patches
        p = p + self.mlp1(self.n2(p))
        q = self.query + self.qmlp(f.amax(dim=(2, 3))).unsqueeze(1)  # [N, 1, D]
        t = q + self.compress(q, self.n3(p))  # [N, 1, D]
        t = t + self.mlp2(self.n4(t))
        return self.out_norm(t[:, 0])  # [N, D]


class AuxHead(nn.Module):
    """Training-only per-frame targets from the token: presence [12] and centre (x, y) [12, 2]."""

    def __init__(self, d=128, slots=12):
        super().__init__()
        self.slots = slots
        self.lin = nn.Linear(d, slots * 3)

    def forward(self, tok):  # [N, D]
        o = self.lin(tok).reshape(-1, self.slots, 3)
        return o[..., 0], torch.sigmoid(o[..., 1:])  # [N, 12], [N, 12, 2]


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.eps, self.weight = eps, nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class MambaMixer(nn.Module):
    def __init__(self, d_model=128, d_inner=256, d_state=16, d_conv=4, dt_min=0.01, dt_max=1.0,
                 slow=0.0):
        super().__init__()
        self.d_inner, self.d_state, self.d_conv = d_inner, d_state, d_conv
        self.dt_rank = math.ceil(d_model / 16)
        self.in_proj = nn.Linear(d_model, 2 * d_inner)
        self.conv = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner)  # causal via left pad
        self.x_proj = nn.Linear(d_inner, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, d_inner)
        dt = torch.exp(torch.rand(d_inner) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min))
        with torch.no_grad():  # softplus(bias) = dt in [0.01, 1]: 1-fps frames must write into h
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
        A_log = torch.log(torch.arange(1, d_state + 1).float()).repeat(d_inner, 1)  # [d_inner, N]
        # "slow" channels: A = -1e-4 n, so exp(dt A) stays ~1 for hundreds of steps; the memory
        # of early events then survives on videos far longer than the training ones
        A_log[: int(slow * d_inner)] += math.log(1e-4)
        self.A_log = nn.Parameter(A_log)
        self.D = nn.Parameter(torch.ones(d_inner))
        self.out_proj = nn.Linear(d_inner, d_model)

    def _ssm_inputs(self, x):  # x [..., d_inner] after conv+SiLU
        dbc = self.x_proj(x)
        dt, b, c = dbc.split([self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = F.softplus(self.dt_proj(dt))  # [..., d_inner]
        return dt, b, c

    def forward(self, u, conv_state, h, keep_states=False):
        """u [B, T, d_model]; conv_state [B, d_inner, d_conv-1]; h [B, d_inner, d_state].
        Returns y [B, T, d_model], final (conv_state, h) and, if keep_states, per-step states
        ([B, T, d_inner, d_conv-1], [B, T, d_inner, d_state])."""
        T = u.shape[1]
        x, z = self.in_proj(u).chunk(2, dim=-1)  # [B, T, d_inner] each
        xc = torch.cat([conv_state, x.transpose(1, 2)], dim=2)  # [B, d_inner, d_conv-1+T]
        xs = F.silu(F.conv1d(xc, self.conv.weight, self.conv.bias, groups=self.d_inner))  # [B, d_inner, T]
        xs = xs.transpose(1, 2)  # [B, T, d_inner]
        dt, b, c = self._ssm_inputs(xs)
        A = -torch.exp(self.A_log)  # [d_inner, d_state]
        dA = torch.exp(dt.unsqueeze(-1) * A)  # [B, T, d_inner, d_state]
        dBx = (dt * xs).unsqueeze(-1) * b.unsqueeze(2)  # [B, T, d_inner, d_state]
        hs = []
        # one op per step (CPU training is op-overhead bound); unbind, not dA[:, t]: slicing
        # in a loop makes the backward O(T^2)
        for dA_t, dBx_t in zip(dA.unbind(1), dBx.unbind(1)):
            h = torch.addcmul(dBx_t, dA_t, h)  # [B, d_inner, d_state]
            hs.append(h)
        H = torch.stack(hs, 1)  # [B, T, d_inner, d_state]
        y = (H @ c.unsqueeze(-1)).squeeze(-1) + xs * self.D  # [B, T, d_inner]
        y = self.out_proj(y * F.silu(z))
        k = self.d_conv - 1
        conv_final = xc[:, :, -k:]
        states = None
        if keep_states:  # conv state after step t = inputs t-k+1..t
            cs = xc[:, :, 1:].unfold(2, k, 1).transpose(1, 2)  # [B, T, d_inner, k]
            states = (cs, H)
        return y, (conv_final, h), states

    def step(self, u, conv_state, h):
        """u [B, d_model]; conv_state [B, d_inner, d_conv-1]; h [B, d_inner, d_state]."""
        x, z = self.in_proj(u).chunk(2, dim=-1)  # [B, d_inner]
        xc = torch.cat([conv_state, x.unsqueeze(-1)], dim=2)  # [B, d_inner, d_conv]
        xs = F.silu((xc * self.conv.weight[:, 0, :]).sum(-1) + self.conv.bias)  # [B, d_inner]
        dt, b, c = self._ssm_inputs(xs)
        A = -torch.exp(self.A_log)
        h = torch.exp(dt.unsqueeze(-1) * A) * h + (dt * xs).unsqueeze(-1) * b.unsqueeze(1)
        y = (h * c.unsqueeze(1)).sum(-1) + xs * self.D  # [B, d_inner]
        return self.out_proj(y * F.silu(z)), xc[:, :, 1:], h


class MambaDecoder(nn.Module):
    def __init__(self, vocab, d_token=128, d_model=128, layers=4, d_inner=256, d_state=8, d_conv=4,
                 dt_min=0.01, slow=0.0):
        super().__init__()
        self.L, self.d_inner, self.d_state, self.d_conv = layers, d_inner, d_state, d_conv
        self.config = {"layers": layers, "d_inner": d_inner, "d_state": d_state, "d_conv": d_conv,
                       "dt_min": dt_min, "slow": slow}
        self.frame_proj = nn.Linear(d_token, d_model)
        self.embed = nn.Embedding(vocab, d_model)
        self.norms = nn.ModuleList(RMSNorm(d_model) for _ in range(layers))
        self.mixers = nn.ModuleList(MambaMixer(d_model, d_inner, d_state, d_conv, dt_min, slow=slow)
                                    for _ in range(layers))
        self.norm_f = RMSNorm(d_model)
        self.head = nn.Linear(d_model, vocab)

    def zero_state(self, b, device=None):
        return (torch.zeros(self.L, b, self.d_inner, self.d_conv - 1, device=device),  # [L, B, d_inner, d_conv-1]
                torch.zeros(self.L, b, self.d_inner, self.d_state, device=device))  # [L, B, d_inner, d_state]

    def inputs(self, frame_token, token_id, is_frame):
        """frame_token [..., D], token_id [...] int64, is_frame [...] float -> [..., d_model]."""
        f = is_frame.unsqueeze(-1)
        return f * self.frame_proj(frame_token) + (1 - f) * self.embed(token_id)

    def forward(self, u, conv_state, ssm_state, keep_states=False):
        """u [B, T, d_model]; states [L, B, ...]. Returns logits [B, T, V], final states, per-step
        states ([L, B, T, d_inner, d_conv-1], [L, B, T, d_inner, d_state]) if keep_states."""
        cs, hs, all_c, all_h = [], [], [], []
        x = u
        for i in range(self.L):
            y, (c, h), st = self.mixers[i](self.norms[i](x), conv_state[i], ssm_state[i], keep_states)
            x = x + y
            cs.append(c)
            hs.append(h)
            if keep_states:
                all_c.append(st[0])
                all_h.append(st[1])
        logits = self.head(self.norm_f(x))
        per = (torch.stack(all_c), torch.stack(all_h)) if keep_states else None
        return logits, (torch.stack(cs), torch.stack(hs)), per

    def step(self, frame_token, token_id, is_frame, conv_state, ssm_state):
        """The contract's decoder step: [B, D], [B], [B], [L, B, d_inner, d_conv-1],
        [L, B, d_inner, d_state] -> logits [B, V], new conv_state, new ssm_state."""
        x = self.inputs(frame_token, token_id, is_frame)  # [B, d_model]
        cs, hs = [], []
        for i in range(self.L):
            y, c, h = self.mixers[i].step(self.norms[i](x), conv_state[i], ssm_state[i])
            x = x + y
            cs.append(c)
            hs.append(h)
        return self.head(self.norm_f(x)), torch.stack(cs), torch.stack(hs)


class StepGraph(nn.Module):
    """Wrapper with the exact ONNX I/O of the contract."""

    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, frame_token, token_id, is_frame, conv_state, ssm_state):
        return self.dec.step(frame_token, token_id, is_frame, conv_state, ssm_state)
