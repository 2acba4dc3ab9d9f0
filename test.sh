#!/usr/bin/env bash
# Installs what is missing (Prometheus and clang included), builds, runs the whole test suite,
# then every libFuzzer target for L1T_FUZZ_SECONDS (default 20) each (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh --test
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 900 "$@"
bash scripts/fuzz.sh
