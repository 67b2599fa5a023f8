"""Does the memory hold far past the training length? Held-out simulated videos of many samples
(`data --samples 640`: eight times the 80 the decoder trained on), one memory each, scored per
window of 80 samples: the caption's people count, the exact caption, and "how many people are in
view" asked at 4 samples of each window. With `--concat N` the videos are instead N
videos of 80 samples played one after another as one stream (a cut between them, as when a
camera is moved or a clip loops), each window scored against its own video. With `--max-tau C`, first no
decoder state entry's time constant 1 / (mean dt x |A|) is left above C samples (only A_log
changes; v9 is v8 capped at 160).

python -m vigil_real.longsim --work /work/runs_m1 --data /work/long/heldout_long.pkl \
    [--dec-name dec.pt] [--max-tau 160 ...] [--out dec_long.pt]
"""
import argparse
import json
import math

import numpy as np
import torch

from vigil_train.extend import mean_dt

from . import data, grammar as g, sim
from .model import MotionHead, load_head
from .train import encode, greedy, load_decoder, rows_of, save_decoder

WINDOW = 80  # the decoder's longest training sequence


@torch.no_grad()
def cap_tau(dec, mdt, c):
    """In place: |A| raised so that no entry's time constant is above c samples. Returns the
    number of entries changed per layer."""
    changed = []
    for m, d in zip(dec.mixers, mdt):
        floor = torch.log(1.0 / (c * d[:, None])).expand_as(m.A_log)  # log |A| at tau = c
        sel = m.A_log < floor
        m.A_log[sel] = floor[sel]
        changed.append(int(sel.sum()))
    return changed


class Played(list):
    """N videos' objects played one after another: sim.caption and sim.answer at sample k see
    the objects of video k // WINDOW at k % WINDOW (the score asks only about the present)."""


def truth_of(objs, k, fn, *args):
    if isinstance(objs, Played):
        return fn(objs[k // WINDOW], k % WINDOW, *args)
    return fn(objs, k, *args)


@torch.no_grad()
def score(dec, tok, objs, asks=4, seed=5):
    """Per window of WINDOW samples: people count exact / within 1 in captions, caption exact,
    "how many people are in view" right."""
    rng = np.random.default_rng(seed)
    V, T, _ = tok.shape
    u = dec.inputs(tok, torch.zeros(V, T, dtype=torch.long), torch.ones(V, T))
    _, _, per = dec(u, *dec.zero_state(V), keep_states=True)  # per: states after every step
    W = math.ceil(T / WINDOW)
    acc = np.zeros((W, 5))  # count exact, count +-1, caption exact, captions, in-view right
    asked = np.zeros(W)
    for v in range(V):
        ks = list(range(T))
        got = greedy(dec, per[0][:, v, ks], per[1][:, v, ks], [[g.CAP]] * T)
        for k, s in zip(ks, got):
            truth = truth_of(objs[v], k, sim.caption)
            a, b = g.people_count(s), g.people_count(truth)
            acc[k // WINDOW] += [a == b, abs(a - b) <= 1, s == truth, 1, 0]
        qk = [int(w * WINDOW + x) for w in range(W) for x in rng.integers(0, WINDOW, asks) if w * WINDOW + x < T]
        qs = [truth_of(objs[v], k, sim.answer, "count", "person") for k in qk]
        ans = greedy(dec, per[0][:, v, qk], per[1][:, v, qk], [[g.Q] + g.encode(q) + [g.A] for q, _ in qs])
        for k, (_, want), got_a in zip(qk, qs, ans):
            acc[k // WINDOW, 4] += got_a == want
            asked[k // WINDOW] += 1
    return [{"window": w, "count_exact": round(acc[w, 0] / acc[w, 3], 4),
             "count_within_1": round(acc[w, 1] / acc[w, 3], 4),
             "caption_exact": round(acc[w, 2] / acc[w, 3], 4),
             "in_view_answer": round(acc[w, 4] / max(asked[w], 1), 4)} for w in range(W)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True, help="holds head.pt, the decoder and tokens.pt")
    p.add_argument("--data", required=True, help="long held-out videos (data --samples 640 --half)")
    p.add_argument("--dec-name", default="dec.pt")
    p.add_argument("--videos", type=int, default=40)
    p.add_argument("--max-tau", type=float, nargs="*", default=[])
    p.add_argument("--concat", type=int, default=0, help="N videos of the data played as one")
    p.add_argument("--out", default=None, help="save the decoder with the last setting")
    a = p.parse_args()
    W = lambda f: f"{a.work}/{f}"  # noqa: E731
    head = load_head(W("head.pt"))
    ds = data.load(a.data)
    tok = encode(head, rows_of(ds, isinstance(head, MotionHead))[:a.videos]).float()
    objs = ds["objs"][:a.videos]
    if a.concat:
        n = len(objs) // a.concat * a.concat
        tok = tok[:n].reshape(n // a.concat, a.concat * tok.shape[1], tok.shape[2])
        objs = [Played(objs[i:i + a.concat]) for i in range(0, n, a.concat)]
    train_tok = torch.load(W("tokens.pt"))[:200].float()  # mean dt, as extend measures it
    settings = [None] + [("max_tau", c) for c in a.max_tau]
    for s in settings:
        dec = load_decoder(W(a.dec_name))
        changed = None
        if s is not None:
            mdt = mean_dt(dec, list(train_tok))
            changed = cap_tau(dec, mdt, s[1])
        rows = score(dec, tok, objs)
        print(json.dumps({"setting": s, "changed": changed, "windows": rows}), flush=True)
        if a.out and s is not None and s == settings[-1]:
            save_decoder(dec, W(a.out))


if __name__ == "__main__":
    main()
