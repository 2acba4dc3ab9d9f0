#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing. Idempotent, no prompts.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libzmq3-dev cppzmq-dev
  libprotobuf-dev protobuf-compiler
  libeigen3-dev libtbb-dev
  prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libhepmc3-dev
)
# Tests also need a real Prometheus server and promtool, numpy to np.load exported tables, and
# hepmc3-doc for a real generator's HepMC3 file (HepMC3's own Pythia example events), clang
# with its libFuzzer runtime for scripts/fuzz.sh, and Chromium to render the run report.
if [ "${1:-}" = "--test" ]; then
  packages+=(prometheus python3-numpy hepmc3-doc clang libclang-rt-14-dev chromium)
  # kubectl renders deploy/k8s (kubectl kustomize); Debian's unless one is already installed
  # (another package's kubectl would conflict with it).
  command -v kubectl > /dev/null || packages+=(kubernetes-client)
  # The compose and swarm tests: a Docker engine and compose (Debian's, unless another is
  # installed: docker-ce conflicts with docker.io), debootstrap for the base image.
  command -v dockerd > /dev/null || packages+=(docker.io)
  docker compose version > /dev/null 2>&1 || command -v docker-compose > /dev/null ||
    packages+=(docker-compose)
  packages+=(debootstrap iproute2)
fi
# The PyTorch side-by-side (bench/compare_pytorch.sh) needs torch: --bench.
if [ "${1:-}" = "--bench" ]; then packages+=(python3-torch python3-numpy); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
