"""Decoder checkpoints, batched greedy generation and the held-out evaluation (the figures in
docs/model-card.md). Used by train.py's `eval` stage and by export.py."""
import os
from multiprocessing import Pool

import torch

from vigil_scenes import scenes

from . import text
from .model import MambaDecoder

QTYPES = scenes.QTYPES
# VIGIL_DEVICE=cuda trains and evaluates on a GPU (a lent device machine); CPU is the default
DEV = torch.device(os.environ.get("VIGIL_DEVICE", "cpu"))


def save_decoder(dec, path):
    sd = {k: v.detach().cpu() for k, v in dec.state_dict().items()}
    torch.save({"dec": sd, "config": dec.config}, path + ".tmp")
    os.replace(path + ".tmp", path)


def load_decoder(path):
    ck = torch.load(weights_only=False, f=path, map_location="cpu")
    dec = MambaDecoder(len(scenes.VOCAB), **ck.get("config", {}))
    dec.load_state_dict(ck["dec"])
    return dec


# ---------------------------------------------------------------- greedy generation
@torch.no_grad()
def greedy(dec, conv, ssm, prefix, max_tokens=20):
    """Batched greedy decoding from copies of states [L, n, ...]; prefix: list of id lists.
    Prefixes of each length run as their own group, so no padding enters any state."""
    dev = conv.device
    D = dec.frame_proj.in_features
    out = [None] * conv.shape[1]
    groups = {}
    for i, p in enumerate(prefix):
        groups.setdefault(len(p), []).append(i)
    for L_, idx in groups.items():
        idx_t = torch.tensor(idx, device=dev)
        c, h = conv[:, idx_t].clone(), ssm[:, idx_t].clone()
        m = len(idx)
        zeros_f, zero_is = torch.zeros(m, D, device=dev), torch.zeros(m, device=dev)
        for s in range(L_):
            tok = torch.tensor([prefix[i][s] for i in idx], device=dev)
            logits, c, h = dec.step(zeros_f, tok, zero_is, c, h)
        res = [[] for _ in idx]
        done = [False] * m
        for _ in range(max_tokens):
            t = logits.argmax(-1)
            for j, tj in enumerate(t.tolist()):
                if not done[j]:
                    if tj == text.EOS:
                        done[j] = True
                    else:
                        res[j].append(tj)
            if all(done):
                break
            logits, c, h = dec.step(zeros_f, t, zero_is, c, h)
        for j, i in enumerate(idx):
            out[i] = text.decode(res[j])
    return out


# ---------------------------------------------------------------- held-out evaluation
def _eval_video(args):
    """One held-out video through the H.264 round trip -> (float32 [S, 3, 64, 64], truth)."""
    from . import frames as fr
    seed, i, samples, fps, crf, questions = args
    rgb, truth, _ = scenes.make_video(seed, i, samples, fps, questions)
    rgb = fr.h264_roundtrip(rgb, fps, crf)
    return fr.preprocess(rgb[::fps][:samples]), truth


@torch.no_grad()
def frame_states(dec, tok):
    """The decoder's states after each of a video's frame tokens [S, D], from zero:
    ([L, S, d_inner, d_conv-1], [L, S, d_inner, d_state])."""
    s, dev = tok.shape[0], tok.device
    u = dec.inputs(tok[None], torch.zeros(1, s, dtype=torch.long, device=dev),
                   torch.ones(1, s, device=dev))
    _, _, per = dec(u, *dec.zero_state(1, dev), keep_states=True)
    return per[0][:, 0], per[1][:, 0]


@torch.no_grad()
def score_video(dec, tok, truth, captions=True, questions="all"):
    """One video's frame tokens [S, D] against its truth: every sample captioned (if captions)
    and its questions answered ("all", "earliest" or "none"), each from the state at its sample.
    Returns ([(sample, true caption, generated)], [(question dict, generated answer)])."""
    if questions not in ("all", "earliest", "none"):
        raise ValueError(f"questions must be 'all', 'earliest' or 'none', got {questions!r}")
    s = tok.shape[0]
    cs, hs = frame_states(dec, tok)
    caps = []
    if captions:
        caps = list(zip(range(s), truth["captions"], greedy(dec, cs, hs, [[text.CAP]] * s)))
    qs = [q for q in truth["questions"]
          if questions == "all" or (questions == "earliest" and q["earliest"])]
    answers = []
    if qs:
        kk = [q["sample"] for q in qs]
        prefix = [[text.Q] + text.encode(q["question"]) + [text.A] for q in qs]
        answers = list(zip(qs, greedy(dec, cs[:, kk], hs[:, kk], prefix)))
    return caps, answers


@torch.no_grad()
def evaluate(enc, dec, seed, videos, samples, fps=2, crf=28, questions=8, earliest_only=False,
             procs=2):
    """Generates held-out videos (gen CLI's generator), H.264 round trip, encodes, decodes.
    Captions are scored at every sample (none for earliest_only)."""
    cap_ok = cap_n = 0
    per_type = {t: [0, 0] for t in QTYPES}
    early = [0, 0]
    examples = []
    with Pool(procs) as pool:
        enc, dec = enc.to(DEV).eval(), dec.to(DEV).eval()
        vids = pool.imap(_eval_video, [(seed, i, samples, fps, crf, questions)
                                       for i in range(videos)])
        for x, truth in vids:
            tok = torch.cat([enc(torch.from_numpy(x[j:j + 512]).to(DEV))
                             for j in range(0, samples, 512)])  # [S, D]
            caps, answers = score_video(dec, tok, truth, captions=not earliest_only,
                                        questions="earliest" if earliest_only else "all")
            for k, want, got in caps:
                cap_ok += got == want
                cap_n += 1
                if got != want and len(examples) < 8:
                    examples.append((k, want, got))
            for q, got in answers:
                ok = got == q["answer"]
                if q["earliest"]:
                    early[0] += ok
                    early[1] += 1
                if not earliest_only:
                    per_type[q["type"]][0] += ok
                    per_type[q["type"]][1] += 1
    r = {"videos": videos, "samples": samples}
    if cap_n:
        r["caption_exact"] = cap_ok / cap_n
        n = sum(v[1] for v in per_type.values())
        r["qa"] = sum(v[0] for v in per_type.values()) / max(n, 1)
        r["qa_per_type"] = {t: v[0] / max(v[1], 1) for t, v in per_type.items()}
        r["qa_n"] = n
        r["caption_errors"] = examples
    r["earliest"] = early[0] / max(early[1], 1)
    r["earliest_n"] = early[1]
    return r
