// STUB: replaced by the verify trace implementation.
#include "workloads/verify_trace.h"

namespace listbench {
std::vector<Op> MakeVerifyTrace(const DatasetCatalog&, const VerifyTraceSpec&) { return {}; }
}  // namespace listbench
