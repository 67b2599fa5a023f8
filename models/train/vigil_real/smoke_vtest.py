"""FINAL SMOKE CHECK ONLY (not used for training or tuning): vtest.avi at 1 fps through the
shipped models/vigil-cam graphs with Java-equivalent preprocessing (box resize of RGB to HxW,
mean 0, std 1/255 -> raw 0..255), captions every second and answers at a few times.

python -m vigil_real.smoke_vtest [MODEL_DIR] > vigil_real/logs/vtest_smoke.log
"""
import json
import os
import subprocess
import sys

import numpy as np

from . import grammar as g
from .export import OUT, onnx_greedy, session

VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"


def main():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from vigil_train.frames import box_resize
    model = sys.argv[1] if len(sys.argv) > 1 else OUT
    m = json.load(open(os.path.join(model, "manifest.json")))
    H, W = m["frame"]["height"], m["frame"]["width"]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", VIDEO, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    rgb = np.frombuffer(raw, np.uint8).reshape(-1, 576, 768, 3)
    fps = 10
    lead = round(m["frame"].get("lead_ms", 0) * fps / 1000)  # in frames
    samp = rgb[lead::fps]  # sample k = frame k*10 + lead (t = k s + lead_ms), as Java samples
    mean = np.array(m["frame"]["mean"], np.float32)
    std = np.array(m["frame"]["std"], np.float32)
    x = (box_resize(samp, H, W) / 255.0 - mean) / std
    if lead:  # [N, H, W, 6]: each sample, then its lead frame lead_ms before it
        x = np.concatenate([x, (box_resize(rgb[::fps][:len(samp)], H, W) / 255.0 - mean) / std], -1)
    frames = np.ascontiguousarray(x.transpose(0, 3, 1, 2), dtype=np.float32)
    enc = session(os.path.join(model, m["graphs"]["encoder"]))
    step = session(os.path.join(model, m["graphs"]["step"]))
    tok = np.concatenate([enc.run(["tokens"], {"frames": frames[i:i + 8]})[0] for i in range(0, len(frames), 8)])
    L, di, ds, dc = (m["mamba"][k] for k in ("layers", "d_inner", "d_state", "d_conv"))
    D = m["token_dim"]
    c = np.zeros((L, 1, di, dc - 1), np.float32)
    h = np.zeros((L, 1, di, ds), np.float32)
    print(f"vtest.avi: {len(rgb)} frames at {fps} fps -> {len(samp)} samples at 1 fps"
          f"{f' (each with the frame {lead / fps:.1f} s before)' if lead else ''}, input {H}x{W}")
    qs = ["how many people have appeared", "how many people are in view", "how many people passed",
          "how many cars are in view", "was a truck seen", "what entered last"]
    for k in range(len(tok)):
        _, c, h = step.run(None, {"frame_token": tok[k:k + 1], "token_id": np.zeros(1, np.int64),
                                  "is_frame": np.ones(1, np.float32), "conv_state": c, "ssm_state": h})
        cap = onnx_greedy(step, c, h, [g.CAP], D, m["max_text_tokens"])
        print(f"t={k + lead / fps:4.1f}s  {cap}")
        if k in (10, 30, 50, 70, len(tok) - 1):
            for q in qs:  # free greedy (Java constrains to answer_forms; same when allowed)
                a = onnx_greedy(step, c, h, [g.Q] + g.encode(q) + [g.A], D, m["max_text_tokens"])
                print(f"        Q: {q}?  A: {a}")


if __name__ == "__main__":
    main()
