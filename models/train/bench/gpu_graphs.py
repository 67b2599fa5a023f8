"""A model folder's two ONNX graphs on a GPU next to ONNX Runtime on the CPU, in one run.

ONNX Runtime's CUDA build (a 250 MB wheel or jar) cannot be carried to the lent GPU machine,
which reaches no registry, so the graphs run there as PyTorch modules made from the same ONNX
files by onnx2torch. Their outputs are first checked against ONNX Runtime's (CPU) on real
frames; then each graph is timed at several batch sizes on the GPU (fp32 and fp16 autocast,
eager and CUDA-graph replay) and on the CPU through ONNX Runtime (all cores and one), so the
ratios come from one run on one machine.

    python3 models/train/bench/gpu_graphs.py --model models/vigil-cam \
        --frames pairs.npy --out bench-gpu.json
    # pairs.npy: uint8 [P, 2, H, W, 3], each sample's RGB frame then its lead frame's, at the
    # manifest's input size (frames_npy() below makes one from a video with ffmpeg)

Encoder input `frames` [N, 6, H, W] float (raw 0..255 RGB, sample then lead), output `tokens`
[N, D]; step inputs frame_token [B, D], token_id [B], is_frame [B], conv_state [L, B, Di, K-1],
ssm_state [L, B, Di, S].
"""

import argparse
import json
import os
import subprocess
import time

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper
from onnx2torch import convert


def to_torch(path, feeds):
    """onnx2torch of `path`, with every intermediate's shape recorded from one ONNX Runtime run
    on `feeds` (onnx2torch needs ranks that shape inference cannot give through Reshape)."""
    m = onnx.load(path)
    for i, nd in enumerate(m.graph.node):  # compose() leaves duplicate node names
        nd.name = f"n{i}_{nd.op_type}"
    probe = onnx.ModelProto()
    probe.CopyFrom(m)
    outs = {o.name for o in probe.graph.output}
    for nd in probe.graph.node:
        for o in nd.output:
            if o and o not in outs:
                probe.graph.output.append(helper.make_empty_tensor_value_info(o))
    s = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    del m.graph.value_info[:]
    for o, v in zip([o.name for o in s.get_outputs()], s.run(None, feeds)):
        if o not in outs:
            m.graph.value_info.append(helper.make_tensor_value_info(
                o, helper.np_dtype_to_tensor_dtype(v.dtype), list(v.shape)))
    for nd in m.graph.node:  # Clip's optional inputs given as "" trip onnx2torch
        if nd.op_type == "Clip":
            while nd.input and nd.input[-1] == "":
                del nd.input[-1]
            if len(nd.input) == 3 and nd.input[1] == "":
                lo = nd.name + "_lo"
                m.graph.initializer.append(helper.make_tensor(lo, TensorProto.FLOAT, [], [-3.4e38]))
                nd.input[1] = lo
    return convert(m).eval()


def timed(fn, min_s=1.5, warm=3):
    """Median seconds per call over repeats of at least min_s in all (after warm calls)."""
    for _ in range(warm):
        fn()
    t, n, laps = time.perf_counter(), 0, []
    while time.perf_counter() - t < min_s or n < 5:
        a = time.perf_counter()
        fn()
        laps.append(time.perf_counter() - a)
        n += 1
    return float(np.median(laps))


def cuda_fn(mod, args, graph):
    """A call of mod(*args) that waits for the result; replayed from a CUDA graph if asked."""
    sync = torch.cuda.synchronize if args[0].is_cuda else (lambda: None)
    if not graph:
        def run():
            with torch.no_grad():
                mod(*args)
            sync()
        return run
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s), torch.no_grad():
        for _ in range(3):
            mod(*args)
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g), torch.no_grad():
        mod(*args)

    def replay():
        g.replay()
        torch.cuda.synchronize()
    return replay


def ort_session(path, threads):
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])


def step_feeds(man, b, rng):
    mb = man["mamba"]
    return {"frame_token": rng.standard_normal((b, man["token_dim"])).astype(np.float32),
            "token_id": np.zeros(b, np.int64), "is_frame": np.ones(b, np.float32),
            "conv_state": np.zeros((mb["layers"], b, mb["d_inner"], mb["d_conv"] - 1), np.float32),
            "ssm_state": np.zeros((mb["layers"], b, mb["d_inner"], mb["d_state"]), np.float32)}


def frames_npy(video, out, h, w, lead_s=0.5, samples=16):
    """uint8 [samples, 2, h, w, 3]: the frame at k + 1 s and the one lead_s before it (ffmpeg)."""
    def grab(t):
        raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{t:.3f}", "-i", video, "-frames:v",
                              "1", "-vf", f"scale={w}:{h}:flags=area", "-f", "rawvideo", "-pix_fmt",
                              "rgb24", "-"], check=True, capture_output=True).stdout
        return np.frombuffer(raw, np.uint8).reshape(h, w, 3)
    np.save(out, np.stack([np.stack([grab(k * 4 + 1.0), grab(k * 4 + 1.0 - lead_s)])
                           for k in range(samples)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--frames", required=True, help="uint8 [P, 2, H, W, 3] (see frames_npy)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--enc-batches", default="1,8,32,128,512")
    ap.add_argument("--step-batches", default="1,64,1000,4096")
    ap.add_argument("--device", default="cuda", help="cpu: a dry run of this script (fp32 eager only)")
    a = ap.parse_args()
    man = json.load(open(os.path.join(a.model, "manifest.json")))
    enc_path = os.path.join(a.model, man["graphs"]["encoder"])
    step_path = os.path.join(a.model, man["graphs"]["step"])
    pairs = np.load(a.frames)  # [P, 2, H, W, 3]
    x = pairs.transpose(0, 1, 4, 2, 3).reshape(len(pairs), 6, *pairs.shape[2:4]).astype(np.float32)
    dev = torch.device(a.device)
    gpu = dev.type == "cuda"
    rep = {"model": f"{man['name']}@{man['version']}",
           "gpu": torch.cuda.get_device_name(0) if gpu else None,
           "torch": torch.__version__, "onnxruntime": ort.__version__, "cpu_cores": os.cpu_count(),
           "frames_per_sample": 2 if man["frame"].get("lead_ms") else 1}
    cpu_all = ort_session(enc_path, os.cpu_count())
    ref = cpu_all.run(None, {"frames": x})[0]  # [P, D]
    enc = to_torch(enc_path, {"frames": x[:2]}).to(dev)
    xt = torch.from_numpy(x).to(dev)
    with torch.no_grad():
        got = enc(xt).float().cpu().numpy()
        with torch.autocast("cuda", dtype=torch.float16, enabled=gpu):
            half = enc(xt).float().cpu().numpy()
    rep["encoder_parity"] = {"samples": len(x), "fp32_max_abs_diff": float(np.abs(got - ref).max()),
                             "fp16_max_abs_diff": float(np.abs(half - ref).max()),
                             "token_max_abs": float(np.abs(ref).max())}
    print(json.dumps(rep), flush=True)
    rows = []
    for b in [int(v) for v in a.enc_batches.split(",")]:
        xb = np.concatenate([x] * (b // len(x) + 1))[:b]
        row = {"batch": b}
        xbt = torch.from_numpy(xb).to(dev)
        row["gpu_fp32_ms"] = 1e3 * timed(cuda_fn(enc, (xbt,), False))
        if gpu:
            with torch.autocast("cuda", dtype=torch.float16):
                row["gpu_fp16_ms"] = 1e3 * timed(cuda_fn(enc, (xbt,), False))
        try:
            row["gpu_fp32_graph_ms"] = 1e3 * timed(cuda_fn(enc, (xbt,), True))
        except Exception as e:  # noqa: BLE001 (reported, not hidden)
            row["gpu_fp32_graph_ms"] = f"capture failed: {type(e).__name__}: {str(e)[:120]}"
        if b <= 32:
            row["cpu_all_ms"] = 1e3 * timed(lambda: cpu_all.run(None, {"frames": xb}), min_s=3)
        if b <= 8:
            one = ort_session(enc_path, 1)
            row["cpu_1thread_ms"] = 1e3 * timed(lambda: one.run(None, {"frames": xb}), min_s=3)
        rows.append(row)
        print(json.dumps(row), flush=True)
    rep["encoder"] = rows
    rng = np.random.default_rng(0)
    f2 = step_feeds(man, 2, rng)
    step = to_torch(step_path, f2).to(dev)
    srows = []
    for b in [int(v) for v in a.step_batches.split(",")]:
        f = step_feeds(man, b, rng)
        ft = [torch.from_numpy(f[k]).to(dev) for k in
              ("frame_token", "token_id", "is_frame", "conv_state", "ssm_state")]
        row = {"streams": b}
        with torch.no_grad():
            out = step(*ft)
        want = ort_session(step_path, os.cpu_count()).run(None, f)
        row["max_abs_diff"] = float(max(np.abs(o.cpu().numpy() - w).max() for o, w in zip(out, want)))
        row["gpu_fp32_ms"] = 1e3 * timed(cuda_fn(step, ft, False))
        try:
            row["gpu_fp32_graph_ms"] = 1e3 * timed(cuda_fn(step, ft, True))
        except Exception as e:  # noqa: BLE001
            row["gpu_fp32_graph_ms"] = f"capture failed: {type(e).__name__}: {str(e)[:120]}"
        s_all = ort_session(step_path, os.cpu_count())
        row["cpu_all_ms"] = 1e3 * timed(lambda: s_all.run(None, f))
        srows.append(row)
        print(json.dumps(row), flush=True)
    rep["step"] = srows
    with open(a.out, "w") as fh:
        json.dump(rep, fh, indent=1)


if __name__ == "__main__":
    main()
