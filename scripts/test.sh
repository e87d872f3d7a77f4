#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the GoogleTest suite with
# ctest. With --sanitize, the same suite built with ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh "$@"
build_dir=build
[ "${1:-}" = "--sanitize" ] && build_dir=build-sanitize
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)"
