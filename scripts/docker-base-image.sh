#!/usr/bin/env bash
# Makes the Debian base image deploy/Dockerfile builds FROM (debian:bookworm-slim) when it is
# absent and cannot be pulled (machines without Docker Hub): debootstrap from the mirror apt
# already uses, then docker import. Idempotent: does nothing when the image exists.
set -euo pipefail
image="${1:-debian:bookworm-slim}"
suite="${image#*:}"; suite="${suite%-slim}"
docker image inspect "$image" > /dev/null 2>&1 && exit 0
if timeout 60 docker pull -q "$image" > /dev/null 2>&1; then exit 0; fi

# The mirror apt uses here (deb822 sources first, then the one-line format).
mirror="$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/*.sources 2> /dev/null |
  awk '{print $2}' | grep -v security | head -n1 || true)"
[ -n "$mirror" ] || mirror="$(grep -hoE '^deb +\S+' /etc/apt/sources.list 2> /dev/null |
  awk '{print $2}' | grep -v security | head -n1 || true)"
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

root="$(mktemp -d /tmp/l1t-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "Making $image with debootstrap ($suite from $mirror)"
debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$root.log" 2>&1 ||
  { tail -n 20 "$root.log" >&2; echo "debootstrap failed" >&2; exit 1; }
# As the official slim image: no apt caches, no docs, apt pointed at the same mirror.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/*
echo "deb $mirror $suite main" > "$root/etc/apt/sources.list"
tar -C "$root" -c . | docker import - "$image" > /dev/null
rm -f "$root.log"
echo "Made $image"
