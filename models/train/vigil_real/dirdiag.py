"""Where direction is lost (a diagnosis; nothing here is exported or feeds training):

1. simulation, instants with one person in view and moving: how often the detector rows (>= the
   floor, person) miss them at t or t-2, and how often the rows' own displacement gives the way;
2. a probe (MLP) trained on simulated tokens of a head to read the people moving left / right /
   up / down / still at t, from the token at t alone and from the tokens at t-2, t-1, t; scored on
   held-out simulated videos (single movers: the way right);
3. the three-token probe applied to the test clip's tokens from an exported encoder (vtest.avi at
   1 fps, ffmpeg area resize), scored against the by-eye reference like DirectionScore, beside
   its chance level (the reference shifted 5-35 instants).

python -m vigil_real.dirdiag --work DIR --model MODEL_DIR [--seconds 120]
"""
import argparse
import json
import os
import subprocess
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import data, sim, train
from . import detfeat as df
from . import grammar as g
from .realval import encode
from .memcount import person_states
from .model import CamHead
from .teacherdir import score

STATES = ("left", "right", "up", "down", "standing")
REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reference", "vtest.json")


def rows_rule(ds, videos=200):
    n = miss = right = 0
    for v in range(videos):
        R, y = ds["rows"][v].astype(np.float32), person_states(ds["objs"][v], ds["rows"].shape[1])
        top = [None if not len(p) else p[np.argmax(p[:, 0])]
               for p in (r[(r[:, :7].max(1) >= df.FLOOR) & (r[:, :7].argmax(1) == 0)] for r in R)]
        for k in range(2, len(R)):
            if y[k, 4] or y[k, :4].sum() != 1:
                continue
            n += 1
            a, b = top[k - 2], top[k]
            if a is None or b is None:
                miss += 1
                continue
            vx, vy = (b[7] - a[7]) * df.W / df.H / b[10] / 2, (b[8] - a[8]) / b[10] / 2
            right += sim.direction(vx, vy) == g.STATES[int(np.argmax(y[k, :4]))]
    return n, miss / n, right / max(n - miss, 1)


def windows(x, span):  # [V, T, D] -> [V, T-2, span*D]: tokens t-span+1..t for t >= 2
    return torch.cat([x[:, 2 - i:x.shape[1] - i] for i in reversed(range(span))], -1)


def probe(x, y, seconds):
    m = nn.Sequential(nn.Linear(x.shape[1], 512), nn.GELU(), nn.Linear(512, 512), nn.GELU(), nn.Linear(512, 5))
    opt, t0 = torch.optim.AdamW(m.parameters(), 1e-3), time.time()
    while time.time() - t0 < seconds:
        i = torch.randint(0, len(x), (256,))
        loss = F.smooth_l1_loss(m(x[i]), y[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return m.eval()


def vtest_tokens(model):
    man = json.load(open(os.path.join(model, "manifest.json")))
    ref = json.load(open(REF))
    cmd = ["ffmpeg", "-v", "error", "-i", ref["source"]["path"], "-vf",
           f"select='not(mod(n\\,10))',scale={df.W}:{df.H}:flags=area", "-vsync", "0", "-f", "rawvideo",
           "-pix_fmt", "rgb24", "-"]
    rgb = np.frombuffer(subprocess.run(cmd, capture_output=True, check=True).stdout, np.uint8)
    rgb = rgb.reshape(-1, df.H, df.W, 3).astype(np.float32)
    return torch.from_numpy(encode(model, man, rgb, threads=1)), ref["instants"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True, help="head.pt, train.pkl, heldout.pkl")
    ap.add_argument("--model", required=True, help="an exported vigil-cam with that head")
    ap.add_argument("--seconds", type=float, default=120, help="training time of each probe")
    ap.add_argument("--videos", type=int, default=1500)
    a = ap.parse_args()
    torch.manual_seed(0)
    ho = data.load(os.path.join(a.work, "heldout.pkl"))
    n, miss, right = rows_rule(ho)
    print(f"simulation, one person in view and moving: {n} instants; a detection missing at t or t-2 "
          f"{100 * miss:.1f} %; where both are there the rows' displacement gives the way {100 * right:.1f} %")
    head = CamHead()
    head.load_state_dict(torch.load(os.path.join(a.work, "head.pt"))["head"])
    head.eval()
    tr = data.load(os.path.join(a.work, "train.pkl"))
    sets = []
    for ds, nv in ((tr, a.videos), (ho, 200)):
        with torch.no_grad():
            x = train.encode(head, ds["rows"][:nv]).float()
        y = torch.from_numpy(np.stack([person_states(o, x.shape[1]) for o in ds["objs"][:nv]]))
        sets.append((x, y[:, 2:]))
    (xt, yt), (xh, yh) = sets
    for span in (1, 3):
        m = probe(windows(xt, span).flatten(0, 1), yt.flatten(0, 1), a.seconds)
        with torch.no_grad():
            p = m(windows(xh, span).flatten(0, 1)).round().clamp(min=0)
        y = yh.flatten(0, 1)
        single = (y[:, 4] == 0) & (y[:, :4].sum(1) == 1)
        way = (p[single, :4].argmax(1) == y[single, :4].argmax(1)).float().mean()
        print(f"probe on {span} token(s), held-out simulation: single movers' way {100 * float(way):.1f} %")
    tok, ref = vtest_tokens(a.model)
    with torch.no_grad():
        got = []
        for inst in ref:
            k = int(inst["t_s"])
            p = m(torch.cat([tok[max(k - 2, 0)], tok[max(k - 1, 0)], tok[k]])[None])[0].round().clamp(min=0)
            got.append(dict(zip(STATES, p.int().tolist())))
    s, chance = score(ref, got, 0), [score(ref, got, k) for k in range(5, len(got) - 4)]
    print(f"the 3-token probe on vtest.avi: counts within ±1 {100 * s[0]:.1f} % (chance "
          f"{100 * np.mean([c[0] for c in chance]):.1f} %), majority way {100 * s[1]:.1f} % of {s[2]} "
          f"(chance {100 * np.mean([c[1] for c in chance]):.1f} %)")


if __name__ == "__main__":
    main()
