#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default scenario of the full chain, then writes
# the run's HTML report to report/report.html (another place: --report DIR).
# Extra arguments go to l1t-chain, e.g. ./run.sh --summary-json summary.json
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh
# The programs only: the tests are ./test.sh's.
bash scripts/build.sh l1t-chain l1t-emulator l1t-inference l1t-labeller l1t-trainer l1t-monitor \
  l1t-model l1t-experiment l1t-capture l1t-replay l1t-keys
report=(--report report)
for a in "$@"; do [[ "$a" == --report* ]] && report=(); done
exec build/bin/l1t-chain "${report[@]}" "$@"
