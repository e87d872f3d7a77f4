#!/usr/bin/env bash
# Full-scale figures for the foundation: bulk-load time, rate and size of each
# engine at 420,000 listings, and a differential verify run at that scale.
# Writes results/foundation/{load,verify}-<listings>.json (small summaries;
# the stores themselves stay in the scratch directory, never in git).
#   scripts/measure-foundation.sh [LISTINGS] [OPS] [SCRATCH_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
listings=${1:-420000}
ops=${2:-50000}
scratch=${3:-$(mktemp -d /tmp/listbench-foundation-XXXXXX)}
out=results/foundation
mkdir -p "$out" "$scratch"
rm -rf "$scratch/load"
build/listbench load --engine both --listings "$listings" --seed 1 --data-dir "$scratch/load" \
  --json "$out/load-$listings.json"
build/listbench verify --listings "$listings" --ops "$ops" --seed 1 --work-dir "$scratch/verify" \
  --json "$out/verify-$listings.json"
