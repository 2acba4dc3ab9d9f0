#!/usr/bin/env bash
# What each process's death costs on the default scenario: one l1t-chain --restart run per
# kill (SIGKILL at a fault point, in the middle of the run) and one clean run, each row from
# that run's summary (faults). Measured figures for README; not in CI (about 4 minutes).
#   scripts/fault_costs.sh            (summaries in /tmp/l1t-fault-costs/)
set -euo pipefail
cd "$(dirname "$0")/.."
out=/tmp/l1t-fault-costs
rm -rf "$out" && mkdir -p "$out"
scripts/build.sh l1t-chain l1t-emulator l1t-inference l1t-labeller l1t-trainer l1t-capture \
  l1t-keys >/dev/null
run() {  # name, extra arguments
  local name=$1
  shift
  build/bin/l1t-chain --ephemeral-ports --restart --work-dir "$out/$name" \
    --summary-json "$out/$name.json" --set ceiling.enabled=false "$@" >"$out/$name.log" 2>&1 ||
    echo "$name: l1t-chain exited $? (see $out/$name.log)"
}
run clean
run emulator --kill-at emulator.event:11000
run inference --kill-at inference.swap:6
run labeller --kill-at labeller.label:1000
run trainer --kill-at trainer.checkpoint:6
run capture --kill-at capture.record:20000 --capture "$out/run.l1tcap"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
print("| killed (fault point) | down (s) | events undecided | label rows lost | duplicates ignored | versions back | run ok |")
print("|---|---|---|---|---|---|---|")
for name, point in [("clean", "none"), ("emulator", "emulator.event:11000"),
                    ("inference", "inference.swap:6"), ("labeller", "labeller.label:1000"),
                    ("trainer", "trainer.checkpoint:6"), ("capture", "capture.record:20000")]:
    try:
        s = json.load(open(f"{out}/{name}.json"))
    except OSError:
        print(f"| {name} | no summary |"); continue
    f = s["faults"]
    down = ", ".join("-" if d["down_s"] is None else f"{d['down_s']:.2f}" for d in f["deaths"]) or "-"
    exp = f["label_rows_expected"]
    lost = f["label_rows_lost"]
    print(f"| {name} (`{point}`) | {down} | {f['events_undecided']:,} of {f['events_seen']:,} | "
          f"{lost:,} of {exp:,} ({100 * lost / max(exp, 1):.2f} %) | {f['duplicates_ignored']} | "
          f"{f['decision_versions_back']} | {s['ok']} |")
PY
