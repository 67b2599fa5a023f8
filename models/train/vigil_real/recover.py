"""A shipped vigil-cam's trained weights back from its ONNX files, to train on from there when the
training run's head.pt and dec.pt are gone: encoder.onnx's CamHead initializers -> head.pt,
decoder_step.onnx's -> dec.pt (the format `train.py` writes). Each is checked by parity: the
recovered head on NanoDet-g's rows of real stills against encoder.onnx's tokens, the recovered
decoder's step against decoder_step.onnx on random inputs (max |difference| printed; refused
above 1e-4).

python -m vigil_real.recover --model ../vigil-cam --work /work/runs_x
"""
import argparse
import glob
import json
import os
import subprocess

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from . import calib, detfeat as df, grammar as g
from .export import session
from .model import CamHead
from .train import save_decoder
from vigil_train.model import MambaDecoder

# the head's Linear layers in the order torch.onnx.export lays out their (transposed) MatMuls
HEAD_MATMULS = ["emb.0", "emb.2", "fuse.q", "fuse.k", "fuse.v", "fuse.o", "mlp1.0", "mlp1.2",
                "compress.q", "compress.k", "compress.v", "compress.o", "mlp2.0", "mlp2.2"]


def inits(path):
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def numbered(w, prefix):
    """Initializers named prefix<N> in the order of N (torch's export numbers them in use order)."""
    keys = [k for k in w if k.startswith(prefix)]
    return [w[k] for k in sorted(keys, key=lambda k: int(k[len(prefix):]))]


def recover_head(enc_path):
    w = inits(enc_path)
    head = CamHead()
    sd = {k[len("head."):]: torch.from_numpy(v.copy()) for k, v in w.items() if k.startswith("head.")}
    mats = numbered(w, "onnx::MatMul_")
    if len(mats) != len(HEAD_MATMULS):
        raise SystemExit(f"{enc_path}: {len(mats)} MatMul initializers, expected {len(HEAD_MATMULS)}")
    for name, m in zip(HEAD_MATMULS, mats):
        sd[name + ".weight"] = torch.from_numpy(m.T.copy())
    head.load_state_dict(sd)
    return head.eval()


def recover_decoder(step_path, m):
    w = inits(step_path)
    mb = m["mamba"]
    dec = MambaDecoder(len(g.VOCAB), layers=mb["layers"], d_inner=mb["d_inner"], d_state=mb["d_state"],
                       d_conv=mb["d_conv"])
    sd = {k[len("dec."):]: torch.from_numpy(v.copy()) for k, v in w.items() if k.startswith("dec.")}
    convs, xprojs = numbered(w, "onnx::Mul_"), numbered(w, "onnx::MatMul_")
    for i in range(mb["layers"]):
        sd[f"mixers.{i}.conv.weight"] = torch.from_numpy(convs[i][:, None, :].copy())
        sd[f"mixers.{i}.x_proj.weight"] = torch.from_numpy(xprojs[i].T.copy())
    dec.load_state_dict(sd)
    return dec.eval()


def stills():
    """Real stills that are not the test footage: opencv-doc's images, box-resized to the input."""
    paths = sorted(glob.glob("/usr/share/doc/opencv-doc/examples/data/*.jpg"))[:6]
    out = []
    for p in paths:
        cmd = ["ffmpeg", "-v", "error", "-i", p, "-vf", f"scale={df.W}:{df.H}:flags=area", "-f", "rawvideo",
               "-pix_fmt", "rgb24", "-"]
        raw = subprocess.run(cmd, capture_output=True, check=True).stdout
        out.append(np.frombuffer(raw, np.uint8).reshape(df.H, df.W, 3))
    return np.stack(out).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(os.path.dirname(__file__), "..", "..", "vigil-cam"))
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    m = json.load(open(os.path.join(a.model, "manifest.json")))
    enc_path, step_path = (os.path.join(a.model, m["graphs"][k]) for k in ("encoder", "step"))
    head = recover_head(enc_path)
    rgb = stills()
    with torch.no_grad():
        mine = head(torch.from_numpy(calib.run(calib.detector(), rgb))).numpy()
    theirs = session(enc_path).run(["tokens"], {"frames": rgb.transpose(0, 3, 1, 2).copy()})[0]
    d_head = float(np.abs(mine - theirs).max())
    dec = recover_decoder(step_path, m)
    B, mb = 3, m["mamba"]
    rng = np.random.default_rng(0)
    feed = {"frame_token": rng.standard_normal((B, m["token_dim"])).astype(np.float32),
            "token_id": np.array([0, 5, 9]), "is_frame": np.array([1, 0, 0], np.float32),
            "conv_state": rng.standard_normal((mb["layers"], B, mb["d_inner"], mb["d_conv"] - 1)).astype(np.float32),
            "ssm_state": rng.standard_normal((mb["layers"], B, mb["d_inner"], mb["d_state"])).astype(np.float32)}
    ref = session(step_path).run(None, feed)
    with torch.no_grad():
        got = dec.step(*(torch.from_numpy(feed[k]) for k in ("frame_token", "token_id", "is_frame",
                                                             "conv_state", "ssm_state")))
    d_dec = max(float(np.abs(r - t.numpy()).max()) for r, t in zip(ref, got))
    print(json.dumps({"model": f"{m['name']}@{m['version']}", "stills": len(rgb), "head_max_diff": d_head,
                      "decoder_max_diff": d_dec}))
    if d_head > 1e-4 or d_dec > 1e-4:
        raise SystemExit("recovered weights do not reproduce the ONNX graphs")
    torch.save({"head": head.state_dict(), "aux": {}, "recovered_from": enc_path}, os.path.join(a.work, "head.pt"))
    save_decoder(dec, os.path.join(a.work, "dec.pt"))


if __name__ == "__main__":
    main()
