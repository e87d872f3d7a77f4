// kSqliteBlocking and kSqliteBatched (engine/schema_change.h): the field is a
// new column, its backfill one UPDATE (blocking) or many small ones
// (batched), and the listings inserted after the ALTER get their value from
// a trigger, which plays the application's new write path (the store's own
// INSERT does not know the column). kSqliteLazy: the field is a VIRTUAL
// generated column over the same expression, added in one short
// transaction; SQLite computes it whenever a row is read, so there is
// neither a backfill nor a trigger.
#include "engine/sqlite/sqlite_schema_change.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/sqlite/counting_vfs.h"
#include "engine/sqlite/schema.h"
#include "engine/sqlite/sqlite_error.h"
#include "engine/sqlite/sqlite_store.h"
#include "engine/sqlite/sqlite_store_impl.h"
#include "engine/sqlite/statement.h"

namespace listbench {
namespace {

constexpr const char* kAddColumnSql = "ALTER TABLE listings ADD COLUMN energy_rating TEXT";
constexpr const char* kAnyMissingSql =
    "SELECT EXISTS(SELECT 1 FROM listings WHERE energy_rating IS NULL)";

// kSqliteLazy's column: derived from the row's id whenever it is read.
std::string AddGeneratedColumnSql() {
  return fmt::format(
      "ALTER TABLE listings ADD COLUMN energy_rating TEXT GENERATED ALWAYS AS ({}) VIRTUAL",
      kEnergyRatingSql);
}

std::string TriggerSql() {
  return fmt::format(
      "CREATE TRIGGER listings_energy_rating AFTER INSERT ON listings "
      "WHEN NEW.energy_rating IS NULL BEGIN "
      "UPDATE listings SET energy_rating = {} WHERE id = NEW.id; END",
      kEnergyRatingSql);
}

std::string BackfillAllSql() {
  return fmt::format("UPDATE listings SET energy_rating = {}", kEnergyRatingSql);
}

// The next ?2 listings still without the field from id ?1 on, in id order;
// returns their ids.
std::string BackfillBatchSql() {
  return fmt::format(
      "UPDATE listings SET energy_rating = {} WHERE id IN "
      "(SELECT id FROM listings WHERE energy_rating IS NULL AND id >= ?1 ORDER BY id LIMIT ?2) "
      "RETURNING id",
      kEnergyRatingSql);
}

class SqliteSchemaChange final : public SchemaChange {
 public:
  SqliteSchemaChange(std::unique_ptr<CountingVfs> vfs, SchemaChangeMethod method,
                     const SchemaChangeOptions& options)
      : vfs_(std::move(vfs)), method_(method), options_(options) {}
  ~SqliteSchemaChange() override {
    batch_.reset();  // finalize before closing
    sqlite3_close(db_);
  }

  Status Open(const std::string& path);
  StatusOr<bool> Step() override;
  StatusOr<SchemaChangeCheck> Verify(uint64_t sample) override;

 private:
  enum class Phase { kAddColumn, kBackfill, kCheck, kDone };

  StatusOr<bool> StepOnce();
  // Runs `body` in BEGIN IMMEDIATE ... COMMIT; rolls back on failure.
  template <typename Body>
  Status InWriteTransaction(Body body);
  // The method's one write transaction that adds the column: the ALTER and
  // the trigger (kSqliteBlocking: and the one big UPDATE); kSqliteLazy: the
  // ALTER of the generated column alone.
  Status AddColumn();
  // One batch of the current pass; returns the rows it filled.
  StatusOr<uint64_t> BackfillBatch();

  std::unique_ptr<CountingVfs> vfs_;  // outlives the connection
  const SchemaChangeMethod method_;
  const SchemaChangeOptions options_;
  sqlite3* db_ = nullptr;
  Phase phase_ = Phase::kAddColumn;
  int64_t cursor_ = std::numeric_limits<int64_t>::min();  // the pass resumes at this id
  std::unique_ptr<Statement> batch_;                      // prepared after the ALTER
};

Status SqliteSchemaChange::Open(const std::string& path) {
  LB_RETURN_IF_ERROR(
      OpenSqliteConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, vfs_->name(), &db_));
  LB_RETURN_IF_ERROR(CheckFormat(db_, path));
  const int rc = sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_, "busy_timeout");
  return ExecSql(db_, fmt::format("PRAGMA synchronous = {}; PRAGMA cache_size = -{};",
                                  options_.durable ? "FULL" : "NORMAL",
                                  std::max<size_t>(options_.cache_bytes / 1024, 64))
                          .c_str());
}

template <typename Body>
Status SqliteSchemaChange::InWriteTransaction(Body body) {
  LB_RETURN_IF_ERROR(ExecSql(db_, "BEGIN IMMEDIATE"));
  Status s = body();
  if (s.ok()) s = ExecSql(db_, "COMMIT");
  if (!s.ok() && sqlite3_get_autocommit(db_) == 0) (void)ExecSql(db_, "ROLLBACK");
  return s;
}

StatusOr<bool> SqliteSchemaChange::Step() {
  StatusOr<bool> done = TimedStep([this] { return StepOnce(); });
  stats_.write_bytes = vfs_->Snapshot().write_bytes;
  return done;
}

StatusOr<bool> SqliteSchemaChange::StepOnce() {
  switch (phase_) {
    case Phase::kAddColumn: {
      LB_RETURN_IF_ERROR(AddColumn());
      phase_ = method_ == SchemaChangeMethod::kSqliteBatched ? Phase::kBackfill : Phase::kDone;
      return phase_ == Phase::kDone;
    }
    case Phase::kBackfill: {
      StatusOr<uint64_t> n = BackfillBatch();
      if (!n.ok()) return n.status();
      return false;
    }
    case Phase::kCheck: {
      // A read: it does not hold the write lock. With the trigger in place
      // nothing new can lack the field, so this normally ends the change.
      Statement any;
      LB_RETURN_IF_ERROR(any.Prepare(db_, kAnyMissingSql, nullptr));
      StatusOr<bool> row = any.Step();
      if (!row.ok()) return row.status();
      if (*row && any.Int(0) != 0) {
        cursor_ = std::numeric_limits<int64_t>::min();
        phase_ = Phase::kBackfill;
        return false;
      }
      phase_ = Phase::kDone;
      return true;
    }
    case Phase::kDone:
      break;
  }
  return true;
}

Status SqliteSchemaChange::AddColumn() {
  int64_t filled = 0;
  LB_RETURN_IF_ERROR(InWriteTransaction([&]() -> Status {
    if (method_ == SchemaChangeMethod::kSqliteLazy) {
      return ExecSql(db_, AddGeneratedColumnSql().c_str());
    }
    LB_RETURN_IF_ERROR(ExecSql(db_, kAddColumnSql));
    LB_RETURN_IF_ERROR(ExecSql(db_, TriggerSql().c_str()));
    if (method_ != SchemaChangeMethod::kSqliteBlocking) return Status::OK();
    LB_RETURN_IF_ERROR(ExecSql(db_, BackfillAllSql().c_str()));
    filled = sqlite3_changes64(db_);
    return Status::OK();
  }));
  stats_.rows_upgraded += static_cast<uint64_t>(filled);
  return Status::OK();
}

StatusOr<uint64_t> SqliteSchemaChange::BackfillBatch() {
  if (batch_ == nullptr) {
    auto s = std::make_unique<Statement>();
    LB_RETURN_IF_ERROR(s->Prepare(db_, BackfillBatchSql().c_str(), nullptr));
    batch_ = std::move(s);
  }
  uint64_t n = 0;
  int64_t last = cursor_;
  LB_RETURN_IF_ERROR(InWriteTransaction([&]() -> Status {
    Statement::Scope scope(*batch_);
    batch_->BindInt(1, cursor_);
    batch_->BindInt(2, static_cast<int64_t>(options_.batch_size));
    for (;;) {
      StatusOr<bool> row = batch_->Step();
      if (!row.ok()) return row.status();
      if (!*row) return Status::OK();
      ++n;
      last = std::max(last, batch_->Int(0));
    }
  }));
  stats_.rows_upgraded += n;
  if (n < options_.batch_size || last == std::numeric_limits<int64_t>::max()) {
    phase_ = Phase::kCheck;  // the pass reached the end of the table
  } else {
    cursor_ = last + 1;
  }
  return n;
}

StatusOr<SchemaChangeCheck> SqliteSchemaChange::Verify(uint64_t sample) {
  if (phase_ != Phase::kDone) return Status::InvalidArgument("schema change not complete");
  SchemaChangeCheck c;
  std::vector<int64_t> ids;
  // kSqliteLazy's rows store no value: a reader's is derived on read.
  const bool derived = method_ == SchemaChangeMethod::kSqliteLazy;
  {
    Statement all;
    LB_RETURN_IF_ERROR(
        all.Prepare(db_, "SELECT id, energy_rating FROM listings ORDER BY id", nullptr));
    for (;;) {
      StatusOr<bool> row = all.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const int64_t id = all.Int(0);
      ids.push_back(id);
      ++c.listings;
      if (all.IsNull(1)) {
        ++c.missing;
        ++c.stored_v1;
        continue;
      }
      ++(derived ? c.stored_v1 : c.stored_v2);
      const std::string v = all.Text(1);
      if (v.size() != 1 || v[0] != EnergyRatingFor(static_cast<EntityId>(id))) ++c.wrong;
    }
  }
  if (sample == 0 || ids.empty()) return c;
  Statement one;
  LB_RETURN_IF_ERROR(one.Prepare(db_, "SELECT energy_rating FROM listings WHERE id = ?1", nullptr));
  const size_t stride = std::max<size_t>(1, ids.size() / sample);
  for (size_t i = 0; i < ids.size(); i += stride) {
    Statement::Scope scope(one);
    one.BindInt(1, ids[i]);
    StatusOr<bool> row = one.Step();
    if (!row.ok()) return row.status();
    ++c.sampled;
    const bool ok = *row && !one.IsNull(0) && one.Text(0).size() == 1 &&
                    one.Text(0)[0] == EnergyRatingFor(static_cast<EntityId>(ids[i]));
    if (!ok) ++c.sample_mismatches;
  }
  return c;
}

}  // namespace

StatusOr<std::unique_ptr<SchemaChange>> NewSqliteSchemaChange(const std::string& dir,
                                                              SchemaChangeMethod method,
                                                              const SchemaChangeOptions& options) {
  if (method != SchemaChangeMethod::kSqliteBlocking &&
      method != SchemaChangeMethod::kSqliteBatched && method != SchemaChangeMethod::kSqliteLazy) {
    return Status::NotSupported("not a schema change method for SQLite stores");
  }
  if (options.batch_size == 0) return Status::InvalidArgument("batch size must be at least 1");
  const std::string path = SqliteDbPath(dir);
  if (!SqliteDatabaseExists(path)) return Status::NotFound(path + ": no listbench SQLite store");
  StatusOr<std::unique_ptr<CountingVfs>> vfs = CountingVfs::Create();
  if (!vfs.ok()) return vfs.status();
  auto change = std::make_unique<SqliteSchemaChange>(std::move(*vfs), method, options);
  LB_RETURN_IF_ERROR(change->Open(path));
  return std::unique_ptr<SchemaChange>(std::move(change));
}

}  // namespace listbench
