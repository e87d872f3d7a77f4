#include "bench/harness/storage_error.h"

#include <fmt/format.h>

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

}  // namespace listbench
