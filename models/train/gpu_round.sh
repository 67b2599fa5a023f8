#!/usr/bin/env bash
# One fine-tune round on fresh data on a GPU machine, sized to a fixed time budget: render new
# videos on all cores (seeds never used before: TRAIN_SEED, DENSE_SEED), cache their tokens with
# the kept encoder ($ENC), then fine-tune the decoder ($BASE) as several small-batch arms side by
# side on the one GPU until a wall-clock deadline ($DEADLINE_S seconds after the start, whatever
# prep took). The small recurrent ops leave the GPU mostly idle, so arms share it well.
#   ARMS: name batch lr token-noise seed (one group of five per arm)
#   EXTRA_<name>: further `train decoder` flags for that arm (EXTRA_m2="--dec-stop-caps 2")
# Decoders are written to $OUTDIR as they train (every 2 min and at the end), so a lease that
# ends early still returns them. Then, on CPU: `python3 -m vigil_train.soup` over the chosen arms,
# `python3 -m vigil_train.extend --sweep` to choose. Needs the `ffmpeg` CLI with libx264 on PATH.
# Example: W=runs/r1 TRAIN_SEED=25000 DENSE_SEED=26000 BASE=runs/r0/dec.pt ENC=runs/r0/enc.pt ./gpu_round.sh
set -euo pipefail
cd "$(dirname "$0")"
START=$(date +%s)
W=${W:?W: the work folder}
TRAIN_SEED=${TRAIN_SEED:?TRAIN_SEED: a seed no training used}
DENSE_SEED=${DENSE_SEED:?DENSE_SEED: a seed no training used}
VIDEOS=${VIDEOS:-2500}
DENSE=${DENSE:-2500}
BASE=${BASE:?BASE: the decoder to continue}
ENC=${ENC:?ENC: the encoder to keep}
DEADLINE_S=${DEADLINE_S:-480}
OUTDIR=${OUTDIR:-$W}
PROCS=${PROCS:-$(nproc)}
WORKERS=${WORKERS:-2}
ARMS=${ARMS:-"h1 16 3e-4 0.05 201 h2 16 3e-4 0.1 202 h3 32 3e-4 0.05 203 h4 16 1.5e-4 0.05 204"}
mkdir -p "$W" "$OUTDIR"
export VIGIL_DEVICE=${VIGIL_DEVICE:-cuda} PYTHONUNBUFFERED=1
T="python3 -m vigil_train.train"
F="--work $W --train-seed $TRAIN_SEED --videos $VIDEOS --dense-seed $DENSE_SEED --dense-videos $DENSE"
$T prep $F --procs "$PROCS"
$T encoder $F --enc-init "$ENC" --procs "$PROCS"
LEFT=$((START + DEADLINE_S - $(date +%s) - 20))
MIN=$(python3 -c "print(max(0.5, $LEFT / 60))")
echo "prep and tokens took $(($(date +%s) - START)) s; arms get $MIN min"
set -- $ARMS
pids=()
while [ $# -ge 5 ]; do
  extra="EXTRA_$1"
  # shellcheck disable=SC2086  # the extra flags are meant to split into words
  $T decoder $F --dec-resume "$BASE" --dec-minutes "$MIN" --dec-bs "$2" --dec-lr "$3" \
    --dec-warmup 50 --dec-token-noise "$4" --dec-seed "$5" --loader-workers "$WORKERS" ${!extra:-} \
    --dec-name "$(realpath "$OUTDIR")/dec_$1.pt" 2>&1 | sed -u "s/^/$1 /" &
  pids+=($!)
  shift 5
done
for p in "${pids[@]}"; do wait "$p"; done
echo "round done in $(($(date +%s) - START)) s"
