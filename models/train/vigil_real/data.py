"""Build simulated datasets: python -m vigil_real.data --seed S --videos N --samples T --out F
[--wander | --wander-share F] [--return-share F] [--half] [--end-on] [--vehicle-scores] [--false-dogs]
[--hover] [--leak [cross]]. Video i uses seed S*1_000_000 + i (training 1, held-out 9; see
README); --wander adds the people who stay and wander (sim.Scene) to every video, --wander-share F
to a share F of them (spread evenly over i), --return-share F the people who leave and come back to
a share F (spread independently of the wanderers); --half also keeps rows_half, the detections half a
second before each sample (the lead frame of a model with motion at the encoder); --end-on gives
vehicles and dogs the aspect of their heading (sim.Scene's end_on), --vehicle-scores draws per video
how much small size and a cut by the frame's edge lower a vehicle's detection (simdet),
--false-dogs gives 60 % of the videos false dog rows on detected people, --hover static clutter
whose score drifts about the 0.4 floor, --leak a second kind on every clutter row (sim.make_video;
--leak cross: for vehicle-kind clutter, no vehicle)."""
import argparse
import multiprocessing as mp
import pickle
import time

import numpy as np

from . import sim


def _one(args):
    seed, i, T, wander, half, returns, end_on, veh_scores, false_dogs, hover, leak = args
    v = sim.make_video(seed * 1_000_000 + i, T, wander, half, returns, end_on, veh_scores, false_dogs, hover,
                       leak)
    for o in v["objs"]:  # compact
        o["pos"] = o["pos"].astype(np.float16)
    return v


def in_share(i, share, step=0.6180339887, offset=0.0):
    """Whether video i falls in a share of the set, spread evenly over i by an irrational step
    (wanderers: the golden ratio; returners: another step and offset, so the two shares are
    spread independently)."""
    return (i * step + offset) % 1.0 < share


def build(path, seed, videos, T, procs=2, wander=0.0, half=False, returns=0.0, end_on=False,
          veh_scores=False, false_dogs=False, hover=False, leak=False):
    t0 = time.time()
    jobs = [(seed, i, T, in_share(i, wander), half, in_share(i, returns, 0.7548776662, 0.5), end_on,
             veh_scores, false_dogs, hover, leak)
            for i in range(videos)]
    with mp.Pool(procs) as p:
        vs = p.map(_one, jobs, chunksize=16)
    rows = np.stack([v["rows"] for v in vs])
    aux = np.stack([v["aux"] for v in vs])
    out = {"rows": rows, "aux": aux, "objs": [v["objs"] for v in vs], "seed": seed, "samples": T}
    if half:
        out["rows_half"] = np.stack([v["rows_half"] for v in vs])  # [V, T, K, 11]
    with open(path, "wb") as f:
        pickle.dump(out, f, protocol=4)
    print(f"{path}: {videos} videos x {T} samples in {time.time() - t0:.0f} s", flush=True)


def load(path):
    with open(path, "rb") as f:
        return pickle.load(f)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--videos", type=int, default=4000)
    ap.add_argument("--samples", type=int, default=80)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--out", required=True)
    ap.add_argument("--wander", action="store_true", help="people who stay and wander (sim.Scene)")
    ap.add_argument("--wander-share", type=float, default=0.0, help="that in this share of the videos")
    ap.add_argument("--return-share", type=float, default=0.0,
                    help="people who leave and come back by the same side, in this share of the videos")
    ap.add_argument("--half", action="store_true", help="also the detections 0.5 s before each sample")
    ap.add_argument("--end-on", action="store_true",
                    help="vehicles' and dogs' aspect follows their heading (end-on when moving up or down)")
    ap.add_argument("--vehicle-scores", action="store_true",
                    help="what small size and the frame's edge cost a vehicle's detection, drawn per video")
    ap.add_argument("--false-dogs", action="store_true",
                    help="false dog rows on detected people, at a rate drawn per video")
    ap.add_argument("--hover", action="store_true",
                    help="static clutter whose score drifts about the floor, in 60 %% of the videos")
    ap.add_argument("--leak", nargs="?", const="any", choices=["any", "cross"], default=None,
                    help="clutter rows also score a second kind (simdet.leak_second); cross: for a "
                         "vehicle-kind clutter row, no vehicle")
    a = ap.parse_args()
    build(a.out, a.seed, a.videos, a.samples, a.procs, 1.0 if a.wander else a.wander_share, a.half,
          a.return_share, a.end_on, a.vehicle_scores, a.false_dogs, a.hover, a.leak)
