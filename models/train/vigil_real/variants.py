"""The real-footage evaluation under camera changes: the held-out test clip re-encoded as another
camera would give it (mirrored, other resolutions, dark, noisy, heavily compressed, 5 fps, inside
frames of another aspect ratio, keyframes off whole seconds so that chunks are cut anywhere), each scored by the Java pipeline (`vigil eval --real`) against the
same by-eye reference (mirrored where the picture is). Nothing here trains or tunes anything: it
says how far the figures on one camera carry to cameras the model has not met.

Run from the repository root (needs ffmpeg and a built ./vigil):
python3 models/train/vigil_real/variants.py [--model models/vigil-cam] [--only a,b] [--fit pad]
  [--out /tmp/vigil-variants] [--json-out models/train/vigil_real/logs/variants.json]
--fit pad scores a copy of the model whose manifest pads other aspects (docs/model-contract.md).
Stdlib only.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

# name -> (ffmpeg video filter or "", x264 crf, mirrored picture[, more x264 options])
# The gop-* variants put keyframes where a camera's encoder would (every 1.3 s at 10 fps, every
# 32 frames at 25 fps): ingest remuxes H.264 packet for packet and cuts at keyframes, so chunks
# start anywhere between two samples.
FIXED_GOP = ["-sc_threshold", "0", "-bf", "0"]
VARIANTS = {
    "h264": ("", 18, False),  # the plain re-encode: the baseline of the rest
    "mirror": ("hflip", 18, True),
    "up-1280x960": ("scale=1280:960", 18, False),
    "down-384x288": ("scale=384:288", 18, False),
    "dark": ("eq=brightness=-0.2:contrast=0.6:gamma=0.7", 18, False),
    "noisy": ("noise=alls=25:allf=t", 18, False),
    "crf40": ("", 40, False),
    "fps5": ("fps=5", 18, False),
    "bars-16:9": ("pad=1024:576:128:0", 18, False),
    "bars-2:1": ("pad=1152:576:192:0", 18, False),
    "bars-portrait": ("pad=768:1024:0:224", 18, False),
    "gop-1.3s": ("", 18, False, ["-g", "13", "-keyint_min", "13"] + FIXED_GOP),
    "gop-1.28s-25fps": ("fps=25", 18, False, ["-g", "32", "-keyint_min", "32"] + FIXED_GOP),
    "gop-1s": ("", 18, False, ["-g", "10"]),  # a keyframe every second, x264's other defaults
}
KEYS = ("count_caption", "count_answer", "vehicles", "vehicles_counted", "moving_vehicle_captions", "direction",
        "direction_counts", "direction_counts_chance", "direction_majority", "direction_majority_chance",
        "appeared_running", "appeared_entries_running", "phantom_captions", "leads_missing", "captions")
SWAP = {"left": "right", "right": "left"}


def mirrored(ref):
    """The reference of the mirrored picture: left and right swapped in every direction."""
    ref = json.loads(json.dumps(ref))
    for i in ref["instants"]:
        d = i.get("directions", {})
        i["directions"] = {SWAP.get(k, k): v for k, v in d.items()}
    for c in ref.get("crossings", []):
        for k in ("direction", "from", "to"):
            if k in c:
                c[k] = "-".join(SWAP.get(p, p) for p in c[k].split("-"))
    return ref


def make(ref, name, out):
    vf, crf, mirror, *more = VARIANTS[name]
    video = os.path.join(out, name.replace(":", "x") + ".mp4")
    if not os.path.exists(video):
        cmd = ["ffmpeg", "-v", "error", "-y", "-i", ref["source"]["path"]] + (["-vf", vf] if vf else []) + [
            "-c:v", "libx264", "-crf", str(crf), "-pix_fmt", "yuv420p"] + (more[0] if more else []) + [
            video + ".part.mp4"]
        subprocess.run(cmd, check=True)
        os.replace(video + ".part.mp4", video)
    r = mirrored(ref) if mirror else json.loads(json.dumps(ref))
    r["source"] = dict(r["source"], path=os.path.abspath(video), file=os.path.basename(video),
                       variant=name)
    path = video[:-4] + ".json"
    with open(path, "w") as f:
        json.dump(r, f, indent=1)
    return path


def padded_copy(model, out):
    """A copy of the model folder whose manifest pads other aspects."""
    dst = os.path.join(out, os.path.basename(os.path.normpath(model)) + "-pad")
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(model, dst)
    p = os.path.join(dst, "manifest.json")
    with open(p) as f:
        m = json.load(f)
    m["frame"]["fit"] = "pad"  # the contract's default tolerance
    with open(p, "w") as f:
        json.dump(m, f, indent=1)
    return dst


def score(vigil, model, ref_path):
    p = subprocess.run([vigil, "eval", "--model", model, "--real", ref_path, "--no-progress"],
                       capture_output=True, text=True)
    last = (p.stdout.strip().splitlines() or [""])[-1]
    if p.returncode != 0 or not last.startswith("{"):
        raise SystemExit(f"vigil eval on {ref_path} failed (exit {p.returncode}): {p.stderr[-800:]}")
    return json.loads(last)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", default="models/reference/vtest.json")
    ap.add_argument("--model", default="models/vigil-cam")
    ap.add_argument("--vigil", default="./vigil")
    ap.add_argument("--only", default="", help="comma-separated variant names")
    ap.add_argument("--fit", choices=["model", "pad"], default="model")
    ap.add_argument("--out", default="/tmp/vigil-variants")
    ap.add_argument("--json-out", default="")
    a = ap.parse_args()
    names = [n for n in a.only.split(",") if n] or list(VARIANTS)
    bad = [n for n in names if n not in VARIANTS]
    if bad:
        raise SystemExit(f"unknown variant {bad[0]}; one of {', '.join(VARIANTS)}")
    os.makedirs(a.out, exist_ok=True)
    with open(a.reference) as f:
        ref = json.load(f)
    model = padded_copy(a.model, a.out) if a.fit == "pad" else a.model
    rows = []
    print("variant        people capt  ans   vehicles (counted)  moving-veh  crossings  dir counts (chance)"
          "  leading way (chance)  entries  phantom", flush=True)
    for n in names:
        r = score(a.vigil, model, make(ref, n, a.out))
        rows.append(dict({"variant": n, "fit": a.fit}, **{k: r.get(k) for k in KEYS}))
        print(f"{n:14s} {r['count_caption']:11.3f} {r['count_answer']:5.3f} {r['vehicles']:9.3f} "
              f"({r['vehicles_counted']:.3f})"
              f"{r['moving_vehicle_captions']:11d} {r['direction']:10.3f} {r['direction_counts']:6.3f} "
              f"({r['direction_counts_chance']:.3f}) {r['direction_majority']:12.3f} "
              f"({r['direction_majority_chance']:.3f}) {r['appeared_entries_running']:9.3f}"
              f" {r['phantom_captions']:4d}/{r['captions']}", flush=True)
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump({"model": a.model, "fit": a.fit, "reference": a.reference, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
