"""Staged recipe on simulated detector-space data (see README.md):
  head     CamHead + AuxHead on per-frame targets (counts and x/y histograms per kind)
  tokens   cache the frozen head's tokens for every training frame
  decoder  MambaDecoder on token sequences; caption and question branches from copies of the
           live state at sampled instants (teacher forcing); optionally a dense count loss on
           every step's state (memcount.py, --count-weight)
  eval     held-out simulated videos: caption exact match (every sample) and QA accuracy

python -m vigil_real.train head|tokens|decoder|eval --work DIR ...
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from vigil_train.train import text_batch

from . import data, detfeat as df, grammar as g, memcount, sim
from .model import AuxHead, CamHead, MambaDecoder, MotionHead, load_head

torch.set_num_threads(int(os.environ.get("VIGIL_THREADS", "1")))
DEV = torch.device(os.environ.get("VIGIL_DEVICE", "cpu"))  # the decoder stage's device (cuda on a GPU)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def adamw(model, lr):
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and not n.endswith("A_log")]
    rest = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and not n.endswith("A_log"))]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                              {"params": rest, "weight_decay": 0.0}], lr=lr)


def lr_at(lr, it, warm, frac):
    return lr * min(1.0, (it + 1) / warm) * 0.5 * (1 + np.cos(np.pi * min(frac, 1.0)))


# ------------------------------------------------------------------ head
def rows_of(ds, motion=False):
    """The head's input [V, T, K, 11], or with motion [V, T, 2K, 11]: each sample's rows, then its
    lead frame's (the detections half a second before; data --half)."""
    return np.concatenate([ds["rows"], ds["rows_half"]], 2) if motion else ds["rows"]


def aux_of(ds, bins, grid=(0, 0), motion=False, flow=False):
    """The per-frame targets [V * T, n]: the dataset's own (sim.XB x sim.YB position bins) or,
    for other bins, recomputed from its objects; with a grid, a map of the people after them;
    with motion, the people moving left / right / up / down / still (the caption's groups); with
    flow, last, the people who entered and left since the previous sample (-1: unknown)."""
    T = ds["rows"].shape[1]
    if tuple(bins) == (sim.XB, sim.YB):
        a = ds["aux"][:len(ds["objs"])].reshape(-1, sim.AUX)
    else:
        a = np.stack([sim.aux_targets(objs, s, *bins) for objs in ds["objs"] for s in range(T)])
    if grid[0] * grid[1]:
        m = np.stack([sim.person_map(objs, s, *grid) for objs in ds["objs"] for s in range(T)])
        a = np.concatenate([a, m], 1)
    if motion:
        d = np.concatenate([memcount.person_states(o, T) for o in ds["objs"]])
        a = np.concatenate([a[:len(d)], d], 1)
    if flow:
        a = np.concatenate([a, np.concatenate([memcount.person_flow(o, T) for o in ds["objs"]])], 1)
    return torch.from_numpy(np.asarray(a, np.float16))


def train_head(ds, minutes, bs=128, lr=2e-3, init=None, bins=(sim.XB, sim.YB), grid=(0, 0),
               motion=False, lead_missing=0.05, aux_only=1000, flow=False):
    """motion: MotionHead on each sample's and its lead frame's rows, warm-started from a CamHead
    with the motion inputs' weights zero; a lead_missing share of samples gets its own rows as
    the lead, as the Java decoder gives a sample whose lead frame is not in its chunk; flow adds
    the entries and exits since the previous sample (memcount.person_flow) to the targets."""
    r = rows_of(ds, motion)
    rows = torch.from_numpy(r.reshape(-1, r.shape[2], 11))
    aux = aux_of(ds, bins, grid, motion, flow)
    n_aux, stride = aux.shape[1], 1 + bins[0] + bins[1]
    head, auxh = MotionHead() if motion else CamHead(), AuxHead(n_out=n_aux)
    if init:  # warm start from an earlier head (and its per-frame head where the targets agree)
        sd = torch.load(init)
        if motion and sd["head"]["emb.0.weight"].shape[1] != head.emb[0].in_features:
            head.load_cam(sd["head"])
        else:
            head.load_state_dict(sd["head"])
        if sd["aux"] and sd["aux"]["lin.2.weight"].shape[0] == n_aux:
            auxh.load_state_dict(sd["aux"])
            aux_only = 0
    # a warm-started head whose per-frame head is new waits until that has learnt (head lr 0)
    aux_only = aux_only if init else 0
    opt = torch.optim.AdamW([{"params": list(head.parameters())}, {"params": list(auxh.parameters())}],
                            lr=lr, weight_decay=0.01)
    cnt = torch.zeros(n_aux, dtype=torch.bool)
    cnt[:sim.NK * stride:stride] = True  # the count entries
    w = torch.where(cnt, 2.0, 1.0)
    nf = 2 if flow else 0
    if motion:
        w[n_aux - nf - 5:] = 4.0  # the direction counts (and the flow)
    t0, it = time.time(), 0
    while time.time() - t0 < 60 * minutes:
        for gp in opt.param_groups:
            gp["lr"] = lr_at(lr, it, 50, (time.time() - t0) / (60 * minutes))
        if it < aux_only:
            opt.param_groups[0]["lr"] = 0.0
        idx = torch.randint(0, rows.shape[0], (bs,))
        x, y = rows[idx].float(), aux[idx].float()
        if motion:
            gone = torch.rand(bs) < lead_missing
            x[gone, df.K:] = x[gone, :df.K]
        loss = (F.smooth_l1_loss(auxh(head(x)), y.clamp(min=0), reduction="none") * w * (y >= 0)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 100 == 0:
            log(f"head it {it} loss {loss.item():.4f}")
        it += 1
    return head, auxh, it


@torch.no_grad()
def eval_head(head, auxh, ds, n=4000, bins=(sim.XB, sim.YB), grid=(0, 0), motion=False, flow=False):
    r = rows_of(ds, motion)
    rows = torch.from_numpy(r.reshape(-1, r.shape[2], 11)[:n]).float()
    aux = aux_of(ds, bins, grid, motion, flow)[:n].float()
    pred = auxh(head(rows))
    i = torch.arange(0, sim.NK * (1 + bins[0] + bins[1]), 1 + bins[0] + bins[1])
    pc, tc = pred[:, i].round(), aux[:, i]
    out = {"count_exact_all_kinds": float((pc == tc).all(1).float().mean()),
           "person_count_exact": float((pc[:, 0] == tc[:, 0]).float().mean()),
           "person_count_within1": float(((pc[:, 0] - tc[:, 0]).abs() <= 1).float().mean())}
    nf = 2 if flow else 0
    if motion:  # people per direction, all five exact
        d = slice(aux.shape[1] - nf - 5, aux.shape[1] - nf)
        out["directions_exact"] = float((pred[:, d].round() == aux[:, d]).all(1).float().mean())
    for j, name in enumerate(("entries", "exits")[:nf]):  # where the video says
        y, p = aux[:, j - nf], pred[:, j - nf].round().clamp(min=0)
        out[name + "_exact"] = float((p == y)[y >= 0].float().mean())
        out[name + "_mean"] = [round(float(y[y >= 0].mean()), 4), round(float(p[y >= 0].mean()), 4)]
    return out


@torch.no_grad()
def encode(head, rows, bs=2048):
    flat = torch.from_numpy(rows.reshape(-1, rows.shape[-2], 11))
    out = torch.cat([head(flat[i:i + bs].float()) for i in range(0, len(flat), bs)])
    return out.reshape(rows.shape[0], rows.shape[1], -1)


# ------------------------------------------------------------------ decoder
def cap_item(c):
    w = g.encode(c)
    return [g.CAP] + w, w + [g.EOS]


def qa_item(q, a):
    qi, ai = g.encode(q), g.encode(a)
    return [g.Q] + qi + [g.A] + ai, [-100] * (len(qi) + 1) + ai + [g.EOS]


def batch(rng, objs_list, bs, tmin, tmax, n_cap=2, n_q=3):
    T = int(rng.integers(tmin, tmax + 1))
    vids = rng.integers(0, len(objs_list), bs)
    cb, ck, caps, qb, qk, qas = [], [], [], [], [], []
    for j, v in enumerate(vids):
        objs = objs_list[v]
        for k in rng.integers(0, T, n_cap):
            cb.append(j), ck.append(int(k)), caps.append(cap_item(sim.caption(objs, int(k))))
        for n in range(n_q):
            k = int(T - 1 - rng.integers(0, 4)) if n == 0 else int(rng.integers(0, T))
            q, a, _ = sim.sample_question(rng, objs, k)
            qb.append(j), qk.append(k), qas.append(qa_item(q, a))
    br = lambda b, k, it: (torch.tensor(b), torch.tensor(k), *text_batch(it))
    return torch.from_numpy(vids), T, br(cb, ck, caps), br(qb, qk, qas)


def decoder_loss(dec, x, caps, qas):
    B, T, _ = x.shape
    dv = x.device
    u = dec.inputs(x, torch.zeros(B, T, dtype=torch.long, device=dv), torch.ones(B, T, device=dv))
    c0, h0 = dec.zero_state(B, dv)
    _, _, per = dec(u, c0, h0, keep_states=True)
    out = []
    for b_idx, k_idx, inp, tgt in (caps, qas):
        b_idx, k_idx, inp, tgt = b_idx.to(dv), k_idx.to(dv), inp.to(dv), tgt.to(dv)
        cs, hs = per[0][:, b_idx, k_idx], per[1][:, b_idx, k_idx]
        ut = dec.inputs(torch.zeros(inp.shape[0], inp.shape[1], x.shape[2], device=dv), inp,
                        torch.zeros(inp.shape, device=dv))
        logits, _, _ = dec(ut, cs, hs)
        out.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-100))
    return out, per[1]


def train_decoder(tokens, objs_list, minutes, dec, bs=12, lr=3e-3, tmin=16, tmax=64, seed=0,
                  token_noise=0.05, save=None, count_weight=0.0, count_states=False):
    """count_weight > 0 adds memcount's dense count loss (a probe on every step's state);
    count_states adds the per-state counts to its targets."""
    rng = np.random.default_rng(seed)
    probe = counts = None
    if count_weight > 0:
        probe = memcount.CountProbe(dec.L, dec.d_inner, dec.d_state, memcount.n_targets(count_states))
        counts = memcount.all_targets(objs_list, tokens.shape[1], count_states)  # [V, T, n_targets]
        dec.add_module("count_probe", probe)  # trained with it; dropped before saving
    dec.to(DEV)
    opt = adamw(dec, lr)
    t0, it, saved = time.time(), 0, time.time()
    while time.time() - t0 < 60 * minutes:
        for gp in opt.param_groups:
            gp["lr"] = lr_at(lr, it, 100, (time.time() - t0) / (60 * minutes))
        vids, T, caps, qas = batch(rng, objs_list, bs, tmin, min(tmax, tokens.shape[1]))
        x = tokens[vids, :T].float().to(DEV)
        x = x + token_noise * torch.randn_like(x)
        (l_cap, l_qa), h = decoder_loss(dec, x, caps, qas)
        l_cnt = memcount.loss(probe, h, counts[vids, :T]) if probe is not None else torch.zeros(())
        opt.zero_grad()
        (l_cap + l_qa + count_weight * l_cnt).backward()  # l_cnt: CPU only (memcount)
        torch.nn.utils.clip_grad_norm_(dec.parameters(), 1.0)
        opt.step()
        if it % 25 == 0:
            log(f"dec it {it} T {T} cap {l_cap.item():.4f} qa {l_qa.item():.4f} count {l_cnt.item():.4f}")
        if save and time.time() - saved > 180:
            save_decoder(dec, save)
            saved = time.time()
        it += 1
    if probe is not None:
        del dec.count_probe
    return dec, it


def save_decoder(dec, path):
    sd = {k: v.cpu() for k, v in dec.state_dict().items() if not k.startswith("count_probe.")}
    torch.save({"config": dec.config, "vocab": len(g.VOCAB), "dec": sd}, path)


def load_decoder(path):
    sd = torch.load(path, map_location="cpu", weights_only=False)
    dec = MambaDecoder(sd["vocab"], **{k: sd["config"][k] for k in ("layers", "d_inner", "d_state", "d_conv")})
    dec.load_state_dict(sd["dec"])
    return dec.eval()


# ------------------------------------------------------------------ greedy + eval
@torch.no_grad()
def greedy(dec, c, h, prompts, max_len=40):
    """c, h [L, n, ...] states; prompts: n lists of ids -> n decoded strings."""
    n = len(prompts)
    D = dec.frame_proj.in_features
    P = max(len(p) for p in prompts)
    # run prompts of equal length together; left-pad by grouping on length
    out = [None] * n
    for plen in sorted(set(len(p) for p in prompts)):
        sel = [i for i in range(n) if len(prompts[i]) == plen]
        cc, hh = c[:, sel], h[:, sel]
        ids = torch.tensor([prompts[i] for i in sel])
        for t in range(plen):
            lg, cc, hh = dec.step(torch.zeros(len(sel), D), ids[:, t], torch.zeros(len(sel)), cc, hh)
        words = [[] for _ in sel]
        done = torch.zeros(len(sel), dtype=torch.bool)
        for _ in range(max_len + 1):
            nxt = lg.argmax(-1)
            for j in range(len(sel)):
                if not done[j]:
                    if nxt[j].item() == g.EOS or len(words[j]) == max_len:
                        done[j] = True
                    else:
                        words[j].append(nxt[j].item())
            if done.all():
                break
            lg, cc, hh = dec.step(torch.zeros(len(sel), D), nxt, torch.zeros(len(sel)), cc, hh)
        for j, i in enumerate(sel):
            out[i] = g.decode(words[j])
    del P
    return out


@torch.no_grad()
def evaluate(head, dec, ds, videos=60, qper=14, seed=123, cap_every=1):
    rng = np.random.default_rng(seed)
    tok = encode(head, rows_of(ds, isinstance(head, MotionHead))[:videos])
    V, T, _ = tok.shape
    u = dec.inputs(tok, torch.zeros(V, T, dtype=torch.long), torch.ones(V, T))
    c0, h0 = dec.zero_state(V)
    _, _, per = dec(u, c0, h0, keep_states=True)
    cap_ok, cap_n, person_ok, person_n = 0, 0, 0, 0
    qa = {t: [0, 0] for t in g.QTYPES}
    examples = []
    for v in range(V):
        objs = ds["objs"][v]
        ks = list(range(0, T, cap_every))
        got = greedy(dec, per[0][:, v, ks], per[1][:, v, ks], [[g.CAP]] * len(ks))
        for k, s in zip(ks, got):
            truth = sim.caption(objs, k)
            cap_ok += s == truth
            cap_n += 1
            person_ok += g.people_count(s) == g.people_count(truth)
            person_n += 1
            if v < 3 and k % 20 == 19:
                examples.append({"video": v, "k": k, "truth": truth, "got": s})
        qs = []
        for n in range(qper):
            qt = g.QTYPES[n % len(g.QTYPES)]
            k = T - 1 if n < len(g.QTYPES) else int(rng.integers(0, T))
            qs.append((k, *sim.sample_question(rng, objs, k, qt)))
        ans = greedy(dec, per[0][:, v, [q[0] for q in qs]], per[1][:, v, [q[0] for q in qs]],
                     [[g.Q] + g.encode(q[1]) + [g.A] for q in qs])
        for (k, q, a, t), got_a in zip(qs, ans):
            qa[t][0] += got_a == a
            qa[t][1] += 1
            if v < 2:
                examples.append({"video": v, "k": k, "q": q, "truth": a, "got": got_a})
    r = {"videos": V, "samples": T, "caption_exact": cap_ok / cap_n, "caption_n": cap_n,
         "caption_person_count_exact": person_ok / person_n,
         "qa": sum(a for a, _ in qa.values()) / sum(n for _, n in qa.values()),
         "qa_by_type": {t: round(a / max(n, 1), 4) for t, (a, n) in qa.items()},
         "qa_n": sum(n for _, n in qa.values())}
    return r, examples


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=["head", "tokens", "decoder", "eval"])
    p.add_argument("--work", default="/work/runs_real")
    p.add_argument("--train", default="train.pkl")
    p.add_argument("--heldout", default="heldout.pkl")
    p.add_argument("--minutes", type=float, default=5)
    p.add_argument("--bs", type=int, default=12)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--d-state", type=int, default=8)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--resume", default=None, help="decoder: warm start from this dec.pt")
    p.add_argument("--init-head", default=None, help="head: warm start from this head.pt")
    p.add_argument("--aux-bins", type=int, nargs=2, default=[sim.XB, sim.YB], metavar=("X", "Y"),
                   help="head: x and y position bins of the per-frame targets (finer: sharper positions)")
    p.add_argument("--aux-map", type=int, nargs=2, default=[0, 0], metavar=("X", "Y"),
                   help="head: also a map of the people in X x Y cells as per-frame targets")
    p.add_argument("--motion", action="store_true",
                   help="head: MotionHead on each sample's and its lead frame's rows (data --half)")
    p.add_argument("--flow", action="store_true",
                   help="head: also the people who entered and left since the previous sample as targets")
    p.add_argument("--dec-name", default="dec.pt")
    p.add_argument("--dec-seed", type=int, default=0, help="decoder: the batches' random seed")
    p.add_argument("--eval-videos", type=int, default=60)
    p.add_argument("--max-samples", type=int, default=64, help="decoder: longest training sequence")
    p.add_argument("--count-weight", type=float, default=0.0,
                   help="decoder: weight of the dense count loss on the memory (memcount.py)")
    p.add_argument("--count-states", action="store_true",
                   help="decoder: the count loss also counts the objects in view in each state")
    a = p.parse_args()
    W = lambda f: os.path.join(a.work, f)
    if a.stage == "head":
        torch.manual_seed(0)
        ds = data.load(W(a.train))
        head, auxh, its = train_head(ds, a.minutes, init=a.init_head, bins=a.aux_bins, grid=a.aux_map,
                                     motion=a.motion, flow=a.flow)
        ho = data.load(W(a.heldout))
        ho["objs"] = ho["objs"][:4000 // ho["rows"].shape[1] + 1]
        for k in ("rows", "rows_half"):
            if k in ho:
                ho[k] = ho[k][:len(ho["objs"])]
        r = eval_head(head, auxh, ho, bins=a.aux_bins, grid=a.aux_map, motion=a.motion, flow=a.flow)
        log("head held-out", json.dumps(r), "iters", its)
        torch.save({"head": head.state_dict(), "aux": auxh.state_dict(), "eval": r, "iters": its,
                    "bins": list(a.aux_bins), "map": list(a.aux_map), "motion": a.motion, "flow": a.flow}, W("head.pt"))
    if a.stage == "tokens":
        head = load_head(W("head.pt"))
        t = time.time()
        tok = encode(head, rows_of(data.load(W(a.train)), isinstance(head, MotionHead)))
        torch.save(tok.half(), W("tokens.pt"))
        log("tokens", tuple(tok.shape), f"{time.time() - t:.0f} s")
    if a.stage == "decoder":
        torch.manual_seed(a.dec_seed)
        tok = torch.load(W("tokens.pt"))
        objs = data.load(W(a.train))["objs"]
        dec = load_decoder(a.resume).train() if a.resume else MambaDecoder(len(g.VOCAB), layers=a.layers, d_state=a.d_state)
        t = time.time()
        dec, its = train_decoder(tok, objs, a.minutes, dec, bs=a.bs, lr=a.lr, tmax=a.max_samples,
                                 save=W(a.dec_name), count_weight=a.count_weight,
                                 count_states=a.count_states, seed=a.dec_seed)
        save_decoder(dec, W(a.dec_name))
        dec.cpu()
        log(f"decoder done {its} iters in {time.time() - t:.0f} s")
    if a.stage == "eval":
        head = load_head(W("head.pt"))
        dec = load_decoder(W(a.dec_name))
        r, ex = evaluate(head, dec, data.load(W(a.heldout)), videos=a.eval_videos)
        log("held-out", json.dumps(r))
        with open(W("eval_" + a.dec_name.replace(".pt", ".json")), "w") as f:
            json.dump({"eval": r, "examples": ex}, f, indent=1)


if __name__ == "__main__":
    main()
