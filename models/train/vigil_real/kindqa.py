"""Vehicle questions in simulation, per kind and by whether the kind is there: "how many KINDS are
in view" and "was a KIND seen" for car, truck and person at samples 20, 40 and 79 of held-out
videos, and whether the caption's group count for the kind agrees with the count answer (both
read the same state).

python -m vigil_real.kindqa --work W [--dec-name dec.pt] [--heldout heldout.pkl] [--videos 100]
"""
import argparse
import collections
import json
import os

import torch

from . import data, sim
from . import grammar as g
from .model import MotionHead, load_head
from .train import encode, greedy, load_decoder, rows_of

KINDS = ("car", "truck", "person")
KS = (20, 40, 79)


def caption_count(cap, kind):
    """The count a caption gives for a kind (its group "NUM kind|kinds"): 0..20, 21 for many."""
    w = cap.split()
    for i in range(1, len(w)):
        if w[i] in (kind, g.PLURAL[kind]) and (i == 1 or w[i - 2] == "and"):
            return 21 if w[i - 1] == "many" else g.NUMS.index(w[i - 1])
    return 0


@torch.no_grad()
def score(head, dec, ds, videos):
    tok = encode(head, rows_of(ds, isinstance(head, MotionHead))[:videos])
    V, T, _ = tok.shape
    c0, h0 = dec.zero_state(V)
    _, _, per = dec(dec.inputs(tok, torch.zeros(V, T, dtype=torch.long), torch.ones(V, T)), c0, h0,
                    keep_states=True)
    st = collections.defaultdict(lambda: [0, 0])
    for v in range(V):
        objs, meta, prompts = ds["objs"][v], [], []
        for k in KS:
            meta.append((k, "caption", None, None)), prompts.append([g.CAP])
            for kind in KINDS:
                for qt in ("count", "seen"):
                    q, a = sim.answer(objs, k, qt, kind)
                    meta.append((k, qt, kind, a)), prompts.append([g.Q] + g.encode(q) + [g.A])
        ks = [m[0] for m in meta]
        out = greedy(dec, per[0][:, v, ks], per[1][:, v, ks], prompts)
        caps = {m[0]: o for m, o in zip(meta, out) if m[1] == "caption"}
        for (k, qt, kind, a), got in zip(meta, out):
            if qt == "caption":
                continue
            there = "there" if a not in ("zero", "no") else "absent"
            st[f"{qt} {kind} {there}"][0] += got == a
            st[f"{qt} {kind} {there}"][1] += 1
            if qt == "count" and kind != "person":
                st[f"caption agrees with count {kind}"][0] += g.num(caption_count(caps[k], kind)) == got
                st[f"caption agrees with count {kind}"][1] += 1
    return {k: {"right": a, "n": n, "rate": round(a / n, 3)} for k, (a, n) in sorted(st.items())}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    p.add_argument("--dec-name", default="dec.pt")
    p.add_argument("--head", default="head.pt")
    p.add_argument("--heldout", default="heldout.pkl")
    p.add_argument("--videos", type=int, default=100)
    a = p.parse_args()
    torch.set_num_threads(int(os.environ.get("VIGIL_THREADS", "1")))
    W = lambda f: f if os.path.isabs(f) else os.path.join(a.work, f)
    r = score(load_head(W(a.head)), load_decoder(W(a.dec_name)).eval(), data.load(W(a.heldout)), a.videos)
    for k, v in r.items():
        print(f"{k:34s} {v['right']:4d}/{v['n']:4d} = {v['rate']:.3f}")
    print(json.dumps({"heldout": a.heldout, "dec": a.dec_name, "head": a.head, "kinds": r}))


if __name__ == "__main__":
    main()
