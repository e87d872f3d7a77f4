// What a crash or fault check needs to know of a workload's writes: the
// seeded data and trace it runs (regenerated identically in every process
// from the same seeds), and a probe that tells whether a write is visible in
// a store -- the oracle behind "no acknowledged write was lost" in the drills
// (bench/drivers/drill.h) and the migration (bench/drivers/migrate_run.h).
//
// Thread safety: plain functions; a probe uses the store like a request.
#ifndef LISTBENCH_BENCH_HARNESS_WRITE_PROBE_H_
#define LISTBENCH_BENCH_HARNESS_WRITE_PROBE_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/store.h"
#include "workloads/dataset.h"
#include "workloads/op.h"

namespace listbench {

// A dataset and a trace of `ops` operations of the workload file, drawn
// with `trace_seed`.
struct WorkloadData {
  DatasetCatalog catalog;
  std::vector<Op> trace;
  // application id -> (listing, applicant), for the catalog's and the
  // trace's own applications.
  std::unordered_map<EntityId, std::pair<EntityId, EntityId>> applications;
};

// The dataset `dataset` (its listings and generator seed).
StatusOr<WorkloadData> MakeWorkloadData(const DatasetSpec& dataset,
                                        const std::string& workload_file, uint64_t ops,
                                        uint64_t trace_seed);

// The tenant an operation names.
TenantId TenantOf(const Op& op);

// Whether write `op` is visible in `store`: a probe of the state it must
// have left, which later writes of the trace never undo (versions only grow,
// decided applications never return to submitted, rows are never deleted).
// `version` is the version an acknowledged W3 returned (0: unknown, then
// expected_version + 1). InvalidArgument for a read.
StatusOr<bool> Present(Store& store, const WorkloadData& d, const Op& op, uint64_t version);

// The version an acknowledged W3 outcome names ("ok 7"), else 0.
uint64_t VersionOf(const std::string& outcome);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_WRITE_PROBE_H_
