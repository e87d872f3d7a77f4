#include "bench/harness/storage_error.h"

#include <fmt/format.h>

#include <filesystem>

namespace listbench {

std::string StorageError::ToString() const {
  return fmt::format("{}: {}", request, status.ToString());
}

std::string StoreFailure::ToString() const {
  std::string line = fmt::format("store {}{}: storage error on {}{}", store_dir,
                                 note.empty() ? "" : " (" + note + ")", error.ToString(),
                                 error.warmup ? " (during the warm-up)" : "");
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

Status StoreFailure::ToStatus() const { return Status(error.status.code(), ToString()); }

StoreFailure RunCloneFailure(const std::string& work_dir, Engine engine, SqliteSchema schema,
                             const StorageError& e) {
  const std::filesystem::path work(work_dir);
  return StoreFailure{EngineDir((work / "run").string(), engine, schema),
                      "a clone of " + EngineDir((work / "base").string(), engine, schema), e};
}

}  // namespace listbench
