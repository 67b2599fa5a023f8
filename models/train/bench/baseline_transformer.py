"""Exports a KV-cache transformer decoder step of a given width, for side-by-side benchmarks.

The baseline for `docs/benchmarks.md`: a decoder-only transformer of the same width and depth
as the shipped Mamba, stepping one frame token at a time with a KV cache, which is how
transformer video LLMs (LLaVA-Mini included) keep their memory. Its weights are random: only
its cost is measured, never its output.

    python3 models/train/bench/baseline_transformer.py --d-model 128 --layers 4 --heads 4 \
        --out jobs/target/bench/transformer_step.onnx

Graph: x [B, D], k_cache/v_cache [L, B, H, T, Dh] → y [B, D], k_out/v_out [L, B, H, T+1, Dh];
T (the cache length, i.e. frames seen) is a dynamic axis.
"""

import argparse
import math

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x, k_cache, v_cache):
        # x [B, D]; k_cache, v_cache [B, H, T, Dh]
        b = x.shape[0]
        q, k, v = self.qkv(self.norm1(x)).view(b, 3, self.heads, 1, self.dh).unbind(1)
        k_all = torch.cat([k_cache, k], dim=2)  # [B, H, T+1, Dh]
        v_all = torch.cat([v_cache, v], dim=2)  # [B, H, T+1, Dh]
        att = torch.softmax(q @ k_all.transpose(-1, -2) / math.sqrt(self.dh), dim=-1)  # [B, H, 1, T+1]
        y = (att @ v_all).reshape(b, -1)  # [B, D]
        x = x + self.out(y)
        return x + self.mlp(self.norm2(x)), k_all, v_all


class TransformerStep(nn.Module):
    def __init__(self, d: int, layers: int, heads: int):
        super().__init__()
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))

    def forward(self, x, k_cache, v_cache):
        # x [B, D]; k_cache, v_cache [L, B, H, T, Dh]
        ks, vs = [], []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk(x, k_cache[i], v_cache[i])
            ks.append(k)
            vs.append(v)
        return x, torch.stack(ks), torch.stack(vs)



def legacy_exporter():
    """TorchScript-based export (dynamo=False) where torch offers the choice: torch 2.6+ defaults
    to the dynamo exporter, which needs a matching onnxscript; the graph is the same."""
    import inspect
    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.manual_seed(0)
    m = TransformerStep(a.d_model, a.layers, a.heads).eval()
    dh = a.d_model // a.heads
    x = torch.randn(2, a.d_model)
    kc = torch.randn(a.layers, 2, a.heads, 5, dh)
    vc = torch.randn(a.layers, 2, a.heads, 5, dh)
    torch.onnx.export(
        m, (x, kc, vc), a.out, opset_version=17,
        input_names=["x", "k_cache", "v_cache"], output_names=["y", "k_out", "v_out"],
        dynamic_axes={"x": {0: "B"}, "k_cache": {1: "B", 3: "T"}, "v_cache": {1: "B", 3: "T"},
                      "y": {0: "B"}, "k_out": {1: "B", 3: "T1"}, "v_out": {1: "B", 3: "T1"}},
        **legacy_exporter(),
    )
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
