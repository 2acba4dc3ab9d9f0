#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default scenario of the full chain.
# Extra arguments go to l1t-chain, e.g. ./run.sh --summary-json summary.json
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/bin/l1t-chain "$@"
