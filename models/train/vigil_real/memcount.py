"""Dense supervision of the memory's counts, for training only (nothing of it is exported).

Captions and answers supervise the decoder at a few sampled instants per video. The memory
questions ("how many have appeared", "how many passed") need a count kept over the whole stream,
and a handful of answers per video is a thin signal for it. Here a linear probe reads every
frame step's SSM state (all layers) and regresses, per kind, log(1 + n) of the objects in view,
the objects that have appeared so far and those that have passed so far, by the same rules as
sim.answer; with states=True also the objects in view in each caption state (left, right, up,
down, still: what a caption's direction groups count). The loss shapes the state so that the
counts are there to be read; the probe is thrown away and the exported graphs are the decoder's
alone. Tried on vigil-cam at weight 0.3, with and without states, against controls: it moved
neither captions nor memory answers (docs/experiments-cam.md).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import grammar as g

NK = len(g.KINDS)
KI = {k: i for i, k in enumerate(g.KINDS)}
SI = {s: i for i, s in enumerate(g.STATES)}


def n_targets(states=False):
    return (3 + (len(g.STATES) if states else 0)) * NK


def targets(objs, T, states=False):
    """One video's objects -> [T, n_targets(states)] float32: per kind, in view at k, appeared
    in 0..k, passed in 0..k (sim.answer's rules)[, in view at k in each state]."""
    out = np.zeros((T, n_targets(states) // NK, NK), np.float32)
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
        if states:
            for k in np.nonzero(vis)[0]:
                out[k, 3 + SI[o["states"][k]], i] += 1
    return out.reshape(T, -1)



def person_states(objs, T):  # [T, 5] people in view at t moving left/right/up/down/still
    return targets(objs, T, True).reshape(T, 8, len(g.KINDS))[:, 3:, 0]


def person_flow(objs, T):
    """[T, 2] people who came into view for the first time at sample k (entries: what "how many
    have appeared" adds up) and people last in view at k - 1 (exits); -1 at k = 0 and for exits
    at the last sample, where the video does not say (masked in the loss)."""
    out = np.zeros((T, 2), np.float32)
    for o in objs:
        vis = np.asarray(o["vis"][:T], bool)
        if o["kind"] != "person" or not vis.any():
            continue
        v = np.nonzero(vis)[0]
        out[v[0], 0] += 1
        if v[-1] + 1 < T:
            out[v[-1] + 1, 1] += 1
    out[0] = -1
    out[T - 1, 1] = -1
    return out


def all_targets(objs_list, T, states=False):
    """-> [V, T, n_targets(states)] for every video."""
    return torch.from_numpy(np.stack([targets(objs, T, states) for objs in objs_list]))


class CountProbe(nn.Module):
    """SSM states [L, B, T, d_inner, d_state] -> [B, T, n_targets] (log 1 + count)."""

    def __init__(self, layers, d_inner, d_state, n_out):
        super().__init__()
        self.lin = nn.Linear(layers * d_inner * d_state, n_out)

    def forward(self, h):
        L, B, T = h.shape[:3]
        return self.lin(h.permute(1, 2, 0, 3, 4).reshape(B, T, -1))


def loss(probe, h, y):
    """h: per-step SSM states [L, B, T, ...]; y: counts [B, T, n_targets]."""
    return F.smooth_l1_loss(probe(h), torch.log1p(y))
