#!/usr/bin/env bash
# The CI regression check: a small-scale compare of the mixed workload,
# checked against the committed reference summary. Regenerate the reference
# (after an intended change in counted work) with:
#   scripts/ci-check.sh --update
set -euo pipefail
cd "$(dirname "$0")/.."
ref=results/reference/ci-small
scratch=$(mktemp -d /tmp/listbench-ci-check-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
build/listbench compare --workload workloads/mixed.toml --listings 5000 --seed 1 \
  --ops 5000 --warmup 1000 --work-dir "$scratch/work" --out "$scratch/out"
if [ "${1:-}" = "--update" ]; then
  mkdir -p "$ref"
  cp "$scratch/out/summary.json" "$scratch/out/ops.csv" "$ref/"
  echo "updated $ref"
  exit 0
fi
# Timing on a shared CI machine is noisy at this scale: the ratio tolerance is
# wide; counted work and seam reads are what this check pins.
build/listbench check --baseline "$ref/summary.json" --current "$scratch/out/summary.json" \
  --ratio-tolerance 2.0 --time-tolerance 5.0
