// STUB: replaced by the SQLite engine implementation.
#include "engine/sqlite/sqlite_store.h"

namespace listbench {
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string&, const StoreOptions&) {
  return Status::NotSupported("sqlite engine not built yet");
}
Status CloneSqliteStore(const std::string&, const std::string&) {
  return Status::NotSupported("sqlite engine not built yet");
}
}  // namespace listbench
