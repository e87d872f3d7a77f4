#include "engine/sqlite/sqlite_error.h"

#include <string>

namespace listbench {

Status FromSqlite(int rc, sqlite3* db, std::string_view context) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return Status::OK();
  std::string msg = "sqlite: ";
  msg.append(context);
  msg += ": ";
  if ((rc & 0xff) == SQLITE_FULL) msg += "disk full: ";
  msg += sqlite3_errstr(rc);
  if (db != nullptr && sqlite3_errcode(db) != SQLITE_OK) {
    const char* detail = sqlite3_errmsg(db);
    if (detail != nullptr && std::string_view(detail) != sqlite3_errstr(rc)) {
      msg += " (";
      msg += detail;
      msg += ")";
    }
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status::Conflict(std::move(msg));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return Status::Corruption(std::move(msg));
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return Status::InvalidArgument(std::move(msg));
    default:
      return Status::IOError(std::move(msg));
  }
}

}  // namespace listbench
