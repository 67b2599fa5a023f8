#!/usr/bin/env bash
# vigil-cam's decoder fine-tuned on a GPU machine within a fixed time: render the training videos
# on all cores (DATA_SEED, with the lead frames' detections), their tokens with the kept head
# ($HEAD), then several decoder arms from $BASE side by side on the one GPU until a wall-clock
# deadline ($DEADLINE_S seconds after the start, whatever the preparation took). Decoders are
# written to $OUTDIR every 3 minutes and at the end, so a lease that ends early still returns them.
#   ARMS: name batch lr seed (one group of four per arm)
#   DATA_FLAGS: more flags for vigil_real.data (e.g. --wander-share 0.5 --return-share 0.5)
#   DEC_FLAGS: more flags for every arm's decoder stage (e.g. --max-samples 80)
# Then, on CPU: `python -m vigil_real.train eval --dec-name dec_<arm>.pt` per arm, and the Java
# evaluation on vtest.avi of the exported candidates.
# Example: W=/tmp/w HEAD=head.pt BASE=dec.pt OUTDIR=$OUT ./vigil_real/gpu_round.sh
set -euo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)
W=${W:?W: the work folder}
HEAD=${HEAD:?HEAD: the head.pt to keep}
BASE=${BASE:?BASE: the dec.pt to continue}
OUTDIR=${OUTDIR:-$W}
DATA_SEED=${DATA_SEED:-2}
VIDEOS=${VIDEOS:-4000}
DEADLINE_S=${DEADLINE_S:-480}
ARMS=${ARMS:-"g1 32 3e-3 11 g2 64 3e-3 12 g3 32 1.5e-3 13 g4 128 3e-3 14"}
DATA_FLAGS=${DATA_FLAGS:-}
DEC_FLAGS=${DEC_FLAGS:-}
mkdir -p "$W" "$OUTDIR"
cp "$HEAD" "$W/head.pt"
export PYTHONPATH=. PYTHONUNBUFFERED=1 VIGIL_DEVICE=${VIGIL_DEVICE:-cuda}
python3 -m vigil_real.data --seed "$DATA_SEED" --videos "$VIDEOS" --samples 80 --half --procs "$(nproc)" \
  $DATA_FLAGS --out "$W/train.pkl"
VIGIL_THREADS=$(nproc) python3 -m vigil_real.train tokens --work "$W"
LEFT=$((START + DEADLINE_S - $(date +%s) - 20))
MIN=$(python3 -c "print(max(0.5, $LEFT / 60))")
echo "data and tokens took $(($(date +%s) - START)) s; arms get $MIN min"
set -- $ARMS
pids=()
while [ $# -ge 4 ]; do
  python3 -m vigil_real.train decoder --work "$W" --resume "$BASE" --minutes "$MIN" --bs "$2" --lr "$3" \
    --dec-seed "$4" $DEC_FLAGS --dec-name "$(realpath "$OUTDIR")/dec_$1.pt" 2>&1 | sed -u "s/^/$1 /" | grep -E "it [0-9]*00 |done" &
  pids+=($!)
  shift 4
done
for p in "${pids[@]}"; do wait "$p"; done
echo "round done in $(($(date +%s) - START)) s"
