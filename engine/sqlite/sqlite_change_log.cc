// Log shipping for the SQLite store (sqlite_change_log.h): the session
// changesets of a primary's write transactions, and their application to a
// replica's copy. The session API is declared by sqlite3.h only with
// SQLITE_ENABLE_SESSION and SQLITE_ENABLE_PREUPDATE_HOOK, which
// engine/sqlite/CMakeLists.txt defines for the whole library (so that the
// first inclusion of sqlite3.h, whichever file makes it, declares it).
#include "engine/sqlite/sqlite_change_log.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/store_wrapper.h"
#include "engine/sqlite/schema.h"
#include "engine/sqlite/sqlite_error.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {
namespace {

static_assert(SQLITE_VERSION_NUMBER >= 3022000, "sqlite3changeset_apply_v2 needs SQLite 3.22");

// A new session on `db`, recording every table of "main"; null on failure.
sqlite3_session* NewSession(sqlite3* db) {
  sqlite3_session* s = nullptr;
  if (sqlite3session_create(db, "main", &s) != SQLITE_OK) return nullptr;
  if (sqlite3session_attach(s, nullptr) != SQLITE_OK) {
    sqlite3session_delete(s);
    return nullptr;
  }
  return s;
}

// The primary's log, and the observer that fills it: the session of each
// pool connection (sessions_), and the records in commit order.
class SqliteChangeLog final : public ChangeLog, public SqliteCommitObserver {
 public:
  ~SqliteChangeLog() override {
    for (const auto& [db, s] : sessions_) {
      if (s != nullptr) sqlite3session_delete(s);
    }
  }

  uint64_t LastSequence() const override {
    std::lock_guard<std::mutex> lock(log_mu_);
    return records_.size();
  }

  StatusOr<std::vector<ChangeRecord>> ReadSince(uint64_t after, size_t max_records,
                                                std::chrono::milliseconds wait) override {
    std::unique_lock<std::mutex> lock(log_mu_);
    appended_.wait_for(lock, wait, [&] { return records_.size() > after; });
    std::vector<ChangeRecord> out;
    if (records_.size() <= after) return out;
    const size_t n = std::min<uint64_t>(max_records, records_.size() - after);
    const auto first = records_.begin() + static_cast<std::ptrdiff_t>(after);
    out.assign(first, first + static_cast<std::ptrdiff_t>(n));
    return out;
  }

  Status Attach(sqlite3* db) override {
    sqlite3_session* s = NewSession(db);
    if (s == nullptr) return FromSqlite(sqlite3_errcode(db), db, "sqlite change log: new session");
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_[db] = s;
    return Status::OK();
  }

  void Detach(sqlite3* db) override {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    auto it = sessions_.find(db);
    if (it == sessions_.end()) return;
    if (it->second != nullptr) sqlite3session_delete(it->second);
    sessions_.erase(it);
  }

  Status Commit(sqlite3* db, const std::function<Status()>& commit) override;

  void Discard(sqlite3* db) override { Renew(db); }

 private:
  sqlite3_session* SessionOf(sqlite3* db) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    auto it = sessions_.find(db);
    return it == sessions_.end() ? nullptr : it->second;
  }

  // Replaces the session of `db` with a new, empty one (the session API has
  // no reset); null when that fails, which refuses the connection's next
  // write (Commit) and tries again after it (Discard).
  void Renew(sqlite3* db) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sqlite3_session*& s = sessions_[db];
    if (s != nullptr) sqlite3session_delete(s);
    s = NewSession(db);
  }

  // The changeset of the transaction open on `db`: empty when it changed
  // nothing.
  StatusOr<std::string> TakeChangeset(sqlite3* db);

  std::mutex sessions_mu_;
  std::unordered_map<sqlite3*, sqlite3_session*> sessions_;  // guarded by sessions_mu_
  // Held from just before a logged COMMIT until its record is appended.
  std::mutex commit_mu_;
  mutable std::mutex log_mu_;
  std::condition_variable appended_;  // notified under log_mu_ by each append
  // Every record since open: records_[i].sequence == i + 1.
  std::deque<ChangeRecord> records_;  // guarded by log_mu_
};

StatusOr<std::string> SqliteChangeLog::TakeChangeset(sqlite3* db) {
  sqlite3_session* s = SessionOf(db);
  if (s == nullptr) {
    return Status::IOError(
        "sqlite change log: this connection has no session (it could not be created): the "
        "write is refused, not logged");
  }
  int n = 0;
  void* p = nullptr;
  const int rc = sqlite3session_changeset(s, &n, &p);
  if (rc != SQLITE_OK) {
    sqlite3_free(p);
    return FromSqlite(rc, db, "sqlite change log: changeset of a write transaction");
  }
  std::string bytes;
  if (p != nullptr && n > 0) bytes.assign(static_cast<const char*>(p), static_cast<size_t>(n));
  sqlite3_free(p);
  return bytes;
}

// The changeset is taken before COMMIT and appended after it succeeded;
// commit_mu_, held across both, orders the appends as the commits (no other
// writer can commit while this one holds the write lock, so none can take
// commit_mu_ between this COMMIT and its append).
Status SqliteChangeLog::Commit(sqlite3* db, const std::function<Status()>& commit) {
  StatusOr<std::string> bytes = TakeChangeset(db);
  if (!bytes.ok()) return bytes.status();
  Status st;
  if (bytes->empty()) {
    st = commit();
  } else {
    std::lock_guard<std::mutex> order(commit_mu_);
    st = commit();
    if (st.ok()) {
      std::lock_guard<std::mutex> lock(log_mu_);
      records_.push_back(ChangeRecord{records_.size() + 1, std::move(*bytes)});
      appended_.notify_all();
    }
  }
  if (st.ok()) Renew(db);  // on failure the store rolls back, then Discard()s
  return st;
}

// Every call fails: a logged store is not bulk loaded (the loader writes
// outside any logged transaction).
class RefusedBulkLoader final : public BulkLoader {
 public:
  Status AddTenant(const Tenant&) override { return Refused(); }
  Status AddLandlord(const Landlord&) override { return Refused(); }
  Status AddListing(const Listing&, std::span<const Image>) override { return Refused(); }
  Status AddApplicant(const Applicant&) override { return Refused(); }
  Status AddApplication(const Application&) override { return Refused(); }
  Status AddPayment(const Payment&) override { return Refused(); }
  Status Finish() override { return Refused(); }

 private:
  static Status Refused() {
    return Status::NotSupported("sqlite: a logged store is not bulk loaded (nothing would ship)");
  }
};

// The logged store as its users see it: the store, refusing the writes the
// log cannot capture.
class LoggingSqliteStore final : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  std::unique_ptr<BulkLoader> NewBulkLoader() override {
    return std::make_unique<RefusedBulkLoader>();
  }
  Status Clear() override {
    return Status::NotSupported("sqlite: a logged store is not cleared (nothing would ship)");
  }
};

class SqliteLoggedStore final : public LoggedStore {
 public:
  explicit SqliteLoggedStore(std::unique_ptr<SqliteChangeLog> log) : log_(std::move(log)) {}
  void set_store(std::unique_ptr<Store> s) { store_ = std::move(s); }
  Store& store() override { return *store_; }
  ChangeLog& log() override { return *log_; }

 private:
  // Outlives the store: its connections detach from the log as they close.
  std::unique_ptr<SqliteChangeLog> log_;
  std::unique_ptr<Store> store_;
};

// What the conflict handler saw: the first conflict of an Apply.
struct Conflict {
  bool seen = false;
  int type = 0;
  std::string table;
};

const char* ConflictName(int type) {
  switch (type) {
    case SQLITE_CHANGESET_DATA:
      return "a row's values differ";
    case SQLITE_CHANGESET_NOTFOUND:
      return "a row is missing";
    case SQLITE_CHANGESET_CONFLICT:
      return "a row already exists";
    case SQLITE_CHANGESET_CONSTRAINT:
      return "a constraint fails";
    case SQLITE_CHANGESET_FOREIGN_KEY:
      return "foreign keys fail";
  }
  return "an unknown conflict";
}

// Any conflict aborts the record: the replica is an exact copy, so a
// conflict is divergence, never something to resolve.
int AbortOnConflict(void* ctx, int type, sqlite3_changeset_iter* it) {
  auto* c = static_cast<Conflict*>(ctx);
  if (!c->seen) {
    c->seen = true;
    c->type = type;
    const char* table = nullptr;
    int columns = 0, op = 0, indirect = 0;
    if (type != SQLITE_CHANGESET_FOREIGN_KEY &&
        sqlite3changeset_op(it, &table, &columns, &op, &indirect) == SQLITE_OK &&
        table != nullptr) {
      c->table = table;
    }
  }
  return SQLITE_CHANGESET_ABORT;
}

class SqliteLogApplier final : public LogApplier {
 public:
  SqliteLogApplier(sqlite3* db, std::string path, uint64_t start_after)
      : db_(db), path_(std::move(path)), applied_(start_after) {}
  // The last connection to close checkpoints the WAL into the database.
  ~SqliteLogApplier() override { sqlite3_close(db_); }

  Status Apply(const ChangeRecord& r) override {
    if (r.sequence <= applied_) {
      return Status::InvalidArgument(fmt::format(
          "{}: record {} is not after the last one applied, {}", path_, r.sequence, applied_));
    }
    if (r.sequence != applied_ + 1) {
      return Status::Corruption(fmt::format("{}: record {} follows {}: records {}..{} are missing",
                                            path_, r.sequence, applied_, applied_ + 1,
                                            r.sequence - 1));
    }
    LB_RETURN_IF_ERROR(ExecSql(db_, "BEGIN IMMEDIATE"));
    Status st = ApplyInTransaction(r);
    if (st.ok()) st = ExecSql(db_, "COMMIT");
    if (!st.ok()) {
      if (sqlite3_get_autocommit(db_) == 0) (void)ExecSql(db_, "ROLLBACK");
      return st;
    }
    applied_ = r.sequence;
    return Status::OK();
  }

  uint64_t AppliedSequence() const override { return applied_; }

 private:
  Status ApplyInTransaction(const ChangeRecord& r) {
    Conflict conflict;
    // The changeset is only read, though the API takes it non-const.
    void* bytes = const_cast<char*>(r.bytes.data());
    const int rc = sqlite3changeset_apply_v2(db_, static_cast<int>(r.bytes.size()), bytes,
                                             /*xFilter=*/nullptr, AbortOnConflict, &conflict,
                                             /*ppRebase=*/nullptr, /*pnRebase=*/nullptr,
                                             /*flags=*/0);
    if (rc == SQLITE_OK && !conflict.seen) return Status::OK();
    if (conflict.seen) {
      return Status::Corruption(
          fmt::format("{}: record {} conflicts with this copy ({}{}{}): it is not the primary's",
                      path_, r.sequence, ConflictName(conflict.type),
                      conflict.table.empty() ? "" : " in table ", conflict.table));
    }
    const Status s = FromSqlite(rc, db_, fmt::format("{}: apply record {}", path_, r.sequence));
    if (rc == SQLITE_CORRUPT || rc == SQLITE_MISUSE) {
      return Status::Corruption(
          fmt::format("{}: record {} is not a changeset: {}", path_, r.sequence, s.ToString()));
    }
    return s;
  }

  sqlite3* const db_;
  const std::string path_;
  uint64_t applied_;
};

// The replica's connection, set up for applying: WAL, every commit synced,
// foreign keys enforced as by the store.
Status SetUpReplica(sqlite3* db, const std::string& path, const StoreOptions& options) {
  LB_RETURN_IF_ERROR(CheckFormat(db, path));
  StatusOr<std::optional<SqliteSchema>> held = ReadSchemaProfile(db);
  if (!held.ok()) return held.status();
  if (held->has_value() && **held != options.sqlite_schema) {
    return Status::NotSupported(fmt::format("{}: holds the {} SQLite index profile, not {}", path,
                                            SqliteSchemaName(**held),
                                            SqliteSchemaName(options.sqlite_schema)));
  }
  const int rc = sqlite3_busy_timeout(db, options.busy_timeout_ms);
  if (rc != SQLITE_OK) return FromSqlite(rc, db, path + ": busy timeout");
  return ExecSql(db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                 "PRAGMA foreign_keys = ON;");
}

}  // namespace

StatusOr<std::unique_ptr<LoggedStore>> OpenSqliteLoggedStore(const std::string& dir,
                                                             const StoreOptions& options) {
  auto logged = std::make_unique<SqliteLoggedStore>(std::make_unique<SqliteChangeLog>());
  StatusOr<std::unique_ptr<Store>> store =
      OpenObservedSqliteStore(dir, options, static_cast<SqliteChangeLog*>(&logged->log()));
  if (!store.ok()) return store.status();
  logged->set_store(std::make_unique<LoggingSqliteStore>(std::move(*store)));
  return std::unique_ptr<LoggedStore>(std::move(logged));
}

StatusOr<std::unique_ptr<LogApplier>> OpenSqliteLogApplier(const std::string& dir,
                                                           const StoreOptions& options,
                                                           uint64_t start_after) {
  const std::string path = SqliteDbPath(dir);
  if (!SqliteDatabaseExists(path)) return Status::NotFound(path + ": no listbench SQLite store");
  LB_RETURN_IF_ERROR(CheckExistingSqliteFile(path, /*vfs=*/nullptr));
  sqlite3* db = nullptr;
  LB_RETURN_IF_ERROR(
      OpenSqliteConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr, &db));
  const Status s = SetUpReplica(db, path, options);
  if (!s.ok()) {
    sqlite3_close(db);
    return s;
  }
  return std::unique_ptr<LogApplier>(std::make_unique<SqliteLogApplier>(db, path, start_after));
}

}  // namespace listbench
