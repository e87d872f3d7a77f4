#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/: one per parser of an input file) with
# clang and -fsanitize=fuzzer,address,undefined in build-fuzz/, then runs
# each for SECONDS seconds (default 60) over a seed corpus made from the
# repository's own files. Not part of CI (the GoogleTest suite's
# tests/fuzz_test.cc is). Findings land in build-fuzz/findings/<target>/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   e.g. scripts/fuzz.sh 120 manifest
# Targets: workload scenario summary manifest migration_state repair_log.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(workload scenario summary manifest migration_state repair_log)

# The listbench dependencies first (scripts/setup.sh, only when missing:
# it also builds build/), then clang and its libFuzzer runtime.
dpkg-query -W -f='${Status}' librocksdb-dev 2>/dev/null | grep -q "install ok installed" ||
  scripts/setup.sh >/dev/null
PACKAGES=(clang libclang-rt-dev)
scripts/apt_install.sh "${PACKAGES[@]}"

build_dir=build-fuzz
# Warnings are not errors here: the tree builds clean with g++ 12, and
# clang 14 adds its own (-Wshadow of one file's type alias by another's in
# a unity batch, bench/harness/measured_store.h and interleaving.cc).
cmake -S . -B "$build_dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
  -DCMAKE_UNITY_BUILD=ON -DLISTBENCH_FUZZ=ON -DLISTBENCH_TESTS=OFF -DLISTBENCH_WERROR=OFF >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]/%/_fuzzer}"

# Seed corpora: the repository's workload and scenario files and committed
# CI summary, and what the code's own writers make (tests/fuzz_util.h), which
# a target writes into $LISTBENCH_FUZZ_SEED_DIR when it starts.
corpus_of() {
  case "$1" in
    workload) echo workloads/*.toml ;;
    scenario) echo sim/scenarios/*.toml ;;
    summary) echo results/reference/ci-small/summary.json ;;
    *) echo "" ;;
  esac
}
status=0
for t in "${targets[@]}"; do
  corpus="$build_dir/corpus/$t"
  findings="$build_dir/findings/$t"
  mkdir -p "$corpus" "$findings"
  for f in $(corpus_of "$t"); do cp "$f" "$corpus/"; done
  LISTBENCH_FUZZ_SEED_DIR="$corpus" "$build_dir/fuzz/${t}_fuzzer" -runs=0 "$corpus" \
    >/dev/null 2>&1 || true
  echo "fuzz: $t for ${seconds}s" >&2
  # -max_len: inputs up to 64 KiB; -timeout: one input over 2 s is a hang.
  if ! "$build_dir/fuzz/${t}_fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=2 \
      -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" 2>"$build_dir/$t.log"; then
    echo "fuzz: $t FOUND A PROBLEM: see $build_dir/$t.log and $findings/" >&2
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE" "$build_dir/$t.log" >&2 || true
done
exit $status
