#include "engine/sqlite/statement.h"

#include "engine/sqlite/sqlite_error.h"

namespace listbench {

Statement::~Statement() { sqlite3_finalize(stmt_); }

Status Statement::Prepare(sqlite3* db, const char* sql, WorkCounters* stats) {
  db_ = db;
  stats_ = stats;
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db, std::string("prepare ") + sql);
  return Status::OK();
}

void Statement::BindInt(int i, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindText(int i, std::string_view v) {
  int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindNull(int i) {
  int rc = sqlite3_bind_null(stmt_, i);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

StatusOr<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return FromSqlite(bind_rc_, db_, sqlite3_sql(stmt_));
  if (!stepped_) {
    stepped_ = true;
    changes_before_ = sqlite3_total_changes64(db_);
    if (stats_ != nullptr) stats_->AddQueries(1);
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    if (stats_ != nullptr) stats_->AddRowsRead(1);
    return true;
  }
  if (rc == SQLITE_DONE) {
    // What this execution changed: sqlite3_changes64() would also report
    // the last INSERT/UPDATE/DELETE's count after BEGIN IMMEDIATE or COMMIT.
    if (stats_ != nullptr) {
      stats_->AddRowsWritten(static_cast<uint64_t>(sqlite3_total_changes64(db_) - changes_before_));
    }
    return false;
  }
  return FromSqlite(rc, db_, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  StatusOr<bool> r = Step();
  if (!r.ok()) return r.status();
  if (*r) return Status::Corruption(std::string("unexpected row from ") + sqlite3_sql(stmt_));
  return Status::OK();
}

std::string Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
  stepped_ = false;
}

}  // namespace listbench
