#include "engine/sqlite/sqlite_bulk_loader.h"

#include "engine/sql/rows.h"
#include "engine/sqlite/schema.h"
#include "engine/sqlite/statement.h"

namespace listbench {
namespace {

// Rows per transaction: bounds the WAL while keeping commits rare.
constexpr uint64_t kRowsPerTransaction = 250000;

class SqliteBulkLoader : public BulkLoader {
 public:
  SqliteBulkLoader(sqlite3* db, WorkCounters* stats, std::string restore_pragmas,
                   SqliteSchema schema)
      : db_(db), stats_(stats), restore_pragmas_(std::move(restore_pragmas)), schema_(schema) {
    status_ = Start();
  }

  ~SqliteBulkLoader() override {
    if (sqlite3_get_autocommit(db_) == 0) (void)ExecSql(db_, "ROLLBACK");
    if (!restored_) (void)ExecSql(db_, restore_pragmas_.c_str());
  }

  Status AddTenant(const Tenant& t) override {
    LB_RETURN_IF_ERROR(status_);
    BindTenant(tenant_, t);
    return Insert(tenant_);
  }
  Status AddLandlord(const Landlord& l) override {
    LB_RETURN_IF_ERROR(status_);
    BindLandlord(landlord_, l);
    return Insert(landlord_);
  }
  Status AddListing(const Listing& l, std::span<const Image> images) override {
    LB_RETURN_IF_ERROR(status_);
    BindListing(listing_, l);
    LB_RETURN_IF_ERROR(Insert(listing_));
    for (const Image& i : images) {
      BindImage(image_, i);
      LB_RETURN_IF_ERROR(Insert(image_));
    }
    return Status::OK();
  }
  Status AddApplicant(const Applicant& a) override {
    LB_RETURN_IF_ERROR(status_);
    BindApplicant(applicant_, a);
    return Insert(applicant_);
  }
  Status AddApplication(const Application& a) override {
    LB_RETURN_IF_ERROR(status_);
    BindApplication(application_, a);
    return Insert(application_);
  }
  Status AddPayment(const Payment& p) override {
    LB_RETURN_IF_ERROR(status_);
    BindPayment(payment_, p);
    return Insert(payment_);
  }

  Status Finish() override {
    LB_RETURN_IF_ERROR(status_);
    status_ = Status::InvalidArgument("sqlite bulk loader used after Finish");
    LB_RETURN_IF_ERROR(ExecSql(db_, "COMMIT"));
    LB_RETURN_IF_ERROR(ExecSql(db_, "BEGIN IMMEDIATE"));
    Status s = CreateSecondaryIndexes(db_, schema_);
    LB_RETURN_IF_ERROR(ExecSql(db_, s.ok() ? "COMMIT" : "ROLLBACK"));
    LB_RETURN_IF_ERROR(s);
    LB_RETURN_IF_ERROR(ExecSql(db_, restore_pragmas_.c_str()));
    restored_ = true;
    LB_RETURN_IF_ERROR(ExecSql(db_, "PRAGMA analysis_limit = 1000; ANALYZE;"));
    return ExecSql(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
  }

 private:
  Status Start() {
    LB_RETURN_IF_ERROR(ExecSql(db_, "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;"));
    LB_RETURN_IF_ERROR(ExecSql(db_, "BEGIN IMMEDIATE"));
    LB_RETURN_IF_ERROR(DropSecondaryIndexes(db_));
    LB_RETURN_IF_ERROR(tenant_.Prepare(db_, kInsertTenantSql, stats_));
    LB_RETURN_IF_ERROR(landlord_.Prepare(db_, kInsertLandlordSql, stats_));
    LB_RETURN_IF_ERROR(listing_.Prepare(db_, kInsertListingSql, stats_));
    LB_RETURN_IF_ERROR(image_.Prepare(db_, kInsertImageSql, stats_));
    LB_RETURN_IF_ERROR(applicant_.Prepare(db_, kInsertApplicantSql, stats_));
    LB_RETURN_IF_ERROR(application_.Prepare(db_, kInsertApplicationSql, stats_));
    return payment_.Prepare(db_, kInsertPaymentSql, stats_);
  }

  // Runs a bound INSERT; commits and begins anew every kRowsPerTransaction.
  Status Insert(Statement& s) {
    Status st = s.Run();
    s.Reset();
    if (!st.ok()) return status_ = st;
    if (++rows_in_txn_ >= kRowsPerTransaction) {
      rows_in_txn_ = 0;
      st = ExecSql(db_, "COMMIT; BEGIN IMMEDIATE;");
      if (!st.ok()) return status_ = st;
    }
    return Status::OK();
  }

  sqlite3* const db_;
  WorkCounters* const stats_;
  const std::string restore_pragmas_;
  const SqliteSchema schema_;
  Status status_;          // the first failure; sticks
  bool restored_ = false;  // restore_pragmas_ has run
  uint64_t rows_in_txn_ = 0;
  Statement tenant_, landlord_, listing_, image_, applicant_, application_, payment_;
};

}  // namespace

std::unique_ptr<BulkLoader> NewSqliteBulkLoader(sqlite3* db, WorkCounters* stats,
                                                std::string restore_pragmas, SqliteSchema schema) {
  return std::make_unique<SqliteBulkLoader>(db, stats, std::move(restore_pragmas), schema);
}

}  // namespace listbench
