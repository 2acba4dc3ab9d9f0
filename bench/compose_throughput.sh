#!/usr/bin/env bash
# Events/s of the compose chain, unpaced (L1T_EMULATOR_RATE_HZ=0), with 1 and with 3 inference
# nodes, in one run on one machine: for each N, the chain up (docker compose, project
# l1tbench), WARMUP_S seconds, then the events decided per second over WINDOW_S seconds from
# Prometheus (sum of every node's l1t_events_total), the median of REPEATS windows, and each
# container's CPU share at the end (docker stats). Needs a running Docker engine and the images
# (docker compose build, or the compose test: L1T_PROMETHEUS_IMAGE=l1t-prometheus:latest).
#
#   bench/compose_throughput.sh                  # N = 1 and 3, 30 s warm-up, 3 windows of 30 s
#   NODES="1 2 3" WINDOW_S=60 bench/compose_throughput.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nodes="${NODES:-1 3}"
warmup="${WARMUP_S:-30}"
window="${WINDOW_S:-30}"
repeats="${REPEATS:-3}"
compose="docker-compose"
docker compose version > /dev/null 2>&1 && compose="docker compose"
export L1T_EMULATOR_RATE_HZ=0
run() { $compose -p l1tbench -f "$here/docker-compose.yml" "$@"; }
query() {  # an instant query's first value
  curl -sf --get "http://127.0.0.1:9090/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "nan")'
}
trap 'run down -v -t 20 > /dev/null 2>&1 || true' EXIT

echo "nodes  events/s (median of $repeats x ${window}s)  windows"
for n in $nodes; do
  run down -v -t 5 > /dev/null 2>&1 || true
  run up -d --scale inference="$n" keys trainer emulator inference labeller monitor prometheus \
    > /dev/null 2>&1
  until curl -sf http://127.0.0.1:9090/-/ready > /dev/null; do sleep 1; done
  sleep "$warmup"
  rates=()
  for _ in $(seq "$repeats"); do
    sleep "$window"
    rates+=("$(query "sum(increase(l1t_events_total{job=\"inference\"}[${window}s])) / $window")")
  done
  median="$(printf '%s\n' "${rates[@]}" | sort -g | sed -n "$(((repeats + 1) / 2))p")"
  printf '%5s  %8.0f  %s\n' "$n" "$median" "${rates[*]}"
  docker stats --no-stream --format '       {{.Name}} {{.CPUPerc}}' \
    $(docker ps -q --filter label=com.docker.compose.project=l1tbench)
done
