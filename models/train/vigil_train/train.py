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

from vigil_scenes import scenes

from . import data, motion, text
from .frames import MEAN, STD
from .evaluate import DEV, evaluate, load_decoder, save_decoder
from .model import AuxHead, FrameEncoder, MambaDecoder

torch.set_num_threads(int(os.environ.get("VIGIL_THREADS", "1")))
TRAIN_SEED, VAL_SEED, DENSE_SEED = 1000, 2000, 3000


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def to_input(small):  # f16 [N, 64, 64, 3] on 0..255 (numpy or tensor) -> float32 [N, 3, 64, 64]
    if isinstance(small, np.ndarray):
        small = torch.from_numpy(small)
    x = small.to(DEV).float() / 255.0
    x = (x - torch.from_numpy(MEAN).to(DEV)) / torch.from_numpy(STD).to(DEV)
    return x.permute(0, 3, 1, 2).contiguous()


def adamw(model, lr):
    """AdamW without weight decay on A_log, D, biases and norms (as Mamba's reference does:
    decay on A_log would pull the slow channels back to fast ones)."""
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and not n.endswith("A_log")]
    rest = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and not n.endswith("A_log"))]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                              {"params": rest, "weight_decay": 0.0}], lr=lr)


# ---------------------------------------------------------------- (a) encoder
def train_encoder(ds, minutes, bs=128, lr=2e-3, log_every=50):
    enc, aux = FrameEncoder().to(DEV), AuxHead().to(DEV)
    small = torch.from_numpy(ds["small"].reshape(-1, 64, 64, 3)).to(DEV)
    pres = torch.from_numpy(ds["pres"].reshape(-1, 12)).to(DEV)
    pos = torch.from_numpy(ds["pos"].reshape(-1, 12, 2)).to(DEV)
    n = small.shape[0]
    params = list(enc.parameters()) + list(aux.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    t0, it, deadline = time.time(), 0, time.time() + 60 * minutes
    while time.time() < deadline:
        idx = torch.randint(0, n, (bs,), device=DEV)
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
    logit, xy = (t.cpu() for t in aux(encode_all(enc, small).to(DEV)))
    ok = ((logit > 0).float() == pres).all(1).float().mean().item()
    err = (((xy - pos).abs() * 128).sum(-1) * pres).sum() / pres.sum() / 2
    return {"frame_presence_all_ok": ok, "pos_err_px128": err.item()}


@torch.no_grad()
def encode_all(enc, small, bs=512):  # -> [N, D] on the CPU
    enc.eval()
    return torch.cat([enc(to_input(small[i:i + bs])).cpu() for i in range(0, len(small), bs)])


# ---------------------------------------------------------------- (c) decoder
QTYPES = scenes.QTYPES


def sample_question(rng, objs, k, qtype=None, about=None):
    """(question, answer, type) about samples 0..k, balanced like the generator; about=an
    object to ask 'seen'/'direction' about."""
    while True:
        t = qtype or QTYPES[rng.integers(len(QTYPES))]
        seen = [o for o in objs if o.s0 <= k]
        kind, colour = scenes.KINDS[rng.integers(3)], scenes.COLOURS[rng.integers(4)]
        if t in ("seen", "direction") and seen and rng.random() < 0.5:
            o = seen[rng.integers(len(seen))]
            kind, colour = o.kind, o.colour
        if about is not None:
            kind, colour = about.kind, about.colour
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


def decoder_batch(rng, V, S, objs_list, bs, tmin, tmax, n_cap, n_q, stop_caps=0):
    """One batch of video indices and text branches: (vids [bs], T, captions, questions), each
    branch (b_idx [n], k_idx [n], inputs [n, S'], targets [n, S']). stop_caps: extra captions
    per video from the samples around stops (motion.caption_samples)."""
    T = int(rng.integers(tmin, min(tmax, S) + 1))
    vids = rng.integers(0, V, bs)
    cap_b, cap_k, caps, q_b, q_k, qas = [], [], [], [], [], []
    for j, v in enumerate(vids):
        objs = objs_list[v]
        for k in motion.caption_samples(rng, objs, T, n_cap, stop_caps):
            cap_b.append(j), cap_k.append(k), caps.append(cap_item(scenes.caption(objs, k)))
        for n in range(n_q):
            qtype, about = None, None
            if n == 0:  # near the end, about the earliest events (what qa_long asks)
                k = int(T - 1 - rng.integers(0, 3))
                r = rng.random()
                if r < 0.5:
                    qtype = "first"
                elif r < 0.75 and objs and objs[0].s0 <= k:
                    qtype, about = "seen", objs[0]
            else:
                k = int(rng.integers(0, T))
            q, a, _ = sample_question(rng, objs, k, qtype, about)
            q_b.append(j), q_k.append(k), qas.append(qa_item(q, a))
    branch = lambda b, k, items: (torch.tensor(b), torch.tensor(k), *text_batch(items))
    return (torch.from_numpy(vids), T, branch(cap_b, cap_k, caps), branch(q_b, q_k, qas))


class DecoderBatches(torch.utils.data.IterableDataset):
    """Endless decoder batches; each loader worker draws from its own seed."""

    def __init__(self, V, S, objs_list, bs, tmin, tmax, seed, stop_caps=0):
        self.args, self.seed = (V, S, objs_list, bs, tmin, tmax, 3, 4, stop_caps), seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng([self.seed, info.id if info else 0])
        while True:
            yield decoder_batch(rng, *self.args)


def decoder_loss(dec, x, caps, qas, h0=None, decision_weight=1.0):
    """h0: initial ssm state [L, B, d_inner, d_state] (default zeros); decision_weight: on the
    captions' motion decision words (motion.text_loss); answers are unweighted."""
    B, T, _ = x.shape
    u = dec.inputs(x, torch.zeros(B, T, dtype=torch.long, device=DEV), torch.ones(B, T, device=DEV))
    c0, z = dec.zero_state(B, DEV)
    h0 = z if h0 is None else h0
    _, _, per = dec(u, c0, h0, keep_states=True)
    losses = []  # captions and questions as two batches (they pad to different lengths)
    for (b_idx, k_idx, inp, tgt), weight in ((caps, decision_weight), (qas, 1.0)):
        cs, hs = gather_states(per, b_idx.to(DEV), k_idx.to(DEV))
        inp, tgt = inp.to(DEV), tgt.to(DEV)
        n = inp.shape[0]
        ut = dec.inputs(torch.zeros(n, inp.shape[1], x.shape[2], device=DEV), inp,
                        torch.zeros(inp.shape, device=DEV))
        logits, _, _ = dec(ut, cs, hs)  # [n, S, V]
        losses.append(motion.text_loss(logits, tgt, weight))
    return losses, per[1][:, :, -1]


def noisy_state(dec, B, rms, p):
    """Initial ssm states for state-noise training (Buitrago & Gu 2025, "unexplored states"):
    a fraction p of the batch starts from Gaussian noise at a random fraction of each layer's
    typical state RMS (rms [L], from recent batches) instead of zeros."""
    _, h0 = dec.zero_state(B, DEV)
    pick = (torch.rand(B, device=DEV) < p).float() * torch.rand(B, device=DEV)  # [B]
    return torch.randn_like(h0) * rms.view(-1, 1, 1, 1) * pick.view(1, -1, 1, 1)


def train_decoder(tokens, objs_list, minutes, bs=16, lr=3e-3, tmin=16, tmax=48, seed=0,
                  log_every=25, dec=None, workers=0, save=None, save_every_min=2.0,
                  state_noise=0.0, token_noise=0.0, warmup=100, stop_caps=0, decision_weight=1.0):
    V, S = tokens.shape[:2]
    batches = iter(torch.utils.data.DataLoader(  # workers fork before CUDA starts
        DecoderBatches(V, S, objs_list, bs, tmin, tmax, seed, stop_caps), batch_size=None,
        num_workers=workers, prefetch_factor=8 if workers else None))
    dec = (dec or MambaDecoder(len(scenes.VOCAB))).to(DEV)
    tokens = tokens.to(DEV)
    opt = adamw(dec, lr)
    t0, it, saved = time.time(), 0, time.time()
    rms = torch.zeros(dec.L, device=DEV)  # EMA of each layer's final-state RMS
    while time.time() - t0 < 60 * minutes:
        frac = (time.time() - t0) / (60 * minutes)
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, it / warmup) * 0.5 * (1 + np.cos(np.pi * min(frac, 1.0)))
        vids, T, caps, qas = next(batches)
        x = tokens[vids.to(DEV), :T]  # [bs, T, D]
        if token_noise > 0:  # a regulariser: the decoder must not key on exact token values
            x = x + token_noise * torch.randn_like(x)
        h0 = noisy_state(dec, x.shape[0], rms, state_noise) if state_noise > 0 else None
        (l_cap, l_qa), h_end = decoder_loss(dec, x, caps, qas, h0, decision_weight)
        if state_noise > 0:
            with torch.no_grad():
                rms = 0.9 * rms + 0.1 * h_end.pow(2).mean(dim=(1, 2, 3)).sqrt()
        loss = l_cap + l_qa
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(dec.parameters(), 1.0)
        opt.step()
        if it % log_every == 0:
            log(f"dec it {it} T {T} cap {l_cap.item():.4f} qa {l_qa.item():.4f}")
        if save and time.time() - saved > 60 * save_every_min:
            save_decoder(dec, save)
            saved = time.time()
        it += 1
    return dec.cpu()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=["prep", "encoder", "decoder", "eval", "all"])
    p.add_argument("--work", default="runs/full")
    p.add_argument("--videos", type=int, default=2000)
    p.add_argument("--samples", type=int, default=48)
    p.add_argument("--enc-minutes", type=float, default=15)
    p.add_argument("--enc-bs", type=int, default=128)
    p.add_argument("--dec-minutes", type=float, default=30)
    p.add_argument("--eval-videos", type=int, default=40)
    p.add_argument("--eval-seed", type=int, default=7)
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--dec-bs", type=int, default=16)
    p.add_argument("--dec-lr", type=float, default=3e-3)
    p.add_argument("--dec-seed", type=int, default=0)
    p.add_argument("--dec-name", default="dec.pt", help="decoder file in --work")
    p.add_argument("--dec-d-state", type=int, default=8)
    p.add_argument("--dec-dt-min", type=float, default=0.01)
    p.add_argument("--dec-slow", type=float, default=0.0, help="fraction of slow channels")
    p.add_argument("--loader-workers", type=int, default=0)
    p.add_argument("--dec-resume", default=None, help="dec.pt to continue from")
    p.add_argument("--dec-state-noise", type=float, default=0.0,
                   help="fraction of sequences started from a noisy state")
    p.add_argument("--dec-token-noise", type=float, default=0.0,
                   help="std of Gaussian noise added to the frame tokens in decoder training")
    p.add_argument("--dec-warmup", type=int, default=100, help="decoder lr warm-up iterations")
    p.add_argument("--dec-stop-caps", type=int, default=0,
                   help="extra caption branches per video from the samples around stops")
    p.add_argument("--dec-decision-weight", type=float, default=1.0,
                   help="caption loss weight of the motion decision words (is, walks, drives, rolls)")
    p.add_argument("--enc-init", default=None, help="encoder stage: reuse this enc.pt, no training")
    p.add_argument("--dense-videos", type=int, default=0,
                   help="extra dense training videos for the decoder")
    p.add_argument("--train-seed", type=int, default=TRAIN_SEED, help="seed of the training videos")
    p.add_argument("--dense-seed", type=int, default=DENSE_SEED, help="seed of the dense videos")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    dpath = os.path.join("data", f"train_{a.train_seed}_{a.videos}x{a.samples}.npz")
    dec_path = os.path.join(a.work, a.dec_name)
    times = {}
    if a.stage in ("prep", "all") and not os.path.exists(dpath):
        t = time.time()
        os.makedirs("data", exist_ok=True)
        data.build(dpath, a.train_seed, a.videos, a.samples, procs=a.procs)
        times["prep_s"] = time.time() - t
        log("prep done", times)
    dense_path = os.path.join("data", f"dense_{a.dense_seed}_{a.dense_videos}x{a.samples}.npz")
    if a.dense_videos and a.stage in ("prep", "all") and not os.path.exists(dense_path):
        data.build(dense_path, a.dense_seed, a.dense_videos, a.samples, procs=a.procs, dense=True)
        log("dense prep done")
    if a.stage in ("encoder", "all"):
        ds = data.load(dpath)
        t = time.time()
        if a.enc_init:
            enc, aux = FrameEncoder(), AuxHead()
            sd = torch.load(weights_only=False, f=a.enc_init, map_location="cpu")
            enc.load_state_dict(sd["enc"]), aux.load_state_dict(sd["aux"])
            enc, aux = enc.to(DEV).eval(), aux.to(DEV).eval()
        else:
            enc, aux = train_encoder(ds, a.enc_minutes, bs=a.enc_bs)
            times["encoder_s"] = time.time() - t
        vpath = os.path.join("data", f"val_{VAL_SEED}_100x{a.samples}.npz")
        if not os.path.exists(vpath):
            data.build(vpath, VAL_SEED, 100, a.samples, procs=a.procs, crfs=[28])
        log("encoder held-out", eval_encoder(enc, aux, data.load(vpath)))
        torch.save({"enc": enc.cpu().state_dict(), "aux": aux.cpu().state_dict()},
                   os.path.join(a.work, "enc.pt"))
        enc.to(DEV)
        t = time.time()  # (b) cache tokens
        tok = encode_all(enc, ds["small"].reshape(-1, 64, 64, 3))
        tok = tok.reshape(a.videos, a.samples, -1)
        if a.dense_videos:
            small = data.load(dense_path)["small"]
            tok = torch.cat([tok, encode_all(enc, small.reshape(-1, 64, 64, 3)).reshape(
                a.dense_videos, a.samples, -1)])
        torch.save(tok.half(), os.path.join(a.work, "tokens.pt"))  # f16 halves the cache
        times["cache_s"] = time.time() - t
        log("cached tokens", tuple(tok.shape), times)
    if a.stage in ("decoder", "all"):
        tok = torch.load(weights_only=False, f=os.path.join(a.work, "tokens.pt")).float()
        objs = data.objects(a.train_seed, a.videos, a.samples)
        objs += data.objects(a.dense_seed, a.dense_videos, a.samples, dense=True)
        tok = tok[:len(objs)]  # standard videos first, then dense ones
        t = time.time()
        dec = load_decoder(a.dec_resume) if a.dec_resume else MambaDecoder(
            len(scenes.VOCAB), d_state=a.dec_d_state, dt_min=a.dec_dt_min, slow=a.dec_slow)
        dec = train_decoder(tok, objs, a.dec_minutes, dec=dec, bs=a.dec_bs, lr=a.dec_lr,
                            tmax=a.samples, seed=a.dec_seed, workers=a.loader_workers,
                            save=dec_path, state_noise=a.dec_state_noise,
                            token_noise=a.dec_token_noise, warmup=a.dec_warmup,
                            stop_caps=a.dec_stop_caps, decision_weight=a.dec_decision_weight)
        times["decoder_s " + os.path.basename(dec_path)] = time.time() - t
        save_decoder(dec, dec_path)
        log("decoder done", times)
    if a.stage in ("eval", "all"):
        enc = FrameEncoder()
        enc.load_state_dict(torch.load(weights_only=False, f=os.path.join(a.work, "enc.pt"),
                                       map_location="cpu")["enc"])
        dec = load_decoder(dec_path)
        t = time.time()
        r = evaluate(enc, dec, a.eval_seed, a.eval_videos, a.samples, procs=a.procs)
        log("held-out", json.dumps(r))
        rl = evaluate(enc, dec, a.eval_seed + 1, max(a.eval_videos // 2, 4), 10 * a.samples,
                      earliest_only=True, procs=a.procs)
        r["qa_long"], r["qa_long_n"], r["long_samples"] = rl["earliest"], rl["earliest_n"], 10 * a.samples
        times["eval_s"] = time.time() - t
        log("held-out long", json.dumps(rl))
        with open(os.path.join(a.work, "eval_" + a.dec_name.replace(".pt", ".json")), "w") as f:
            json.dump({"eval": r, "times": times, "cmd": vars(a)}, f, indent=1)
    if times:
        record_times(os.path.join(a.work, "times.json"), times)


def record_times(path, times):
    """Merges stage times into path. Decoder arms run side by side (gpu_round.sh), so the file
    is replaced atomically: a concurrent writer can lose an update, never corrupt the file."""
    old = json.load(open(path)) if os.path.exists(path) else {}
    old.update(times)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(old, f, indent=1)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
