"""Frame preprocessing exactly as docs/model-contract.md says, and an H.264 round trip."""
import os
import subprocess
import tempfile

import numpy as np

H = W = 64
MEAN = np.array([0.5, 0.5, 0.5], np.float32)
STD = np.array([0.25, 0.25, 0.25], np.float32)


def _bounds(n_src, n_dst):
    lo = np.floor(np.arange(n_dst) * n_src / n_dst).astype(int)
    hi = np.maximum(np.floor((np.arange(n_dst) + 1) * n_src / n_dst).astype(int), lo + 1)
    return lo, hi


def content_box(hs, ws, h=H, w=W, fit="stretch", tol=0.05):
    """Where an Hs x Ws frame lands in the h x w input (manifest frame.fit, fit_tolerance):
    (top, left, ch, cw); with fit "pad" a frame whose aspect differs from w/h by more than tol
    keeps its own aspect, centred (Java FramePreprocessor.contentBox)."""
    ratio = (ws / hs) / (w / h)
    ch, cw = h, w
    if fit == "pad" and abs(ratio - 1) > tol:
        if ratio > 1:
            ch = max(1, int(np.floor(h / ratio + 0.5)))
        else:
            cw = max(1, int(np.floor(w * ratio + 0.5)))
    return (h - ch) // 2, (w - cw) // 2, ch, cw


def box_resize(rgb, h=H, w=W, fit="stretch", tol=0.05):
    """rgb uint8 [N, Hs, Ws, 3] -> float32 [N, h, w, 3] on 0..255 (contract's box resize); with
    fit "pad" the frame keeps its aspect between black bars (content_box)."""
    top, left, ch, cw = content_box(rgb.shape[1], rgb.shape[2], h, w, fit, tol)
    if (ch, cw) != (h, w):
        out = np.zeros((rgb.shape[0], h, w, 3), np.float32)
        out[:, top:top + ch, left:left + cw] = box_resize(rgb, ch, cw)
        return out
    n, hs, ws, _ = rgb.shape
    x = rgb.astype(np.float32)
    if hs % h == 0 and ws % w == 0:  # fast path, same result as the general formula
        return x.reshape(n, h, hs // h, w, ws // w, 3).mean(axis=(2, 4))
    ylo, yhi = _bounds(hs, h)
    xlo, xhi = _bounds(ws, w)
    out = np.empty((n, h, w, 3), np.float32)
    for i in range(h):
        rows = x[:, ylo[i]:yhi[i]].mean(axis=1)  # [N, Ws, 3]
        for j in range(w):
            out[:, i, j] = rows[:, xlo[j]:xhi[j]].mean(axis=1)
    return out


def normalise(resized):
    """float32 [N, h, w, 3] on 0..255 -> float32 [N, 3, h, w]."""
    v = (resized / 255.0 - MEAN) / STD
    return np.ascontiguousarray(v.transpose(0, 3, 1, 2), dtype=np.float32)


def preprocess(rgb):
    """uint8 [N, Hs, Ws, 3] -> float32 [N, 3, 64, 64], the encoder's input."""
    return normalise(box_resize(rgb))


def h264_roundtrip(rgb, fps=2, crf=28, preset="veryfast"):
    """uint8 [T, H, W, 3] -> the same frames after libx264 encode + decode (ffmpeg CLI)."""
    t, h, w, _ = rgb.shape
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "v.h264")
        enc = ["ffmpeg", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
               "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", preset, "-crf", str(crf),
               "-g", str(2 * fps), "-pix_fmt", "yuv420p", "-f", "h264", path]
        subprocess.run(enc, input=np.ascontiguousarray(rgb).tobytes(), check=True)
        dec = ["ffmpeg", "-v", "error", "-f", "h264", "-i", path, "-vsync", "0", "-f", "rawvideo",
               "-pix_fmt", "rgb24", "-"]
        out = subprocess.run(dec, capture_output=True, check=True).stdout
    got = np.frombuffer(out, np.uint8).reshape(-1, h, w, 3)
    assert got.shape[0] == t, (got.shape, t)
    return got
