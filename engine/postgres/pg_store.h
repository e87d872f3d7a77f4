// The normalized design on a PostgreSQL server: the same seven tables, both
// index profiles and the same SQL as the SQLite store (engine/sql/), each
// request on its own connection of a pool (one per concurrent client), with
// statements prepared once per connection and answers byte-identical to the
// other engines'. Round trips to the server are real: every statement is one
// (WorkStats::queries).
//
// A store directory holds the manifest and `pgdata/`, a PostgreSQL cluster
// of its own (initdb'ed by the first open, engine/postgres/pg_server.h).
// Opening the store starts a server on that cluster, listening on a Unix
// socket in a fresh directory and on a free port on 127.0.0.1, run as the
// unprivileged `postgres` user when listbench runs as root; closing the
// store stops it. A server is never assumed to be running.
//
// Durability (StoreOptions::durable): fsync and full_page_writes are always
// on; durable: synchronous_commit=on (a COMMIT returns once its WAL is
// flushed), relaxed: synchronous_commit=off (the WAL writer flushes within
// wal_writer_delay, as SQLite's synchronous=NORMAL leaves the last commits
// to the next checkpoint). shared_buffers is StoreOptions::cache_bytes.
//
// Isolation: writes run SERIALIZABLE and are retried whole (a bounded number
// of times, counted in Tally::retries) when the server reports a
// serialization failure, a deadlock or a unique violation that a
// concurrent insert caused; multi-statement reads run in one REPEATABLE READ
// READ ONLY transaction (one snapshot), as SQLite's read transactions do.
//
// There is no I/O seam in this process: the server does the I/O, so
// io_stats() counts nothing, and StoreOptions::faults must be null
// (InvalidArgument otherwise).
//
// Thread safety: as Store -- safe for concurrent use.
#ifndef LISTBENCH_ENGINE_POSTGRES_PG_STORE_H_
#define LISTBENCH_ENGINE_POSTGRES_PG_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "core/store.h"
#include "core/store_options.h"

namespace listbench {

// The cluster directory inside a PostgreSQL store directory.
inline constexpr const char* kPgDataDirName = "pgdata";
// The database inside the cluster that holds the store.
inline constexpr const char* kPgDatabaseName = "listbench";

// Opens (or, with create_if_missing, creates: initdb, then the schema) the
// store in directory `dir`, which must exist, starting its server.
StatusOr<std::unique_ptr<Store>> OpenPgStore(const std::string& dir, const StoreOptions& options);

// Where the connections of a store on a server it did not start go: the
// connection string of the current primary, asked again whenever a
// connection is opened. Safe to call from any thread.
using PgEndpoint = std::function<std::string()>;

// Opens the existing store in database kPgDatabaseName of a server someone
// else runs (a replicated primary): a connection the server dropped is
// closed when its request ends, and the next request opens a new one at the
// endpoint's current address -- how clients follow a failover. `where`
// names the store in messages; `session_sql` (if any) runs on every new
// connection (e.g. a statement_timeout).
StatusOr<std::unique_ptr<Store>> OpenPgStoreAt(PgEndpoint endpoint, const StoreOptions& options,
                                               const std::string& where,
                                               const std::string& session_sql = "");

// Copies the closed store in `src_dir` (its cluster, stopped) into
// `dst_dir`, which must not exist. REQUIRES: no Store is open on src_dir.
Status ClonePgStore(const std::string& src_dir, const std::string& dst_dir);

// The full check of the closed store in `dir`: starts its server and reads
// every page of every table (the cluster has data checksums, verified on
// every read) and checks every index with amcheck's bt_index_check.
// Corruption names the directory and what failed. REQUIRES: no Store is
// open on `dir`.
Status VerifyPgStoreFiles(const std::string& dir);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_POSTGRES_PG_STORE_H_
