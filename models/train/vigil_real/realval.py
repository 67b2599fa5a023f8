"""Real footage that is not the test clip, as a validation set: vigil-cam's people count on the
Market Street film (realcal.fetch) at 1 fps against the teacher plus tracker (realcal.people:
people the detector finds over time, in view at the sample: centre inside the frame, at least
grammar.MIN_PX tall) and against the detector alone on that frame (rows >= 0.4 after the
encoder's NMS). Not by eye and not a fixed camera, so it is for choosing, not for the bars.
Frames are resized by ffmpeg (area) as for realcal, not by Java's box resize.

python -m vigil_real.realval [--model DIR] [--cache DIR]
"""
import argparse
import json
import os
import subprocess

import numpy as np

from . import detfeat as df
from . import grammar as g
from . import realcal
from .export import OUT, onnx_greedy, session


def frames_at(path, every=30, also=None, size=(df.W, df.H), crop=realcal.CROP):
    """Frames n = 0, every, 2 every, ... (and with also, n = also, every + also, ... between) of
    the active picture (crop: an ffmpeg filter, the film's by default) at size (W, H) -> uint8
    [N, H, W, 3] RGB."""
    pick = f"not(mod(n\\,{every}))" + (f"+eq(mod(n\\,{every})\\,{also})" if also else "")
    cmd = ["ffmpeg", "-v", "error", "-i", path, "-vf",
           f"select='{pick}',{crop},scale={size[0]}:{size[1]}:flags=area",
           "-vsync", "0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, size[1], size[0], 3)


def encode(model, m, rgb, threads=2, lead=None):
    """Frames [N, H, W, 3] RGB 0..255 (and for a model with frame.lead_ms, their lead frames, the
    same shape) -> tokens [N, D] by the model's encoder.onnx (m: its manifest)."""
    mean, std = np.array(m["frame"]["mean"], np.float32), np.array(m["frame"]["std"], np.float32)
    x = (rgb / 255.0 - mean) / std
    if m["frame"].get("lead_ms"):
        x = np.concatenate([x, (lead / 255.0 - mean) / std], -1)  # [N, H, W, 6]: the sample, its lead
    x = np.ascontiguousarray(x.transpose(0, 3, 1, 2), dtype=np.float32)
    enc = session(os.path.join(model, m["graphs"]["encoder"]), threads)
    return np.concatenate([enc.run(["tokens"], {"frames": x[i:i + 8]})[0] for i in range(0, len(x), 8)])


def run_model(model, rgb, lead=None):
    m = json.load(open(os.path.join(model, "manifest.json")))
    step = session(os.path.join(model, m["graphs"]["step"]))
    tok = encode(model, m, rgb, lead=lead)
    L, di, ds, dc = (m["mamba"][k] for k in ("layers", "d_inner", "d_state", "d_conv"))
    c, h = np.zeros((L, 1, di, dc - 1), np.float32), np.zeros((L, 1, di, ds), np.float32)
    caps = []
    for k in range(len(tok)):
        _, c, h = step.run(None, {"frame_token": tok[k:k + 1], "token_id": np.zeros(1, np.int64),
                                  "is_frame": np.ones(1, np.float32), "conv_state": c, "ssm_state": h})
        caps.append(onnx_greedy(step, c, h, [g.CAP], m["token_dim"], m["max_text_tokens"]))
    return caps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=OUT)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/vigil-footage"))
    a = ap.parse_args()
    path = realcal.fetch(a.cache)
    rows = realcal.real_rows(path)
    tracks = realcal.people(rows)
    lead_ms = json.load(open(os.path.join(a.model, "manifest.json")))["frame"].get("lead_ms", 0)
    half = round(lead_ms * 30 / 1000)  # frames: samples at k * 30 + half, their leads at k * 30
    fr = frames_at(path, also=half).astype(np.float32)
    caps = run_model(a.model, fr[1::2], fr[0::2][:len(fr[1::2])]) if half else run_model(a.model, fr)
    err_t, err_d = [], []
    for k, cap in enumerate(caps):
        f = k * 30 + half
        tr = sum(1 for t in tracks if f in t and 0 <= t[f][1] <= 1 and 0 <= t[f][2] <= 1
                 and t[f][4] * df.H >= g.MIN_PX)
        det = int((rows[f][:, 0] >= df.FLOOR).sum()) if f < len(rows) else 0
        n = g.people_count(cap)
        err_t.append(n - tr)
        err_d.append(n - det)
        print(f"t={k:2d}s tracker {tr:2d} detector {det:2d} model {n:2d}  {cap}")
    et, ed = np.array(err_t), np.array(err_d)
    print(f"model vs tracker: within ±1 {np.mean(np.abs(et) <= 1):.0%}, bias {et.mean():+.2f}, MAE {np.abs(et).mean():.2f}; "
          f"vs detector alone: bias {ed.mean():+.2f}")


if __name__ == "__main__":
    main()
