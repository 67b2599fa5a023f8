"""Weight-space interpolation of two decoders, the second fine-tuned from the first (as WiSE-FT
does for robust fine-tuning): every floating-point tensor is (1 - alpha) * base + alpha * tuned.
Fine-tuning longer on the simulator sharpens the decoder on simulated detector output; the
average keeps part of that gain and stays nearer the start on what the simulator lacks.

python -m vigil_real.soup --base BASE/dec.pt --tuned TUNED/dec.pt --alpha 0.5 --out OUT/dec.pt
"""
import argparse

from .train import load_decoder, save_decoder


def interpolate(base, tuned, alpha):
    """-> base's decoder with weights (1 - alpha) * base + alpha * tuned (same config)."""
    if base.config != tuned.config:
        raise SystemExit(f"decoders differ in config: {base.config} vs {tuned.config}")
    sb, st = base.state_dict(), tuned.state_dict()
    base.load_state_dict({k: (1 - alpha) * v + alpha * st[k] if v.is_floating_point() else v
                          for k, v in sb.items()})
    return base


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True, help="the starting decoder (.pt)")
    p.add_argument("--tuned", required=True, help="a decoder fine-tuned from it (.pt)")
    p.add_argument("--alpha", type=float, default=0.5, help="0 = base, 1 = tuned")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if not 0 <= a.alpha <= 1:
        raise SystemExit(f"--alpha must be in [0, 1], not {a.alpha}")
    save_decoder(interpolate(load_decoder(a.base), load_decoder(a.tuned), a.alpha), a.out)


if __name__ == "__main__":
    main()
