"""Staged recipe: (a) encoder on per-frame targets, (b) cache tokens, (c) decoder on token
sequences with caption/question branches from the live state.

python -m vigil_train.train all --work runs/full   (see models/train/README.md)
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data, scenes, text
from .frames import MEAN, STD
from .model import AuxHead, FrameEncoder, MambaDecoder

torch.set_num_threads(int(os.environ.get("VIGIL_THREADS", "1")))
TRAIN_SEED, VAL_SEED = 1000, 2000


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def to_input(small):  # f16 [N, 64, 64, 3] on 0..255 -> float32 [N, 3, 64, 64]
    x = torch.from_numpy(small.astype(np.float32)) / 255.0
    x = (x - torch.from_numpy(MEAN)) / torch.from_numpy(STD)
    return x.permute(0, 3, 1, 2).contiguous()


# ---------------------------------------------------------------- (a) encoder
def train_encoder(ds, minutes, bs=128, lr=2e-3, log_every=50):
    enc, aux = FrameEncoder(), AuxHead()
    small = ds["small"].reshape(-1, 64, 64, 3)
    pres = torch.from_numpy(ds["pres"].reshape(-1, 12))
    pos = torch.from_numpy(ds["pos"].reshape(-1, 12, 2))
    n = small.shape[0]
    params = list(enc.parameters()) + list(aux.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    t0, it, deadline = time.time(), 0, time.time() + 60 * minutes
    est_iters = None
    while time.time() < deadline:
        idx = np.random.randint(0, n, bs)
        x = to_input(small[idx])
        if np.random.rand() < 0.5:  # brightness jitter on top of the scene's own drift
            x = x * float(np.random.uniform(0.9, 1.1)) + float(np.random.uniform(-0.2, 0.2))
        logit, xy = aux(enc(x))
        p, q = pres[idx], pos[idx]
        l_pres = F.binary_cross_entropy_with_logits(logit, p)
        l_pos = ((xy - q).abs().sum(-1) * p).sum() / p.sum().clamp(min=1)
        loss = 3 * l_pres + 5 * l_pos
        # cosine schedule on wall-clock progress
        frac = (time.time() - t0) / (60 * minutes)
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (it + 1) / 50) * 0.5 * (1 + np.cos(np.pi * min(frac, 1.0)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % log_every == 0:
            acc = ((logit > 0).float() == p).all(1).float().mean().item()
            log(f"enc it {it} loss {loss.item():.4f} pres {l_pres.item():.4f} "
                f"pos_px {l_pos.item() * 64:.2f} frame_all_ok {acc:.3f}")
        it += 1
    return enc, aux


@torch.no_grad()
def eval_encoder(enc, aux, ds):
    enc.eval()
    small = ds["small"].reshape(-1, 64, 64, 3)
    pres = torch.from_numpy(ds["pres"].reshape(-1, 12))
    pos = torch.from_numpy(ds["pos"].reshape(-1, 12, 2))
    logit, xy = aux(encode_all(enc, small))
    ok = ((logit > 0).float() == pres).all(1).float().mean().item()
    err = (((xy - pos).abs() * 128).sum(-1) * pres).sum() / pres.sum() / 2
    return {"frame_presence_all_ok": ok, "pos_err_px128": err.item()}


@torch.no_grad()
def encode_all(enc, small, bs=512):  # -> [N, D]
    enc.eval()
    return torch.cat([enc(to_input(small[i:i + bs])) for i in range(0, len(small), bs)])


# ---------------------------------------------------------------- (c) decoder
QTYPES = scenes.QTYPES


def sample_question(rng, objs, k, qtype=None):
    """(question, answer, type) about samples 0..k, balanced like the generator."""
    while True:
        t = qtype or QTYPES[rng.integers(len(QTYPES))]
        seen = [o for o in objs if o.s0 <= k]
        kind, colour = scenes.KINDS[rng.integers(3)], scenes.COLOURS[rng.integers(4)]
        if t in ("seen", "direction") and seen and rng.random() < 0.5:
            o = seen[rng.integers(len(seen))]
            kind, colour = o.kind, o.colour
        if t in ("count", "colour") and seen and rng.random() < 0.6:
            kind = seen[rng.integers(len(seen))].kind
        q, a = scenes.answer(objs, k, t, kind, colour)
        if a is not None:
            return q, a, t


def text_batch(items):
    """items: list of (input ids, target ids with -100 where no loss) -> padded tensors."""
    S = max(len(i) for i, _ in items)
    inp = torch.zeros(len(items), S, dtype=torch.long)
    tgt = torch.full((len(items), S), -100, dtype=torch.long)
    for j, (i, t) in enumerate(items):
        inp[j, :len(i)] = torch.tensor(i)
        tgt[j, :len(t)] = torch.tensor(t)
    return inp, tgt


def cap_item(caption):
    w = text.encode(caption)
    return [text.CAP] + w, w + [text.EOS]


def qa_item(q, a):
    qi, ai = text.encode(q), text.encode(a)
    inp = [text.Q] + qi + [text.A] + ai
    tgt = [-100] * (len(qi) + 1) + ai + [text.EOS]
    return inp, tgt


def gather_states(per, b_idx, k_idx):  # per: ([L,B,T,...], [L,B,T,...]) -> ([L,n,...], [L,n,...])
    return per[0][:, b_idx, k_idx], per[1][:, b_idx, k_idx]


def decoder_batch(rng, tokens, objs_list, bs, tmin, tmax, n_cap, n_q):
    V, S = tokens.shape[:2]
    T = int(rng.integers(tmin, min(tmax, S) + 1))
    vids = rng.integers(0, V, bs)
    starts = [0] * bs
    cap_b, cap_k, caps, q_b, q_k, qas = [], [], [], [], [], []
    for j, v in enumerate(vids):
        objs = objs_list[v]
        ks = list(rng.integers(0, T, n_cap - 1)) + [T - 1]
        for k in ks:
            cap_b.append(j), cap_k.append(int(k)), caps.append(cap_item(scenes.caption(objs, int(k))))
        for n in range(n_q):
            k = int(T - 1 - rng.integers(0, 3)) if n == 0 else int(rng.integers(0, T))
            q, a, _ = sample_question(rng, objs, k, "first" if n == 0 and rng.random() < 0.5 else None)
            q_b.append(j), q_k.append(k), qas.append(qa_item(q, a))
    x = tokens[vids, :T]  # [bs, T, D]
    return x, (cap_b, cap_k, caps), (q_b, q_k, qas)


def decoder_loss(dec, x, caps, qas):
    B, T, _ = x.shape
    u = dec.inputs(x, torch.zeros(B, T, dtype=torch.long), torch.ones(B, T))  # [B, T, d_model]
    c0, h0 = dec.zero_state(B)
    _, _, per = dec(u, c0, h0, keep_states=True)
    losses = []  # captions and questions as two batches (they pad to different lengths)
    for b_idx, k_idx, items in (caps, qas):
        cs, hs = gather_states(per, torch.tensor(b_idx), torch.tensor(k_idx))
        inp, tgt = text_batch(items)
        n = inp.shape[0]
        ut = dec.inputs(torch.zeros(n, inp.shape[1], x.shape[2]), inp, torch.zeros(inp.shape))
        logits, _, _ = dec(ut, cs, hs)  # [n, S, V]
        losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1)))
    return losses


def train_decoder(tokens, objs_list, minutes, bs=16, lr=3e-3, tmin=16, tmax=48, seed=0,
                  log_every=25, dec=None):
    rng = np.random.default_rng(seed)
    dec = dec or MambaDecoder(len(scenes.VOCAB))
    opt = torch.optim.AdamW(dec.parameters(), lr=lr, weight_decay=0.01)
    t0, it = time.time(), 0
    while time.time() - t0 < 60 * minutes:
        frac = (time.time() - t0) / (60 * minutes)
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, it / 100) * 0.5 * (1 + np.cos(np.pi * min(frac, 1.0)))
        x, caps, qas = decoder_batch(rng, tokens, objs_list, bs, tmin, tmax, 3, 4)
        l_cap, l_qa = decoder_loss(dec, x, caps, qas)
        loss = l_cap + l_qa
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(dec.parameters(), 1.0)
        opt.step()
        if it % log_every == 0:
            log(f"dec it {it} T {x.shape[1]} cap {l_cap.item():.4f} qa {l_qa.item():.4f}")
        it += 1
    return dec


# ---------------------------------------------------------------- greedy generation
@torch.no_grad()
def greedy(dec, conv, ssm, prefix, max_tokens=20):
    """Batched greedy decoding from copies of states [L, n, ...]; prefix: list of id lists."""
    n = conv.shape[1]
    conv, ssm = conv.clone(), ssm.clone()
    D = dec.frame_proj.in_features
    zeros_f, zero_is = torch.zeros(n, D), torch.zeros(n)
    plen = max(len(p) for p in prefix)
    logits = None
    # feed prefixes (left-aligned; shorter prefixes are padded by re-feeding nothing: we run
    # each length group separately to stay exact)
    out = [None] * n
    groups = {}
    for i, p in enumerate(prefix):
        groups.setdefault(len(p), []).append(i)
    for L_, idx in groups.items():
        idx_t = torch.tensor(idx)
        c, h = conv[:, idx_t], ssm[:, idx_t]
        m = len(idx)
        for s in range(L_):
            tok = torch.tensor([prefix[i][s] for i in idx])
            logits, c, h = dec.step(zeros_f[:m], tok, zero_is[:m], c, h)
        res = [[] for _ in idx]
        done = torch.zeros(m, dtype=torch.bool)
        for _ in range(max_tokens):
            t = logits.argmax(-1)
            for j in range(m):
                if not done[j]:
                    if t[j].item() == text.EOS:
                        done[j] = True
                    else:
                        res[j].append(t[j].item())
            if done.all():
                break
            logits, c, h = dec.step(zeros_f[:m], t, zero_is[:m], c, h)
        for j, i in enumerate(idx):
            out[i] = text.decode(res[j])
    return out


# ---------------------------------------------------------------- held-out evaluation
@torch.no_grad()
def evaluate(enc, dec, seed, videos, samples, fps=2, crf=28, questions=8, earliest_only=False):
    """Generates held-out videos (gen CLI's generator), H.264 round trip, encodes, decodes.
    Captions are scored at every sample (or a subset for long videos)."""
    from . import frames as fr
    enc.eval(), dec.eval()
    cap_ok = cap_n = 0
    per_type = {t: [0, 0] for t in QTYPES}
    early = [0, 0]
    examples = []
    for i in range(videos):
        rgb, truth, _ = scenes.make_video(seed, i, samples, fps, questions)
        rgb = fr.h264_roundtrip(rgb, fps, crf)
        tok = enc(torch.from_numpy(fr.preprocess(rgb[::fps][:samples])))  # [S, D]
        u = dec.inputs(tok[None], torch.zeros(1, samples, dtype=torch.long), torch.ones(1, samples))
        c0, h0 = dec.zero_state(1)
        _, _, per = dec(u, c0, h0, keep_states=True)
        cs, hs = per[0][:, 0], per[1][:, 0]  # [L, S, ...]
        ks = list(range(samples)) if not earliest_only else []
        if ks:
            got = greedy(dec, cs[:, ks], hs[:, ks], [[text.CAP]] * len(ks))
            for k, g in zip(ks, got):
                cap_ok += g == truth["captions"][k]
                cap_n += 1
                if g != truth["captions"][k] and len(examples) < 8:
                    examples.append((k, truth["captions"][k], g))
        qs = [q for q in truth["questions"] if q["earliest"] or not earliest_only]
        if qs:
            prefix = [[text.Q] + text.encode(q["question"]) + [text.A] for q in qs]
            kk = [q["sample"] for q in qs]
            got = greedy(dec, cs[:, kk], hs[:, kk], prefix)
            for q, g in zip(qs, got):
                ok = g == q["answer"]
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=["prep", "encoder", "decoder", "eval", "all"])
    p.add_argument("--work", default="runs/full")
    p.add_argument("--videos", type=int, default=2000)
    p.add_argument("--samples", type=int, default=48)
    p.add_argument("--enc-minutes", type=float, default=15)
    p.add_argument("--dec-minutes", type=float, default=30)
    p.add_argument("--eval-videos", type=int, default=40)
    p.add_argument("--eval-seed", type=int, default=7)
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--dec-bs", type=int, default=16)
    p.add_argument("--dec-lr", type=float, default=3e-3)
    p.add_argument("--dec-seed", type=int, default=0)
    p.add_argument("--dec-resume", default=None, help="dec.pt to continue from")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    dpath = os.path.join("data", f"train_{TRAIN_SEED}_{a.videos}x{a.samples}.npz")
    times = {}
    if a.stage in ("prep", "all") and not os.path.exists(dpath):
        t = time.time()
        os.makedirs("data", exist_ok=True)
        data.build(dpath, TRAIN_SEED, a.videos, a.samples, procs=a.procs)
        times["prep_s"] = time.time() - t
        log("prep done", times)
    if a.stage in ("encoder", "all"):
        ds = data.load(dpath)
        t = time.time()
        enc, aux = train_encoder(ds, a.enc_minutes)
        times["encoder_s"] = time.time() - t
        vpath = os.path.join("data", f"val_{VAL_SEED}_100x{a.samples}.npz")
        if not os.path.exists(vpath):
            data.build(vpath, VAL_SEED, 100, a.samples, procs=a.procs, crfs=[28])
        log("encoder held-out", eval_encoder(enc, aux, data.load(vpath)))
        torch.save({"enc": enc.state_dict(), "aux": aux.state_dict()}, os.path.join(a.work, "enc.pt"))
        t = time.time()  # (b) cache tokens
        tok = encode_all(enc, ds["small"].reshape(-1, 64, 64, 3))
        tok = tok.reshape(a.videos, a.samples, -1)
        torch.save(tok, os.path.join(a.work, "tokens.pt"))
        times["cache_s"] = time.time() - t
        log("cached tokens", tuple(tok.shape), times)
    if a.stage in ("decoder", "all"):
        tok = torch.load(weights_only=False, f=os.path.join(a.work, "tokens.pt"))
        objs = data.objects(TRAIN_SEED, a.videos, a.samples)
        t = time.time()
        dec = None
        if a.dec_resume:
            dec = MambaDecoder(len(scenes.VOCAB))
            dec.load_state_dict(torch.load(weights_only=False, f=a.dec_resume)["dec"])
        dec = train_decoder(tok, objs, a.dec_minutes, dec=dec, bs=a.dec_bs, lr=a.dec_lr, tmax=a.samples, seed=a.dec_seed)
        times["decoder_s"] = time.time() - t
        torch.save({"dec": dec.state_dict()}, os.path.join(a.work, "dec.pt"))
        log("decoder done", times)
    if a.stage in ("eval", "all"):
        enc = FrameEncoder()
        enc.load_state_dict(torch.load(weights_only=False, f=os.path.join(a.work, "enc.pt"))["enc"])
        dec = MambaDecoder(len(scenes.VOCAB))
        dec.load_state_dict(torch.load(weights_only=False, f=os.path.join(a.work, "dec.pt"))["dec"])
        t = time.time()
        r = evaluate(enc, dec, a.eval_seed, a.eval_videos, a.samples)
        log("held-out", json.dumps(r))
        rl = evaluate(enc, dec, a.eval_seed + 1, max(a.eval_videos // 2, 4), 10 * a.samples,
                      earliest_only=True)
        r["qa_long"], r["qa_long_n"], r["long_samples"] = rl["earliest"], rl["earliest_n"], 10 * a.samples
        times["eval_s"] = time.time() - t
        log("held-out long", json.dumps(rl))
        with open(os.path.join(a.work, "eval.json"), "w") as f:
            json.dump({"eval": r, "times": times, "cmd": vars(a)}, f, indent=1)
    tp = os.path.join(a.work, "times.json")
    old = json.load(open(tp)) if os.path.exists(tp) else {}
    old.update(times)
    json.dump(old, open(tp, "w"), indent=1)


if __name__ == "__main__":
    main()
