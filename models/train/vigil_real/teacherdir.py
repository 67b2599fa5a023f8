"""The teacher's directions on the test clip, against the reference made by eye (evaluation only;
nothing here feeds training): NanoDet-g person rows on every frame (10 fps, the encoder's input
size, floor 0.25 for tracking), realcal's greedy IoU tracker (tracks of at least 1 s), and at each
reference instant every tracked person in view (grammar.MIN_PX tall, centre inside the frame) moving
left / right / up / down / standing by the grammar's rule over the last 2 s (since the track began
if newer). Scored as `vigil eval --real` scores captions (DirectionScore): per-direction counts
within ±1 and the horizontal majority way, each beside the same figure with the teacher's instants
shifted 5-35 instants against the reference (its chance level on this clip).

python -m vigil_real.teacherdir [--reference ../reference/vtest.json] [--cache DIR]
"""
import argparse
import json
import os
import subprocess

import numpy as np

from . import detfeat as df
from . import grammar as g
from . import realcal, sim
from .calib import detector, run

DIRS = ("left", "right", "up", "down")
HERE = os.path.dirname(os.path.abspath(__file__))


def person_rows(video, cache):
    """-> per frame [n, 5] (score, cx, cy, w, h) person rows >= 0.25, cached in cache."""
    path = os.path.join(cache, "vtest.person_rows.npz")
    if os.path.exists(path):
        z = np.load(path)
        return np.split(z["rows"], z["cuts"])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", video, "-vf", f"scale={df.W}:{df.H}:flags=area",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    x = np.frombuffer(raw, np.uint8).reshape(-1, df.H, df.W, 3)
    sess, out, floor = detector(threads=1), [], df.FLOOR
    df.FLOOR = 0.25
    try:
        for i in range(0, len(x), 16):
            for r in run(sess, x[i:i + 16].astype(np.float32)):
                r = r[(r[:, :7].max(1) > 0) & (r[:, :7].argmax(1) == 0)]
                out.append(np.concatenate([r[:, :1], r[:, 7:]], 1))
    finally:
        df.FLOOR = floor
    os.makedirs(cache, exist_ok=True)
    np.savez_compressed(path, rows=np.concatenate(out), cuts=np.cumsum([len(r) for r in out])[:-1])
    return out


def state(track, f, fps=10):
    prev = max(f - 2 * fps, min(track))
    a, b = track[prev], track[f]
    if prev == f:
        return "standing"
    dt = (f - prev) / fps
    vx = (b[1] - a[1]) * df.W / df.H / b[4] / dt  # own heights per second
    vy = (b[2] - a[2]) / b[4] / dt
    way = sim.direction(vx, vy)
    return "standing" if way == "still" else way


def score(ref, got, shift):
    n, ok, asked, maj = len(got), 0, 0, 0
    for k, inst in enumerate(ref):
        r, c = inst["directions"], got[(k + shift) % n]
        ok += sum(abs(c[d] - r[d]) <= 1 for d in DIRS)
        w = r["right"] - r["left"]
        if abs(w) >= 2:
            asked += 1
            maj += np.sign(c["right"] - c["left"]) == np.sign(w)
    return ok / (4 * n), maj / max(asked, 1), asked


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", default=os.path.join(HERE, "..", "..", "reference", "vtest.json"))
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/vigil-footage"))
    a = ap.parse_args()
    ref = json.load(open(a.reference))
    tracks = realcal.people(person_rows(ref["source"]["path"], a.cache), fps=ref["source"]["fps"])
    got = []
    for inst in ref["instants"]:
        f, c = int(round(inst["t_s"] * ref["source"]["fps"])), dict.fromkeys(DIRS + ("standing",), 0)
        for t in tracks:
            if f in t and 0 <= t[f][1] <= 1 and 0 <= t[f][2] <= 1 and t[f][4] * df.H >= g.MIN_PX:
                c[state(t, f)] += 1
        got.append(c)
        print(f"{inst['t_s']:4.0f} s  reference {inst['directions']}  teacher {c}")
    s, chance = score(ref["instants"], got, 0), [score(ref["instants"], got, k) for k in range(5, len(got) - 4)]
    print(f"teacher + tracker: moving left/right/up/down counts within ±1 {100 * s[0]:.1f} % (chance "
          f"{100 * np.mean([c[0] for c in chance]):.1f} %); horizontal majority way {100 * s[1]:.1f} % of "
          f"{s[2]} instants (chance {100 * np.mean([c[1] for c in chance]):.1f} %)")


if __name__ == "__main__":
    main()
