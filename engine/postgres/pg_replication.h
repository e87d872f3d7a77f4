// A primary and a streaming standby of one PostgreSQL store, for
// `listbench failover` (bench/drivers/failover.h): real streaming
// replication from a base backup (pg_basebackup), a SIGKILL of every process
// of the primary, promotion of the standby (pg_promote) and the old
// primary's return as a standby of the new one (pg_rewind).
//
// Replication modes: synchronous -- the primary runs with
// synchronous_standby_names = '*' and synchronous_commit = remote_apply, so a
// COMMIT returns once the standby has applied it (an acknowledged write is
// readable on the standby); asynchronous -- synchronous_commit = on with no
// synchronous standby: a COMMIT returns once the primary's own WAL is
// flushed, and the standby follows as fast as it streams. After a
// promotion the new primary runs without a synchronous standby (there is
// none until the old primary rejoins), as a failover manager does unless it
// is told to stop writes instead.
//
// Thread safety: none; one thread drives the pair. The servers' connection
// strings may be read from any thread (they do not change).
#ifndef LISTBENCH_ENGINE_POSTGRES_PG_REPLICATION_H_
#define LISTBENCH_ENGINE_POSTGRES_PG_REPLICATION_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "engine/postgres/pg_server.h"

namespace listbench {

enum class PgReplication { kAsync, kSync };

class PgReplicatedPair {
 public:
  // Starts a primary on the existing cluster `primary_pgdata` with
  // replication settings, takes a base backup into `standby_pgdata` (which
  // must not exist) and starts it as a streaming standby; in synchronous
  // mode, returns once the standby is the synchronous one.
  // `route`, when set, gives the connection string the standby reaches the
  // started primary with (a proxy in front of its socket, for network
  // faults on the replication link); by default its own ConnInfo.
  using Route = std::function<StatusOr<std::string>(const PgServer& primary)>;
  static StatusOr<std::unique_ptr<PgReplicatedPair>> Start(const std::string& primary_pgdata,
                                                           const std::string& standby_pgdata,
                                                           PgReplication mode,
                                                           const PgServerOptions& options,
                                                           const Route& route = {});
  ~PgReplicatedPair();  // stops whatever still runs

  PgServer& primary() { return *primary_; }
  PgServer& standby() { return *standby_; }

  // A machine failure of the primary: SIGKILL to the postmaster and each of
  // its processes at once (PgServer::Kill);
  // nothing is flushed or shut down. *killed_at: when the signals began.
  Status KillPrimary(std::chrono::steady_clock::time_point* killed_at);
  // Whether the primary was killed (KillPrimary) and not yet replaced.
  bool primary_killed() const { return !old_primary_pgdata_.empty(); }
  // Promotes the standby (SELECT pg_promote(true)) and returns once it
  // accepts writes.
  Status Promote();
  // After a promotion: rewinds the old primary's cluster to the new
  // primary's history (pg_rewind, which first runs crash recovery on it),
  // starts it as a standby of the new primary and returns once it streams
  // from it. The pair's roles swap.
  Status RejoinOldPrimary();
  // Whether every table of the store holds the same rows on both servers,
  // once the standby has replayed everything the primary wrote (a hash of
  // each table's rows in key order, compared).
  StatusOr<bool> SameContent(const std::string& dbname);

 private:
  PgReplicatedPair(PgReplication mode, PgServerOptions options)
      : mode_(mode), options_(std::move(options)) {}

  const PgReplication mode_;
  const PgServerOptions options_;
  std::unique_ptr<PgServer> primary_, standby_;
  std::string old_primary_pgdata_;  // set by KillPrimary
};

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_POSTGRES_PG_REPLICATION_H_
