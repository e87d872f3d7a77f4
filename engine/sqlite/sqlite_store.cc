#include "engine/sqlite/sqlite_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "engine/sql/normalized_ops.h"
#include "engine/sqlite/schema.h"
#include "engine/sqlite/sqlite_error.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {
namespace fs = std::filesystem;

std::string SqliteDbPath(const std::string& dir) {
  return (fs::path(dir) / kSqliteFileName).string();
}

// A database exists when its file does and holds something (a crash right
// after creating it can leave an empty file and no WAL).
bool SqliteDatabaseExists(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  if (fs::file_size(path, ec) > 0 || ec) return true;
  return fs::exists(path + "-wal", ec);
}

Status OpenSqliteConnection(const std::string& path, int flags, const char* vfs, sqlite3** db) {
  int rc = sqlite3_open_v2(path.c_str(), db, flags | SQLITE_OPEN_EXRESCODE, vfs);
  if (rc == SQLITE_OK) return Status::OK();
  Status s = FromSqlite(rc, *db, "open " + path);
  sqlite3_close(*db);
  *db = nullptr;
  return s;
}

// Checks the format marks of an existing database without writing to it:
// from the file header when the main file has one (SQLite never opens a
// foreign file, so not even an empty -wal is left behind), else (a store
// whose content is still all in its WAL) over a read-only connection.
Status CheckExistingSqliteFile(const std::string& path, const char* vfs) {
  std::error_code ec;
  if (fs::file_size(path, ec) >= 100 && !ec) return CheckFileHeader(path);
  sqlite3* db = nullptr;
  LB_RETURN_IF_ERROR(OpenSqliteConnection(path, SQLITE_OPEN_READONLY, vfs, &db));
  Status s = CheckFormat(db, path);
  sqlite3_close(db);
  if (s.code() == StatusCode::kCorruption) {
    return Status::NotSupported(path + ": not a listbench SQLite store (" + s.message() + ")");
  }
  return s;
}

SqliteStore::SqliteStore(std::unique_ptr<CountingVfs> vfs, std::string path,
                         const StoreOptions& options, SqliteCommitObserver* observer)
    : vfs_(std::move(vfs)), path_(std::move(path)), options_(options), observer_(observer) {}

// The checkpointer stops before the connections close (the last of them
// checkpoints what is left and deletes the WAL).
SqliteStore::~SqliteStore() {
  for (const std::unique_ptr<Connection>& c : connections_) Checkpointer::Unwatch(c->db);
  checkpointer_.reset();
}

SqliteStore::Connection::~Connection() {
  stmts.reset();  // finalize before closing
  if (observer != nullptr) observer->Detach(db);
  sqlite3_close(db);
}

std::unique_ptr<BulkLoader> SqliteStore::NewBulkLoader() {
  return NewSqliteBulkLoader(first_->db, &work_, SettingsSql(), options_.sqlite_schema);
}

// Children before parents, in one transaction (the foreign keys hold at every
// statement).
Status SqliteStore::Clear() {
  Status s = ExecSql(first_->db,
                     "BEGIN IMMEDIATE; DELETE FROM payments; DELETE FROM applications; "
                     "DELETE FROM applicants; DELETE FROM listing_images; DELETE FROM listings; "
                     "DELETE FROM landlords; DELETE FROM tenants; COMMIT;");
  if (!s.ok() && sqlite3_get_autocommit(first_->db) == 0) (void)ExecSql(first_->db, "ROLLBACK");
  return s;
}

std::string SqliteStore::SettingsSql() const {
  return fmt::format("PRAGMA synchronous = {}; PRAGMA foreign_keys = ON;",
                     options_.durable ? "FULL" : "NORMAL");
}

Status SqliteStore::Open(bool create) {
  // The pool gives each connection one user at a time, but connections to
  // one database on several threads still need SQLite's own locking.
  if (sqlite3_threadsafe() == 0) {
    return Status::NotSupported("sqlite: the library was built without thread support");
  }
  StatusOr<std::unique_ptr<Connection>> opened = NewConnection(
      SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX);
  if (!opened.ok()) return opened.status();
  Connection& c = **opened;
  // The header said the file is ours; what SQLite reads (with the WAL) must
  // agree before anything is written.
  if (!create) {
    LB_RETURN_IF_ERROR(CheckFormat(c.db, path_));
    LB_RETURN_IF_ERROR(CheckSchemaProfile(c.db));
  }
  LB_RETURN_IF_ERROR(ExecSql(c.db, "PRAGMA journal_mode = WAL"));
  LB_RETURN_IF_ERROR(SetCacheKib(c, CacheShareKib(1)));
  if (create) {
    LB_RETURN_IF_ERROR(ExecSql(c.db, "BEGIN IMMEDIATE"));
    Status s = CreateSchema(c.db, options_.sqlite_schema);
    if (s.ok()) s = ExecSql(c.db, "COMMIT");
    if (!s.ok()) {
      if (sqlite3_get_autocommit(c.db) == 0) (void)ExecSql(c.db, "ROLLBACK");
      return s;
    }
  }
  LB_RETURN_IF_ERROR(Prepare(c));
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    first_ = opened->get();
    free_.push_back(first_);
    connections_.push_back(std::move(*opened));
  }
  return StartCheckpointer();
}

Status SqliteStore::CheckSchemaProfile(sqlite3* db) const {
  StatusOr<std::optional<SqliteSchema>> held = ReadSchemaProfile(db);
  if (!held.ok()) return held.status();
  if (!held->has_value() || **held == options_.sqlite_schema) return Status::OK();
  return Status::NotSupported(fmt::format(
      "{}: holds the {} SQLite index profile, and this run asks for {} (--sqlite-schema)", path_,
      SqliteSchemaName(**held), SqliteSchemaName(options_.sqlite_schema)));
}

Status SqliteStore::Prepare(Connection& c) {
  c.stmts = std::make_unique<Statements>();
  Statements& s = *c.stmts;
  sqlite3* const db = c.db;
  WorkCounters* w = &work_;
  LB_RETURN_IF_ERROR(
      ForStatements(s, [&](Statement& stmt, const char* sql) { return stmt.Prepare(db, sql, w); }));
  // Transaction control is a statement sent to the database like any other:
  // counted when it runs (a write rejected before InTransaction runs none).
  LB_RETURN_IF_ERROR(s.begin.Prepare(db, "BEGIN IMMEDIATE", w));
  LB_RETURN_IF_ERROR(s.begin_read.Prepare(db, "BEGIN DEFERRED", w));
  LB_RETURN_IF_ERROR(s.commit.Prepare(db, "COMMIT", w));
  return s.rollback.Prepare(db, "ROLLBACK", w);
}

Status SqliteStore::Commit(Connection& c) {
  Statement& commit = c.stmts->commit;
  const auto run = [&commit] {
    Status st = commit.Run();
    commit.Reset();
    return st;
  };
  if (observer_ == nullptr) return run();
  return observer_->Commit(c.db, run);
}

void SqliteStore::Recover(Connection& c) {
  for (sqlite3_stmt* p = sqlite3_next_stmt(c.db, nullptr); p != nullptr;
       p = sqlite3_next_stmt(c.db, p)) {
    if (sqlite3_stmt_busy(p)) sqlite3_reset(p);
  }
  if (sqlite3_get_autocommit(c.db) == 0) {
    // Its own error, if any, changes nothing: ROLLBACK always ends the
    // transaction.
    (void)c.stmts->rollback.Run();
    c.stmts->rollback.Reset();
  }
}

// ---- Maintenance ---------------------------------------------------------------

Status SqliteStore::CheckInvariants(std::vector<std::string>* violations) {
  struct Check {
    const char* sql;
    std::string (*describe)(const Statement&);
  };
  const Check checks[] = {
      {"PRAGMA integrity_check",
       [](const Statement& r) {
         std::string t = r.Text(0);
         return t == "ok" ? std::string() : "integrity_check: " + t;
       }},
      {"PRAGMA foreign_key_check",
       [](const Statement& r) {
         return fmt::format("foreign_key_check: {} row {} references a missing {} row", r.Text(0),
                            r.Int(1), r.Text(2));
       }},
      {"SELECT listing_id, COUNT(*), MIN(position), MAX(position) FROM listing_images "
       "GROUP BY listing_id HAVING MIN(position) <> 0 OR MAX(position) <> COUNT(*) - 1",
       [](const Statement& r) {
         return fmt::format("listing {}: {} images with positions {}..{}, not dense from 0",
                            r.Int(0), r.Int(1), r.Int(2), r.Int(3));
       }},
  };
  // A quiet store: the first connection is free.
  for (const Check& c : checks) {
    Statement s;
    LB_RETURN_IF_ERROR(s.Prepare(first_->db, c.sql, /*stats=*/nullptr));
    LB_RETURN_IF_ERROR(ForEachRow(s, [&](const Statement& r) {
      std::string v = c.describe(r);
      if (!v.empty()) violations->push_back(std::move(v));
    }));
  }
  return Status::OK();
}

Status SqliteStore::ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                                 std::vector<EntityRow>* out) {
  return ScanNormalizedEntities(kind, after, limit, out, [&](auto fn) {
    return WithConnection([&](Connection& c) { return fn(*c.stmts); });
  });
}

StatusOr<uint64_t> SqliteStore::DiskBytes() {
  uint64_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    const std::string p = path_ + suffix;
    if (!fs::exists(p, ec)) continue;
    const uintmax_t n = fs::file_size(p, ec);
    if (ec) return Status::IOError(p + ": " + ec.message());
    total += n;
  }
  return total;
}

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir,
                                                 const StoreOptions& options) {
  return OpenObservedSqliteStore(dir, options, /*observer=*/nullptr);
}

StatusOr<std::unique_ptr<Store>> OpenObservedSqliteStore(const std::string& dir,
                                                         const StoreOptions& options,
                                                         SqliteCommitObserver* observer) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (!options.create_if_missing) return Status::NotFound(dir + ": no such directory");
    return Status::InvalidArgument(dir + ": not an existing directory");
  }
  const std::string path = SqliteDbPath(dir);
  const bool exists = SqliteDatabaseExists(path);
  if (!exists && !options.create_if_missing) {
    return Status::NotFound(path + ": no listbench SQLite store");
  }
  StatusOr<std::unique_ptr<CountingVfs>> vfs = CountingVfs::Create(options.faults);
  if (!vfs.ok()) return vfs.status();
  if (exists) LB_RETURN_IF_ERROR(CheckExistingSqliteFile(path, (*vfs)->name()));
  auto store = std::make_unique<SqliteStore>(std::move(*vfs), path, options, observer);
  LB_RETURN_IF_ERROR(store->Open(/*create=*/!exists));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace listbench
