#!/usr/bin/env python3
"""Decode check for models/backbones/nanodet-g/nanodet-g.onnx on real footage.

Reads frames with the ffmpeg CLI (raw BGR24, nothing written to disk), resizes
them in numpy (bilinear, half-pixel centres), runs ONNX Runtime, decodes the
NanoDet (v0.x, GFL) head and applies per-class NMS:

  for stride s in 8, 16, 32, feature map h = H/s, w = W/s (H, W multiples of 32)
    cell i (row-major, i = y*w + x) has centre ((x + 0.5) * s, (y + 0.5) * s)
    cls_s[n, i, :80]  : class probabilities (sigmoid already applied)
    box_s[n, i, :44]  : 4 sides (left, top, right, bottom) x 11 bins;
                        softmax over the 11 bins, expectation sum(k * p_k),
                        times s = distance from the cell centre in input pixels
    box = (cx - l, cy - t, cx + r, cy + b), score = max class probability
  then NMS per class (IoU 0.6) and a score threshold.

Boxes are mapped back to the original frame by undoing the resize.
Only for checking: vtest.avi is held-out test footage, never training data.

  python models/train/backbone/detect.py --sizes 416x416 320x320 256x256 \
      --draw /tmp/nanodet_30s.png --draw-time 30
"""
import argparse
import json
import os
import struct
import subprocess
import time
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.join(HERE, "..", "..", "backbones", "nanodet-g")
STRIDES = [8, 16, 32]
BINS = 11


def probe(video):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height", "-of", "json", video],
                         check=True, capture_output=True, text=True).stdout
    s = json.loads(out)["streams"][0]
    return s["width"], s["height"]


def read_frame(video, t, w, h):
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-ss", str(t), "-i", video,
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(h, w, 3)


def resize_bilinear(img, out_w, out_h):
    """HxWx3 uint8 -> out_h x out_w x 3 float32, half-pixel centres (like cv2 INTER_LINEAR)."""
    h, w = img.shape[:2]
    ys = np.clip((np.arange(out_h) + 0.5) * h / out_h - 0.5, 0, h - 1)
    xs = np.clip((np.arange(out_w) + 0.5) * w / out_w - 0.5, 0, w - 1)
    y0 = np.floor(ys).astype(int); y1 = np.minimum(y0 + 1, h - 1); fy = (ys - y0)[:, None, None]
    x0 = np.floor(xs).astype(int); x1 = np.minimum(x0 + 1, w - 1); fx = (xs - x0)[None, :, None]
    a = img.astype(np.float32)
    top = a[y0][:, x0] * (1 - fx) + a[y0][:, x1] * fx
    bot = a[y1][:, x0] * (1 - fx) + a[y1][:, x1] * fx
    return (top * (1 - fy) + bot * fy).astype(np.float32)


def preprocess(frame, in_w, in_h, mode):
    """Returns NCHW float32 BGR 0..255 and (scale_x, scale_y, pad_x, pad_y) to undo it."""
    h, w = frame.shape[:2]
    if mode == "stretch":
        x = resize_bilinear(frame, in_w, in_h)
        geo = (in_w / w, in_h / h, 0.0, 0.0)
    else:  # letterbox: keep aspect, centre, pad with zeros (NanoDet v0.x keep_ratio warp)
        s = min(in_w / w, in_h / h)
        rw, rh = int(round(w * s)), int(round(h * s))
        px, py = (in_w - rw) // 2, (in_h - rh) // 2
        x = np.zeros((in_h, in_w, 3), np.float32)
        x[py:py + rh, px:px + rw] = resize_bilinear(frame, rw, rh)
        geo = (rw / w, rh / h, float(px), float(py))
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None]), geo


def decode(outs, in_w, in_h, score_thr, iou_thr, max_det=100):
    """outs: dict name -> array for one image ([HW,80] / [HW,44]). Returns [(x1,y1,x2,y2,score,cls)]."""
    boxes, scores = [], []
    for s in STRIDES:
        fh, fw = -(-in_h // s), -(-in_w // s)
        cls = outs[f"cls_{s}"]
        reg = outs[f"box_{s}"].reshape(-1, 4, BINS)
        assert cls.shape[0] == fh * fw, (cls.shape, fh, fw)
        reg = np.exp(reg - reg.max(-1, keepdims=True))
        reg /= reg.sum(-1, keepdims=True)
        dist = (reg * np.arange(BINS, dtype=np.float32)).sum(-1) * s  # [HW,4] l,t,r,b
        yy, xx = np.meshgrid(np.arange(fh), np.arange(fw), indexing="ij")
        cx = (xx.ravel() + 0.5) * s
        cy = (yy.ravel() + 0.5) * s
        b = np.stack([cx - dist[:, 0], cy - dist[:, 1], cx + dist[:, 2], cy + dist[:, 3]], 1)
        b[:, [0, 2]] = b[:, [0, 2]].clip(0, in_w)
        b[:, [1, 3]] = b[:, [1, 3]].clip(0, in_h)
        boxes.append(b)
        scores.append(cls)
    boxes = np.concatenate(boxes)
    scores = np.concatenate(scores)
    dets = []
    for c in np.unique(np.nonzero(scores > score_thr)[1]):
        idx = np.nonzero(scores[:, c] > score_thr)[0]
        for i in nms(boxes[idx], scores[idx, c], iou_thr):
            dets.append((*boxes[idx[i]], float(scores[idx[i], c]), int(c)))
    dets.sort(key=lambda d: -d[4])
    return dets[:max_det]


def nms(boxes, scores, iou_thr):
    order = np.argsort(-scores)
    keep = []
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    while order.size:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        xx1 = np.maximum(boxes[i, 0], boxes[rest, 0]); yy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[rest, 2]); yy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        iou = inter / (area[i] + area[rest] - inter + 1e-9)
        order = rest[iou <= iou_thr]
    return keep


def to_frame(dets, geo):
    sx, sy, px, py = geo
    return [((x1 - px) / sx, (y1 - py) / sy, (x2 - px) / sx, (y2 - py) / sy, s, c)
            for x1, y1, x2, y2, s, c in dets]


def write_png(path, img_bgr):
    h, w = img_bgr.shape[:2]
    rgb = np.ascontiguousarray(img_bgr[:, :, ::-1])
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


COLOURS = {0: (0, 255, 0), 2: (255, 128, 0), 7: (0, 128, 255)}  # BGR: person, car, truck


def draw(frame, dets, names):
    img = frame.copy()
    h, w = img.shape[:2]
    for x1, y1, x2, y2, s, c in dets:
        col = COLOURS.get(c, (255, 0, 255))
        x1, y1 = int(max(0, x1)), int(max(0, y1))
        x2, y2 = int(min(w - 1, x2)), int(min(h - 1, y2))
        for t in range(2):
            img[max(0, y1 - t), x1:x2 + 1] = col
            img[min(h - 1, y2 + t), x1:x2 + 1] = col
            img[y1:y2 + 1, max(0, x1 - t)] = col
            img[y1:y2 + 1, min(w - 1, x2 + t)] = col
    return img


def open_detector(model_dir, threads):
    """The converted detector in ONNX Runtime (CPU, `threads` intra-op threads): session, class
    names, output names."""
    import onnxruntime as ort
    meta = json.load(open(os.path.join(model_dir, "backbone.json")))
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(os.path.join(model_dir, meta["onnx"]), so,
                                providers=["CPUExecutionProvider"])
    return sess, meta["class_names"], [o.name for o in sess.get_outputs()]


def main():
    ap = argparse.ArgumentParser(description="NanoDet ONNX decode check")
    ap.add_argument("--model-dir", default=DEFAULT_DIR)
    ap.add_argument("--video", default="/usr/share/doc/opencv-doc/examples/data/vtest.avi")
    ap.add_argument("--times", type=float, nargs="+", default=[5, 30, 60])
    ap.add_argument("--sizes", nargs="+", default=["416x416"], help="WxH, multiples of 32")
    ap.add_argument("--resize", choices=["stretch", "letterbox"], default="stretch")
    ap.add_argument("--thr", type=float, default=0.35)
    ap.add_argument("--iou", type=float, default=0.6)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--timing-runs", type=int, default=20)
    ap.add_argument("--draw", help="PNG path for the boxes on one frame (first size)")
    ap.add_argument("--draw-time", type=float, default=30)
    args = ap.parse_args()

    sess, names, out_names = open_detector(args.model_dir, args.threads)

    fw, fh = probe(args.video)
    times = list(args.times)
    if args.draw and args.draw_time not in times:
        times.append(args.draw_time)
    frames = {t: read_frame(args.video, t, fw, fh) for t in times}

    summary = []
    for k, size in enumerate(args.sizes):
        in_w, in_h = map(int, size.lower().split("x"))
        print(f"\n== input {in_w}x{in_h} (WxH), {args.resize}, threshold {args.thr}")
        for t in times:
            x, geo = preprocess(frames[t], in_w, in_h, args.resize)
            outs = dict(zip(out_names, sess.run(out_names, {"bgr": x})))
            dets = to_frame(decode({n: v[0] for n, v in outs.items()}, in_w, in_h,
                                   args.thr, args.iou), geo)
            counts = {}
            for d in dets:
                counts[names[d[5]]] = counts.get(names[d[5]], 0) + 1
            print(f"  t={t:g}s: {len(dets)} detections {counts}")
            for x1, y1, x2, y2, s, c in dets:
                print(f"    {names[c]:12s} {s:.2f}  [{x1:6.1f} {y1:6.1f} {x2:6.1f} {y2:6.1f}]")
            if args.draw and k == 0 and t == args.draw_time:
                write_png(args.draw, draw(frames[t], dets, names))
                print(f"    drew {args.draw}")
            summary.append((size, t, counts.get("person", 0)))
        # timing at batch 1
        x, _ = preprocess(frames[times[0]], in_w, in_h, args.resize)
        for _ in range(3):
            sess.run(out_names, {"bgr": x})
        ts = []
        for _ in range(args.timing_runs):
            t0 = time.perf_counter()
            sess.run(out_names, {"bgr": x})
            ts.append(time.perf_counter() - t0)
        print(f"  ORT {args.threads} thread(s), batch 1: median {1000 * np.median(ts):.1f} ms, "
              f"min {1000 * min(ts):.1f} ms over {args.timing_runs} runs")
    print("\nperson counts (size, t, persons):", summary)


if __name__ == "__main__":
    main()
