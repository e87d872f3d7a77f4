// listbench failover: flags and validation; the failover itself is
// bench/drivers/failover.h, the outputs bench/report/failover_report.h.
#include <fmt/format.h>

#include <filesystem>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/failover.h"
#include "bench/drivers/failover_node.h"
#include "bench/report/failover_report.h"

namespace listbench {
namespace {

void AddFailoverFlags(cxxopts::Options& options) {
  options.add_options()("engine",
                        "postgres (streaming replication), rocksdb (WAL tailing) or sqlite "
                        "(session changesets)",
                        cxxopts::value<std::string>()->default_value("postgres"))(
      "replication", "sync (the standby applies a commit before it returns) or async",
      cxxopts::value<std::string>()->default_value("sync"))(
      "threads", "client threads (1..256)", cxxopts::value<int>()->default_value("4"))(
      "heartbeat-ms", "the failure detector's probe interval, ms (> 0)",
      cxxopts::value<double>()->default_value("100"))(
      "timeout-ms",
      "the detector's timeout, ms: no successful probe for this long and the primary is dead; "
      "a comma list sweeps it",
      cxxopts::value<std::string>()->default_value("1000"))(
      "runs", "failovers per timeout, with trace seeds --trace-seed, +1, ... (1..1000)",
      cxxopts::value<int>()->default_value("1"))("trace-seed",
                                                 "seed of the first run's operation stream",
                                                 cxxopts::value<uint64_t>()->default_value("1"))(
      "before-s", "seconds of workload before the primary fails (> 0)",
      cxxopts::value<double>()->default_value("2"))(
      "after-s", "seconds of workload after the first write on the new primary (>= 0)",
      cxxopts::value<double>()->default_value("1"))(
      "no-rejoin", "do not bring the old primary back as a replica")(
      "scenario",
      "a failover network scenario (sim/scenarios/failover-*.toml): delay, drop and partition "
      "rules on the links, and whether the primary is killed, powered off or cut off",
      cxxopts::value<std::string>())(
      "no-leases",
      "no fencing: the embedded engines' primary serves without the detector's lease, and a "
      "partitioned PostgreSQL primary is not killed before the promotion")(
      "client-timeout-ms",
      "a client abandons a request after this long and retries it (0: never; postgres: the "
      "server's statement_timeout)",
      cxxopts::value<double>()->default_value("1000"))(
      "workload", "workload file: its mix and keys",
      cxxopts::value<std::string>()->default_value("workloads/mixed.toml"))(
      "cache-mb", "each copy's cache (shared_buffers, block or page cache), MiB (>= 1)",
      cxxopts::value<uint64_t>()->default_value("64"))(
      "work-dir", "work directory (pristine loads are reused across runs)",
      cxxopts::value<std::string>()->default_value("work"))(
      "out", "directory for failover.json and the plots",
      cxxopts::value<std::string>()->default_value("failover-out"));
  AddDatasetFlags(options);
  AddLoadReuseFlags(options);
}

Status ReadEngineAndMode(const cxxopts::ParseResult& r, FailoverOptions* o) {
  const std::string engine = r["engine"].as<std::string>();
  const std::optional<Engine> e = ParseEngine(engine);
  if (!e)
    return Status::InvalidArgument("--engine " + engine + ": must be postgres, rocksdb or sqlite");
  o->engine = *e;
  const std::string mode = r["replication"].as<std::string>();
  if (mode != "sync" && mode != "async") {
    return Status::InvalidArgument("--replication " + mode + ": must be sync or async");
  }
  o->replication = mode == "sync" ? PgReplication::kSync : PgReplication::kAsync;
  return Status::OK();
}

Status ReadTimings(const cxxopts::ParseResult& r, FailoverOptions* o) {
  o->threads = r["threads"].as<int>();
  if (o->threads < 1 || o->threads > 256) {
    return Status::InvalidArgument(fmt::format("--threads {}: must be 1..256", o->threads));
  }
  o->heartbeat_ms = r["heartbeat-ms"].as<double>();
  if (!(o->heartbeat_ms > 0)) return Status::InvalidArgument("--heartbeat-ms: must be > 0");
  o->before_s = r["before-s"].as<double>();
  if (!(o->before_s > 0) || o->before_s > 3600) {
    return Status::InvalidArgument("--before-s: must be in (0, 3600]");
  }
  o->after_s = r["after-s"].as<double>();
  if (!(o->after_s >= 0) || o->after_s > 3600) {
    return Status::InvalidArgument("--after-s: must be in [0, 3600]");
  }
  return Status::OK();
}

// The dataset, workload, cache, fencing and network-fault flags.
Status ReadDataAndFaults(const cxxopts::ParseResult& r, FailoverOptions* o) {
  if (!r["pg-url"].as<std::string>().empty()) {
    return Status::InvalidArgument(
        "--pg-url: failover starts its own primary and replica; it takes no server");
  }
  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return spec.status();
  o->spec = *spec;
  StatusOr<SqliteSchema> schema = SqliteSchemaFromFlags(r);
  if (!schema.ok()) return schema.status();
  o->sqlite_schema = *schema;
  StatusOr<WorkloadSpec> w = ParseWorkloadFile(r["workload"].as<std::string>());
  if (!w.ok()) return w.status();
  o->workload = *w;
  o->cache_mb = r["cache-mb"].as<uint64_t>();
  if (o->cache_mb == 0) return Status::InvalidArgument("--cache-mb 0: must be at least 1");
  o->trace_seed = r["trace-seed"].as<uint64_t>();
  o->rejoin = r.count("no-rejoin") == 0;
  o->leases = r.count("no-leases") == 0;
  o->client_timeout_ms = r["client-timeout-ms"].as<double>();
  if (!(o->client_timeout_ms >= 0) || o->client_timeout_ms > 3600000) {
    return Status::InvalidArgument("--client-timeout-ms: must be in [0, 3600000]");
  }
  if (r.count("scenario")) {
    StatusOr<NetScenario> net = ParseNetScenarioFile(r["scenario"].as<std::string>());
    if (!net.ok()) return net.status();
    o->net = *net;
  }
  return CheckFailoverFailure(*o);
}

}  // namespace

int FailoverCommand(int argc, char** argv) {
  cxxopts::Options options(
      "listbench failover",
      "Run the workload on a primary and a replica, kill the primary, detect it, "
      "promote the replica and redirect the clients: detection, promotion, RTO, RPO, errors "
      "and the old primary's rejoin, measured.");
  AddFailoverFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("failover", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  FailoverOptions o;
  Status s = ReadEngineAndMode(r, &o);
  if (s.ok()) s = ReadTimings(r, &o);
  if (!s.ok()) return ReportError("failover", s);
  StatusOr<std::vector<double>> timeouts =
      ParseMsList("--timeout-ms", r["timeout-ms"].as<std::string>());
  if (timeouts.ok() && timeouts->empty()) {
    timeouts = Status::InvalidArgument("--timeout-ms none: a failover needs a detector timeout");
  }
  if (!timeouts.ok()) return ReportError("failover", timeouts.status());
  const int runs = r["runs"].as<int>();
  if (runs < 1 || runs > 1000) {
    return ReportError("failover",
                       Status::InvalidArgument(fmt::format("--runs {}: must be 1..1000", runs)));
  }
  s = ReadDataAndFaults(r, &o);
  if (!s.ok()) return ReportError("failover", s);
  o.work_dir = r["work-dir"].as<std::string>();
  std::error_code ec;
  o.binary = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return ReportError("failover", Status::IOError("/proc/self/exe: " + ec.message()));
  o.reuse = LoadReuseFromFlags(r);
  const std::string out = r["out"].as<std::string>();
  Status dirs = CheckDataDir(o.work_dir);
  if (!dirs.ok())
    return ReportError("failover", Status::InvalidArgument("--work-dir " + dirs.message()));
  dirs = CheckDataDir(out);
  if (!dirs.ok())
    return ReportError("failover", Status::InvalidArgument("--out " + dirs.message()));
  StatusOr<FailoverResult> result = RunFailover(o, *timeouts, runs);
  if (!result.ok()) return ReportError("failover", result.status());
  PrintFailoverTable(*result);
  s = WriteFailoverOutputs(out, *result);
  if (!s.ok()) return ReportError("failover", s);
  fmt::print("wrote {}/failover.json and the plots\n", out);
  uint64_t lost = 0;
  for (const FailoverRun& run : result->runs) lost += run.lost.size();
  // Synchronous replication promised every acknowledged write.
  if (o.replication == PgReplication::kSync && lost > 0) {
    std::fprintf(stderr,
                 "listbench failover: %llu acknowledged writes lost under sync replication\n",
                 static_cast<unsigned long long>(lost));
    return kExitCheckFailed;
  }
  return kExitOk;
}

int FailoverNodeCommand(int argc, char** argv) {
  cxxopts::Options options("listbench failover-node",
                           "One copy of an embedded store for `listbench failover` (started by "
                           "it, not by hand).");
  options.add_options()("engine", "rocksdb or sqlite", cxxopts::value<std::string>())(
      "dir", "store directory", cxxopts::value<std::string>())("socket", "where to listen",
                                                               cxxopts::value<std::string>())(
      "role", "primary or replica", cxxopts::value<std::string>())("replication", "sync or async",
                                                                   cxxopts::value<std::string>())(
      "upstream", "a replica's primary's socket", cxxopts::value<std::string>()->default_value(""))(
      "start-after", "a replica's first record follows this sequence",
      cxxopts::value<uint64_t>()->default_value("0"))("workload", "workload file",
                                                      cxxopts::value<std::string>())(
      "ops", "the trace's length", cxxopts::value<uint64_t>())("trace-seed", "the trace's seed",
                                                               cxxopts::value<uint64_t>())(
      "cache-mb", "cache, MiB", cxxopts::value<uint64_t>()->default_value("64"))(
      "leases", "on: a primary serves only under the detector's lease (fencing); off",
      cxxopts::value<std::string>()->default_value("on"))(
      "power-loss", "on: a primary's writes are tracked until synced, for a power loss ('K')",
      cxxopts::value<std::string>()->default_value("off"));
  AddDatasetFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("failover-node", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  for (const char* f :
       {"engine", "dir", "socket", "role", "replication", "workload", "ops", "trace-seed"}) {
    if (r.count(f) == 0) {
      return ReportError("failover-node",
                         Status::InvalidArgument(fmt::format("--{} is required", f)));
    }
  }
  FailoverNodeConfig c;
  const std::optional<Engine> e = ParseEngine(r["engine"].as<std::string>());
  if (!e || *e == Engine::kPostgres) {
    return ReportError("failover-node", Status::InvalidArgument("--engine: rocksdb or sqlite"));
  }
  c.engine = *e;
  c.dir = r["dir"].as<std::string>();
  c.socket = r["socket"].as<std::string>();
  c.primary = r["role"].as<std::string>() == "primary";
  c.sync = r["replication"].as<std::string>() == "sync";
  c.upstream = r["upstream"].as<std::string>();
  c.start_after = r["start-after"].as<uint64_t>();
  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return ReportError("failover-node", spec.status());
  c.spec = *spec;
  c.workload_file = r["workload"].as<std::string>();
  c.ops = r["ops"].as<uint64_t>();
  c.trace_seed = r["trace-seed"].as<uint64_t>();
  c.cache_mb = r["cache-mb"].as<uint64_t>();
  c.leases = r["leases"].as<std::string>() != "off";
  c.power_loss = r["power-loss"].as<std::string>() == "on";
  StatusOr<SqliteSchema> schema = SqliteSchemaFromFlags(r);
  if (!schema.ok()) return ReportError("failover-node", schema.status());
  c.sqlite_schema = *schema;
  return RunFailoverNode(c);
}

}  // namespace listbench
