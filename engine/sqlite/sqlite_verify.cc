// VerifySqliteStoreFiles: SQLite's own full check of a closed store's
// database file (PRAGMA integrity_check), which reads every page.
#include <string>

#include "engine/sqlite/sqlite_error.h"
#include "engine/sqlite/sqlite_store.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {

Status VerifySqliteStoreFiles(const std::string& dir) {
  const std::string path = SqliteDbPath(dir);
  if (!SqliteDatabaseExists(path)) return Status::NotFound(path + ": no listbench SQLite store");
  // A plain connection (no counting seam): the check is not a request.
  sqlite3* db = nullptr;
  // Read-write without create: a WAL left by a crash is recovered as any
  // open would; nothing is created.
  LB_RETURN_IF_ERROR(OpenSqliteConnection(path, SQLITE_OPEN_READWRITE, nullptr, &db));
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &st, nullptr);
  std::string problems;
  while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    const std::string line = t == nullptr ? "" : reinterpret_cast<const char*>(t);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  Status s = (rc == SQLITE_DONE || rc == SQLITE_OK) ? Status::OK()
                                                    : FromSqlite(rc, db, "integrity_check " + path);
  sqlite3_finalize(st);
  sqlite3_close(db);
  LB_RETURN_IF_ERROR(s);
  if (!problems.empty()) return Status::Corruption(path + ": integrity_check: " + problems);
  return Status::OK();
}

}  // namespace listbench
