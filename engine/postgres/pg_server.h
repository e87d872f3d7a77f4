// A throwaway PostgreSQL server that listbench creates, starts and stops
// itself: a cluster made with initdb in a directory of its own, a postgres
// process that is this process's child, listening on a Unix socket in a
// fresh short directory and on a free TCP port of 127.0.0.1, and two libpq
// helpers to create and drop databases in it.
//
// Running as root: PostgreSQL refuses to run as root, so the cluster is
// created and the server run as Debian's unprivileged `postgres` system user;
// the cluster's files belong to it, and every ancestor directory of the
// cluster must be traversable by it.
//
// Thread safety: the free functions may be called from any thread. A
// PgServer is not safe for concurrent use; its const accessors are. Start
// forks from a multithreaded program safely (only async-signal-safe calls
// between fork and exec), but the server is told to shut down when the
// *thread* that called Start exits (Linux's parent-death signal follows the
// forking thread): call Start from a thread that outlives the server (in
// listbench, the main thread). Start and Stop wait for their own child only;
// nothing else in the process may reap it (no waitpid(-1), no SIGCHLD
// ignored).
#ifndef LISTBENCH_ENGINE_POSTGRES_PG_SERVER_H_
#define LISTBENCH_ENGINE_POSTGRES_PG_SERVER_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace listbench {

// Where the PostgreSQL server binaries are: $LISTBENCH_PG_BINDIR if set,
// else the highest /usr/lib/postgresql/<N>/bin holding `postgres`. NotFound
// naming what was searched and "run scripts/setup.sh" otherwise.
StatusOr<std::string> PgBinDir();

// How initdb makes a cluster.
struct PgInitOptions {
  // false: initdb --no-sync (faster, for tests; a machine crash may then
  // lose the new cluster).
  bool sync_files = true;
};

// Creates a new cluster in `pgdata`: initdb -E UTF8 --locale=C (byte order
// for text, as SQLite and RocksDB compare) --username=listbench
// --auth=trust --data-checksums (every page checked when read; pg_rewind
// needs them or wal_log_hints), no password. initdb's output goes to pgdata/../initdb.log.
// When this process runs as root, the cluster belongs to the `postgres`
// system user and initdb runs as it.
// REQUIRES: `pgdata` does not exist and its parent does.
// Errors (one line, naming the directory): InvalidArgument when `pgdata`
// exists, its parent does not, or (as root) an ancestor directory is not
// traversable by the server user (the first such directory is named);
// NotFound without binaries or (as root) without the `postgres` user;
// IOError when initdb fails (with the log's last lines; `pgdata` is removed).
Status InitPgCluster(const std::string& pgdata, const PgInitOptions& options = {});

// Fixes ownership after the cluster directory was copied by this (root)
// process: chowns `pgdata` and everything under it to the server user.
// No-op when not root. IOError naming the first file it could not chown.
Status ChownPgCluster(const std::string& pgdata);

// Runs the PostgreSQL tool `tool` (pg_basebackup, pg_rewind, ...) of
// PgBinDir() with `args`, as the server user when root, its output appended
// to `log_path`, and waits for it. IOError with the log's last lines when it
// fails.
Status RunPgTool(const std::string& tool, const std::vector<std::string>& args,
                 const std::string& log_path);

// How a server runs.
struct PgServerOptions {
  size_t shared_buffers_bytes = 64 << 20;
  // fsync=on and synchronous_commit=on; false: synchronous_commit=off (a
  // commit returns before its WAL is flushed; fsync stays on, so a crash
  // loses recent commits but never corrupts the cluster).
  bool durable = true;
  int max_connections = 100;  // initdb's default, which pg_rewind's recovery runs with
  // More settings, each passed as `-c name=value` after the ones above (so
  // they win).
  std::vector<std::pair<std::string, std::string>> extra_settings;
};

// A postgres server this process started on an existing cluster. Its output
// is appended to pgdata/../postgres.log.
class PgServer {
 public:
  // Starts postgres on the cluster `pgdata` (made by InitPgCluster, or a copy
  // fixed by ChownPgCluster) and waits until it accepts connections (at most
  // 60 s). A stale postmaster.pid left by a killed server is fine.
  // Errors: NotFound without binaries or server user; InvalidArgument when
  // `pgdata` is no cluster or (as root) not reachable by the server user;
  // IOError when the server exits before it is ready, or is not ready in
  // time (it is then stopped), with the log's last lines.
  static StatusOr<std::unique_ptr<PgServer>> Start(const std::string& pgdata,
                                                   const PgServerOptions& options);

  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;
  ~PgServer();  // Stop(), its error ignored

  // Fast shutdown (SIGINT to the postmaster: open transactions roll back, a
  // checkpoint is written), waits for it to exit (60 s, then SIGQUIT, 10 s,
  // then SIGKILL) and removes the socket directory. Idempotent. IOError when
  // the server had to be killed or exited with an error.
  Status Stop();

  // An immediate crash, as of a machine that stops: the postmaster is
  // stopped (SIGSTOP), then it and every one of its processes get SIGKILL
  // within microseconds, so no backend answers a client afterwards; this
  // waits for them (at most 10 s each). `killed_at`, when given, is set to
  // the moment the signals began. The socket directory is removed. After
  // Kill, Stop is a no-op and Start on the same cluster recovers it.
  Status Kill(std::chrono::steady_clock::time_point* killed_at = nullptr);

  // libpq connection strings for database `dbname`, over the Unix socket
  // ("host=<socketdir> port=<port> user=listbench dbname=<dbname>") and
  // over TCP ("host=127.0.0.1 port=<port> ..."). `dbname` is quoted.
  std::string ConnInfo(const std::string& dbname) const;
  std::string TcpConnInfo(const std::string& dbname) const;

  int port() const { return port_; }
  // The postmaster's pid, or -1 once stopped or killed.
  int pid() const { return pid_; }
  const std::string& pgdata() const { return pgdata_; }
  const std::string& socket_dir() const { return socket_dir_; }

 private:
  PgServer(std::string pgdata, std::string socket_dir, int port, int pid)
      : pgdata_(std::move(pgdata)), socket_dir_(std::move(socket_dir)), port_(port), pid_(pid) {}

  std::string pgdata_;
  std::string socket_dir_;
  int port_;
  int pid_;
};

// Creates database `name` (from `template_name`, or the default template when
// empty) through a connection to `conninfo` (a server's ConnInfo("postgres")).
// Names are quoted identifiers. IOError (Corruption for SQLSTATE class XX)
// with the server's message, one line.
Status CreatePgDatabase(const std::string& conninfo, const std::string& name,
                        const std::string& template_name);

// DROP DATABASE IF EXISTS `name` WITH (FORCE): sessions connected to it are
// terminated. Errors as CreatePgDatabase.
Status DropPgDatabase(const std::string& conninfo, const std::string& name);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_POSTGRES_PG_SERVER_H_
