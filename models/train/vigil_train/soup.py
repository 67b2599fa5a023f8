"""Weight average ("model soup") of decoders fine-tuned from one starting point.

python -m vigil_train.soup --out runs/gpu6/dec_t3.pt runs/gpu6/dec_i1.pt runs/gpu6/dec_i2.pt ...

Every floating-point tensor is the mean over the inputs (`soup(paths, weights)`: weighted); they
must share one config (same shapes), which continuing one decoder with different batches, rates
or seeds guarantees.
"""
import argparse

from .evaluate import load_decoder, save_decoder


def soup(paths, weights=None):
    """The (weighted; weights are normalised) mean of the decoders at paths."""
    weights = weights or [1.0] * len(paths)
    if len(weights) != len(paths) or min(weights) < 0 or sum(weights) <= 0:
        raise SystemExit(f"need one non-negative weight per decoder, not all 0: {weights}")
    decs = [load_decoder(p) for p in paths]
    if any(d.config != decs[0].config for d in decs):
        raise SystemExit(f"decoders differ in config: {[d.config for d in decs]}")
    out = decs[0]
    sds = [d.state_dict() for d in decs]
    ws = [w / sum(weights) for w in weights]

    def mean(k):  # equal weights: sum / n, as before weights existed (older soups reproduce)
        if len(set(weights)) == 1:
            return sum(sd[k] for sd in sds) / len(sds)
        return sum(sd[k] * w for sd, w in zip(sds, ws))

    avg = {k: mean(k) if v.is_floating_point() else v for k, v in sds[0].items()}
    out.load_state_dict(avg)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True, help="the averaged decoder (.pt)")
    p.add_argument("decoders", nargs="+", help="two or more decoder .pt files")
    a = p.parse_args()
    if len(a.decoders) < 2:
        p.error("give two or more decoders to average")
    save_decoder(soup(a.decoders), a.out)
    print(f"{a.out}: mean of {len(a.decoders)} decoders")


if __name__ == "__main__":
    main()
