"""Export to the contract (docs/model-contract.md): ONNX graphs, vocab, manifest, parity
fixtures and the golden clip.

python -m vigil_train.export --work runs/full
"""
import argparse
import hashlib
import json
import os
import subprocess

import numpy as np
import onnxruntime as ort
import torch

from . import frames as fr
from vigil_scenes import scenes

from . import text
from .model import FrameEncoder, StepGraph
from .evaluate import greedy, load_decoder

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
MODEL_DIR = os.path.join(REPO, "models", "vigil-tiny")
PARITY = os.path.join(REPO, "models", "src", "test", "resources", "parity")
GOLDEN = os.path.join(REPO, "models", "src", "test", "resources", "golden")
MAX_TEXT = 20
GOLDEN_SEED, GOLDEN_INDEX, GOLDEN_SAMPLES = 4242, 3, 16  # index 3: moving, stopped, two at once


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def export_graphs(enc, dec, out):
    enc.eval(), dec.eval()
    L, di, ds, dc = dec.L, dec.d_inner, dec.d_state, dec.d_conv
    D = dec.frame_proj.in_features
    torch.onnx.export(enc, (torch.randn(2, 3, fr.H, fr.W),), os.path.join(out, "encoder.onnx"),
                      input_names=["frames"], output_names=["tokens"], opset_version=17,
                      dynamic_axes={"frames": {0: "N"}, "tokens": {0: "N"}})
    B = 2
    args = (torch.randn(B, D), torch.zeros(B, dtype=torch.long), torch.ones(B),
            torch.zeros(L, B, di, dc - 1), torch.zeros(L, B, di, ds))
    torch.onnx.export(StepGraph(dec), args, os.path.join(out, "decoder_step.onnx"),
                      input_names=["frame_token", "token_id", "is_frame", "conv_state", "ssm_state"],
                      output_names=["logits", "conv_state_out", "ssm_state_out"], opset_version=17,
                      dynamic_axes={"frame_token": {0: "B"}, "token_id": {0: "B"}, "is_frame": {0: "B"},
                                    "conv_state": {1: "B"}, "ssm_state": {1: "B"},
                                    "logits": {0: "B"}, "conv_state_out": {1: "B"},
                                    "ssm_state_out": {1: "B"}})


def session(path):
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])


def f32(path, a):
    np.ascontiguousarray(a, dtype="<f4").tofile(path)


def golden_video():
    rgb, truth, _ = scenes.make_video(GOLDEN_SEED, GOLDEN_INDEX, GOLDEN_SAMPLES, 2, questions=8)
    return rgb, truth


@torch.no_grad()
def write_fixtures(enc, dec, enc_s, step_s):
    """Parity fixtures (contract 'Parity fixtures'); returns max abs diffs torch vs onnxruntime."""
    os.makedirs(PARITY, exist_ok=True)
    diffs = {}
    rgb, truth = golden_video()
    samp = fr.h264_roundtrip(rgb, 2, 28)[::2]  # [16, 128, 128, 3]
    x = torch.from_numpy(fr.preprocess(samp[:4]))  # [4, 3, 64, 64]
    tok = enc(x).numpy()
    ort_tok = enc_s.run(["tokens"], {"frames": x.numpy()})[0]
    diffs["encoder"] = float(np.abs(tok - ort_tok).max())
    f32(os.path.join(PARITY, "enc_frames.f32"), x.numpy())
    f32(os.path.join(PARITY, "enc_tokens.f32"), tok)

    # step: B=3 streams, K=8 steps mixing frame and text steps, from zero states
    all_tok = enc(torch.from_numpy(fr.preprocess(samp))).numpy()  # [16, D]
    B, K = 3, 8
    L, di, dsz, dc = dec.L, dec.d_inner, dec.d_state, dec.d_conv
    D = all_tok.shape[1]
    rng = np.random.default_rng(0)
    ft = np.zeros((K, B, D), np.float32)
    ids = np.zeros((K, B), np.int64)
    isf = np.zeros((K, B), np.float32)
    for k in range(K):
        for b in range(B):
            if (k + b) % 3 != 2:
                isf[k, b] = 1
                ft[k, b] = all_tok[(k + 5 * b) % len(all_tok)]
            else:
                ids[k, b] = rng.integers(6, len(scenes.VOCAB))
    c, h = dec.zero_state(B)
    oc, oh = c.numpy(), h.numpy()
    logits_all = []
    d_step = 0.0
    for k in range(K):
        lg, c, h = dec.step(torch.from_numpy(ft[k]), torch.from_numpy(ids[k]), torch.from_numpy(isf[k]), c, h)
        olg, oc, oh = step_s.run(None, {"frame_token": ft[k], "token_id": ids[k], "is_frame": isf[k],
                                        "conv_state": oc, "ssm_state": oh})
        d_step = max(d_step, np.abs(lg.numpy() - olg).max(), np.abs(c.numpy() - oc).max(),
                     np.abs(h.numpy() - oh).max())
        logits_all.append(lg.numpy())
    diffs["step"] = float(d_step)
    f32(os.path.join(PARITY, "step_frame_token.f32"), ft)
    f32(os.path.join(PARITY, "step_logits.f32"), np.stack(logits_all))
    f32(os.path.join(PARITY, "step_conv_final.f32"), c.numpy())
    f32(os.path.join(PARITY, "step_ssm_final.f32"), h.numpy())

    # generate: one stream, T frame tokens, caption + answers from copies
    T = len(all_tok)
    f32(os.path.join(PARITY, "gen_frames.f32"), all_tok)
    c, h = dec.zero_state(1)
    for t in range(T):
        _, c, h = dec.step(torch.from_numpy(all_tok[t:t + 1]), torch.zeros(1, dtype=torch.long),
                           torch.ones(1), c, h)
    cap = greedy(dec, c, h, [[text.CAP]], MAX_TEXT)[0]
    qs = [q for q in truth["questions"] if q["sample"] == T - 1] or truth["questions"][-2:]
    qlist = [q["question"] for q in qs] + ["what entered last", "how many cars have appeared"]
    ans = greedy(dec, c.repeat(1, len(qlist), 1, 1), h.repeat(1, len(qlist), 1, 1),
                 [[text.Q] + text.encode(q) + [text.A] for q in qlist], MAX_TEXT)
    cases = {
        "model_dir": "models/vigil-tiny",
        "encoder": {"frames": "enc_frames.f32", "frames_shape": list(x.shape),
                    "tokens": "enc_tokens.f32", "tokens_shape": list(tok.shape)},
        "step": {"batch": B, "steps": K,
                 "frame_token": "step_frame_token.f32", "frame_token_shape": [K, B, D],
                 "token_id": ids.tolist(), "is_frame": isf.tolist(),
                 "logits": "step_logits.f32", "logits_shape": [K, B, len(scenes.VOCAB)],
                 "conv_state": "step_conv_final.f32", "conv_state_shape": [L, B, di, dc - 1],
                 "ssm_state": "step_ssm_final.f32", "ssm_state_shape": [L, B, di, dsz]},
        "generate": [{"frame_tokens": "gen_frames.f32", "frames_shape": [T, D], "caption": cap,
                      "questions": [{"q": q, "a": a} for q, a in zip(qlist, ans)]}],
    }
    with open(os.path.join(PARITY, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
    return diffs, cap


def write_golden():
    """golden/clip.ts: H.264 in MPEG-TS, 16 s at 2 fps, 128x128; golden/truth.json."""
    os.makedirs(GOLDEN, exist_ok=True)
    rgb, truth = golden_video()
    truth["seed"], truth["index"] = GOLDEN_SEED, GOLDEN_INDEX
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "128x128",
           "-r", "2", "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "2",
           "-bf", "0", "-pix_fmt", "yuv420p", "-f", "mpegts", os.path.join(GOLDEN, "clip.ts")]
    subprocess.run(cmd, input=rgb.tobytes(), check=True)
    with open(os.path.join(GOLDEN, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    return truth


@torch.no_grad()
def golden_check(enc_s, step_s, dec_L, di, ds, dc):
    """Decodes golden/clip.ts with ffmpeg, samples by the contract rule, runs ONNX; returns
    per-sample captions next to the truth."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(GOLDEN, "clip.ts"),
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    rgb = np.frombuffer(out, np.uint8).reshape(-1, 128, 128, 3)[::2]
    tok = enc_s.run(["tokens"], {"frames": fr.preprocess(rgb)})[0]
    c = np.zeros((dec_L, 1, di, dc - 1), np.float32)
    h = np.zeros((dec_L, 1, di, ds), np.float32)
    got = []
    for t in range(len(tok)):
        _, c, h = step_s.run(None, {"frame_token": tok[t:t + 1], "token_id": np.zeros(1, np.int64),
                                    "is_frame": np.ones(1, np.float32), "conv_state": c, "ssm_state": h})
        cc, hh, ids = c, h, [text.CAP]
        words = []
        for _ in range(MAX_TEXT + 1):
            lg, cc, hh = step_s.run(None, {"frame_token": np.zeros((1, tok.shape[1]), np.float32),
                                           "token_id": np.array(ids[-1:], np.int64),
                                           "is_frame": np.zeros(1, np.float32), "conv_state": cc, "ssm_state": hh})
            nxt = int(lg[0].argmax())
            if nxt == text.EOS or len(words) == MAX_TEXT:
                break
            words.append(nxt)
            ids.append(nxt)
        got.append(text.decode(words))
    return got


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", default="runs/full")
    p.add_argument("--version", default="1")
    p.add_argument("--dec-name", default="dec.pt", help="decoder file in --work")
    a = p.parse_args()
    enc = FrameEncoder()
    enc.load_state_dict(torch.load(weights_only=False, f=os.path.join(a.work, "enc.pt"),
                                   map_location="cpu")["enc"])
    dec = load_decoder(os.path.join(a.work, a.dec_name))
    enc.eval(), dec.eval()
    os.makedirs(MODEL_DIR, exist_ok=True)
    export_graphs(enc, dec, MODEL_DIR)
    with open(os.path.join(MODEL_DIR, "vocab.json"), "w") as f:
        json.dump({"tokens": scenes.VOCAB}, f, indent=1)
    enc_s = session(os.path.join(MODEL_DIR, "encoder.onnx"))
    step_s = session(os.path.join(MODEL_DIR, "decoder_step.onnx"))
    truth = write_golden()
    diffs, cap = write_fixtures(enc, dec, enc_s, step_s)
    files = ["encoder.onnx", "decoder_step.onnx", "vocab.json"]
    ev = os.path.join(a.work, "eval_" + a.dec_name.replace(".pt", ".json"))  # train.py eval's
    ev = ev if os.path.exists(ev) else os.path.join(a.work, "eval.json")
    manifest = {
        "name": "vigil-tiny", "version": a.version,
        "frame": {"height": fr.H, "width": fr.W, "channels": "RGB", "resize": "box",
                  "mean": fr.MEAN.tolist(), "std": fr.STD.tolist()},
        "sample_fps": 1.0,
        "token_dim": dec.frame_proj.in_features,
        "mamba": {"layers": dec.L, "d_model": dec.head.in_features, "d_inner": dec.d_inner,
                  "d_conv": dec.d_conv, "d_state": dec.d_state},
        "vocab_size": len(scenes.VOCAB),
        "tokenizer": {"type": "word", "file": "vocab.json"},
        "special_tokens": {"pad": text.PAD, "unk": text.UNK, "eos": text.EOS, "caption": text.CAP,
                           "question": text.Q, "answer": text.A},
        "max_text_tokens": MAX_TEXT,
        "graphs": {"encoder": "encoder.onnx", "step": "decoder_step.onnx"},
        "answer_forms": scenes.answer_forms(),
        "files": {f: sha256(os.path.join(MODEL_DIR, f)) for f in files},
    }
    with open(os.path.join(MODEL_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    got = golden_check(enc_s, step_s, dec.L, dec.d_inner, dec.d_state, dec.d_conv)
    ok = sum(g == t for g, t in zip(got, truth["captions"]))
    with open(os.path.join(GOLDEN, "expected.json"), "w") as f:  # what THIS model says (ffmpeg decode)
        json.dump({"model_version": a.version, "captions": got, "exact_vs_truth": ok,
                   "samples": len(got)}, f, indent=1)
    report = {"max_abs_diff": diffs, "golden_caption_exact": f"{ok}/{len(got)}",
              "golden": list(zip(truth["captions"], got)), "parity_caption": cap,
              "eval": json.load(open(ev))["eval"] if os.path.exists(ev) else None}
    with open(os.path.join(a.work, "export.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps({k: report[k] for k in ("max_abs_diff", "golden_caption_exact", "parity_caption")}))
    for t, g in report["golden"]:
        print(("OK  " if t == g else "BAD ") + t + "  |  " + g)


if __name__ == "__main__":
    main()
