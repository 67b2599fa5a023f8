"""Where the caption misses fall: around stops, or elsewhere (held-out videos).

python -m vigil_train.stops --enc runs/gpu7/enc.pt --seed 11 runs/gpu7/dec_s14.pt
python -m vigil_train.stops --enc runs/gpu7/enc.pt --seed 11 --bias=-0.5,0,0.5 \
    "runs/gpu7/dec_m1.pt*0.7+runs/gpu7/dec_m4.pt*0.3"

"Around a stop" are `motion.stop_samples`: the last moving sample, the stopped ones and the
first moving one after. Greedy decoding gets a caption exactly right iff, fed the true caption,
the decoder's top word is the true next one at every position (then greedy never leaves the
true path), so one teacher-forced pass scores every caption. That makes a logit bias on "is"
(the word that starts "is stopped", so the stop decision) free to sweep: it shows whether the
misses are a miscalibrated threshold or a decision the decoder cannot read. A decoder given as
"a.pt*w+b.pt*w" is their weighted mean (soup.py). Every decoder is extended as shipped
(--extend THETA:SCALE) before scoring. Prints a JSON line per decoder and bias; --binding adds,
for the samples where exactly one object in view is stopped, how often the caption is wrong by
how many objects are in view and where in the caption the stopped one is named.
"""
import argparse
import json
import os

import torch

from vigil_scenes import scenes

from . import motion, text
from .evaluate import frame_states
from .extend import TRAIN_SEED, extend, mean_dt, setting, video_tokens
from .soup import soup


@torch.no_grad()
def caption_logits(dec, tok, captions):
    """Teacher-forced logits of every caption of one video, each from the state at its sample.
    tok [S, D]; returns [(logits [n, V], target ids [n])] with n = words + <eos>."""
    s = tok.shape[0]
    cs, hs = frame_states(dec, tok)
    seqs = [[text.CAP] + text.encode(c) for c in captions]
    t = max(map(len, seqs))
    ids = torch.tensor([q + [text.PAD] * (t - len(q)) for q in seqs])  # [S, T], padding after
    u = dec.inputs(torch.zeros(s, t, tok.shape[1]), ids, torch.zeros(s, t))
    logits, _, _ = dec(u, cs, hs)  # [S, T, V]; causal, so padding is inert
    return [(logits[k, :len(q)], torch.tensor(q[1:] + [text.EOS])) for k, q in enumerate(seqs)]


def misses(rows, bias):
    """rows: [(logits, target, around a stop)] -> wrong captions (around stops, elsewhere)."""
    b = torch.zeros(rows[0][0].shape[-1])
    b[text.ID["is"]] = bias
    wrong = [0, 0]
    for logits, target, near in rows:
        wrong[0 if near else 1] += not bool(((logits + b).argmax(-1) == target).all())
    return wrong


def stopped_one(objs, k):
    """(objects in view, naming position of the stopped one from 1) if exactly one object in
    view at sample k is stopped, else None; caption order as scenes.caption."""
    vis = scenes.in_caption_order(objs, k)
    stopped = [n for n, o in enumerate(vis) if scenes.stopped(o, k)]
    return (len(vis), stopped[0] + 1) if len(stopped) == 1 else None


def decoder(spec):
    """"a.pt" or "a.pt*w+b.pt*w" -> an eval-mode decoder."""
    parts = [p.rpartition("*") if "*" in p else (p, "", "1") for p in spec.split("+")]
    try:
        weights = [float(w) for _, _, w in parts]
    except ValueError:
        raise SystemExit(f"a decoder mix takes PATH*WEIGHT terms joined by +, got {spec!r}")
    for p, _, _ in parts:
        if not os.path.exists(p):
            raise SystemExit(f"no decoder file {p!r} (in {spec!r})")
    return soup([p for p, _, _ in parts], weights).eval()


def biases(spec):
    """argparse type of --bias: "-0.5,0,0.5" -> [-0.5, 0.0, 0.5]."""
    try:
        return [float(b) for b in spec.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes numbers joined by commas, got {spec!r}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--enc", required=True, help="the encoder (.pt) that makes the frame tokens")
    p.add_argument("--seed", type=int, default=11, help="held-out seed (11: selection)")
    p.add_argument("--videos", type=int, default=40)
    p.add_argument("--samples", type=int, default=48)
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--extend", type=setting, default=(0.2, 0.4), metavar="THETA:SCALE")
    p.add_argument("--no-extend", action="store_true", help="score the decoders as they are")
    p.add_argument("--bias", type=biases, default=[0.0], metavar="B[,B...]",
                   help="logits added to 'is', comma-separated")
    p.add_argument("--binding", action="store_true",
                   help="also: wrong captions where one object is stopped, by objects in view "
                        "and where the stopped one is named (bias 0)")
    p.add_argument("decoders", nargs="+", help="decoder .pt files or mixes a.pt*w+b.pt*w")
    a = p.parse_args()
    decs = [decoder(d) for d in a.decoders]  # fail on a bad name before minutes of encoding
    held = video_tokens(a.enc, a.seed, a.videos, a.samples, a.procs)
    calib = [t for t, _ in video_tokens(a.enc, TRAIN_SEED, 40, a.samples, a.procs)]
    objs = [scenes.make_video(a.seed, i, a.samples, 2, 0, with_frames=False)[2]
            for i in range(a.videos)]
    near = [set(motion.stop_samples(o, a.samples)) for o in objs]
    for spec, dec in zip(a.decoders, decs):
        if not a.no_extend:
            extend(dec, mean_dt(dec, calib), *a.extend, a.samples)
        rows, binding = [], {}
        for i, (tok, truth) in enumerate(held):
            for k, (lg, tgt) in enumerate(caption_logits(dec, tok, truth["captions"])):
                rows.append((lg, tgt, k in near[i]))
                if key := stopped_one(objs[i], k):
                    b = binding.setdefault(f"{key[0]} in view, stopped one named {key[1]}", [0, 0])
                    b[0] += not bool((lg.argmax(-1) == tgt).all())
                    b[1] += 1
        if a.binding:
            print(json.dumps({"decoder": spec, "seed": a.seed,
                              "wrong_of_one_stopped": dict(sorted(binding.items()))}), flush=True)
        n_near = sum(r[2] for r in rows)
        for bias in a.bias:
            w = misses(rows, bias)
            print(json.dumps({"decoder": spec, "seed": a.seed, "bias_is": bias,
                              "wrong_near_stops": w[0], "near_stops": n_near,
                              "wrong_elsewhere": w[1], "elsewhere": len(rows) - n_near,
                              "caption_exact": round(1 - sum(w) / len(rows), 4)}), flush=True)


if __name__ == "__main__":
    main()
