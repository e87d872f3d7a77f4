// STUB: replaced by the RocksDB engine implementation.
#include "engine/rocks/rocks_store.h"

namespace listbench {
StatusOr<std::unique_ptr<Store>> OpenRocksStore(const std::string&, const StoreOptions&) {
  return Status::NotSupported("rocks engine not built yet");
}
Status CloneRocksStore(const std::string&, const std::string&) {
  return Status::NotSupported("rocks engine not built yet");
}
}  // namespace listbench
