"""Dense supervision of the memory's counts, for training only (nothing of it is exported).

Captions and answers supervise the decoder at a few sampled instants per video. The memory
questions ("how many have appeared", "how many passed") need a count kept over the whole stream,
and a handful of answers per video is a thin signal for it. Here a linear probe reads every
frame step's SSM state (all layers) and regresses, per kind, log(1 + n) of the objects in view,
the objects that have appeared so far and those that have passed so far, by the same rules as
sim.answer. The loss shapes the state so that the counts are there to be read; the probe is
thrown away and the exported graphs are the decoder's alone.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import grammar as g

NK = len(g.KINDS)
KI = {k: i for i, k in enumerate(g.KINDS)}
N_TARGETS = 3 * NK  # in view, appeared, passed; per kind


def targets(objs, T):
    """One video's objects -> [T, 3 * NK] float32: per kind, in view at k, appeared in 0..k,
    passed in 0..k (sim.answer's rules)."""
    out = np.zeros((T, 3, NK), np.float32)
    ks = np.arange(T)
    for o in objs:
        vis = np.asarray(o["vis"][:T], bool)
        if not vis.any():
            continue
        i = KI[o["kind"]]
        first = int(np.argmax(vis))
        out[:, 0, i] += vis
        out[:, 1, i] += ks >= first
        last = np.maximum.accumulate(np.where(vis, ks, -1))  # last visible sample <= k
        moved = np.abs(o["pos"][np.maximum(last, 0), :2] - o["pos"][first, :2]) >= g.PASS_FRAC
        out[:, 2, i] += (last >= 0) & ~vis & (last < ks) & moved.any(1)
    return out.reshape(T, -1)


def all_targets(objs_list, T):
    """-> [V, T, 3 * NK] for every video."""
    return torch.from_numpy(np.stack([targets(objs, T) for objs in objs_list]))


class CountProbe(nn.Module):
    """SSM states [L, B, T, d_inner, d_state] -> [B, T, 3 * NK] (log 1 + count)."""

    def __init__(self, layers, d_inner, d_state):
        super().__init__()
        self.lin = nn.Linear(layers * d_inner * d_state, N_TARGETS)

    def forward(self, h):
        L, B, T = h.shape[:3]
        return self.lin(h.permute(1, 2, 0, 3, 4).reshape(B, T, -1))


def loss(probe, h, y):
    """h: per-step SSM states [L, B, T, ...]; y: counts [B, T, 3 * NK]."""
    return F.smooth_l1_loss(probe(h), torch.log1p(y))
