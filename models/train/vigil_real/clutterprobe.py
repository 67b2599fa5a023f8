"""Static clutter on a camera: the things the detector reads as an object at one place, on and off,
with no object there to explain it (the walkway's rock read as a dog). Runs NanoDet-g and the
encoder's decode (detfeat: group NMS, the 0.4 floor) on every `--stride`-th frame of a video at the
model's input size (box resize), groups the rows that pass the floor by kind and by where their box is (centre and
size within `--tol` of the frame), and prints one JSON line per group that stays put: kind, box,
share of the probed frames it is on, its runs of consecutive probed frames, score percentiles, and
the share of its rows that a person box covers (a false dog on a walker's legs would be covered;
the rock is not). Moving objects do not group; a parked car does, and says so by its steady score.

python -m vigil_real.clutterprobe VIDEO [--stride 2] [--min-share 0.05] [--tol 0.01]
"""
import argparse
import json

import numpy as np

from . import detfeat as df
from .calib import detector, read_frames, run_frames


def covered(b, others):
    """The largest share of box b (cx, cy, w, h) inside one of others [n, 4]."""
    if len(others) == 0:
        return 0.0
    o = np.asarray(others)
    ix = np.clip(np.minimum(b[0] + b[2] / 2, o[:, 0] + o[:, 2] / 2)
                 - np.maximum(b[0] - b[2] / 2, o[:, 0] - o[:, 2] / 2), 0, None)
    iy = np.clip(np.minimum(b[1] + b[3] / 2, o[:, 1] + o[:, 3] / 2)
                 - np.maximum(b[1] - b[3] / 2, o[:, 1] - o[:, 3] / 2), 0, None)
    return float((ix * iy).max() / max(b[2] * b[3], 1e-9))


def groups(rows_per_frame, tol):
    """rows_per_frame: list of [k, 11] detections -> list of dict(kind, box, hits: [(frame, score,
    cover)]): rows of one kind whose box stays within tol of the group's first box."""
    out = []
    for f, rows in enumerate(rows_per_frame):
        rows = rows[rows[:, :7].max(1) >= df.FLOOR]
        kinds = rows[:, :7].argmax(1)
        people = rows[kinds == 0, 7:]
        for r, k in zip(rows, kinds):
            b = r[7:]
            g = next((g for g in out if g["kind"] == k and np.abs(g["box"] - b).max() <= tol), None)
            if g is None:
                g = {"kind": int(k), "box": b.copy(), "hits": []}
                out.append(g)
            g["hits"].append((f, float(r[k]), covered(b, people) if k != 0 else 0.0))
    return out


def runs(frames_on):
    """Lengths of the runs of consecutive probed frames in a sorted list of frame indices."""
    if not frames_on:
        return []
    cuts = np.flatnonzero(np.diff(frames_on) > 1)
    return np.diff(np.r_[0, cuts + 1, len(frames_on)]).tolist()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("video")
    ap.add_argument("--stride", type=int, default=2, help="probe every n-th frame")
    ap.add_argument("--min-share", type=float, default=0.05, help="report groups on this share of frames")
    ap.add_argument("--tol", type=float, default=0.01, help="a group's box tolerance, share of the frame")
    a = ap.parse_args()
    rows = list(run_frames(detector(threads=2), read_frames(a.video, a.stride), 32))
    for g in sorted(groups(rows, a.tol), key=lambda g: -len(g["hits"])):
        share = len({h[0] for h in g["hits"]}) / len(rows)
        if share < a.min_share:
            continue
        sc = np.array([h[1] for h in g["hits"]])
        cov = np.array([h[2] for h in g["hits"]])
        print(json.dumps({
            "kind": df.KINDS[g["kind"]], "box": [round(float(v), 3) for v in g["box"]],
            "share": round(share, 3), "runs_in_probed_frames": runs(sorted({h[0] for h in g["hits"]})),
            "score_p10_50_90": [round(float(v), 3) for v in np.percentile(sc, [10, 50, 90])],
            "covered_by_a_person": round(float(np.mean(cov >= 0.8)), 3),
            "probed_frames": len(rows), "stride": a.stride}))


if __name__ == "__main__":
    main()
