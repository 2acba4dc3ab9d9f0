#!/usr/bin/env bash
# Configures and builds the project in build/ (Release with debug info, -j2 on this machine).
# With arguments, builds only those targets (./run.sh builds the programs, not the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${L1T_JOBS:-2}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j"$jobs" "${targets[@]}"
