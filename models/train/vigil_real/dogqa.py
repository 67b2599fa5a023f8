"""Dogs in simulation: how often captions name a dog where the truth has none in view, and how
often they name one where one is, at every sample of held-out videos; and "was a dog seen" at the
last sample, by whether one was. Run on videos with false dog rows (`data --false-dogs`) it says
whether a decoder discounts them; on plain videos, whether it still names real dogs.

python -m vigil_real.dogqa --work W [--dec-name dec.pt] [--heldout heldout_fd.pkl] [--videos 100]
"""
import argparse
import json
import os

import torch

from . import data, sim
from . import grammar as g
from .model import MotionHead, load_head
from .train import encode, greedy, load_decoder, rows_of


def names_dog(cap):
    return " dog " in f" {cap} " or " dogs " in f" {cap} "


@torch.no_grad()
def score(head, dec, ds, videos):
    tok = encode(head, rows_of(ds, isinstance(head, MotionHead))[:videos])
    V, T, _ = tok.shape
    _, _, per = dec(dec.inputs(tok, torch.zeros(V, T, dtype=torch.long), torch.ones(V, T)),
                    *dec.zero_state(V), keep_states=True)
    n = {"false": [0, 0], "recall": [0, 0], "seen_absent": [0, 0], "seen_there": [0, 0]}
    for v in range(V):
        objs = ds["objs"][v]
        caps = greedy(dec, per[0][:, v], per[1][:, v], [[g.CAP]] * T)
        for k, cap in enumerate(caps):
            key = "recall" if names_dog(sim.caption(objs, k)) else "false"
            n[key][0] += names_dog(cap)
            n[key][1] += 1
        q, a = sim.answer(objs, T - 1, "seen", "dog")
        got = greedy(dec, per[0][:, v, [T - 1]], per[1][:, v, [T - 1]], [[g.Q] + g.encode(q) + [g.A]])[0]
        key = "seen_there" if a == "yes" else "seen_absent"
        n[key][0] += got == a
        n[key][1] += 1
    return {k: {"k": a, "n": b, "rate": round(a / max(b, 1), 4)} for k, (a, b) in n.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    p.add_argument("--dec-name", default="dec.pt")
    p.add_argument("--head", default="head.pt")
    p.add_argument("--heldout", default="heldout_fd.pkl")
    p.add_argument("--videos", type=int, default=100)
    a = p.parse_args()
    torch.set_num_threads(int(os.environ.get("VIGIL_THREADS", "1")))
    W = lambda f: f if os.path.isabs(f) else os.path.join(a.work, f)  # noqa: E731
    r = score(load_head(W(a.head)), load_decoder(W(a.dec_name)).eval(), data.load(W(a.heldout)), a.videos)
    print(json.dumps({"heldout": a.heldout, "dec": a.dec_name,
                      "captions_naming_a_dog_where_none": r["false"], "captions_naming_a_dog_where_one": r["recall"],
                      "seen_dog_right_absent": r["seen_absent"], "seen_dog_right_there": r["seen_there"]}))


if __name__ == "__main__":
    main()
