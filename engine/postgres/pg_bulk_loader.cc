// The PostgreSQL store's bulk path: rows are kept per table as COPY text and
// sent with COPY ... FROM STDIN whenever a table's buffer passes
// kFlushBytes, and at Finish; the foreign keys and indexes come after the
// rows (dropped first), then VACUUM (ANALYZE) and a CHECKPOINT, so that the
// load is on disk, planned for and free of hint-bit writes.
#include <fmt/format.h>

#include <array>
#include <memory>
#include <string>

#include "engine/postgres/pg_schema.h"
#include "engine/postgres/pg_store_impl.h"

namespace listbench {
namespace {

constexpr size_t kFlushBytes = size_t{8} << 20;

enum Table { kTenants, kLandlords, kListings, kImages, kApplicants, kApplications, kPayments };
constexpr std::array<const char*, 7> kCopySql = {
    "COPY tenants(id, name, country, currency, gateway) FROM STDIN",
    "COPY landlords(id, tenant_id, name, email, rating, created) FROM STDIN",
    "COPY listings(id, tenant_id, landlord_id, city, postcode, price, bedrooms, title, "
    "description, status, created, updated, version) FROM STDIN",
    "COPY listing_images(listing_id, position, url, width, height, bytes) FROM STDIN",
    "COPY applicants(id, tenant_id, name, email, income) FROM STDIN",
    "COPY applications(id, tenant_id, listing_id, applicant_id, status, submitted, updated) "
    "FROM STDIN",
    "COPY payments(id, tenant_id, application_id, amount, currency, gateway, status, created) "
    "FROM STDIN"};

// One row of COPY text, built with the Bind* of engine/sql/rows.h.
class CopyRow {
 public:
  explicit CopyRow(std::string* out) : out_(out) {}
  void BindInt(int i, int64_t v) { Field(i, std::to_string(v)); }
  void BindText(int i, std::string_view v) {
    std::string e;
    e.reserve(v.size());
    for (char c : v) {
      switch (c) {
        case '\\':
          e += "\\\\";
          break;
        case '\t':
          e += "\\t";
          break;
        case '\n':
          e += "\\n";
          break;
        case '\r':
          e += "\\r";
          break;
        default:
          e += c;
      }
    }
    Field(i, e);
  }
  void End() { *out_ += '\n'; }

 private:
  void Field(int i, const std::string& v) {
    if (i > 1) *out_ += '\t';
    *out_ += v;
  }
  std::string* out_;
};

class PgBulkLoader : public BulkLoader {
 public:
  PgBulkLoader(PgConnection* c, WorkCounters* stats, SqliteSchema schema)
      : c_(c), stats_(stats), schema_(schema) {
    status_ = c_ == nullptr ? Status::IOError("postgres bulk loader: the connection was lost")
                            : DropPgIndexesAndKeys(c_);
  }

  Status AddTenant(const Tenant& t) override {
    return Add(kTenants, [&](CopyRow& r) { BindTenant(r, t); });
  }
  Status AddLandlord(const Landlord& l) override {
    return Add(kLandlords, [&](CopyRow& r) { BindLandlord(r, l); });
  }
  Status AddListing(const Listing& l, std::span<const Image> images) override {
    LB_RETURN_IF_ERROR(Add(kListings, [&](CopyRow& r) { BindListing(r, l); }));
    for (const Image& i : images) {
      LB_RETURN_IF_ERROR(Add(kImages, [&](CopyRow& r) { BindImage(r, i); }));
    }
    return Status::OK();
  }
  Status AddApplicant(const Applicant& a) override {
    return Add(kApplicants, [&](CopyRow& r) { BindApplicant(r, a); });
  }
  Status AddApplication(const Application& a) override {
    return Add(kApplications, [&](CopyRow& r) { BindApplication(r, a); });
  }
  Status AddPayment(const Payment& p) override {
    return Add(kPayments, [&](CopyRow& r) { BindPayment(r, p); });
  }

  Status Finish() override {
    LB_RETURN_IF_ERROR(status_);
    status_ = Status::InvalidArgument("postgres bulk loader used after Finish");
    for (size_t t = 0; t < buffers_.size(); ++t) LB_RETURN_IF_ERROR(Flush(t));
    LB_RETURN_IF_ERROR(AddPgForeignKeys(c_));
    LB_RETURN_IF_ERROR(CreatePgIndexes(c_, schema_));
    LB_RETURN_IF_ERROR(ExecPg(c_, "VACUUM (FREEZE, ANALYZE)"));
    return ExecPg(c_, "CHECKPOINT");
  }

 private:
  template <typename Fn>
  Status Add(Table t, Fn bind) {
    LB_RETURN_IF_ERROR(status_);
    CopyRow row(&buffers_[t]);
    bind(row);
    row.End();
    ++rows_[t];
    if (buffers_[t].size() >= kFlushBytes) return status_ = Flush(t);
    return Status::OK();
  }

  // Sends table t's buffered rows in one COPY.
  Status Flush(size_t t) {
    if (buffers_[t].empty()) return Status::OK();
    std::unique_ptr<PGresult, decltype(&PQclear)> start(PQexec(c_->conn, kCopySql[t]), PQclear);
    if (start == nullptr || PQresultStatus(start.get()) != PGRES_COPY_IN) {
      return FromPg(c_, start.get(), kCopySql[t]);
    }
    const std::string& b = buffers_[t];
    const bool sent = PQputCopyData(c_->conn, b.data(), static_cast<int>(b.size())) == 1;
    PQputCopyEnd(c_->conn, sent ? nullptr : "listbench: could not send the rows");
    std::unique_ptr<PGresult, decltype(&PQclear)> end(PQgetResult(c_->conn), PQclear);
    while (PGresult* extra = PQgetResult(c_->conn)) PQclear(extra);
    if (end == nullptr || PQresultStatus(end.get()) != PGRES_COMMAND_OK) {
      return FromPg(c_, end.get(), kCopySql[t]);
    }
    stats_->AddQueries(1);
    stats_->AddRowsWritten(rows_[t]);
    buffers_[t].clear();
    rows_[t] = 0;
    return Status::OK();
  }

  PgConnection* const c_;
  WorkCounters* const stats_;
  const SqliteSchema schema_;
  Status status_;  // the first failure; sticks
  std::array<std::string, 7> buffers_;
  std::array<uint64_t, 7> rows_{};
};

}  // namespace

std::unique_ptr<BulkLoader> NewPgBulkLoader(PgConnection* c, WorkCounters* stats,
                                            SqliteSchema schema) {
  return std::make_unique<PgBulkLoader>(c, stats, schema);
}

}  // namespace listbench
