"""Detector statistics on real images that are NOT vtest.avi (opencv-doc's stills), for the
simulator's calibration: per image, the top candidate rows (detfeat.candidates) at 320x416.

python -m vigil_real.calib [--out logs/calib.json]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort

from . import detfeat as df

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
NANODET = os.path.join(REPO, "models", "backbones", "nanodet-g", "nanodet-g.onnx")
DATA = "/usr/share/doc/opencv-doc/examples/data"
IMAGES = ["messi5.jpg", "basketball1.png", "basketball2.png", "licenseplate_motion.jpg",
          "home.jpg", "building.jpg", "aero1.jpg", "aero3.jpg", "fruits.jpg", "baboon.jpg",
          "board.jpg", "stuff.jpg", "pic1.png", "pic3.png", "left01.jpg", "lena.jpg",
          "starry_night.jpg", "orange.jpg", "apple.jpg", "graf1.png", "leuvenA.jpg"]


def read_frames(path, stride=1, limit=None):
    """-> uint8 [N, h, w, 3] RGB of every stride-th frame (at most limit) at the video's own size."""
    pr = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                         "stream=width,height", "-of", "json", path], capture_output=True, text=True)
    s = json.loads(pr.stdout)["streams"][0]
    cmd = ["ffmpeg", "-v", "error", "-i", path]
    if stride > 1:
        cmd += ["-vf", f"select=not(mod(n\\,{stride}))", "-vsync", "0"]
    if limit:
        cmd += ["-frames:v", str(limit)]
    raw = subprocess.run(cmd + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, s["height"], s["width"], 3)


def read_rgb(path):
    return read_frames(path, limit=1)[0]


def detector(threads=1):
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    return ort.InferenceSession(NANODET, o, providers=["CPUExecutionProvider"])


def run(sess, rgb_small):  # float32 [N, H, W, 3] RGB 0..255 -> candidates [N, K, 11]
    bgr = np.ascontiguousarray(rgb_small[..., ::-1].transpose(0, 3, 1, 2), dtype=np.float32)
    names = [o.name for o in sess.get_outputs()]
    outs = dict(zip(names, sess.run(names, {"bgr": bgr})))
    return df.candidates(outs)


def run_frames(sess, rgb, batch=16):
    """uint8 [N, h, w, 3] RGB frames at their own size -> candidates [N, K, 11], each frame
    box-resized to the model's input as the Java path does (vigil_train.frames.box_resize)."""
    sys.path.insert(0, os.path.join(REPO, "models", "train"))
    from vigil_train.frames import box_resize
    return np.concatenate([run(sess, box_resize(rgb[s:s + batch], df.H, df.W))
                           for s in range(0, len(rgb), batch)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "logs", "calib.json"))
    a = ap.parse_args()
    sess = detector()
    res, all_scores = {}, []
    for name in IMAGES:
        p = os.path.join(DATA, name)
        if not os.path.exists(p):
            continue
        rgb = read_rgb(p)
        c = run_frames(sess, rgb[None])[0]
        sc = c[:, :7].max(1)
        all_scores.append(np.sort(sc)[::-1])
        rows = [{"kind": df.KINDS[int(r[:7].argmax())], "score": round(float(r[:7].max()), 3),
                 "p": [round(float(v), 3) for v in r[:7]],
                 "box": [round(float(v), 3) for v in r[7:]]} for r in c]
        res[name] = {"size": list(rgb.shape[:2]), "rows": rows}
        print(f"{name} {rgb.shape[1]}x{rgb.shape[0]}")
        for r in rows[:12]:
            print(f"   {r['kind']:10s} {r['score']:.3f} box {r['box']}  p {r['p']}")
    s = np.stack(all_scores)
    rank = {str(r): [round(float(np.percentile(s[:, r], q)), 3) for q in (10, 50, 90)]
            for r in (0, 4, 8, 12, 16, 24, 31)}
    print("score by rank (p10, p50, p90 over images):", rank)
    res["_rank_scores"] = rank
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
