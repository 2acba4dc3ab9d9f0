#!/usr/bin/env bash
# PyTorch side by side with l1t-experiment, in one run: the same 5-25-30-1 network, starting
# weights, training rows and batch sizes, one thread each. Builds nothing: build l1t-experiment
# first (cmake --build build --target l1t-experiment) and install torch
# (scripts/install-deps.sh --bench). Prints samples/s and the ratio table, and test accuracy per
# epoch of both.
#
#   bench/compare_pytorch.sh            # build/, best of 3 windows of 0.3 s per point, 2 epochs
#   BUILD_DIR=build-x SECONDS_PER_POINT=1 REPEATS=5 OUT_DIR=/tmp/cmp bench/compare_pytorch.sh
# Both sides report the fastest of REPEATS windows per point, so work that other processes do on a
# shared machine slows the figures less.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$here/build}"
bin="$build/bin/l1t-experiment"
out="${OUT_DIR:-$(mktemp -d /tmp/l1t-compare-XXXXXX)}"
seconds="${SECONDS_PER_POINT:-0.3}"
repeats="${REPEATS:-3}"
epochs="${EPOCHS:-2}"
seed="${SEED:-1}"
batches="${BATCHES:-1,10,50,100,200,500,1000}"
python=/usr/bin/python3

[ -x "$bin" ] || { echo "no $bin: build it first (cmake --build $build --target l1t-experiment)" >&2; exit 2; }
"$python" -c 'import torch, numpy' 2>/dev/null ||
  { echo "$python cannot import torch: run scripts/install-deps.sh --bench" >&2; exit 2; }
mkdir -p "$out"

echo "== data and starting weights -> $out/data"
"$bin" --export-data "$out/data" --seed "$seed" 2>&1 | tail -1
echo "== l1t-experiment speed suite, one thread"
"$bin" --suite speed --threads 1 --seed "$seed" --batches "$batches" \
  --seconds-per-point "$seconds" --repeats "$repeats" --json "$out/l1t_speed.json" \
  > "$out/l1t_speed.txt" 2>/dev/null
cat "$out/l1t_speed.txt"
if [ "$epochs" -gt 0 ]; then
  echo "== l1t-experiment convergence, $epochs epochs on the same rows"
  "$bin" --suite convergence --threads 1 --seed "$seed" --train-events 300 --epochs "$epochs" \
    --json "$out/l1t_convergence.json" > /dev/null 2>&1
fi
echo "== PyTorch"
conv=()
[ "$epochs" -gt 0 ] && conv=(--l1t-convergence "$out/l1t_convergence.json")
"$python" "$here/bench/pytorch_compare.py" "$out/data" --seconds "$seconds" --repeats "$repeats" \
  --epochs "$epochs" \
  --seed "$seed" --batches "$batches" --json "$out/torch.json" --l1t-speed "$out/l1t_speed.json" \
  "${conv[@]}"
echo "(files in $out)"
