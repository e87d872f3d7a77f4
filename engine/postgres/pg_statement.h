// PgStatement: one statement prepared once on one PostgreSQL connection
// (PQprepare) and executed with text parameters (PQexecPrepared), with the
// interface of the SQLite Statement (engine/sqlite/statement.h), so that the
// normalized design's shared requests (engine/sql/normalized_ops.h) run on
// either. The SQL is the shared SQL: its SQLite-style parameters ?N are sent
// as PostgreSQL's $N. Counts its work into a WorkCounters as the SQLite
// statement does:
//   queries      += 1 per execution (one round trip to the server), at its
//                   first Step since Prepare or the last Reset, whatever the
//                   server answers;
//   rows_read    += the rows it returned;
//   rows_written += the rows its INSERT or UPDATE changed (PQcmdTuples).
// The whole result of an execution arrives at its first Step; later Steps
// walk it.
//
// Errors: the SQLSTATE of the last failure is kept on the connection
// (PgConnection::last_sqlstate) for the store's retry decision; the Status
// is Conflict for an integrity violation (class 23), InvalidArgument for a
// data or syntax error (classes 22, 42), IOError otherwise (a lost
// connection, a server that is gone, a serialization failure).
//
// Thread safety: none: a statement belongs to one connection, used by one
// thread at a time.
#ifndef LISTBENCH_ENGINE_POSTGRES_PG_STATEMENT_H_
#define LISTBENCH_ENGINE_POSTGRES_PG_STATEMENT_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/io_stats.h"
#include "core/status.h"

namespace listbench {

// One libpq connection and what its statements share.
struct PgConnection {
  PGconn* conn = nullptr;
  int next_statement = 0;     // names s0, s1, ... of its prepared statements
  std::string last_sqlstate;  // of the last failed execution; "" after success
  ~PgConnection();            // PQfinish
};

// Connects with `conninfo`; IOError with the server's one-line message.
StatusOr<std::unique_ptr<PgConnection>> ConnectPg(const std::string& conninfo);

// A libpq connection-parameter value, quoted when it must be.
std::string PgConnValue(const std::string& v);

// Whether a connection to `conninfo` is established within `timeout_ms` (a
// failure detector's probe; libpq's own connect_timeout counts whole
// seconds, at least 2).
bool PgAnswers(const std::string& conninfo, int timeout_ms = 1000);

// The Status of a failed result (or a null one), naming `context`; sets
// c->last_sqlstate.
Status FromPg(PgConnection* c, const PGresult* res, std::string_view context);

// Runs `sql` (no parameters, any number of statements) on `c`; OK when the
// last result is a command or tuples result.
Status ExecPg(PgConnection* c, const std::string& sql);

// The SQL with SQLite-style numbered parameters ?N rewritten as $N (outside
// string literals).
std::string PgParameterSql(std::string_view sql);

class PgStatement {
 public:
  PgStatement() = default;
  ~PgStatement();
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;

  // REQUIRES: not yet prepared. `stats` may be null and must outlive it.
  Status Prepare(PgConnection* c, const char* sql, WorkCounters* stats);

  void BindInt(int i, int64_t v);
  void BindText(int i, std::string_view v);
  void BindNull(int i);

  // Executes at the first Step after Prepare or Reset; true while a result
  // row is current.
  StatusOr<bool> Step();
  // Executes a statement that returns no rows.
  Status Run();

  int64_t Int(int col) const;
  bool IsNull(int col) const;
  std::string Text(int col) const;

  void Reset();

  class Scope {
   public:
    explicit Scope(PgStatement& s) : s_(s) {}
    ~Scope() { s_.Reset(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    PgStatement& s_;
  };

 private:
  Status Execute();

  PgConnection* c_ = nullptr;
  std::string name_;
  std::string sql_;
  WorkCounters* stats_ = nullptr;
  std::vector<std::optional<std::string>> params_;
  PGresult* res_ = nullptr;
  bool executed_ = false;
  int row_ = -1;  // the current row of res_
};

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_POSTGRES_PG_STATEMENT_H_
