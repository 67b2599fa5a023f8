"""Datasets: generated videos -> H.264 round trip -> 1-fps samples box-resized to 64x64."""
from multiprocessing import Pool

import numpy as np

from vigil_scenes import scenes

from . import frames as fr

CRFS = [20, 28, 36]


def _one(args):
    seed, i, samples, fps, crf, dense = args
    rgb, truth, objs = scenes.make_video(seed, i, samples, fps, questions=0, dense=dense)
    if crf is not None:
        rgb = fr.h264_roundtrip(rgb, fps, crf)
    samp = rgb[::fps][:samples]  # [samples, 128, 128, 3], frame k*fps = second k
    small = fr.box_resize(samp).astype(np.float16)  # [samples, 64, 64, 3], exact quarter values
    aux = [scenes.aux_targets(objs, k) for k in range(samples)]
    pres = np.stack([a[0] for a in aux])  # [samples, 12]
    pos = np.stack([a[1] for a in aux])  # [samples, 12, 2]
    return small, pres, pos


def build(path, seed, videos, samples, fps=2, procs=2, crfs=CRFS, dense=False):
    """Writes path (.npz): small [V, S, 64, 64, 3] f16, pres [V, S, 12], pos [V, S, 12, 2]."""
    rng = np.random.default_rng(seed + 99991)
    jobs = [(seed, i, samples, fps, None if crfs is None else int(rng.choice(crfs)), dense)
            for i in range(videos)]
    with Pool(procs) as p:
        out = p.map(_one, jobs, chunksize=8)
    np.savez(path, small=np.stack([o[0] for o in out]), pres=np.stack([o[1] for o in out]),
             pos=np.stack([o[2] for o in out]), seed=seed, samples=samples, fps=fps)


def load(path):
    d = np.load(path)
    return {k: d[k] for k in d.files}


def objects(seed, videos, samples, fps=2, dense=False):
    return [scenes.make_video(seed, i, samples, fps, questions=0, with_frames=False, dense=dense)[2]
            for i in range(videos)]
