// The operation stream of `listbench verify`: a seeded mix of every read and
// write pattern aimed at the generated dataset, including requests that must
// fail (another tenant's ids, stale versions, missing ids, invalid
// arguments, invalid state transitions). A shadow of the catalog is updated
// as the trace is built so that most writes are meant to succeed; whether
// they do is decided by the stores, which must agree.
#ifndef LISTBENCH_WORKLOADS_VERIFY_TRACE_H_
#define LISTBENCH_WORKLOADS_VERIFY_TRACE_H_

#include <cstdint>
#include <vector>

#include "workloads/dataset.h"
#include "workloads/op.h"

namespace listbench {

struct VerifyTraceSpec {
  uint64_t ops = 10000;
  uint64_t seed = 1;
};

// Deterministic in (catalog, spec). New entity ids continue after the
// catalog's largest ids; new timestamps after catalog.max_time.
std::vector<Op> MakeVerifyTrace(const DatasetCatalog& catalog, const VerifyTraceSpec& spec);

}  // namespace listbench

#endif  // LISTBENCH_WORKLOADS_VERIFY_TRACE_H_
