#!/usr/bin/env bash
# Configures and builds the project in build/ (Release with debug info, -j2 on this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${L1T_JOBS:-2}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
