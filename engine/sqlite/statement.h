// Statement: one prepared SQLite statement, prepared once and reused
// (sqlite3_reset + sqlite3_clear_bindings between uses), that counts its work
// into a WorkCounters (core/io_stats.h WorkStats):
//   queries      += 1 per execution: at its first Step since it was prepared
//                   or last Reset, whatever that step answers (a row, done,
//                   or an error such as SQLITE_BUSY) -- one statement sent to
//                   the database, transaction control (BEGIN, COMMIT,
//                   ROLLBACK) included; a Step refused for a bind error
//                   never reached SQLite and counts nothing;
//   rows_read    += 1 per SQLITE_ROW;
//   rows_written += the rows its INSERT, UPDATE or DELETE changed, when it
//                   reaches SQLITE_DONE (the change of the connection's
//                   sqlite3_total_changes64() since its first step; the
//                   schema has no triggers or foreign-key actions, which
//                   that would include).
//
// Use one statement at a time through a Statement::Scope, which resets it
// (ending any read it holds open) when it goes out of scope.
//
// Thread safety: none: a statement belongs to one connection, and is used
// only by the one thread that holds that connection (the store's pool hands
// a connection to one request at a time). Its WorkCounters may be shared
// (they are atomic).
#ifndef LISTBENCH_ENGINE_SQLITE_STATEMENT_H_
#define LISTBENCH_ENGINE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/io_stats.h"
#include "core/status.h"

namespace listbench {

class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // REQUIRES: not yet prepared. `stats` may be null (nothing is counted) and
  // must outlive the statement.
  Status Prepare(sqlite3* db, const char* sql, WorkCounters* stats);

  // Bind parameter `i` (1-based). A bind error is reported by the next Step.
  void BindInt(int i, int64_t v);
  void BindText(int i, std::string_view v);
  void BindNull(int i);

  // Steps once: true when a result row is ready, false when the statement
  // finished; non-OK on an SQLite error. The first Step after Prepare or
  // Reset counts the statement's one query.
  StatusOr<bool> Step();
  // Steps a statement that returns no rows to completion.
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const;

  // Resets the statement and clears its bindings; its next Step is a new
  // execution (counted again).
  void Reset();

  // Resets `s` on destruction.
  class Scope {
   public:
    explicit Scope(Statement& s) : s_(s) {}
    ~Scope() { s_.Reset(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Statement& s_;
  };

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  WorkCounters* stats_ = nullptr;
  int bind_rc_ = SQLITE_OK;
  bool stepped_ = false;        // stepped since Prepare or the last Reset (counted)
  int64_t changes_before_ = 0;  // sqlite3_total_changes64() at that first step
};

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_STATEMENT_H_
