// SqliteStore: the Store of engine/sqlite/sqlite_store.h. Internal to the
// engine; split over sqlite_store.cc (opening, settings, maintenance, the
// entity scan), sqlite_reads.cc (R1-R5), sqlite_writes.cc (W1-W5) and
// sqlite_entities.cc (the migration's GetEntity and PutEntity).
//
// Thread safety: as Store (not safe for concurrent use).
#ifndef LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_IMPL_H_
#define LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_IMPL_H_

#include <sqlite3.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/store.h"
#include "core/store_options.h"
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

class SqliteStore final : public Store {
 public:
  // `path` is the database file; the store opens it through `vfs`.
  SqliteStore(std::unique_ptr<CountingVfs> vfs, std::string path, const StoreOptions& options);
  ~SqliteStore() override;

  // Opens the connection, sets it up and, when `create`, creates the schema.
  Status Open(bool create);

  std::string_view Name() const override { return "sqlite"; }
  std::unique_ptr<BulkLoader> NewBulkLoader() override;

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
  StatusOr<uint64_t> DiskBytes() override;
  IoStats io_stats() const override { return vfs_->Snapshot(); }
  WorkStats work_stats() const override { return work_.Snapshot(); }

 private:
  struct Statements {
    Statement listing_detail, listing_images, landlord, portfolio, search, applicant,
        applicant_applications, applicant_payments, listing_applications;
    Statement listing_state, applicant_exists, landlord_exists, application_status,
        listing_id_taken, application_id_taken, payment_id_taken, tenant_exists, landlord_id_taken;
    Statement insert_application, insert_payment, insert_listing, insert_image,
        set_application_status, update_listing, insert_tenant, insert_landlord;
    Statement scan[kNumEntityKinds];  // ScanEntities, by EntityKind
    Statement get[kNumEntityKinds];   // GetEntity, by EntityKind
    Statement listing_version, application_status_by_id, applicant_id_taken, image_exists,
        replace_listing_state, insert_applicant;  // PutEntity
    Statement begin, commit, rollback;            // not counted as work
  };

  // The per-connection settings the options ask for.
  std::string SettingsSql(bool with_cache) const;
  Status Prepare();

  // Runs `body` in BEGIN IMMEDIATE ... COMMIT; rolls back unless everything
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
  void Recover();

  // PutEntity's body for one kind, inside its transaction: sets *applied
  // when it wrote (sqlite_entities.cc).
  Status PutEntityRow(const Tenant& t, bool* applied);
  Status PutEntityRow(const Landlord& l, bool* applied);
  Status PutEntityRow(const Listing& l, bool* applied);
  Status PutEntityRow(const Image& i, bool* applied);
  Status PutEntityRow(const Applicant& a, bool* applied);
  Status PutEntityRow(const Application& a, bool* applied);
  Status PutEntityRow(const Payment& p, bool* applied);

  // Steps a single-row lookup: true if it found a row (left readable until
  // the caller's Scope resets `s`).
  static StatusOr<bool> Found(Statement& s) { return s.Step(); }
  // Reads every remaining row of `s` with `read`.
  template <typename Fn>
  static Status ForEachRow(Statement& s, Fn read);
  // Whether a single-row lookup on (id[, tenant]) finds a row.
  static StatusOr<bool> Exists(Statement& s, EntityId id);
  static StatusOr<bool> Exists(Statement& s, EntityId id, TenantId tenant);

  std::unique_ptr<CountingVfs> vfs_;  // outlives the connection
  const std::string path_;
  const StoreOptions options_;
  sqlite3* db_ = nullptr;
  WorkCounters work_;
  std::unique_ptr<Statements> stmts_;
};

template <typename Body>
Status SqliteStore::InTransaction(Body body) {
  Statements& s = *stmts_;
  Status st = s.begin.Run();
  s.begin.Reset();
  if (st.ok()) st = body();
  if (st.ok()) {
    st = s.commit.Run();
    s.commit.Reset();
  }
  if (!st.ok()) Recover();
  return st;
}

template <typename Fn>
Status SqliteStore::ForEachRow(Statement& s, Fn read) {
  for (;;) {
    StatusOr<bool> row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
    read(s);
  }
}

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_IMPL_H_
