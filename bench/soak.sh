#!/usr/bin/env bash
# Soak: the default chain at its default rate (2 kHz) for MINUTES minutes (default 30), the
# resident memory of every process sampled every 10 s. Prints each process's RSS at 10 %, 50 %
# and the end of the run, its growth over the second half, and the run's drops. Not in CI.
#   bench/soak.sh [MINUTES]     (writes /tmp/l1t-soak/rss.csv and summary.json)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-30}"
out=/tmp/l1t-soak
rm -rf "$out" && mkdir -p "$out"
scripts/build.sh l1t-chain l1t-emulator l1t-inference l1t-labeller l1t-trainer l1t-keys >/dev/null
per_level=$((minutes * 60 * 2000 / 11))
build/bin/l1t-chain --ephemeral-ports --work-dir "$out/work" --summary-json "$out/summary.json" \
  --timeout $((minutes * 60 + 600)) --progress-interval 60 \
  --set degradation.events_per_level="$per_level" --set ceiling.enabled=false \
  >"$out/chain.log" 2>&1 &
chain=$!
echo "t_s,process,rss_kb" >"$out/rss.csv"
start=$(date +%s)
while kill -0 "$chain" 2>/dev/null; do
  now=$(($(date +%s) - start))
  echo "$now,chain,$(awk '/VmRSS/ {print $2}' /proc/$chain/status 2>/dev/null || echo 0)" >>"$out/rss.csv"
  for p in emulator inference labeller trainer; do
    pid=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$out/work/$p.ready.json" 2>/dev/null || true)
    [ -n "$pid" ] && [ -r "/proc/$pid/status" ] &&
      echo "$now,$p,$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")" >>"$out/rss.csv"
  done
  sleep 10
done
wait "$chain" || { echo "l1t-chain failed; see $out/chain.log"; exit 1; }
python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/rss.csv")))
s = json.load(open(out + "/summary.json"))
end = max(int(r["t_s"]) for r in rows)
print(f"soak: {end / 60:.1f} min, {s['events_generated']} events, dropped {s['events_dropped']}, "
      f"drops {s['drops']}")
print(f"{'process':10} {'rss@10% MB':>11} {'rss@50% MB':>11} {'rss@end MB':>11} {'2nd half MB/h':>14}")
for p in ["chain", "emulator", "inference", "labeller", "trainer"]:
    pts = [(int(r["t_s"]), int(r["rss_kb"])) for r in rows if r["process"] == p and int(r["rss_kb"]) > 0]
    if not pts:
        continue
    at = lambda f: min(pts, key=lambda x: abs(x[0] - f * end))[1] / 1024
    half = [x for x in pts if x[0] >= end / 2]
    slope = (half[-1][1] - half[0][1]) / 1024 / max((half[-1][0] - half[0][0]) / 3600, 1e-9)
    print(f"{p:10} {at(0.1):11.1f} {at(0.5):11.1f} {at(1.0):11.1f} {slope:14.1f}")
PY
