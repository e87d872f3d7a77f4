// SqliteStore: the Store of engine/sqlite/sqlite_store.h. Internal to the
// engine; split over sqlite_store.cc (opening, settings, maintenance, the
// entity scan), sqlite_reads.cc (R1-R5), sqlite_writes.cc (W1-W5) and
// sqlite_entities.cc (the migration's GetEntity and PutEntity).
//
// Thread safety: as Store -- safe for concurrent use. The store keeps a pool
// of connections to its one WAL database, each with its own prepared
// Statements and busy handler, opened with SQLITE_OPEN_NOMUTEX: a request
// (every StoreRequests and EntityAccess call) checks one connection out of a
// mutex-guarded free list for its whole duration and returns it, so a
// connection has one user at a time. The pool creates a connection when a
// request finds none free, so it holds as many as requests ever ran at once.
// There is no shared cache: each connection has its own page cache, and the
// store's budget (StoreOptions::cache_bytes) is divided evenly among the
// open connections (64 KiB at least each); a connection takes a smaller share
// when the pool grows -- at once if idle, else when it is returned -- so one
// thread alone keeps the whole budget on the one connection it uses.
// Isolation comes from SQLite: reads of several statements run in one
// deferred read transaction (one WAL snapshot), writes in BEGIN IMMEDIATE,
// which serializes them on the database's write lock; the wait for that lock
// is bounded by StoreOptions::busy_timeout_ms (BusyWait) and charged to the
// calling thread's Tally::lock_wait_ns. The bulk loader and CheckInvariants
// (quiet store) use the first connection. WAL checkpoints run on the
// Checkpointer's thread and connection (checkpointer.h), which every pool
// connection wakes from its WAL hook instead of checkpointing in the request.
// A store opened with a SqliteCommitObserver (the change log of
// engine/sqlite/sqlite_change_log.h) tells it of each pool connection and
// runs every write transaction's COMMIT through it; a normal store has none
// and pays one null test per write.
#ifndef LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_IMPL_H_
#define LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_IMPL_H_

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/background_work.h"
#include "core/store.h"
#include "core/store_options.h"
#include "engine/sql/normalized_ops.h"
#include "engine/sqlite/busy_wait.h"
#include "engine/sqlite/checkpointer.h"
#include "engine/sqlite/counting_vfs.h"
#include "engine/sqlite/sqlite_bulk_loader.h"
#include "engine/sqlite/statement.h"

namespace listbench {

// dir/kSqliteFileName.
std::string SqliteDbPath(const std::string& dir);
// Whether `path` holds a database (a non-empty file, or one with a WAL).
bool SqliteDatabaseExists(const std::string& path);
// sqlite3_open_v2 through `vfs`; on failure *db is null.
Status OpenSqliteConnection(const std::string& path, int flags, const char* vfs, sqlite3** db);
// Checks an existing database's format marks without ever writing to it.
Status CheckExistingSqliteFile(const std::string& path, const char* vfs);

// Watches a store's write transactions: every write a request makes
// (W1-W5 and PutEntity/PutEntities) runs in InTransaction, whose COMMIT goes
// through Commit. The other writers of the store's file (Clear, the bulk
// loader, a schema change on its own connection) are not seen: a store that
// needs every write seen refuses them (sqlite_change_log.cc). Called on the
// thread of the request holding the connection, so calls for one connection
// never overlap.
class SqliteCommitObserver {
 public:
  virtual ~SqliteCommitObserver() = default;
  // A pool connection was opened and set up, before its first request. An
  // error fails the request that opened it.
  virtual Status Attach(sqlite3* db) = 0;
  // The connection is about to close.
  virtual void Detach(sqlite3* db) = 0;
  // Runs `commit`, the COMMIT of the write transaction open on `db` (held
  // since its BEGIN IMMEDIATE, whose body succeeded), and returns its
  // status, or an error without running it (the store then rolls back).
  virtual Status Commit(sqlite3* db, const std::function<Status()>& commit) = 0;
  // The write transaction on `db` failed and was rolled back (or never
  // began): whatever was seen of it is dropped.
  virtual void Discard(sqlite3* db) = 0;
};

// OpenSqliteStore with `observer` (not owned; outlives the store) told of
// the store's connections and write transactions; null for none.
StatusOr<std::unique_ptr<Store>> OpenObservedSqliteStore(const std::string& dir,
                                                         const StoreOptions& options,
                                                         SqliteCommitObserver* observer);

class SqliteStore final : public Store {
 public:
  // `path` is the database file; the store opens it through `vfs`.
  // `observer` (not owned; null for none) must outlive the store.
  SqliteStore(std::unique_ptr<CountingVfs> vfs, std::string path, const StoreOptions& options,
              SqliteCommitObserver* observer = nullptr);
  ~SqliteStore() override;

  // Opens the pool's first connection, sets it up and, when `create`,
  // creates the schema; then starts the checkpointer. REQUIRES: called once,
  // before any other method.
  Status Open(bool create);

  std::string_view Name() const override { return "sqlite"; }
  std::unique_ptr<BulkLoader> NewBulkLoader() override;
  Status Clear() override;

  StatusOr<ListingDetail> GetListingDetail(TenantId tenant, EntityId listing) override;
  StatusOr<LandlordPortfolio> GetLandlordPortfolio(TenantId tenant, EntityId landlord) override;
  StatusOr<SearchResult> Search(const SearchQuery& q) override;
  StatusOr<ApplicantProfile> GetApplicantProfile(TenantId tenant, EntityId applicant) override;
  StatusOr<ListingApplications> GetListingApplications(TenantId tenant, EntityId listing) override;

  Status SubmitApplication(const Application& a) override;
  Status RecordPayment(const Payment& p) override;
  StatusOr<uint64_t> UpdateListing(const ListingUpdate& u) override;
  Status AddListing(const Listing& l, std::span<const Image> images) override;
  Status DecideApplication(TenantId tenant, EntityId application, bool approve,
                           int64_t now) override;
  Status AddTenant(const Tenant& t) override;
  Status AddLandlord(const Landlord& l) override;

  Status CheckInvariants(std::vector<std::string>* violations) override;
  Status ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                      std::vector<EntityRow>* out) override;
  StatusOr<Entity> GetEntity(EntityKind kind, std::string_view key) override;
  Status PutEntity(const Entity& e, bool* applied) override;
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override;
  StatusOr<uint64_t> DiskBytes() override;
  IoStats io_stats() const override { return vfs_->Snapshot(); }
  WorkStats work_stats() const override { return work_.Snapshot(); }
  BackgroundWork background_work() const override { return background_.Snapshot(); }

 private:
  using Statements = NormalizedStatements<Statement>;

  // One connection of the pool with everything that belongs to it.
  struct Connection {
    explicit Connection(int busy_timeout_ms) : busy(busy_timeout_ms) {}
    ~Connection();  // finalizes the statements, detaches the observer, closes
    sqlite3* db = nullptr;
    SqliteCommitObserver* observer = nullptr;  // set once attached
    BusyWait busy;
    std::unique_ptr<Statements> stmts;
    int64_t cache_kib = 0;  // the page cache it is set to (PRAGMA cache_size)
  };

  // The pool (sqlite_pool.cc). Checkout() hands out a free connection, or
  // opens and sets up one more; Return() puts it back, first fitting its
  // page cache to the current share.
  StatusOr<Connection*> Checkout();
  void Return(Connection* c);
  // Opens a connection and applies the settings every connection shares
  // (watched by the checkpointer once it runs).
  StatusOr<std::unique_ptr<Connection>> NewConnection(int flags);
  // Opens the checkpointer's own connection, starts it and has it watch the
  // first connection.
  Status StartCheckpointer();
  // Each connection's page-cache share with `n` connections open, in KiB.
  int64_t CacheShareKib(size_t n) const;
  static Status SetCacheKib(Connection& c, int64_t kib);
  // Runs fn(Connection&) on a checked-out connection; returns its result.
  template <typename Fn>
  auto WithConnection(Fn fn) -> decltype(fn(std::declval<Connection&>()));
  // Runs body(Statements&) in one deferred read transaction (one snapshot)
  // on a checked-out connection; Recover()s on any failure.
  template <typename Body>
  auto InReadTransaction(Body body) -> decltype(body(std::declval<Statements&>()));

  // The per-connection settings the options ask for (without the cache
  // size, which is per connection).
  std::string SettingsSql() const;
  Status Prepare(Connection& c);
  // NotSupported, naming the file and both profiles, when the database holds
  // the index profile other than options_.sqlite_schema.
  Status CheckSchemaProfile(sqlite3* db) const;

  // Runs body(Statements&) in BEGIN IMMEDIATE ... COMMIT on a checked-out
  // connection. The wait for the write lock (BEGIN IMMEDIATE until it is
  // granted or times out) is added to ThreadTally().lock_wait_ns; a timeout
  // is IOError and changed nothing. Rolls back unless everything
  // succeeded, so a failed write changes nothing this connection sees (but
  // one whose COMMIT failed at the WAL fsync left its frames in the WAL,
  // which crash recovery may replay). On any failure (including
  // BEGIN's or COMMIT's own, e.g. an injected I/O error or a full disk) the
  // connection is left as Recover() leaves it, so the next request works
  // once the fault clears, without reopening.
  template <typename Body>
  Status InTransaction(Body body);
  // After a failed request: resets every statement on the connection (an
  // unreset one would hold its read transaction, and with it SQLite's pager
  // error state, open) and rolls back a transaction SQLite left open. SQLite
  // itself rolls the whole transaction back on most I/O errors and on a
  // failed COMMIT; a statement that hits SQLITE_FULL may undo only itself.
  static void Recover(Connection& c);
  // Runs the COMMIT of the write transaction open on `c`, through the
  // observer when there is one.
  Status Commit(Connection& c);

  std::unique_ptr<CountingVfs> vfs_;  // outlives the connections
  const std::string path_;
  const StoreOptions options_;
  SqliteCommitObserver* const observer_;  // null: no observer
  WorkCounters work_;                     // shared by every connection's statements (atomic)
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> connections_;  // guarded by pool_mu_
  std::vector<Connection*> free_;                         // guarded by pool_mu_
  Connection* first_ = nullptr;    // set by Open; the quiet-store paths use it
  BackgroundCounters background_;  // the checkpoints; outlives the checkpointer
  // Set by Open before any request; destroyed (its thread stopped) before the
  // connections close, the last of which then checkpoints what is left.
  std::unique_ptr<Checkpointer> checkpointer_;
};

template <typename Fn>
auto SqliteStore::WithConnection(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
  StatusOr<Connection*> c = Checkout();
  if (!c.ok()) return c.status();
  auto result = fn(**c);
  Return(*c);
  return result;
}

template <typename Body>
auto SqliteStore::InReadTransaction(Body body) -> decltype(body(std::declval<Statements&>())) {
  return WithConnection([&](Connection& c) -> decltype(body(std::declval<Statements&>())) {
    Statements& s = *c.stmts;
    Status st = s.begin_read.Run();
    s.begin_read.Reset();
    if (!st.ok()) {
      Recover(c);
      return st;
    }
    auto result = body(s);
    if (result.ok()) {
      st = s.commit.Run();
      s.commit.Reset();
    }
    if (!result.ok() || !st.ok()) Recover(c);
    if (!st.ok()) return st;
    return result;
  });
}

template <typename Body>
Status SqliteStore::InTransaction(Body body) {
  return WithConnection([&](Connection& c) -> Status {
    Statements& s = *c.stmts;
    c.busy.Arm();
    Status st = s.begin.Run();
    s.begin.Reset();
    ThreadTally().lock_wait_ns += c.busy.WaitedNs();
    if (st.ok()) st = body(s);
    if (st.ok()) st = Commit(c);
    if (!st.ok()) {
      Recover(c);
      if (observer_ != nullptr) observer_->Discard(c.db);
    }
    return st;
  });
}

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_IMPL_H_
