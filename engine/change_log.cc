#include "engine/change_log.h"

#include <fmt/format.h>

#include "engine/rocks/rocks_change_log.h"
#include "engine/sqlite/sqlite_change_log.h"

namespace listbench {

StatusOr<std::unique_ptr<LoggedStore>> OpenLoggedStore(Engine engine, const std::string& dir,
                                                       const StoreOptions& options) {
  switch (engine) {
    case Engine::kRocksDb:
      return OpenRocksLoggedStore(dir, options);
    case Engine::kSqlite:
      return OpenSqliteLoggedStore(dir, options);
    default:
      return Status::NotSupported(
          fmt::format("{}: {} replicates itself; it ships no change log", dir, EngineName(engine)));
  }
}

StatusOr<std::unique_ptr<LogApplier>> OpenLogApplier(Engine engine, const std::string& dir,
                                                     const StoreOptions& options,
                                                     uint64_t start_after) {
  switch (engine) {
    case Engine::kRocksDb:
      return OpenRocksLogApplier(dir, options, start_after);
    case Engine::kSqlite:
      return OpenSqliteLogApplier(dir, options, start_after);
    default:
      return Status::NotSupported(fmt::format("{}: {} replicates itself; it applies no change log",
                                              dir, EngineName(engine)));
  }
}

}  // namespace listbench
