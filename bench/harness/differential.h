// The differential check behind `listbench verify`: one operation trace is
// applied to two stores in lockstep and their canonical outcomes are
// compared op by op; then each store checks its own invariants. The drills
// use the same comparison against a fault-free reference store.
//
// Thread safety: plain functions; the two stores are used from the calling
// thread only.
#ifndef LISTBENCH_BENCH_HARNESS_DIFFERENTIAL_H_
#define LISTBENCH_BENCH_HARNESS_DIFFERENTIAL_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bench/harness/storage_error.h"
#include "core/status.h"
#include "core/store.h"
#include "workloads/op.h"

namespace listbench {

struct Mismatch {
  uint64_t index = 0;  // position in the trace
  std::string op;      // DescribeOp
  std::string a, b;    // canonical outcomes of the two stores
};

struct DiffReport {
  uint64_t ops = 0;
  uint64_t mismatches = 0;
  std::vector<Mismatch> first_mismatches;  // at most max_details of them
  // Per op kind: outcome ("ok", "not_found", ...) of store a -> count.
  std::array<std::map<std::string, uint64_t>, kNumOpKinds> outcomes;
  // "<store name>: <violation>" for each invariant violation of either store.
  std::vector<std::string> invariant_violations;
  // With stop_on_storage_error: the request either store answered with
  // IOError or Corruption, which ended the comparison (it is not counted as
  // a mismatch), and whether it was store b's.
  std::optional<StorageError> storage_error;
  bool storage_error_in_b = false;
};

// Runs `ops` against `a` and `b` in lockstep, comparing outcomes. Fills
// `report` (ops, mismatches, first_mismatches, outcomes). Keeps at most
// `max_details` mismatches in full. With `stop_on_storage_error` the first
// IOError or Corruption of either store ends the comparison
// (report->storage_error); without (a fault-injected store compared with a
// reference), it is an outcome like any other.
void RunDifferential(Store& a, Store& b, std::span<const Op> ops, DiffReport* report,
                     size_t max_details = 10, bool stop_on_storage_error = false);

// Appends both stores' invariant violations to report->invariant_violations.
// Non-OK only if a check could not run.
Status CheckInvariantsOfBoth(Store& a, Store& b, DiffReport* report);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_DIFFERENTIAL_H_
