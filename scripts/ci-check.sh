#!/usr/bin/env bash
# The CI regression check: a small-scale compare of the mixed workload,
# repeated 5 times (each repetition on fresh clones, the engines' order
# alternating), checked against the committed reference summary.
# Regenerate the reference (after an intended change in counted work) with:
#   scripts/ci-check.sh --update
set -euo pipefail
cd "$(dirname "$0")/.."
ref=results/reference/ci-small
scratch=$(mktemp -d /tmp/listbench-ci-check-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
build/listbench compare --workload workloads/mixed.toml --listings 5000 --seed 1 \
  --ops 5000 --warmup 1000 --repeat 5 --work-dir "$scratch/work" --out "$scratch/out"
if [ "${1:-}" = "--update" ]; then
  mkdir -p "$ref"
  cp "$scratch/out/summary.json" "$scratch/out/ops.csv" "$ref/"
  echo "updated $ref"
  exit 0
fi
# Counted work and seam reads are what this check pins. The reference was
# measured on another machine, and a CI machine runs every pattern faster or
# slower than it: across machines, the U test judges each pattern against
# the reference times this machine's drift (the median move of every
# pattern), failing a pattern that moved more than half beyond it, a
# sqlite/rocksdb ratio that halved or doubled, or a drift past 3x.
build/listbench check --baseline "$ref/summary.json" --current "$scratch/out/summary.json" \
  --across-machines --min-change 0.5 --ratio-tolerance 1.0 --time-tolerance 5.0
