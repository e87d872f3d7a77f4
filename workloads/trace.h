// Operation traces: a seeded stream of requests aimed at the generated
// dataset, built before anything is timed so that every store replays the
// identical stream (YCSB-C's stages: generator -> trace -> executor).
//
// A shadow of the catalog applies the Store contract to every write as the
// trace is built, so that writes are aimed to succeed (submit to active
// listings, pay approved applications, update with the current version) and
// later operations see the effects of earlier ones. With must_fail > 0 that
// share of the operations is drawn as a request that must fail (another
// tenant's ids, stale versions, missing ids, invalid arguments, invalid state
// transitions); whether anything succeeds is decided by the stores.
#ifndef LISTBENCH_WORKLOADS_TRACE_H_
#define LISTBENCH_WORKLOADS_TRACE_H_

#include <array>
#include <cstdint>
#include <vector>

#include "workloads/dataset.h"
#include "workloads/op.h"
#include "workloads/workload_spec.h"

namespace listbench {

struct TraceSpec {
  std::array<double, kNumOpKinds> mix{};  // weights by OpKind; REQUIRES: one > 0
  double must_fail = 0;                   // share of must-fail requests, 0..1
  KeySpec keys;                           // which listings/landlords/applicants
  uint64_t ops = 10000;
  uint64_t seed = 1;
};

// Deterministic in (catalog, spec). New entity ids continue after the
// catalog's largest ids; new timestamps after catalog.max_time. Empty if the
// catalog has no listings.
std::vector<Op> MakeTrace(const DatasetCatalog& catalog, const TraceSpec& spec);

// The trace of a workload file: its mix and keys, warmup + operations ops.
TraceSpec TraceSpecFor(const WorkloadSpec& w, uint64_t ops, uint64_t seed);

// The stream of `listbench verify`: every pattern (a fixed mix), 12% of the
// requests must fail, uniform keys.
struct VerifyTraceSpec {
  uint64_t ops = 10000;
  uint64_t seed = 1;
};
std::vector<Op> MakeVerifyTrace(const DatasetCatalog& catalog, const VerifyTraceSpec& spec);

}  // namespace listbench

#endif  // LISTBENCH_WORKLOADS_TRACE_H_
