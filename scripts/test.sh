#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the GoogleTest suite with
# ctest. With --sanitize, the same suite built with ASan+UBSan (but the
# tests whose work is all in the uninstrumented PostgreSQL server). With --tsan,
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
exclude=()
if [ "${1:-}" = "--sanitize" ]; then
  # The PostgreSQL server is not instrumented: the store contract and the
  # failover runs on it belong to the Release pass; this pass keeps the
  # PostgreSQL client's own tests (PgStoreTest, PgServerTest). Of the
  # embedded engines' failovers (instrumented node processes) it keeps the
  # synchronous one on SQLite (the node code is the same for both engines); the asynchronous and network-fault runs, the same
  # code under other timings, stay in the Release pass, as does the
  # end-to-end report (every experiment, each also run here on its own).
  exclude=(-E 'StoreContractTest\..*/postgres|FailoverTest\.Sync.*/(postgres|rocksdb)|FailoverTest\.Async|FailoverNetTest|ReportTest')
fi
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" "${exclude[@]}"
