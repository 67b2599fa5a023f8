#!/usr/bin/env bash
# Stage 2 of the GPU recipe (after gpu_recipe.sh): continue the chosen decoder ($BASE, default
# runs/gpu/dec_a.pt) with the encoder kept ($ENC), as variants side by side on one GPU:
#   name  dense-videos  state-noise   (dense: always-busy videos, ~2x the entries per video;
#                                      state-noise: sequences started from a noisy state)
# Data and tokens are rebuilt here (the same seeds give the same videos). Held-out evaluation
# runs afterwards (CPU is enough): `python -m vigil_train.train eval --dec-name dec_<name>.pt`.
set -euo pipefail
cd "$(dirname "$0")"
W=${W:-runs/gpu2}
BASE=${BASE:-runs/gpu/dec_a.pt}
ENC=${ENC:-runs/gpu/enc.pt}
VIDEOS=${VIDEOS:-4000}
DENSE=${DENSE:-2000}
DEC_MIN=${DEC_MIN:-5.5}
DEC_LR=${DEC_LR:-1e-3}
PROCS=${PROCS:-$(nproc)}
WORKERS=${WORKERS:-3}
VARIANTS=${VARIANTS:-"p 0 0 d 1 0 n 0 0.5 dn 1 0.5"}
mkdir -p "$W"
cp "$ENC" "$W/enc.pt"
export VIGIL_DEVICE=${VIGIL_DEVICE:-cuda} PYTHONUNBUFFERED=1
T="python3 -m vigil_train.train"
$T prep --work "$W" --videos "$VIDEOS" --dense-videos "$DENSE" --procs "$PROCS" > "$W/prep.log" 2>&1
$T encoder --work "$W" --videos "$VIDEOS" --dense-videos "$DENSE" --enc-init "$ENC" \
  --procs "$PROCS" > "$W/encoder.log" 2>&1
set -- $VARIANTS
pids=()
while [ $# -ge 3 ]; do
  # tokens.pt holds the standard videos first, then the dense ones: --dense-videos 0 uses the first part
  $T decoder --work "$W" --videos "$VIDEOS" --dense-videos "$(( $2 * DENSE ))" \
    --dec-minutes "$DEC_MIN" --dec-bs 256 --dec-lr "$DEC_LR" --dec-resume "$BASE" \
    --dec-name "dec_$1.pt" --dec-state-noise "$3" --loader-workers "$WORKERS" \
    > "$W/dec_$1.log" 2>&1 &
  pids+=($!)
  shift 3
done
for p in "${pids[@]}"; do wait "$p"; done
