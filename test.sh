#!/usr/bin/env bash
# Installs what is missing (Prometheus included), builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh --test
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 900 "$@"
