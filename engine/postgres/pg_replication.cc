#include "engine/postgres/pg_replication.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/postgres/pg_statement.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr auto kWaitLimit = std::chrono::seconds(120);

// The settings of a server of the pair. The primary waits for the standby
// in synchronous mode; a standby (and so the server it becomes when
// promoted) has no synchronous standby of its own.
PgServerOptions PairOptions(PgServerOptions o, PgReplication mode, bool primary) {
  const bool sync = mode == PgReplication::kSync && primary;
  o.durable = true;
  o.extra_settings.insert(o.extra_settings.end(),
                          {{"wal_level", "replica"},
                           {"max_wal_senders", "10"},
                           {"hot_standby", "on"},
                           {"synchronous_standby_names", sync ? "*" : ""},
                           {"synchronous_commit", sync ? "remote_apply" : "on"}});
  return o;
}

// The first value `sql` returns on the server at `conninfo`.
StatusOr<std::string> QueryValue(const std::string& conninfo, const std::string& sql) {
  StatusOr<std::unique_ptr<PgConnection>> c = ConnectPg(conninfo);
  if (!c.ok()) return c.status();
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec((*c)->conn, sql.c_str()), PQclear);
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return FromPg(c->get(), r.get(), sql.substr(0, 60));
  }
  if (PQntuples(r.get()) < 1 || PQgetisnull(r.get(), 0, 0)) return std::string();
  return std::string(PQgetvalue(r.get(), 0, 0));
}

// Polls `sql` on `conninfo` until it returns "t" (kWaitLimit at most).
Status AwaitTrue(const std::string& conninfo, const std::string& sql, const std::string& what) {
  const auto deadline = Clock::now() + kWaitLimit;
  std::string last = "(never answered)";
  while (Clock::now() < deadline) {
    StatusOr<std::string> v = QueryValue(conninfo, sql);
    if (v.ok() && *v == "t") return Status::OK();
    last = v.ok() ? *v : v.status().message();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::IOError(fmt::format("{}: not within {} s (last: {})", what,
                                     std::chrono::seconds(kWaitLimit).count(), last));
}

// An empty cluster directory the server user owns, for a base backup.
Status MakeEmptyClusterDir(const std::string& pgdata) {
  std::error_code ec;
  if (fs::exists(pgdata, ec)) return Status::InvalidArgument(pgdata + ": already exists");
  fs::create_directory(pgdata, ec);
  if (ec) return Status::IOError(pgdata + ": cannot create: " + ec.message());
  fs::permissions(pgdata, fs::perms::owner_all, fs::perm_options::replace, ec);
  return ChownPgCluster(pgdata);
}

std::string LogBeside(const std::string& pgdata, const char* name) {
  return (fs::path(pgdata).parent_path() / name).string();
}

// The standby's sync_state on the primary ('sync' or 'async') is streaming.
std::string StreamingSql(PgReplication mode) {
  return mode == PgReplication::kSync
             ? "SELECT count(*) > 0 FROM pg_stat_replication WHERE sync_state = 'sync' "
               "AND state = 'streaming'"
             : "SELECT count(*) > 0 FROM pg_stat_replication WHERE state = 'streaming'";
}

}  // namespace

StatusOr<std::unique_ptr<PgReplicatedPair>> PgReplicatedPair::Start(
    const std::string& primary_pgdata, const std::string& standby_pgdata, PgReplication mode,
    const PgServerOptions& options, const Route& route) {
  std::unique_ptr<PgReplicatedPair> pair(new PgReplicatedPair(mode, options));
  StatusOr<std::unique_ptr<PgServer>> primary =
      PgServer::Start(primary_pgdata, PairOptions(options, mode, true));
  if (!primary.ok()) return primary.status();
  pair->primary_ = std::move(*primary);
  // Kept in the cluster's own configuration, so that the crash recovery
  // pg_rewind runs on a failed primary (with no command-line settings) keeps
  // the WAL back to the last checkpoint before the histories diverged; the
  // base backup copies it to the standby.
  {
    StatusOr<std::unique_ptr<PgConnection>> c = ConnectPg(pair->primary_->ConnInfo("postgres"));
    if (!c.ok()) return c.status();
    LB_RETURN_IF_ERROR(ExecPg(c->get(), "ALTER SYSTEM SET wal_keep_size = '1GB'"));
  }
  LB_RETURN_IF_ERROR(MakeEmptyClusterDir(standby_pgdata));
  StatusOr<std::string> upstream =
      route ? route(*pair->primary_) : StatusOr<std::string>(pair->primary_->ConnInfo("postgres"));
  if (!upstream.ok()) return upstream.status();
  // -R writes this connection string as the standby's primary_conninfo.
  LB_RETURN_IF_ERROR(RunPgTool(
      "pg_basebackup", {"-d", *upstream, "-D", standby_pgdata, "-X", "stream", "-R", "-c", "fast"},
      LogBeside(standby_pgdata, "pg_basebackup.log")));
  StatusOr<std::unique_ptr<PgServer>> standby =
      PgServer::Start(standby_pgdata, PairOptions(options, mode, false));
  if (!standby.ok()) return standby.status();
  pair->standby_ = std::move(*standby);
  LB_RETURN_IF_ERROR(AwaitTrue(pair->primary_->ConnInfo("postgres"), StreamingSql(mode),
                               "the standby " + standby_pgdata + " streaming"));
  return pair;
}

PgReplicatedPair::~PgReplicatedPair() {
  if (standby_ != nullptr) (void)standby_->Stop();
  if (primary_ != nullptr) (void)primary_->Stop();
}

Status PgReplicatedPair::KillPrimary(Clock::time_point* killed_at) {
  old_primary_pgdata_ = primary_->pgdata();
  return primary_->Kill(killed_at);
}

Status PgReplicatedPair::Promote() {
  StatusOr<std::string> done =
      QueryValue(standby_->ConnInfo("postgres"), "SELECT pg_promote(true, 60)");
  if (!done.ok()) return done.status();
  if (*done != "t")
    return Status::IOError(standby_->pgdata() + ": promotion did not finish in 60 s");
  return AwaitTrue(standby_->ConnInfo("postgres"), "SELECT NOT pg_is_in_recovery()",
                   standby_->pgdata() + " accepting writes");
}

Status PgReplicatedPair::RejoinOldPrimary() {
  if (old_primary_pgdata_.empty()) {
    return Status::InvalidArgument("rejoin: the primary has not failed");
  }
  primary_.reset();  // killed already
  const std::string old = old_primary_pgdata_;
  // A promoted server's control file names its new timeline only after a
  // checkpoint; pg_rewind reads it there (else: "no rewind required").
  StatusOr<std::unique_ptr<PgConnection>> c = ConnectPg(standby_->ConnInfo("postgres"));
  if (!c.ok()) return c.status();
  LB_RETURN_IF_ERROR(ExecPg(c->get(), "CHECKPOINT"));
  c->reset();
  LB_RETURN_IF_ERROR(RunPgTool("pg_rewind",
                               {"--target-pgdata", old, "--source-server",
                                standby_->ConnInfo("postgres"), "--write-recovery-conf"},
                               LogBeside(old, "pg_rewind.log")));
  StatusOr<std::unique_ptr<PgServer>> rejoined =
      PgServer::Start(old, PairOptions(options_, mode_, false));
  if (!rejoined.ok()) return rejoined.status();
  primary_ = std::move(standby_);
  standby_ = std::move(*rejoined);
  old_primary_pgdata_.clear();
  return AwaitTrue(primary_->ConnInfo("postgres"), StreamingSql(PgReplication::kAsync),
                   "the old primary " + old + " streaming from the new one");
}

StatusOr<bool> PgReplicatedPair::SameContent(const std::string& dbname) {
  StatusOr<std::string> lsn =
      QueryValue(primary_->ConnInfo(dbname), "SELECT pg_current_wal_lsn()::text");
  if (!lsn.ok()) return lsn.status();
  LB_RETURN_IF_ERROR(AwaitTrue(standby_->ConnInfo(dbname),
                               fmt::format("SELECT pg_last_wal_replay_lsn() >= '{}'::pg_lsn", *lsn),
                               "the standby replaying to " + *lsn));
  const std::pair<const char*, const char*> tables[] = {
      {"tenants", "id"},    {"landlords", "id"},
      {"listings", "id"},   {"listing_images", "listing_id, position"},
      {"applicants", "id"}, {"applications", "id"},
      {"payments", "id"}};
  for (const auto& [table, key] : tables) {
    const std::string sql = fmt::format(
        "SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY {}), '')) FROM {} t", key, table);
    StatusOr<std::string> a = QueryValue(primary_->ConnInfo(dbname), sql);
    if (!a.ok()) return a.status();
    StatusOr<std::string> b = QueryValue(standby_->ConnInfo(dbname), sql);
    if (!b.ok()) return b.status();
    if (*a != *b) return false;
  }
  return true;
}

}  // namespace listbench
