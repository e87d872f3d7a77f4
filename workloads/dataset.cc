// STUB: replaced by the generator implementation.
#include "workloads/dataset.h"

namespace listbench {
StatusOr<DatasetCounts> GenerateDataset(const DatasetSpec&, BulkLoader*, DatasetCatalog*,
                                        const ProgressFn&) {
  return Status::NotSupported("generator not built yet");
}
}  // namespace listbench
