#!/bin/bash
# What CURVE costs the chain: the unpaced default chain with security.curve on and off,
# alternating, two runs each (README "Security and failure behaviour"). Needs a build.
cd "$(dirname "$0")/.."
for i in 1 2; do
for c in true false; do
  build/bin/l1t-chain --config configs/default.yaml --ephemeral-ports --set emulator.rate_hz=0 --set ceiling.enabled=false --set security.curve=$c --summary-json /tmp/curve-$c-$i.json > /tmp/curve-$c-$i.log 2>&1
  python3 -c "import json;d=json.load(open('/tmp/curve-$c-$i.json'));print('curve=$c', round(d['throughput_events_per_s']), 'events/s, p50', round(d['decision_latency_p50_s']*1e3, 2), 'ms, dropped', d['events_dropped'])"
done; done
