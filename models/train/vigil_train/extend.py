"""Training-free length extension of a trained decoder: slow down the decay of its "global"
state entries, so that on a video k times longer than the training ones the memory of the
earliest events fades about as it did within a training video.

An entry (channel c, state n) of layer l decays per frame by exp(-dt_c |A_cn|); over a training
video of T frames it keeps exp(-T mean(dt_c) |A_cn|) of what was written at its start (its
"retention"). Entries whose retention is above THETA are the global ones (LongMamba, Ye et al.
2025, sorts channels the same way); their |A| is multiplied by SCALE < 1 (a per-entry spectrum
scaling of A, as in "Mamba Modulation", Lu et al. 2025). Only A_log changes: the ONNX graphs,
shapes and state sizes stay as they are. mean(dt) is measured on training videos.

python -m vigil_train.extend --work runs/gpu2 --dec-name dec_d.pt --out dec_dx.pt
python -m vigil_train.extend --work runs/gpu2 --dec-name dec_d.pt --sweep 0.1:0.5 0.2:0.7   # choose
"""
import argparse
import json
import math
import os
from multiprocessing import Pool

import torch
import torch.nn.functional as F

from .evaluate import _eval_video, load_decoder, save_decoder, score_video
from .model import FrameEncoder

TRAIN_SEED = 1000  # train.py's training videos: the calibration set is the first of them


@torch.no_grad()
def mean_dt(dec, token_seqs):
    """Mean softplus(dt) per layer and channel over frame tokens; token_seqs: [S, D] each.
    Returns a list of L tensors [d_inner]."""
    acc = [torch.zeros(dec.d_inner) for _ in dec.mixers]
    n = 0

    def hook(layer):
        def f(_mod, _inp, out):  # out [1, S, d_inner] before softplus
            acc[layer].add_(F.softplus(out).reshape(-1, out.shape[-1]).sum(0))
        return f

    hooks = [m.dt_proj.register_forward_hook(hook(i)) for i, m in enumerate(dec.mixers)]
    try:
        for tok in token_seqs:
            s = tok.shape[0]
            u = dec.inputs(tok[None].float(), torch.zeros(1, s, dtype=torch.long), torch.ones(1, s))
            dec(u, *dec.zero_state(1))
            n += s
    finally:
        for h in hooks:
            h.remove()
    return [a / n for a in acc]


@torch.no_grad()
def extend(dec, mdt, theta, scale, train_len):
    """In place: |A| *= scale where retention over train_len frames > theta. Returns the
    number of entries changed per layer."""
    changed = []
    for m, d in zip(dec.mixers, mdt):
        retention = torch.exp(-train_len * d[:, None] * torch.exp(m.A_log))  # [d_inner, N]
        sel = retention > theta
        m.A_log[sel] += math.log(scale)
        changed.append(int(sel.sum()))
    return changed


def video_tokens(enc_path, seed, videos, samples, procs, questions=0):
    """[(tokens [S, D], truth)] of videos after the H.264 round trip (crf 28)."""
    enc = FrameEncoder()
    enc.load_state_dict(torch.load(weights_only=False, f=enc_path, map_location="cpu")["enc"])
    enc.eval()
    out = []
    with Pool(procs) as pool, torch.no_grad():
        for x, truth in pool.imap(_eval_video, [(seed, i, samples, 2, 28, questions)
                                                for i in range(videos)]):
            out.append((enc(torch.from_numpy(x)), truth))
    return out


def score(dec, short, long):
    """Caption exact at every sample of the short videos; accuracy on the earliest-event
    questions of the long ones (the toolkit's held-out metrics, on cached tokens)."""
    cap, early = [0, 0], [0, 0]
    for tok, truth in short:
        caps, _ = score_video(dec, tok, truth, questions="none")
        cap[0] += sum(got == want for _, want, got in caps)
        cap[1] += len(caps)
    for tok, truth in long:
        _, answers = score_video(dec, tok, truth, captions=False, questions="earliest")
        early[0] += sum(got == q["answer"] for q, got in answers)
        early[1] += len(answers)
    return {"caption_exact": cap[0] / cap[1] if cap[1] else None,
            "earliest": early[0] / early[1] if early[1] else None, "earliest_n": early[1]}


def sweep(a, mdt):
    """Scores each THETA:SCALE on held-out seeds (default 11/12, the selection seeds)."""
    enc_path = os.path.join(a.work, "enc.pt")
    short = video_tokens(enc_path, a.sweep_seed, a.sweep_short, a.samples, a.procs, 8)
    long = video_tokens(enc_path, a.sweep_seed + 1, a.sweep_long,
                        a.sweep_long_samples or 10 * a.samples, a.procs, 8)
    for theta, scale in [(1.0, 1.0)] + a.sweep:  # first the unchanged decoder
        dec = load_decoder(os.path.join(a.work, a.dec_name)).eval()
        changed = extend(dec, mdt, min(theta, 0.999), scale, a.samples)
        print(json.dumps({"theta": theta, "scale": scale, "changed": sum(changed),
                          **score(dec, short, long)}), flush=True)


def check(theta, scale):
    """The error for a setting outside THETA in (0, 1), SCALE in (0, 1], or None."""
    if not 0 < scale <= 1 or not 0 < theta < 1:
        return f"THETA must be in (0, 1) and SCALE in (0, 1], got {theta}:{scale}"
    return None


def setting(spec):
    """argparse type of --sweep: "THETA:SCALE" -> (theta, scale)."""
    try:
        theta, scale = map(float, spec.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes THETA:SCALE pairs such as 0.2:0.7, got {spec!r}")
    if error := check(theta, scale):
        raise argparse.ArgumentTypeError(error)
    return theta, scale


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", default="runs/gpu2")
    p.add_argument("--dec-name", default="dec_d.pt")
    p.add_argument("--out", default="dec_dx.pt", help="new decoder file in --work")
    p.add_argument("--theta", type=float, default=0.2, help="retention above which an entry is global")
    p.add_argument("--scale", type=float, default=0.7, help="factor on |A| of the global entries")
    p.add_argument("--samples", type=int, default=48, help="training video length (frames)")
    p.add_argument("--calib-videos", type=int, default=40)
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--sweep", nargs="+", metavar="THETA:SCALE", type=setting,
                   help="score these settings (and the unchanged decoder) instead of writing one")
    p.add_argument("--sweep-seed", type=int, default=11, help="short videos; long ones use +1")
    p.add_argument("--sweep-short", type=int, default=40)
    p.add_argument("--sweep-long", type=int, default=80)
    p.add_argument("--sweep-long-samples", type=int, default=0, help="default: 10x --samples")
    a = p.parse_args()
    if error := check(a.theta, a.scale):
        p.error(f"--theta/--scale: {error}")
    dec = load_decoder(os.path.join(a.work, a.dec_name)).eval()
    calib = video_tokens(os.path.join(a.work, "enc.pt"), TRAIN_SEED, a.calib_videos, a.samples,
                         a.procs)
    mdt = mean_dt(dec, [t for t, _ in calib])
    if a.sweep:
        sweep(a, mdt)
        return
    changed = extend(dec, mdt, a.theta, a.scale, a.samples)
    save_decoder(dec, os.path.join(a.work, a.out))
    info = {"from": a.dec_name, "theta": a.theta, "scale": a.scale, "train_len": a.samples,
            "calib_seed": TRAIN_SEED, "calib_videos": a.calib_videos, "changed_per_layer": changed,
            "entries_per_layer": dec.d_inner * dec.d_state}
    with open(os.path.join(a.work, a.out.replace(".pt", "_extend.json")), "w") as f:
        json.dump(info, f, indent=1)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
