#!/usr/bin/env bash
# Installs listbench's dependencies (Debian 12 packages only), then configures
# and builds it. Idempotent: installed packages are skipped, the build is
# incremental.
#   scripts/setup.sh              Release build in build/
#   scripts/setup.sh --sanitize   ASan+UBSan build in build-sanitize/
#   scripts/setup.sh --tsan       ThreadSanitizer build of the concurrency
#                                 tests only, in build-tsan/
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake git pkg-config
  librocksdb-dev libsnappy-dev liblz4-dev libzstd-dev libbz2-dev zlib1g-dev libgflags-dev
  libsqlite3-dev
  libbenchmark-dev libgtest-dev libgmock-dev
  libcxxopts-dev nlohmann-json3-dev libfmt-dev libtomlplusplus-dev
  gnuplot-nox
  postgresql-15 libpq-dev   # the server listbench starts itself, and its client library
  clang-format universal-ctags   # scripts/lint.sh
)

scripts/apt_install.sh "${PACKAGES[@]}"

build_dir=build
# Unity builds (CMAKE_UNITY_BUILD): each library compiles as a few merged
# sources, so the headers they share (fmt, nlohmann/json, cxxopts and its
# std::regex, RocksDB) are parsed and code-generated once per batch rather
# than once per file. The test files merge in the groups tests/CMakeLists.txt
# lists; the ThreadSanitizer test binary is not merged.
unity=(-DCMAKE_UNITY_BUILD=ON)
cmake_args=(-DCMAKE_BUILD_TYPE=Release)
targets=()
if [ "${1:-}" = "--sanitize" ]; then
  # The sanitizer build exists to run the tests: -O1 -g1 keeps it quick to
  # compile with usable reports, and the benchmark binary is not built.
  build_dir=build-sanitize
  cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
              -DLISTBENCH_SANITIZE=ON)
  targets=(--target listbench listbench_tests)
elif [ "${1:-}" = "--tsan" ]; then
  # Only the libraries the concurrency tests need and their one binary
  # (tests/*_concurrency_test.cc), -O1 -g for usable race reports.
  build_dir=build-tsan
  cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g"
              -DLISTBENCH_TSAN=ON)
  targets=(--target listbench_concurrency_tests)
  # Not merged: with the unity build, TSan reported RocksDB's write-group
  # handoff (InterleavingCheckTest.ASeededRunWithFourClientsPasses/rocksdb,
  # 3 runs of 3) in a stack tests/tsan.supp does not match; the per-file
  # build passes it.
  unity=()
fi
cmake -S . -B "$build_dir" "${unity[@]}" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
