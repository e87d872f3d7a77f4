#include "engine/postgres/pg_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "engine/postgres/pg_external.h"
#include "engine/postgres/pg_schema.h"
#include "engine/postgres/pg_store_impl.h"
#include "engine/postgres/pg_template.h"

namespace listbench {
namespace fs = std::filesystem;

namespace {

std::string PgDataPath(const std::string& dir) { return (fs::path(dir) / kPgDataDirName).string(); }

// The server settings of a store: the budget and durability the options
// ask for, and what an expert sets for short OLTP statements on an SSD.
PgServerOptions ServerOptions(const StoreOptions& o) {
  PgServerOptions s;
  s.shared_buffers_bytes = std::max<size_t>(o.cache_bytes, size_t{1} << 20);
  s.durable = o.durable;
  // A request waits for a lock another holds at most busy_timeout_ms (then
  // fails, having changed nothing), as on the other engines; PostgreSQL's
  // 0 would mean forever, so "at once" is 1 ms.
  const int lock_ms = std::max(o.busy_timeout_ms, 1);
  s.extra_settings = {{"jit", "off"},
                      {"random_page_cost", "1.1"},
                      {"full_page_writes", "on"},
                      {"max_wal_size", "1GB"},
                      {"lock_timeout", std::to_string(lock_ms)}};
  return s;
}

// Sums the sizes of the regular files under `path`.
StatusOr<uint64_t> TreeBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
    ec.clear();
  }
  if (ec) return Status::IOError(path + ": " + ec.message());
  return total;
}

}  // namespace

PgStore::PgStore(std::unique_ptr<PgServer> server, PgEndpoint endpoint, std::string dir,
                 const StoreOptions& options)
    : server_(std::move(server)),
      endpoint_(std::move(endpoint)),
      dir_(std::move(dir)),
      options_(options) {}

PgStore::~PgStore() {
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    stats_conn_.reset();
  }
  connections_.clear();
  if (server_ != nullptr) (void)server_->Stop();
}

Status PgStore::Open(bool create) {
  StatusOr<std::unique_ptr<PgConnection>> setup = ConnectPg(endpoint_());
  if (!setup.ok()) return setup.status();
  PgConnection* pg = setup->get();
  if (!session_sql_.empty()) LB_RETURN_IF_ERROR(ExecPg(pg, session_sql_));
  if (create) {
    LB_RETURN_IF_ERROR(CreatePgTables(pg, options_.sqlite_schema));
    LB_RETURN_IF_ERROR(CreatePgIndexes(pg, options_.sqlite_schema));
    LB_RETURN_IF_ERROR(AddPgForeignKeys(pg));
    // amcheck (for VerifyPgStoreFiles) ships with the server; a cluster
    // without it is only checked by reading every page.
    (void)ExecPg(pg, "CREATE EXTENSION IF NOT EXISTS amcheck");
  } else {
    StatusOr<SqliteSchema> held = CheckPgStore(pg, dir_);
    if (!held.ok()) return held.status();
    if (*held != options_.sqlite_schema) {
      return Status::NotSupported(
          fmt::format("{}: holds the {} index profile, and this run asks for {} (--sqlite-schema)",
                      dir_, SqliteSchemaName(*held), SqliteSchemaName(options_.sqlite_schema)));
    }
  }
  StatusOr<std::unique_ptr<Connection>> c = NewConnection();
  if (!c.ok()) return c.status();
  stats_conn_ = std::move(*setup);
  std::lock_guard<std::mutex> lock(pool_mu_);
  first_ = c->get();
  free_.push_back(first_);
  connections_.push_back(std::move(*c));
  return Status::OK();
}

StatusOr<std::unique_ptr<PgStore::Connection>> PgStore::NewConnection() {
  auto c = std::make_unique<Connection>();
  StatusOr<std::unique_ptr<PgConnection>> pg = ConnectPg(endpoint_());
  if (!pg.ok()) return pg.status();
  c->pg = std::move(*pg);
  if (!session_sql_.empty()) LB_RETURN_IF_ERROR(ExecPg(c->pg.get(), session_sql_));
  c->stmts = std::make_unique<Statements>();
  Statements& s = *c->stmts;
  PgConnection* const conn = c->pg.get();
  WorkCounters* w = &work_;
  LB_RETURN_IF_ERROR(ForStatements(
      s, [&](PgStatement& stmt, const char* sql) { return stmt.Prepare(conn, sql, w); }));
  LB_RETURN_IF_ERROR(s.begin.Prepare(conn, "BEGIN ISOLATION LEVEL SERIALIZABLE", w));
  LB_RETURN_IF_ERROR(
      s.begin_read.Prepare(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", w));
  LB_RETURN_IF_ERROR(s.commit.Prepare(conn, "COMMIT", w));
  LB_RETURN_IF_ERROR(s.rollback.Prepare(conn, "ROLLBACK", w));
  return c;
}

StatusOr<PgStore::Connection*> PgStore::Checkout() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!free_.empty()) {
      Connection* c = free_.back();
      free_.pop_back();
      return c;
    }
  }
  StatusOr<std::unique_ptr<Connection>> opened = NewConnection();
  if (!opened.ok()) return opened.status();
  std::lock_guard<std::mutex> lock(pool_mu_);
  connections_.push_back(std::move(*opened));
  return connections_.back().get();
}

void PgStore::Return(Connection* c) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (PQstatus(c->pg->conn) == CONNECTION_OK) {
    free_.push_back(c);
    return;
  }
  if (c == first_) first_ = nullptr;
  std::erase_if(connections_, [&](const std::unique_ptr<Connection>& k) { return k.get() == c; });
}

void PgStore::Rollback(Connection& c) {
  if (PQtransactionStatus(c.pg->conn) != PQTRANS_IDLE) {
    (void)c.stmts->rollback.Run();
    c.stmts->rollback.Reset();
  }
}

std::unique_ptr<BulkLoader> PgStore::NewBulkLoader() {
  std::lock_guard<std::mutex> lock(pool_mu_);
  return NewPgBulkLoader(first_ != nullptr ? first_->pg.get() : nullptr, &work_,
                         options_.sqlite_schema);
}

Status PgStore::Clear() {
  return WithConnection([](Connection& c) {
    return ExecPg(c.pg.get(),
                  "TRUNCATE payments, applications, applicants, listing_images, listings, "
                  "landlords, tenants");
  });
}

// ---- Requests (engine/sql/normalized_ops.h) -------------------------------------

StatusOr<ListingDetail> PgStore::GetListingDetail(TenantId tenant, EntityId listing) {
  return InReadTransaction([&](Statements& st) { return ListingDetailTxn(st, tenant, listing); });
}

StatusOr<LandlordPortfolio> PgStore::GetLandlordPortfolio(TenantId tenant, EntityId landlord) {
  return InReadTransaction(
      [&](Statements& st) { return LandlordPortfolioTxn(st, tenant, landlord); });
}

StatusOr<SearchResult> PgStore::Search(const SearchQuery& q) {
  LB_RETURN_IF_ERROR(ValidateSearch(q));
  return WithConnection([&](Connection& c) { return SearchWith(c.stmts->search, q); });
}

StatusOr<ApplicantProfile> PgStore::GetApplicantProfile(TenantId tenant, EntityId applicant) {
  return InReadTransaction(
      [&](Statements& st) { return ApplicantProfileTxn(st, tenant, applicant); });
}

StatusOr<ListingApplications> PgStore::GetListingApplications(TenantId tenant, EntityId listing) {
  return InReadTransaction(
      [&](Statements& st) { return ListingApplicationsTxn(st, tenant, listing); });
}

Status PgStore::SubmitApplication(const Application& a) {
  return InTransaction([&](Statements& s) { return SubmitApplicationTxn(s, a); });
}

Status PgStore::RecordPayment(const Payment& p) {
  LB_RETURN_IF_ERROR(ValidateRecordPayment(p));
  return InTransaction([&](Statements& s) { return RecordPaymentTxn(s, p); });
}

StatusOr<uint64_t> PgStore::UpdateListing(const ListingUpdate& u) {
  LB_RETURN_IF_ERROR(ValidateUpdateListing(u));
  const uint64_t new_version = u.expected_version + 1;
  Status st = InTransaction([&](Statements& s) { return UpdateListingTxn(s, u, new_version); });
  if (!st.ok()) return st;
  return new_version;
}

Status PgStore::AddListing(const Listing& l, std::span<const Image> images) {
  LB_RETURN_IF_ERROR(ValidateAddListing(l, images));
  return InTransaction([&](Statements& s) { return AddListingTxn(s, l, images); });
}

Status PgStore::DecideApplication(TenantId tenant, EntityId application, bool approve,
                                  int64_t now) {
  return InTransaction(
      [&](Statements& s) { return DecideApplicationTxn(s, tenant, application, approve, now); });
}

Status PgStore::AddTenant(const Tenant& t) {
  LB_RETURN_IF_ERROR(ValidateNewTenant(t));
  return InTransaction([&](Statements& s) { return AddTenantTxn(s, t); });
}

Status PgStore::AddLandlord(const Landlord& l) {
  LB_RETURN_IF_ERROR(ValidateNewLandlord(l));
  return InTransaction([&](Statements& s) { return AddLandlordTxn(s, l); });
}

// ---- Entity access (engine/sql/normalized_ops.h) ----------------------------

StatusOr<Entity> PgStore::GetEntity(EntityKind kind, std::string_view key) {
  return GetNormalizedEntity(kind, key, [&](auto fn) {
    return WithConnection([&](Connection& c) { return fn(*c.stmts); });
  });
}

Status PgStore::PutEntity(const Entity& e, bool* applied) {
  return PutOneEntity(*this, e, applied);
}

Status PgStore::PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) {
  return PutNormalizedEntities(es, applied, [&](auto body) { return InTransaction(body); });
}

Status PgStore::ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                             std::vector<EntityRow>* out) {
  return ScanNormalizedEntities(kind, after, limit, out, [&](auto fn) {
    return WithConnection([&](Connection& c) { return fn(*c.stmts); });
  });
}

// ---- Maintenance ---------------------------------------------------------------

Status PgStore::CheckInvariants(std::vector<std::string>* violations) {
  return WithConnection([&](Connection& c) { return CheckInvariantsOn(c.pg.get(), violations); });
}

Status PgStore::CheckInvariantsOn(PgConnection* pg, std::vector<std::string>* violations) {
  PgStatement s;
  LB_RETURN_IF_ERROR(s.Prepare(pg,
                               "SELECT listing_id, COUNT(*), MIN(position), MAX(position) "
                               "FROM listing_images GROUP BY listing_id "
                               "HAVING MIN(position) <> 0 OR MAX(position) <> COUNT(*) - 1",
                               nullptr));
  LB_RETURN_IF_ERROR(ForEachRow(s, [&](const PgStatement& r) {
    violations->push_back(
        fmt::format("listing {}: {} images with positions {}..{}, not dense from 0", r.Int(0),
                    r.Int(1), r.Int(2), r.Int(3)));
  }));
  // Foreign keys are enforced by the server once they exist and are valid.
  PgStatement k;
  LB_RETURN_IF_ERROR(k.Prepare(pg,
                               "SELECT count(*) FROM pg_constraint "
                               "WHERE contype = 'f' AND convalidated",
                               nullptr));
  StatusOr<bool> row = k.Step();
  if (!row.ok()) return row.status();
  if (*row && k.Int(0) != 10) {
    violations->push_back(fmt::format("{} valid foreign keys, not 10", k.Int(0)));
  }
  return Status::OK();
}

StatusOr<uint64_t> PgStore::DiskBytes() {
  if (server_ != nullptr || !IsExternalPgStore(dir_)) return TreeBytes(PgDataPath(dir_));
  // A database on a server listbench did not start: the server's count.
  std::lock_guard<std::mutex> lock(stats_mu_);
  if (stats_conn_ == nullptr) return Status::IOError(dir_ + ": not open");
  std::unique_ptr<PGresult, decltype(&PQclear)> r(
      PQexec(stats_conn_->conn, "SELECT pg_database_size(current_database())"), PQclear);
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
    return FromPg(stats_conn_.get(), r.get(), dir_ + ": database size");
  }
  return std::strtoull(PQgetvalue(r.get(), 0, 0), nullptr, 10);
}

BackgroundWork PgStore::background_work() const {
  BackgroundWork w;
  std::lock_guard<std::mutex> lock(stats_mu_);
  if (stats_conn_ == nullptr) return w;
  std::unique_ptr<PGresult, decltype(&PQclear)> r(
      PQexec(stats_conn_->conn,
             "SELECT checkpoints_timed + checkpoints_req, "
             "(checkpoint_write_time + checkpoint_sync_time) * 1000000, buffers_checkpoint "
             "FROM pg_stat_bgwriter"),
      PQclear);
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
    return w;
  }
  w.checkpoints = std::strtoull(PQgetvalue(r.get(), 0, 0), nullptr, 10);
  w.checkpoint_ns = static_cast<uint64_t>(std::strtod(PQgetvalue(r.get(), 0, 1), nullptr));
  w.checkpoint_pages = std::strtoull(PQgetvalue(r.get(), 0, 2), nullptr, 10);
  return w;
}

// ---- Opening, cloning, checking ---------------------------------------------------

// A store that is a database on a server listbench did not start.
StatusOr<std::unique_ptr<Store>> OpenExternalPgStore(const std::string& dir,
                                                     const StoreOptions& options) {
  const bool exists = IsExternalPgStore(dir);
  if (!exists && !options.create_if_missing) {
    return Status::NotFound(dir + ": no listbench PostgreSQL store");
  }
  if (!exists && fs::exists(PgDataPath(dir))) {
    return Status::InvalidArgument(dir + ": holds a PostgreSQL cluster of its own, not a store " +
                                   "on the --pg-url server");
  }
  StatusOr<PgExternal> e = exists ? ReadPgExternal(dir) : CreatePgExternal(dir, options.pg_url);
  if (!e.ok()) return e.status();
  if (exists && !options.pg_url.empty()) {
    StatusOr<std::string> want = NormalizePgUrl(options.pg_url);
    if (!want.ok()) return want.status();
    if (*want != e->server) {
      return Status::InvalidArgument(dir + ": a store on another server than --pg-url's");
    }
  }
  const std::string conninfo = e->ConnInfo();
  auto store = std::make_unique<PgStore>(
      nullptr, [conninfo] { return conninfo; }, dir, options);
  store->SetSessionSql(options.durable ? "SET synchronous_commit = on"
                                       : "SET synchronous_commit = off");
  LB_RETURN_IF_ERROR(store->Open(/*create=*/!exists));
  return std::unique_ptr<Store>(std::move(store));
}

StatusOr<std::unique_ptr<Store>> OpenPgStore(const std::string& dir, const StoreOptions& options) {
  if (options.faults != nullptr) {
    return Status::InvalidArgument(
        "postgres: no fault injection (the server does its own I/O, outside listbench's seams)");
  }
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (!options.create_if_missing) return Status::NotFound(dir + ": no such directory");
    return Status::InvalidArgument(dir + ": not an existing directory");
  }
  if (!options.pg_url.empty() || IsExternalPgStore(dir)) return OpenExternalPgStore(dir, options);
  const std::string pgdata = PgDataPath(dir);
  const bool exists = fs::exists(fs::path(pgdata) / "PG_VERSION", ec);
  if (!exists) {
    if (!options.create_if_missing)
      return Status::NotFound(dir + ": no listbench PostgreSQL store");
    if (fs::exists(pgdata, ec)) {
      return Status::NotSupported(pgdata + ": an incomplete PostgreSQL cluster (no PG_VERSION)");
    }
    LB_RETURN_IF_ERROR(NewPgCluster(pgdata));
  }
  StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(pgdata, ServerOptions(options));
  if (!server.ok()) return server.status();
  PgServer* const s = server->get();
  auto store = std::make_unique<PgStore>(
      std::move(*server), [s] { return s->ConnInfo(kPgDatabaseName); }, dir, options);
  LB_RETURN_IF_ERROR(store->Open(/*create=*/!exists));
  return std::unique_ptr<Store>(std::move(store));
}

StatusOr<std::unique_ptr<Store>> OpenPgStoreAt(PgEndpoint endpoint, const StoreOptions& options,
                                               const std::string& where,
                                               const std::string& session_sql) {
  if (options.faults != nullptr) {
    return Status::InvalidArgument(
        "postgres: no fault injection (the server does its own I/O, outside listbench's seams)");
  }
  auto store = std::make_unique<PgStore>(nullptr, std::move(endpoint), where, options);
  store->SetSessionSql(session_sql);
  LB_RETURN_IF_ERROR(store->Open(/*create=*/false));
  return std::unique_ptr<Store>(std::move(store));
}

Status ClonePgStore(const std::string& src_dir, const std::string& dst_dir) {
  if (IsExternalPgStore(src_dir)) return ClonePgExternal(src_dir, dst_dir);
  std::error_code ec;
  if (!fs::exists(fs::path(PgDataPath(src_dir)) / "PG_VERSION", ec)) {
    return Status::NotFound(src_dir + ": no listbench PostgreSQL store");
  }
  if (fs::exists(dst_dir, ec)) return Status::InvalidArgument(dst_dir + ": already exists");
  fs::copy(src_dir, dst_dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) return Status::IOError(fmt::format("copy {} to {}: {}", src_dir, dst_dir, ec.message()));
  fs::remove(fs::path(PgDataPath(dst_dir)) / "postmaster.pid", ec);
  fs::permissions(PgDataPath(dst_dir), fs::perms::owner_all, fs::perm_options::replace, ec);
  return ChownPgCluster(PgDataPath(dst_dir));
}

}  // namespace listbench
