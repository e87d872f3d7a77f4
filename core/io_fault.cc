#include "core/io_fault.h"

namespace listbench {

std::string_view IoOpName(IoOp op) {
  switch (op) {
    case IoOp::kRead:
      return "read";
    case IoOp::kWrite:
      return "write";
    case IoOp::kSync:
      return "sync";
    case IoOp::kOpen:
      return "open";
    case IoOp::kDelete:
      return "delete";
    case IoOp::kRename:
      return "rename";
    case IoOp::kDirSync:
      return "dir_sync";
  }
  return "?";
}

std::string_view FileKindName(FileKind k) {
  switch (k) {
    case FileKind::kWal:
      return "wal";
    case FileKind::kTable:
      return "table";
    case FileKind::kJournal:
      return "journal";
    case FileKind::kManifest:
      return "manifest";
    case FileKind::kShm:
      return "shm";
    case FileKind::kOther:
      return "other";
  }
  return "?";
}

FileKind ClassifyFile(std::string_view path) {
  std::string_view name = path;
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos)
    name = name.substr(slash + 1);
  auto ends = [&](std::string_view s) {
    return name.size() >= s.size() && name.substr(name.size() - s.size()) == s;
  };
  auto starts = [&](std::string_view s) { return name.substr(0, s.size()) == s; };
  // SQLite (the database file is listbench.sqlite; companions add suffixes).
  if (ends("-wal")) return FileKind::kWal;
  if (ends("-journal")) return FileKind::kJournal;
  if (ends("-shm")) return FileKind::kShm;
  if (ends(".sqlite") || ends(".db")) return FileKind::kTable;
  // RocksDB.
  if (ends(".log") && !starts("LOG")) return FileKind::kWal;
  if (ends(".sst")) return FileKind::kTable;
  if (starts("MANIFEST-") || starts("CURRENT") || starts("OPTIONS-") || ends(".dbtmp")) {
    return FileKind::kManifest;
  }
  return FileKind::kOther;
}

}  // namespace listbench
