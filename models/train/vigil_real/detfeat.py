"""The detector-space input of vigil-cam's head, in numpy (the ONNX graph does the same in
torch ops, model.Candidates): NanoDet-g outputs -> K candidate rows per frame.

Per stride s (8, 16, 32) and cell: p = the 7 kinds' class probabilities, score = max(p);
3x3 local-maximum suppression of the score map (CenterNet's trick: same-level duplicates drop);
box from the GFL distributions (softmax over 11 bins, expectation x s), clipped to the frame.
All levels together, the top K0 = 64 by score, then `detections`: a detector's usual last step,
done in the graph so that the head sees detections, not raw cells (the simulator's rows go
through the same function, so the cross-level duplicates and the weak background the head
would otherwise have to learn from simulated statistics are removed the same way on both sides):
  - Fast NMS (YOLACT) within a kind group (person | bicycle, motorcycle | car, bus, truck | dog,
    so a van read as both car and truck is one vehicle): a row is dropped when a higher-scored
    row of its group overlaps it with IoU >= 0.5 or covers >= 80 % of the smaller box;
  - rows whose best score is under FLOOR = 0.4 are dropped (a usual detection threshold);
  - dropped rows become all zeros; the top K = 32 remain, sorted by score:
  [p_person, p_bicycle, p_car, p_motorcycle, p_bus, p_truck, p_dog, cx, cy, w, h]
with cx, cy, w, h as fractions of the input width / height.
"""
import numpy as np

STRIDES = (8, 16, 32)
BINS = 11
KINDS = ("person", "bicycle", "car", "motorcycle", "bus", "truck", "dog")
COCO_IDS = (0, 1, 2, 3, 5, 7, 16)
K = 32
K0 = 64
F = len(KINDS) + 4
GROUP = (0, 1, 2, 1, 2, 2, 3)  # person | two-wheelers | vehicles | dog
FLOOR, NMS_IOU, NMS_COVER = 0.4, 0.5, 0.8
H, W = 320, 416  # the model's input (H x W): 4:3 like most fixed cameras, multiples of 32


def candidates(outs, h=H, w=W, k=K):
    """outs: dict name -> array with a leading batch axis. Returns float32 [N, k, 11] detections."""
    rows, scores = [], []
    for s in STRIDES:
        fh, fw = h // s, w // s
        cls = outs[f"cls_{s}"][:, :, COCO_IDS]  # [N, hw, 7]
        n = cls.shape[0]
        sc = cls.max(-1).reshape(n, fh, fw)
        pad = np.pad(sc, ((0, 0), (1, 1), (1, 1)), constant_values=-1)
        mx = np.max([pad[:, dy:dy + fh, dx:dx + fw] for dy in range(3) for dx in range(3)], 0)
        sc = np.where(sc >= mx, sc, 0).reshape(n, -1)
        reg = outs[f"box_{s}"].reshape(n, -1, 4, BINS)
        reg = np.exp(reg - reg.max(-1, keepdims=True))
        reg /= reg.sum(-1, keepdims=True)
        d = (reg * np.arange(BINS)).sum(-1) * s  # [N, hw, 4] l t r b
        yy, xx = np.meshgrid(np.arange(fh), np.arange(fw), indexing="ij")
        cx, cy = (xx.ravel() + 0.5) * s, (yy.ravel() + 0.5) * s
        x1 = np.clip(cx - d[..., 0], 0, w); x2 = np.clip(cx + d[..., 2], 0, w)
        y1 = np.clip(cy - d[..., 1], 0, h); y2 = np.clip(cy + d[..., 3], 0, h)
        box = np.stack([(x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w, (y2 - y1) / h], -1)
        rows.append(np.concatenate([cls, box], -1))
        scores.append(sc)
    rows, scores = np.concatenate(rows, 1), np.concatenate(scores, 1)
    idx = np.argsort(-scores, 1, kind="stable")[:, :K0]
    return detections(np.take_along_axis(rows, idx[..., None], 1).astype(np.float32), k)


def detections(rows, k=K):
    """rows [N, M, 11] sorted by best score, descending -> [N, k, 11]: group Fast NMS, the floor,
    dropped rows zeroed, the top k by score (see the module doc)."""
    rows = np.asarray(rows, np.float32)
    n, m = rows.shape[:2]
    sc = rows[..., :7].max(-1)  # [N, M]
    grp = np.asarray(GROUP)[rows[..., :7].argmax(-1)]  # [N, M]
    cx, cy, bw, bh = (rows[..., 7 + i] for i in range(4))
    x1, x2, y1, y2 = cx - bw / 2, cx + bw / 2, cy - bh / 2, cy + bh / 2
    iw = np.clip(np.minimum(x2[:, :, None], x2[:, None]) - np.maximum(x1[:, :, None], x1[:, None]), 0, None)
    ih = np.clip(np.minimum(y2[:, :, None], y2[:, None]) - np.maximum(y1[:, :, None], y1[:, None]), 0, None)
    inter, area = iw * ih, bw * bh  # [N, M, M], [N, M]
    union = area[:, :, None] + area[:, None] - inter
    small = np.minimum(area[:, :, None], area[:, None])
    over = (inter >= NMS_IOU * np.maximum(union, 1e-9)) | (inter >= NMS_COVER * np.maximum(small, 1e-9))
    same = grp[:, :, None] == grp[:, None]
    before = np.triu(np.ones((m, m), bool), 1)  # [i, j]: i ranks above j
    strong = (sc >= FLOOR)[:, :, None]
    dropped = (over & same & before & strong).any(1)  # [N, M]
    keep = (sc >= FLOOR) & ~dropped
    out = rows * keep[..., None]
    idx = np.argsort(-(sc * keep), 1, kind="stable")[:, :k]
    return np.take_along_axis(out, idx[..., None], 1)


def hidden(b, others):
    """The share of box b (cx, cy, w, h) covered by the nearest of others in front of it (a box
    whose bottom is lower is nearer)."""
    best = 0.0
    for c in others:
        if c[1] + c[3] / 2 <= b[1] + b[3] / 2:
            continue
        ix = max(0, min(b[0] + b[2] / 2, c[0] + c[2] / 2) - max(b[0] - b[2] / 2, c[0] - c[2] / 2))
        iy = max(0, min(b[1] + b[3] / 2, c[1] + c[3] / 2) - max(b[1] - b[3] / 2, c[1] - c[3] / 2))
        best = max(best, ix * iy / max(b[2] * b[3], 1e-9))
    return best
