"""Checks the converted NanoDet ONNX against TensorFlow (used by convert_nanodet.py).

The reference is the *original, unmodified* TF.js graph (fixed [1,3,416,416], normalised input)
against the ONNX at 416x416, per output max abs difference, on a few real frames (vtest.avi at
fixed times, when present) and one seeded random image; plus the rewritten TF graph against the
ONNX at batch 3 and at 320x320 and 320x416 (HxW), which checks the dynamic axes.
"""
import os
import subprocess
import sys

import numpy as np

MEAN_BGR = [103.53, 116.28, 123.675]
STD_BGR = [57.375, 57.12, 58.395]
VERIFY_TIMES_S = [5, 30, 60]


class TFRunner:
    def __init__(self, gd, inp, outs):
        import tensorflow as tf
        self.graph = tf.Graph()
        with self.graph.as_default():
            tf.compat.v1.import_graph_def(gd, name="")
        self.sess = tf.compat.v1.Session(graph=self.graph)
        self.inp = inp
        self.outs = outs

    def __call__(self, x):
        return self.sess.run(self.outs, {self.inp: x})


def read_frames(video, times_s, width, height):
    """BGR uint8 frames [T,H,W,3] at the given times, resized by ffmpeg (bilinear)."""
    frames = []
    for t in times_s:
        raw = subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-ss", str(t), "-i", video, "-frames:v", "1",
             "-vf", f"scale={width}:{height}:flags=bilinear", "-f", "rawvideo",
             "-pix_fmt", "bgr24", "-"], check=True, capture_output=True).stdout
        frames.append(np.frombuffer(raw, np.uint8).reshape(height, width, 3))
    return np.stack(frames)


def nchw(frames_bgr):
    return np.ascontiguousarray(frames_bgr.transpose(0, 3, 1, 2)).astype(np.float32)


def verify(gd_orig, gd_new, onnx_path, outmap, order, video, tol):
    import onnxruntime as ort

    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    orig_names = list(outmap.keys())
    tf_orig = TFRunner(gd_orig, list(
        n.name for n in gd_orig.node if n.op == "Placeholder")[0] + ":0", orig_names)
    tf_new = TFRunner(gd_new, "bgr:0", [o + ":0" for o in order])

    def run_onnx(x):
        return dict(zip(order, sess.run(order, {"bgr": x})))

    cases = []
    if video and os.path.exists(video):
        fr = read_frames(video, VERIFY_TIMES_S, 416, 416)
        for t, f in zip(VERIFY_TIMES_S, fr):
            cases.append((f"{os.path.basename(video)}@{t}s", nchw(f[None])))
    else:
        print(f"WARNING: {video} not found: verifying on the random image only")
    rng = np.random.default_rng(20240601)
    cases.append(("random(seed=20240601)", rng.uniform(0, 255, (1, 3, 416, 416)).astype(np.float32)))

    mean = np.array(MEAN_BGR, np.float32).reshape(1, 3, 1, 1)
    std = np.array(STD_BGR, np.float32).reshape(1, 3, 1, 1)
    worst = 0.0
    print(f"\nmax |TF(original TF.js graph) - ONNX| at 1x3x416x416 (tolerance {tol}):")
    print(f"  {'case':28s} " + " ".join(f"{o:>9s}" for o in order))
    for label, x in cases:
        ref = dict(zip([outmap[n][0] for n in orig_names], tf_orig((x - mean) / std)))
        got = run_onnx(x)
        diffs = {o: float(np.abs(ref[o] - got[o]).max()) for o in order}
        worst = max(worst, *diffs.values())
        print(f"  {label:28s} " + " ".join(f"{diffs[o]:9.2e}" for o in order))

    print("\ndynamic axes, max |TF(rewritten graph) - ONNX|:")
    dyn = [("batch3 416x416", np.concatenate([c[1] for c in cases[:3]]) if len(cases) >= 3
            else rng.uniform(0, 255, (3, 3, 416, 416)).astype(np.float32)),
           ("batch1 320x320", rng.uniform(0, 255, (1, 3, 320, 320)).astype(np.float32)),
           ("batch2 320x416 (HxW)", rng.uniform(0, 255, (2, 3, 320, 416)).astype(np.float32))]
    for label, x in dyn:
        ref = dict(zip(order, tf_new(x)))
        got = run_onnx(x)
        diffs = {o: float(np.abs(ref[o] - got[o]).max()) for o in order}
        worst = max(worst, *diffs.values())
        shapes = {o: list(got[o].shape) for o in ("cls_8", "box_32")}
        print(f"  {label:28s} max={max(diffs.values()):.2e} shapes={shapes}")
    # batch consistency: each frame of the batch equals its batch-1 result
    if len(cases) >= 3:
        b = run_onnx(dyn[0][1])
        d = max(float(np.abs(b[o][i] - run_onnx(cases[i][1])[o][0]).max())
                for o in order for i in range(3))
        worst = max(worst, d)
        print(f"  {'batch3 vs 3x batch1 (ONNX)':28s} max={d:.2e}")

    print(f"\nworst difference {worst:.2e} (tolerance {tol})")
    if worst > tol:
        sys.exit("FAILED: ONNX differs from TensorFlow beyond the tolerance")
    return worst


# --------------------------------------------------------------------------- main
