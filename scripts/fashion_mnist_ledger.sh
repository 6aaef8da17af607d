#!/usr/bin/env bash
# The tiny-budget stage (issue 7): seeded A/B runs on real Fashion-MNIST at 0.2-1.5% of the papers' steps.
# Superseded by the trained campaign (`python -m tfgan_repro.campaign`, results/PROTOCOL.md): its records are
# kept in results/early_runs/ as the record of that stage, and no claim in results/ is answered by them.
#
#   bash scripts/fashion_mnist_ledger.sh            # every run below, then results/early_runs/ and their report
#   LANES=1 bash scripts/fashion_mnist_ledger.sh    # one run at a time (default: one per CPU core, pinned)
#   ONLY=began bash scripts/fashion_mnist_ledger.sh # only the runs whose directory name contains "began"
#
# Reduced budget (the presets keep the papers' values; every deviation is a flag below and is listed beside
# the run in results/):
# - BEGAN / BEGAN-skip (seed 000 Fig. 9), 32x32: width n = 16 (preset 64), batch 16 (preset 64; BEGAN's own
#   batch, SPEC §1), 600 of 100k steps (at batch 64, 200 steps left only noise: more, smaller steps learn more).
#   Both learning-rate readings of BEGAN-skip: "anchored" (1e-4 / 4e-4, the preset) and "ttur_literal"
#   (1e-3 / 4e-3, seed 000 §2 as written). gamma 0.3 / 0.7 (seed 000 Fig. 4 is on CelebA) on BEGAN-skip.
# - DCGAN vs DCGAN + the five Improved Techniques (seed 003), 32x32, preset widths: batch 64 (preset 128),
#   300 of 20k steps.
# - IGAN vs WGAN-GP vs DCGAN (seed 001 Table 1), 96x96x3: classes 0 (T-shirt) and 7 (sneaker) only, so IGAN
#   has two discriminators; G width 16, D width 8 (IGAN: D smaller than G) or 16, 16 images per step for every
#   model (IGAN: 8 per class), IGAN's learning-rate curve compressed 10x (decay every 100 steps), 200 steps.
# Every run scores itself every 50 steps on 2000 samples with the offline Fashion-MNIST classifier (FCD and
# classifier IS: NOT the papers' Inception numbers), against the training split (of the same classes).
# Runs resume where they stopped: rerunning the script continues unfinished runs and skips finished ones.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}
LANES=${LANES:-$(nproc)}
ONLY=${ONLY:-}
SEEDS=${SEEDS:-"0 1 2"}
LOGS=checkpoints/ledger_logs
mkdir -p "$LOGS"

EVAL="--eval_every=50 --eval_samples=2000 --eval_metrics=fid,is --log_every=25 --keep_checkpoints=1"
BEGAN="--dataset=fashion_mnist --width=16 --batch_size=16 --steps=600 --sample_every=200 --ckpt_every=200 $EVAL --eval_every=100"
DCGAN32="--dataset=fashion_mnist --batch_size=64 --steps=300 --sample_every=100 --ckpt_every=100 $EVAL"
AT96="--dataset=fashion_mnist --classes=0,7 --g_width=16 --steps=200 --sample_every=100 --ckpt_every=100 --num_samples=16 $EVAL"

jobs_list() {  # "<run directory name> <flags>", in the order they should run (A/B partners side by side)
  for s in $SEEDS; do
    echo "began_fashion_mnist_32-n16-s$s --model=began $BEGAN --seed=$s"
    echo "began_skip_fashion_mnist_32-n16-s$s --model=began_skip $BEGAN --seed=$s"
    echo "began_skip_fashion_mnist_32-n16-literal-s$s --model=began_skip --lr_reading=ttur_literal $BEGAN --seed=$s"
  done
  for s in $SEEDS; do
    echo "dcgan_fashion_mnist_32-b64-s$s --model=dcgan $DCGAN32 --seed=$s"
    echo "dcgan_improved_fashion_mnist_32-b64-s$s --model=dcgan_improved $DCGAN32 --seed=$s"
  done
  for s in $SEEDS; do
    echo "igan_fashion_mnist_96-c07-s$s --model=igan $AT96 --d_width=8 --batch_size=8 --lr_decay_steps=100 --seed=$s"
    echo "wgan_gp_fashion_mnist_96-c07-s$s --model=wgan_gp $AT96 --d_width=16 --batch_size=16 --seed=$s"
    echo "dcgan_fashion_mnist_96-c07-s$s --model=dcgan --resolution=96 $AT96 --d_width=16 --batch_size=16 --seed=$s"
  done
  for s in $SEEDS; do
    for g in 0.3 0.7; do
      echo "began_skip_fashion_mnist_32-n16-gamma$g-s$s --model=began_skip --gamma=$g $BEGAN --seed=$s"
    done
  done
}

QUEUE=$(mktemp)
jobs_list | { [ -n "$ONLY" ] && grep -- "$ONLY" || cat; } > "$QUEUE"
echo "$(wc -l < "$QUEUE") runs, $LANES at a time; logs in $LOGS/"

next_job() {  # pops the first line of the queue (lanes share it under a lock)
  flock "$QUEUE.lock" bash -c "head -n1 '$QUEUE'; sed -i 1d '$QUEUE'"
}

lane() {
  local cpu=$1 line name flags
  while line=$(next_job) && [ -n "$line" ]; do
    name=${line%% *}; flags=${line#* }
    echo "[lane $cpu] $(date +%H:%M:%S) $name"
    # One core and one TF thread pool per run: two small runs side by side beat one run on both cores here.
    if ! TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 taskset -c "$cpu" \
        "$PY" -m tfgan_repro.main $flags --workdir="checkpoints/$name" > "$LOGS/$name.log" 2>&1; then
      echo "[lane $cpu] $name FAILED (exit $?): see $LOGS/$name.log"
    fi
  done
}

for ((i = 0; i < LANES; i++)); do lane $((i % $(nproc))) & done
wait
rm -f "$QUEUE" "$QUEUE.lock"
# Compact records of the runs (committable), then the ledger from the records alone.
"$PY" -m tfgan_repro.results.archive --runs='checkpoints/*-s[0-9]' --out=results/early_runs
# Their tables go to checkpoints/early_report/, not results/: results/ holds the campaign's numbers only.
"$PY" -m tfgan_repro.report --runs='results/early_runs/*' --out=checkpoints/early_report
