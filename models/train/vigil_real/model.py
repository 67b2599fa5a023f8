"""vigil-cam's networks: the detector-output decode (Candidates, in the encoder graph only),
the LLaVA-Mini-style compression head (CamHead: K candidate rows -> ONE token) and its
training-only per-frame head; the decoder is vigil_train's MambaDecoder."""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vigil_train.model import Attention, MambaDecoder, StepGraph  # noqa: E402,F401

from . import detfeat as df  # noqa: E402
from . import sim  # noqa: E402


class Candidates(nn.Module):
    """NanoDet-g outputs (cls_s [N, hw, 80], box_s [N, hw, 44]) at the fixed H x W -> the top K
    detection rows [N, K, 11] (detfeat.candidates in torch ops, for the ONNX encoder)."""

    def __init__(self, h=df.H, w=df.W, k=df.K):
        super().__init__()
        self.h, self.w, self.k = h, w, k
        self.register_buffer("ids", torch.tensor(df.COCO_IDS), persistent=False)
        self.register_buffer("bins", torch.arange(df.BINS).float(), persistent=False)
        for s in df.STRIDES:
            fh, fw = h // s, w // s
            yy, xx = torch.meshgrid(torch.arange(fh), torch.arange(fw), indexing="ij")
            c = torch.stack([(xx.flatten() + 0.5) * s, (yy.flatten() + 0.5) * s], -1).float()
            self.register_buffer(f"c{s}", c, persistent=False)  # [hw, 2] cell centres (px)

    def forward(self, cls_8, cls_16, cls_32, box_8, box_16, box_32):
        rows, scores = [], []
        for s, cls, box in ((8, cls_8, box_8), (16, cls_16, box_16), (32, cls_32, box_32)):
            fh, fw = self.h // s, self.w // s
            p = cls.index_select(2, self.ids)  # [N, hw, 7]
            n = p.shape[0]
            sc = p.max(-1)[0]  # [N, hw]
            m = F.max_pool2d(sc.reshape(n, 1, fh, fw), 3, 1, 1).reshape(n, -1)
            sc = sc * (sc >= m).float()
            d = (torch.softmax(box.reshape(n, -1, 4, df.BINS), -1) * self.bins).sum(-1) * s
            c = getattr(self, f"c{s}")
            x1 = (c[:, 0] - d[..., 0]).clamp(0, self.w)
            x2 = (c[:, 0] + d[..., 2]).clamp(0, self.w)
            y1 = (c[:, 1] - d[..., 1]).clamp(0, self.h)
            y2 = (c[:, 1] + d[..., 3]).clamp(0, self.h)
            b = torch.stack([(x1 + x2) / (2 * self.w), (y1 + y2) / (2 * self.h),
                             (x2 - x1) / self.w, (y2 - y1) / self.h], -1)
            rows.append(torch.cat([p, b], -1))
            scores.append(sc)
        rows, scores = torch.cat(rows, 1), torch.cat(scores, 1)
        idx = torch.topk(scores, df.K0, dim=1)[1]  # [N, K0] sorted, descending
        rows = torch.gather(rows, 1, idx.unsqueeze(-1).expand(-1, -1, rows.shape[-1]))
        return detections(rows, self.k)


def detections(rows, k=df.K):
    """detfeat.detections in torch ops: rows [N, M, 11] sorted by score -> [N, k, 11]."""
    m = rows.shape[1]
    sc, kind = rows[..., :7].max(-1)  # [N, M]
    grp = torch.tensor(df.GROUP, device=rows.device)[kind]
    cx, cy, bw, bh = rows[..., 7], rows[..., 8], rows[..., 9], rows[..., 10]
    x1, x2, y1, y2 = cx - bw / 2, cx + bw / 2, cy - bh / 2, cy + bh / 2
    iw = (torch.minimum(x2.unsqueeze(2), x2.unsqueeze(1)) - torch.maximum(x1.unsqueeze(2), x1.unsqueeze(1))).clamp(min=0)
    ih = (torch.minimum(y2.unsqueeze(2), y2.unsqueeze(1)) - torch.maximum(y1.unsqueeze(2), y1.unsqueeze(1))).clamp(min=0)
    inter, area = iw * ih, bw * bh  # [N, M, M], [N, M]
    union = area.unsqueeze(2) + area.unsqueeze(1) - inter
    small = torch.minimum(area.unsqueeze(2), area.unsqueeze(1))
    over = (inter >= df.NMS_IOU * union.clamp(min=1e-9)) | (inter >= df.NMS_COVER * small.clamp(min=1e-9))
    same = grp.unsqueeze(2) == grp.unsqueeze(1)
    r = torch.arange(m, device=rows.device)
    before = r.unsqueeze(1) < r.unsqueeze(0)  # [M, M]: i ranks above j (no triu: opset 13)
    strong = (sc >= df.FLOOR).unsqueeze(2)
    dropped = (over & same & before & strong).any(1)  # [N, M]
    keep = ((sc >= df.FLOOR) & ~dropped).float()
    idx = torch.topk(sc * keep, k, dim=1)[1]
    out = rows * keep.unsqueeze(-1)
    return torch.gather(out, 1, idx.unsqueeze(-1).expand(-1, -1, out.shape[-1]))


def fourier(xy, n=4):  # [..., 2] in 0..1 -> [..., 4n]
    f = (2.0 ** torch.arange(n, device=xy.device).float()) * math.pi
    a = xy.unsqueeze(-1) * f  # [..., 2, n]
    return torch.cat([torch.sin(a), torch.cos(a)], -1).flatten(-2)


class CamHead(nn.Module):
    """rows [N, K, 11] -> token [N, D]: per-row embedding (scores, logits, box, Fourier position
    embedding of the centre) -> one self-attention block over the frame's rows (pre-fusion:
    duplicates and neighbours) -> Q learnable queries cross-attending over all rows -> the Q
    outputs pooled by a linear map to ONE token."""

    def __init__(self, d_out=128, d=64, heads=4, queries=4):
        super().__init__()
        nin = 7 + 7 + 4 + 16
        self.emb = nn.Sequential(nn.Linear(nin, d), nn.GELU(), nn.Linear(d, d))
        self.n1, self.fuse = nn.LayerNorm(d), Attention(d, heads)
        self.n2, self.mlp1 = nn.LayerNorm(d), nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.query = nn.Parameter(torch.randn(1, queries, d) * 0.02)
        self.n3, self.compress = nn.LayerNorm(d), Attention(d, heads)
        self.n4, self.mlp2 = nn.LayerNorm(d), nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.pool = nn.Linear(queries * d, d_out)
        self.out_norm = nn.LayerNorm(d_out)

    @staticmethod
    def features(rows):  # [N, R, 11] -> [N, R, 34]: probabilities, logits, box, position embedding
        p, box = rows[..., :7], rows[..., 7:]
        lg = torch.log(p.clamp(1e-4, 1 - 1e-4)) - torch.log1p(-p.clamp(1e-4, 1 - 1e-4))
        return torch.cat([p, lg * 0.25, box, fourier(box[..., :2])], -1)

    def forward(self, rows):
        return self.pool_rows(self.emb(self.features(rows)))  # emb: [N, K, d]

    def pool_rows(self, x):
        """Embedded rows [N, R, d] -> the token [N, D]."""
        x = x + self.fuse(self.n1(x), self.n1(x))
        x = x + self.mlp1(self.n2(x))
        q = self.query.expand(x.shape[0], -1, -1)
        t = q + self.compress(q, self.n3(x))  # [N, Q, d]
        t = t + self.mlp2(self.n4(t))
        return self.out_norm(self.pool(t.flatten(1)))


class MotionHead(CamHead):
    """CamHead over the frame's K rows, each with its motion since the lead frame (the frame half a
    second before): the offset to the nearest lead row of its kind group (in its own heights, per
    second) and whether one lies within two of its heights (a one-step nearest-neighbour
    association, in graph ops). Rows [N, 2K, 11]: the frame's K rows, then the lead frame's K."""

    def __init__(self):
        super().__init__()
        d = self.emb[0].out_features
        self.emb = nn.Sequential(nn.Linear(7 + 7 + 4 + 16 + 3, d), nn.GELU(), nn.Linear(d, d))

    @staticmethod
    def motion(rows, dt=0.5):  # rows [N, 2K, 11] -> [N, K, 3]
        now, old = rows[:, :df.K], rows[:, df.K:]
        grp = torch.tensor(df.GROUP)
        g_now, g_old = grp[now[..., :7].argmax(-1)], grp[old[..., :7].argmax(-1)]
        live_old = old[..., :7].max(-1)[0] > 0
        h = now[..., 10:11].clamp(min=1e-3)  # [N, K, 1]
        dx = (now[..., None, 7] - old[:, None, :, 7]) * df.W / df.H  # [N, K, K] in height units
        dy = now[..., None, 8] - old[:, None, :, 8]
        dist = torch.sqrt(dx ** 2 + dy ** 2) / h
        ok = (g_now[..., None] == g_old[:, None, :]) & live_old[:, None, :]
        dist = torch.where(ok, dist, torch.full_like(dist, 1e3))
        j = dist.argmin(-1, keepdim=True)  # [N, K, 1]
        near = (dist.gather(-1, j) < 2).float()
        v = torch.stack([dx.gather(-1, j)[..., 0], dy.gather(-1, j)[..., 0]], -1) / h / dt * near
        live = (now[..., :7].max(-1)[0] > 0).float()[..., None]
        return torch.cat([v.clamp(-5, 5), near], -1) * live

    def forward(self, rows):  # rows [N, 2K, 11] -> [N, D]
        x = torch.cat([self.features(rows[:, :df.K]), self.motion(rows)], -1)
        return self.pool_rows(self.emb(x))

    def load_cam(self, sd):
        """Warm start from a CamHead's weights, the motion inputs' weights zero: the same tokens."""
        sd = dict(sd)
        w = sd["emb.0.weight"]  # [d, 34]
        sd["emb.0.weight"] = torch.cat([w, torch.zeros(w.shape[0], 3)], 1)
        self.load_state_dict(sd)


def load_head(path):
    """head.pt -> CamHead or, when it was trained with --motion, MotionHead (eval mode)."""
    sd = torch.load(path)
    head = MotionHead() if sd.get("motion") else CamHead()
    head.load_state_dict(sd["head"])
    return head.eval()


class AuxHead(nn.Module):
    """Training only: per-frame counts and x/y histograms per kind from the token."""

    def __init__(self, d=128, n_out=sim.AUX):
        super().__init__()
        self.lin = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, n_out))

    def forward(self, tok):
        return self.lin(tok)


class Encoder(nn.Module):
    """Candidates + CamHead: the part of encoder.onnx after NanoDet. With a MotionHead NanoDet has
    run on 2N frames (the N sampled frames, then their N lead frames), and each sample's rows are
    joined with its lead's: [2N, K, 11] -> [N, 2K, 11]."""

    def __init__(self, head):
        super().__init__()
        self.cand, self.head = Candidates(), head

    def forward(self, cls_8, cls_16, cls_32, box_8, box_16, box_32):
        rows = self.cand(cls_8, cls_16, cls_32, box_8, box_16, box_32)  # [N or 2N, K, 11]
        if isinstance(self.head, MotionHead):
            rows = rows.reshape(2, -1, df.K, 11).permute(1, 0, 2, 3).reshape(-1, 2 * df.K, 11)
        return self.head(rows)
