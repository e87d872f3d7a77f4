#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the GoogleTest suite with
# ctest. With --sanitize, the same suite built with ASan+UBSan. With --tsan,
# the concurrency tests (tests/*_concurrency_test.cc) under ThreadSanitizer,
# stopping at the first report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh "$@"
build_dir=build
[ "${1:-}" = "--sanitize" ] && build_dir=build-sanitize
if [ "${1:-}" = "--tsan" ]; then
  build_dir=build-tsan
  # tests/tsan.supp: reports from inside the uninstrumented Debian libraries.
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
fi
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)"
