"""An experiment toward motion at the encoder (not exported, not used by the shipped model): a head
like CamHead that sees the detections of the frame AND of the frame half a second before (64 rows,
a flag for which), trained on per-frame targets that include the people moving left / right / up /
down / still at the sample (the caption's direction groups); beside it the same head fed the
current frame only (the earlier rows zeroed). Scored on held-out simulated videos (a lone mover's
way) and on vtest.avi (NanoDet-g on frames 10t and 10t - 5, against the by-eye direction counts,
beside the chance level), reading the directions from the per-frame head: what ONE token can
carry about motion when the encoder sees two frames.

--mode motion: the frame's rows only, each with its offset to the nearest earlier row of its kind
group (MotionHead), instead of both row sets for attention to match (PairHead).

python -m vigil_real.pairprobe --mode pair|motion|single --minutes M [--videos N] [--out FILE]
"""
import argparse
import json
import multiprocessing as mp
import subprocess
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import detfeat as df
from . import sim
from .calib import detector, run
from .dirdiag import REF, STATES
from .memcount import person_states
from .model import AuxHead, CamHead, MotionHead
from .teacherdir import score

torch.set_num_threads(1)


def _video(seed):
    v = sim.make_video(seed, 80, half=True)
    return v["rows"], v["rows_half"], v["objs"]


def dataset(seed, n):
    with mp.Pool(2) as p:
        vs = p.map(_video, [seed * 1_000_000 + i for i in range(n)], chunksize=8)
    rows = np.stack([np.concatenate([r, h], 1) for r, h, _ in vs])  # [V, T, 64, 11]
    objs = [o for _, _, o in vs]
    tgt = np.stack([np.concatenate([np.stack([sim.aux_targets(o, s) for s in range(80)]),
                                    person_states(o, 80)], 1) for o in objs])  # [V, T, AUX + 5]
    return torch.from_numpy(rows.astype(np.float32)), torch.from_numpy(tgt.astype(np.float32))


class PairHead(CamHead):
    """CamHead over 2K rows with a 0/1 flag per row: 1 for the earlier frame's rows."""

    def __init__(self):
        super().__init__()
        d = self.emb[0].out_features
        self.emb = nn.Sequential(nn.Linear(7 + 7 + 4 + 16 + 1, d), nn.GELU(), nn.Linear(d, d))

    def forward(self, rows):  # rows [N, 2K, 11]
        flag = torch.zeros(rows.shape[:2] + (1,), device=rows.device)
        flag[:, df.K:] = 1
        return self.pool_rows(self.emb(torch.cat([self.features(rows), flag], -1)))


def prep(rows, mode):
    return rows if mode != "single" else torch.cat([rows[:, :df.K], torch.zeros_like(rows[:, df.K:])], 1)


def vtest_rows():
    ref = json.load(open(REF))
    cmd = ["ffmpeg", "-v", "error", "-i", ref["source"]["path"], "-vf", f"scale={df.W}:{df.H}:flags=area",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    rgb = np.frombuffer(subprocess.run(cmd, capture_output=True, check=True).stdout, np.uint8)
    rgb = rgb.reshape(-1, df.H, df.W, 3)
    sess = detector(threads=1)
    now = [int(i["t_s"] * 10) for i in ref["instants"]]
    det = run(sess, rgb[now + [max(f - 5, 0) for f in now]].astype(np.float32))
    return torch.from_numpy(np.concatenate([det[:len(now)], det[len(now):]], 1)), ref["instants"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["pair", "motion", "single"], required=True)
    ap.add_argument("--minutes", type=float, default=8)
    ap.add_argument("--videos", type=int, default=1200)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    torch.manual_seed(0)
    X, Y = dataset(21, a.videos)
    Xh, Yh = dataset(29, 150)
    X, Y, Xh, Yh = X.flatten(0, 1), Y.flatten(0, 1), Xh.flatten(0, 1), Yh.flatten(0, 1)
    head, auxh = MotionHead() if a.mode == "motion" else PairHead(), AuxHead(n_out=Y.shape[1])
    opt = torch.optim.AdamW(list(head.parameters()) + list(auxh.parameters()), 2e-3, weight_decay=0.01)
    w = torch.ones(Y.shape[1])
    w[-5:] = 4.0  # the direction counts
    t0, it = time.time(), 0
    while time.time() - t0 < 60 * a.minutes:
        i = torch.randint(0, len(X), (128,))
        loss = (F.smooth_l1_loss(auxh(head(prep(X[i], a.mode))), Y[i], reduction="none") * w).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        it += 1
    head.eval()
    with torch.no_grad():
        p = torch.cat([auxh(head(prep(Xh[i:i + 2048], a.mode)))[:, -5:] for i in range(0, len(Xh), 2048)])
    p, y = p.round().clamp(min=0), Yh[:, -5:]
    single = (y[:, 4] == 0) & (y[:, :4].sum(1) == 1)
    way = float((p[single, :4].argmax(1) == y[single, :4].argmax(1)).float().mean())
    exact = [round(float(v), 3) for v in (p == y).float().mean(0)]
    rows, ref = vtest_rows()
    with torch.no_grad():
        q = auxh(head(prep(rows, a.mode)))[:, -5:].round().clamp(min=0).int().tolist()
    got = [dict(zip(STATES, v)) for v in q]
    s, chance = score(ref, got, 0), [score(ref, got, k) for k in range(5, len(got) - 4)]
    r = {"mode": a.mode, "iters": it, "sim_lone_mover_way": round(way, 4), "sim_exact_LRUDS": exact,
         "vtest_counts": round(float(s[0]), 4), "vtest_counts_chance": round(float(np.mean([c[0] for c in chance])), 4),
         "vtest_majority": round(float(s[1]), 4), "vtest_majority_chance": round(float(np.mean([c[1] for c in chance])), 4)}
    print(json.dumps(r), flush=True)
    if a.out:
        torch.save({"head": head.state_dict(), "aux": auxh.state_dict(), "result": r}, a.out)


if __name__ == "__main__":
    main()
