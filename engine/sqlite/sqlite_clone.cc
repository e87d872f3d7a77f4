// CloneSqliteStore: a consistent copy of a closed store through SQLite's
// online backup API, plus the files beside the database (the manifest).
#include <filesystem>

#include "engine/sqlite/schema.h"
#include "engine/sqlite/sqlite_error.h"
#include "engine/sqlite/sqlite_store.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {
namespace fs = std::filesystem;

namespace {

// CloneSqliteStore once dst_dir is known not to exist.
Status CloneInto(const std::string& src_dir, const std::string& dst_dir) {
  std::error_code ec;
  const std::string src_path = SqliteDbPath(src_dir);
  if (!SqliteDatabaseExists(src_path))
    return Status::NotFound(src_path + ": no listbench SQLite store");
  StatusOr<std::unique_ptr<CountingVfs>> vfs = CountingVfs::Create();
  if (!vfs.ok()) return vfs.status();
  const char* vfs_name = (*vfs)->name();
  LB_RETURN_IF_ERROR(CheckExistingSqliteFile(src_path, vfs_name));
  fs::create_directory(dst_dir, ec);
  if (ec) return Status::IOError(dst_dir + ": cannot create: " + ec.message());
  // Files beside the database (the manifest) are copied as they are.
  for (const fs::directory_entry& e : fs::directory_iterator(src_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || name.rfind(kSqliteFileName, 0) == 0) continue;
    fs::copy_file(e.path(), fs::path(dst_dir) / name, ec);
    if (ec) return Status::IOError(e.path().string() + ": cannot copy: " + ec.message());
  }
  if (ec) return Status::IOError(src_dir + ": cannot list: " + ec.message());
  // The database itself through the online backup API: a consistent copy of
  // every page, including what only the WAL holds.
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  const std::string dst_path = SqliteDbPath(dst_dir);
  Status s = OpenSqliteConnection(src_path, SQLITE_OPEN_READONLY, vfs_name, &src);
  if (s.ok()) {
    s = OpenSqliteConnection(dst_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs_name, &dst);
  }
  if (s.ok()) {
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == nullptr) {
      s = FromSqlite(sqlite3_errcode(dst), dst, "backup " + src_path);
    } else {
      int rc = sqlite3_backup_step(b, -1);
      int finish_rc = sqlite3_backup_finish(b);
      if (rc != SQLITE_DONE) {
        s = FromSqlite(rc, dst, "backup " + src_path + " to " + dst_path);
      } else if (finish_rc != SQLITE_OK) {
        s = FromSqlite(finish_rc, dst, "backup " + src_path + " to " + dst_path);
      }
    }
  }
  if (s.ok()) s = ExecSql(dst, "PRAGMA journal_mode = WAL; PRAGMA wal_checkpoint(TRUNCATE);");
  sqlite3_close(src);
  sqlite3_close(dst);
  return s;
}

}  // namespace

Status CloneSqliteStore(const std::string& src_dir, const std::string& dst_dir) {
  std::error_code ec;
  if (fs::exists(dst_dir, ec)) return Status::InvalidArgument(dst_dir + ": already exists");
  Status s = CloneInto(src_dir, dst_dir);
  if (!s.ok() && fs::exists(dst_dir, ec)) fs::remove_all(dst_dir, ec);  // no half clone
  return s;
}

}  // namespace listbench
