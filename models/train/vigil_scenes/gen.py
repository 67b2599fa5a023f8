"""CLI: python3 -m vigil_scenes.gen --seed S --videos N --frames F --fps 2 --out DIR

Writes per video vNNNN.rgb (raw uint8 [F*fps, 128, 128, 3], RGB, row-major) and vNNNN.json
(ground truth on the 1-fps samples), plus index.json. Format: models/train/README.md.
"""
import argparse
import json
import os

from . import scenes


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--videos", type=int, required=True)
    p.add_argument("--frames", type=int, default=32, help="1-fps samples per video (seconds)")
    p.add_argument("--fps", type=int, default=2, help="rendered frames per second")
    p.add_argument("--questions", type=int, default=8, help="random questions per video")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    index = {"seed": a.seed, "videos": [], "width": scenes.SIZE, "height": scenes.SIZE,
             "fps": a.fps, "samples": a.frames, "frames": a.frames * a.fps}
    for i in range(a.videos):
        frames, truth, _ = scenes.make_video(a.seed, i, a.frames, a.fps, a.questions)
        name = f"v{i:04d}"
        frames.tofile(os.path.join(a.out, name + ".rgb"))
        truth["seed"], truth["index"] = a.seed, i
        with open(os.path.join(a.out, name + ".json"), "w") as f:
            json.dump(truth, f, indent=1)
        index["videos"].append({"id": name, "rgb": name + ".rgb", "json": name + ".json"})
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)


if __name__ == "__main__":
    main()
