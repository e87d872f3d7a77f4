// PgStore: the Store of engine/postgres/pg_store.h. Internal to the engine;
// split over pg_store.cc (opening, the pool, transactions, requests,
// maintenance) and pg_bulk_loader.cc (COPY).
//
// Thread safety: as Store. A request checks one connection (with its own
// prepared statements) out of a mutex-guarded free list for its whole
// duration; the pool opens one more when every connection is busy, so it
// holds as many as requests ever ran at once (one per client).
#ifndef LISTBENCH_ENGINE_POSTGRES_PG_STORE_IMPL_H_
#define LISTBENCH_ENGINE_POSTGRES_PG_STORE_IMPL_H_

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/background_work.h"
#include "core/store.h"
#include "core/store_options.h"
#include "engine/postgres/pg_server.h"
#include "engine/postgres/pg_statement.h"
#include "engine/postgres/pg_store.h"
#include "engine/sql/normalized_ops.h"

namespace listbench {

// A bulk loader over `c` (a connection of the store, unused meanwhile; null:
// every call fails with IOError):
// rows are buffered per table and sent with COPY; Finish adds the foreign
// keys and the indexes of `schema`, then VACUUM (ANALYZE) and a CHECKPOINT.
std::unique_ptr<BulkLoader> NewPgBulkLoader(PgConnection* c, WorkCounters* stats,
                                            SqliteSchema schema);

class PgStore final : public Store {
 public:
  // `server` (null when someone else runs it) is stopped when the store
  // closes; `endpoint` says where connections go.
  PgStore(std::unique_ptr<PgServer> server, PgEndpoint endpoint, std::string dir,
          const StoreOptions& options);
  ~PgStore() override;  // closes the connections, then stops the server

  // Connects the pool's first connection; when `create`, creates the
  // database and its schema, else checks it is ours and of the asked index
  // profile. REQUIRES: called once, before any other method.
  Status Open(bool create);
  // SQL every connection runs once it is open (before Open).
  void SetSessionSql(std::string sql) { session_sql_ = std::move(sql); }

  std::string_view Name() const override { return "postgres"; }
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
  // The server does the I/O: nothing is counted in this process.
  IoStats io_stats() const override { return {}; }
  WorkStats work_stats() const override { return work_.Snapshot(); }
  // The server's checkpoints (pg_stat_bgwriter), read when asked.
  BackgroundWork background_work() const override;

 private:
  using Statements = NormalizedStatements<PgStatement>;
  struct Connection {
    std::unique_ptr<PgConnection> pg;
    std::unique_ptr<Statements> stmts;
  };

  StatusOr<Connection*> Checkout();
  // Puts `c` back, or closes it when the server dropped it.
  void Return(Connection* c);
  StatusOr<std::unique_ptr<Connection>> NewConnection();
  template <typename Fn>
  auto WithConnection(Fn fn) -> decltype(fn(std::declval<Connection&>()));
  // body(Statements&) in one REPEATABLE READ READ ONLY transaction.
  template <typename Body>
  auto InReadTransaction(Body body) -> decltype(body(std::declval<Statements&>()));
  // body(Statements&) in one SERIALIZABLE transaction, run again whole
  // (Tally::retries) after a serialization failure, a deadlock or a unique
  // violation, at most kMaxRetries times; rolled back unless committed.
  template <typename Body>
  Status InTransaction(Body body);
  static void Rollback(Connection& c);
  static Status CheckInvariantsOn(PgConnection* pg, std::vector<std::string>* violations);

  static constexpr int kMaxRetries = 100;

  std::unique_ptr<PgServer> server_;
  const PgEndpoint endpoint_;
  std::string session_sql_;  // run on every new connection (an external server's settings)
  const std::string dir_;
  const StoreOptions options_;
  WorkCounters work_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> connections_;  // guarded by pool_mu_
  std::vector<Connection*> free_;                         // guarded by pool_mu_
  Connection* first_ = nullptr;
  mutable std::mutex stats_mu_;
  std::unique_ptr<PgConnection> stats_conn_;  // guarded by stats_mu_
};

template <typename Fn>
auto PgStore::WithConnection(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
  StatusOr<Connection*> c = Checkout();
  if (!c.ok()) return c.status();
  auto result = fn(**c);
  Return(*c);
  return result;
}

template <typename Body>
auto PgStore::InReadTransaction(Body body) -> decltype(body(std::declval<Statements&>())) {
  return WithConnection([&](Connection& c) -> decltype(body(std::declval<Statements&>())) {
    Statements& s = *c.stmts;
    Status st = s.begin_read.Run();
    s.begin_read.Reset();
    if (!st.ok()) {
      Rollback(c);
      return st;
    }
    auto result = body(s);
    if (result.ok()) {
      st = s.commit.Run();
      s.commit.Reset();
    }
    if (!result.ok() || !st.ok()) Rollback(c);
    if (!st.ok()) return st;
    return result;
  });
}

template <typename Body>
Status PgStore::InTransaction(Body body) {
  return WithConnection([&](Connection& c) -> Status {
    Statements& s = *c.stmts;
    for (int attempt = 0;; ++attempt) {
      Status st = s.begin.Run();
      s.begin.Reset();
      if (st.ok()) st = body(s);
      if (st.ok()) {
        st = s.commit.Run();
        s.commit.Reset();
      }
      if (st.ok()) return st;
      const std::string state = c.pg->last_sqlstate;
      Rollback(c);
      const bool retry = state == "40001" || state == "40P01" || state == "23505";
      if (!retry || attempt >= kMaxRetries) return st;
      ++ThreadTally().retries;
    }
  });
}

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_POSTGRES_PG_STORE_IMPL_H_
