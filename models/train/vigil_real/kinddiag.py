"""Which feature of a kind's detections makes the decoder name that kind on a real video? The
video's samples (1 fps) and their leads (0.5 s before) through NanoDet-g and the encoder's decode
(detfeat), then a head and a decoder in torch, as they are and with that kind's rows edited:
removed; their other kinds' scores set to 0.02 (what the simulator's clutter carried); kept only
in the leads; kept only in the samples. Prints how many captions name the kind for each. A
diagnosis, not a score: on the walkway it showed that the rock's dog row, which scores a person at
0.18-0.33 beside its dog at 0.43, is what makes v9 name a dog.

python -m vigil_real.kinddiag VIDEO --head H.pt --dec D.pt [--kind dog] [--fps 10]
"""
import argparse

import numpy as np
import torch

from . import detfeat as df
from . import grammar as g
from .calib import detector, read_frames, run_frames
from .model import load_head
from .train import greedy, load_decoder


def sample_rows(rgb, fps, sess):
    """-> [T, 2K, 11]: each sample's detections (one per second), then its lead's (0.5 s before);
    frames box-resized as the Java path does (calib.run_frames)."""
    T = len(rgb) // fps
    now = [fps * k for k in range(T)]
    lead = [max(fps * k - fps // 2, 0) for k in range(T)]
    return np.concatenate([run_frames(sess, rgb[now]), run_frames(sess, rgb[lead])], 1)


@torch.no_grad()
def captions(head, dec, rows):
    tok = head(torch.from_numpy(rows).float())[None]  # [1, T, D]
    T = tok.shape[1]
    inputs = dec.inputs(tok, torch.zeros(1, T, dtype=torch.long), torch.ones(1, T))
    _, _, per = dec(inputs, *dec.zero_state(1), keep_states=True)
    return greedy(dec, per[0][:, 0], per[1][:, 0], [[g.CAP]] * T)


def edits(rows, ki):
    """The variants: name -> rows [T, 2K, 11]."""
    mine = (rows[..., :7].max(-1) > 0) & (rows[..., :7].argmax(-1) == ki)  # [T, 2K]
    out = {"as is": rows}
    v = rows.copy()
    v[mine] = 0
    out["its rows removed"] = v
    v = rows.copy()
    others = [j for j in range(7) if j != ki]
    v[..., others] = np.where(mine[..., None], np.minimum(v[..., others], 0.02), v[..., others])
    out["its rows' other kinds -> 0.02"] = v
    v = rows.copy()
    v[:, :df.K][mine[:, :df.K]] = 0
    out["its rows only in the leads"] = v
    v = rows.copy()
    v[:, df.K:][mine[:, df.K:]] = 0
    out["its rows only in the samples"] = v
    return out, mine


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("video")
    ap.add_argument("--head", required=True)
    ap.add_argument("--dec", required=True)
    ap.add_argument("--kind", default="dog", choices=df.KINDS)
    ap.add_argument("--fps", type=int, default=10, help="the video's frame rate")
    a = ap.parse_args()
    ki = df.KINDS.index(a.kind)
    word = g.PLURAL[a.kind]
    head, dec = load_head(a.head).eval(), load_decoder(a.dec).eval()
    rows = sample_rows(read_frames(a.video), a.fps, detector(threads=2))
    variants, mine = edits(rows, ki)
    print(f"{a.video}: {len(rows)} samples; {a.kind} rows in {int(mine[:, :df.K].any(1).sum())} samples, "
          f"in {int(mine[:, df.K:].any(1).sum())} leads")
    for name, r in variants.items():
        n = sum(f" {a.kind} " in f" {c} " or f" {word} " in f" {c} " for c in captions(head, dec, r))
        print(f"  {name:32s} captions naming a {a.kind}: {n} of {len(rows)}")


if __name__ == "__main__":
    main()
