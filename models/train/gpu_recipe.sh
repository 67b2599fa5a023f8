#!/usr/bin/env bash
# The staged recipe on a lent GPU machine (16 cores, one GPU): data with H.264 round trips on
# all cores, the encoder on the GPU, then decoder variants trained side by side on the same GPU
# (each is launch-bound, so they share it well) and evaluated on held-out seeds 11/12 for
# selection. The shipped model's figures are measured afterwards on seeds 7/8 (Python) and 7
# (Java, `vigil eval`). Sizes and budgets come from the environment; defaults are what v2 used.
# Writes $W/DONE or $W/FAILED at the end. Needs the `ffmpeg` CLI with libx264 on PATH.
set -euo pipefail
cd "$(dirname "$0")"
W=${W:-runs/gpu}
VIDEOS=${VIDEOS:-4000}
ENC_MIN=${ENC_MIN:-4}
DEC_MIN=${DEC_MIN:-10}
DEC_BS=${DEC_BS:-256}
PROCS=${PROCS:-$(nproc)}
WORKERS=${WORKERS:-4}
EVAL_VIDEOS=${EVAL_VIDEOS:-40}
mkdir -p "$W"
trap 'touch "$W/FAILED"' ERR
export VIGIL_DEVICE=${VIGIL_DEVICE:-cuda} PYTHONUNBUFFERED=1
T="python3 -m vigil_train.train"
$T prep --work "$W" --videos "$VIDEOS" --procs "$PROCS" 2>&1 | tee "$W/prep.log"
$T encoder --work "$W" --videos "$VIDEOS" --enc-minutes "$ENC_MIN" --enc-bs 256 --procs "$PROCS" \
  2>&1 | tee "$W/encoder.log"
# name d_state dt_min slow
VARIANTS=${VARIANTS:-"a 8 0.01 0 b 8 0.001 0.25 c 16 0.001 0.5"}
set -- $VARIANTS
pids=()
while [ $# -ge 4 ]; do
  $T decoder --work "$W" --videos "$VIDEOS" --dec-minutes "$DEC_MIN" --dec-bs "$DEC_BS" \
    --dec-name "dec_$1.pt" --dec-d-state "$2" --dec-dt-min "$3" --dec-slow "$4" \
    --loader-workers "$WORKERS" > "$W/dec_$1.log" 2>&1 &
  pids+=($!)
  shift 4
done
for p in "${pids[@]}"; do wait "$p"; done
set -- $VARIANTS
pids=()
while [ $# -ge 4 ]; do
  $T eval --work "$W" --videos "$VIDEOS" --dec-name "dec_$1.pt" --eval-seed 11 \
    --eval-videos "$EVAL_VIDEOS" --procs 5 > "$W/eval_$1.log" 2>&1 &
  pids+=($!)
  shift 4
done
for p in "${pids[@]}"; do wait "$p"; done
touch "$W/DONE"
