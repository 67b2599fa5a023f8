"""Evaluation only: does the memory hold over a long stream? The held-out test clip played N times
in a row (ffmpeg -stream_loop; one stream, one memory, N x 79.5 s) is scored by the Java pipeline
(`vigil eval --real`) against the by-eye reference repeated with it, and the instants are scored
per pass: the people count in captions and in answers within +-1 of the reference (the same rule
as `vigil eval --real`). The decoder was trained on sequences of at most 80 samples; a memory
that drifts with length shows here as later passes scoring lower than the first. Each pass begins
with a cut (everyone jumps back to where they stood at 0 s), which the first instants of every
pass after the first also see. `--pingpong` plays every second pass backwards instead, so that
no pass begins with a cut (a backward pass is scored on its people counts only: the reference's
directions and crossings are those of forward time). Nothing here trains or tunes anything.

Run from the repository root (needs ffmpeg and a built ./vigil):
python3 models/train/vigil_real/longrun.py [--passes 8] [--model models/vigil-cam]
  [--pingpong] [--out /tmp/vigil-longrun] [--json-out models/train/vigil_real/logs/longrun.json]
Stdlib only.
"""
import argparse
import json
import os
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([\d.]+) s\s+people (\d+) \((\d+)-(\d+)\)\s+caption (\d+)\s+answer (\S+)")
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
           "eighteen", "nineteen", "twenty"]


def repeated(ref, passes, video, pingpong=False):
    """The reference of the clip played `passes` times: every timed entry shifted by each pass;
    with pingpong, odd passes backwards (frame i of such a pass is frame n - 1 - i: time t there
    is time last - t forwards), their instants without directions and their crossings dropped."""
    d = ref["source"]["duration_s"]
    last = (ref["source"]["frames"] - 1) / ref["source"]["fps"]
    back = lambda k: pingpong and k % 2 == 1  # noqa: E731
    at = lambda k, t: round(k * d + (last - t if back(k) else t), 3)  # noqa: E731
    r = json.loads(json.dumps(ref))
    r["source"] = dict(r["source"], path=os.path.abspath(video), file=os.path.basename(video),
                       variant=f"played {passes} times" + (", every second pass backwards" if pingpong else ""),
                       duration_s=d * passes)
    inst = []
    for k in range(passes):
        for i in (reversed(ref["instants"]) if back(k) else ref["instants"]):
            j = dict(i, t_s=at(k, i["t_s"]))
            if back(k):
                j.pop("directions", None)
            inst.append(j)
    r["instants"] = inst
    r["crossings"] = [dict(c, id=c["id"] + 100 * k, enter_s=at(k, c["enter_s"]), exit_s=at(k, c["exit_s"]))
                      for k in range(passes) if not back(k) for c in ref["crossings"]]
    r["other_tracks"] = [dict(t, in_view=[sorted([at(k, a), at(k, b)]) for a, b in t["in_view"]])
                         for k in range(passes) for t in ref["other_tracks"]]
    return r


def make(ref, passes, out, pingpong=False):
    video = os.path.join(out, f"vtest-x{passes}{'-pingpong' if pingpong else ''}.mp4")
    enc = ["-c:v", "libx264", "-crf", "18", "-g", "10", "-pix_fmt", "yuv420p"]
    if not os.path.exists(video):
        src = ref["source"]["path"]
        if pingpong:  # forwards then backwards, looped
            pair = os.path.join(out, "vtest-pingpong-pair.mkv")
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", src, "-filter_complex",
                            "[0:v]split[a][b];[b]reverse[r];[a][r]concat=n=2:v=1[v]", "-map", "[v]",
                            "-c:v", "ffv1", pair], check=True)
            src_args = ["-stream_loop", str((passes + 1) // 2 - 1), "-i", pair,
                        "-frames:v", str(passes * ref["source"]["frames"])]
        else:
            src_args = ["-stream_loop", str(passes - 1), "-i", src]
        subprocess.run(["ffmpeg", "-v", "error", "-y"] + src_args + enc + [video + ".part.mp4"], check=True)
        os.replace(video + ".part.mp4", video)
    path = video[:-4] + ".json"
    with open(path, "w") as f:
        json.dump(repeated(ref, passes, video, pingpong), f, indent=1)
    return path


def per_pass(lines, duration, passes):
    """Per pass: instants, captions' and answers' people counts within +-1 of the reference."""
    rows = [{"pass": k + 1, "instants": 0, "count_caption": 0, "count_answer": 0} for k in range(passes)]
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        t, lo, hi, cap, ans = float(m[1]), int(m[3]), int(m[4]), int(m[5]), m[6]
        row = rows[min(int(t // duration), passes - 1)]
        row["instants"] += 1
        row["count_caption"] += lo - 1 <= cap <= hi + 1
        n = NUMBERS.index(ans) if ans in NUMBERS else -1
        row["count_answer"] += n >= 0 and lo - 1 <= n <= hi + 1
    for row in rows:
        for k in ("count_caption", "count_answer"):
            row[k] = round(row[k] / max(1, row["instants"]), 4)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", default="models/reference/vtest.json")
    ap.add_argument("--model", default="models/vigil-cam")
    ap.add_argument("--vigil", default="./vigil")
    ap.add_argument("--passes", type=int, default=8)
    ap.add_argument("--pingpong", action="store_true", help="every second pass backwards: no cuts")
    ap.add_argument("--out", default="/tmp/vigil-longrun")
    ap.add_argument("--json-out", default="")
    a = ap.parse_args()
    if a.passes < 1:
        raise SystemExit("--passes must be at least 1")
    os.makedirs(a.out, exist_ok=True)
    with open(a.reference) as f:
        ref = json.load(f)
    path = make(ref, a.passes, a.out, a.pingpong)
    p = subprocess.run([a.vigil, "eval", "--model", a.model, "--real", path, "--no-progress"],
                       capture_output=True, text=True)
    with open(path[:-5] + ".eval.log", "w") as f:  # every instant: reference, caption, answers
        f.write(p.stdout)
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines or not lines[-1].startswith("{"):
        raise SystemExit(f"vigil eval on {path} failed (exit {p.returncode}): {p.stderr[-800:]}")
    rows = per_pass(lines, ref["source"]["duration_s"], a.passes)
    print("pass  instants  people ±1: captions  answers")
    for r in rows:
        print(f"{r['pass']:4d} {r['instants']:9d} {r['count_caption']:19.3f} {r['count_answer']:8.3f}")
    whole = json.loads(lines[-1])
    print(json.dumps(whole))
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump({"model": a.model, "passes": a.passes, "pingpong": a.pingpong, "per_pass": rows,
                       "whole": whole}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
