#include "bench/report/failover_report.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "bench/harness/spread.h"
#include "bench/model/failover_model.h"
#include "bench/report/plot.h"
#include "bench/report/result_files.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

std::string_view ModeName(PgReplication m) { return m == PgReplication::kSync ? "sync" : "async"; }

// The runs of each detector timeout, in the order they ran.
std::map<double, std::vector<const FailoverRun*>> ByTimeout(const FailoverResult& r) {
  std::map<double, std::vector<const FailoverRun*>> out;
  for (const FailoverRun& run : r.runs) out[run.timeout_ms].push_back(&run);
  return out;
}

template <typename F>
Spread SpreadOver(const std::vector<const FailoverRun*>& runs, F field) {
  std::vector<double> v;
  for (const FailoverRun* run : runs) v.push_back(field(*run));
  return SpreadOf(v);
}

std::string WholeMs(double v) { return fmt::format("{:.0f}", v); }

nlohmann::json RunJson(const FailoverRun& run) {
  nlohmann::json lost = nlohmann::json::array();
  for (const LostWrite& w : run.lost) {
    lost.push_back({{"op_index", w.op_index},
                    {"op", w.op},
                    {"acked_before_failure_ms", w.acked_before_failure_ms}});
  }
  return {{"timeout_ms", run.timeout_ms},
          {"trace_seed", run.trace_seed},
          {"detection_ms", run.detection_ms},
          {"promotion_ms", run.promotion_ms},
          {"rto_ms", run.rto_ms},
          {"requests_ok", run.requests_ok},
          {"writes_acknowledged", run.writes_acknowledged},
          {"writes_acknowledged_before_failure", run.writes_acknowledged_before_failure},
          {"writes_lost", run.lost.size()},
          {"lost", lost},
          {"rpo_ms", run.rpo_ms},
          {"errors_in_window", run.errors_in_window},
          {"errors", run.errors},
          {"rejoined", run.rejoined},
          {"rejoin_ms", run.rejoin_ms},
          {"rejoined_identical", run.rejoined_identical},
          {"rejoin_method", run.rejoin_method},
          {"split_brain_writes", run.split_brain_writes},
          {"deposed_primary_accepted_write", run.deposed_primary_accepted_write},
          {"deposed_primary_answer", run.deposed_primary_answer},
          {"healed_at_ms", run.healed_at_ms},
          {"failure_detail", run.failure_detail},
          {"failure_at_ms", run.failure_at_ms},
          {"detected_at_ms", run.detected_at_ms},
          {"promoted_at_ms", run.promoted_at_ms},
          {"first_write_at_ms", run.first_write_at_ms},
          {"ok_per_100ms", run.ok_per_100ms},
          {"errors_per_100ms", run.errors_per_100ms}};
}

Status WriteTimelinePlot(const std::string& dir, const FailoverRun& run) {
  std::string dat = "# t_s ok_per_s errors_per_s\n";
  for (size_t b = 0; b < run.ok_per_100ms.size(); ++b) {
    dat += fmt::format("{:.1f} {} {}\n", (static_cast<double>(b) * 100 - run.failure_at_ms) / 1000,
                       run.ok_per_100ms[b] * 10, run.errors_per_100ms[b] * 10);
  }
  LB_RETURN_IF_ERROR(WriteTextFile((fs::path(dir) / "failover-timeline.dat").string(), dat));
  if (!HaveGnuplot()) return Status::OK();
  auto mark = [&](double at_ms, const char* label) {
    const double x = (at_ms - run.failure_at_ms) / 1000;
    return fmt::format(
        "set arrow from {0:.3f}, graph 0 to {0:.3f}, graph 1 nohead dt 2\n"
        "set label '{1}' at {0:.3f}, graph 0.95 rotate by 90 right offset -0.5,0\n",
        x, label);
  };
  const std::string script =
      "set terminal pngcairo size 900,450\nset output 'failover-timeline.png'\n"
      "set xlabel 'seconds from the failure'\nset ylabel 'requests per second'\n"
      "set key outside top center horizontal\n" +
      mark(run.failure_at_ms, "failure") + mark(run.detected_at_ms, "detected") +
      mark(run.promoted_at_ms, "promoted") + mark(run.first_write_at_ms, "first write") +
      "plot 'failover-timeline.dat' using 1:2 with steps title 'answered', "
      "'' using 1:3 with steps title 'failed (retried)'\n";
  (void)RunGnuplot(dir, "failover-timeline", script);
  return Status::OK();
}

Status WriteRtoPlot(const std::string& dir, const FailoverResult& r) {
  std::string dat = "# timeout_ms detection(median min max) promotion(...) rto(...)\n";
  for (const auto& [timeout, runs] : ByTimeout(r)) {
    dat += fmt::format("{:.0f}", timeout);
    for (auto f : {+[](const FailoverRun& x) { return x.detection_ms; },
                   +[](const FailoverRun& x) { return x.promotion_ms; },
                   +[](const FailoverRun& x) { return x.rto_ms; }}) {
      const Spread s = SpreadOver(runs, f);
      dat += fmt::format(" {:.1f} {:.1f} {:.1f}", s.median, s.min, s.max);
    }
    dat += "\n";
  }
  LB_RETURN_IF_ERROR(WriteTextFile((fs::path(dir) / "failover-rto.dat").string(), dat));
  if (!HaveGnuplot() || ByTimeout(r).size() < 2) return Status::OK();
  const std::string script =
      "set terminal pngcairo size 800,450\nset output 'failover-rto.png'\n"
      "set xlabel 'failure detector timeout (ms)'\nset ylabel 'ms (median of the runs, range)'\n"
      "set key top left\n"
      "plot 'failover-rto.dat' using 1:8:9:10 with yerrorlines title 'RTO (failure to first "
      "write)', "
      "'' using 1:2:3:4 with yerrorlines title 'detection', "
      "'' using 1:5:6:7 with yerrorlines title 'promotion'\n";
  (void)RunGnuplot(dir, "failover-rto", script);
  return Status::OK();
}

// The median promotion over every run, in seconds.
double MedianPromotionS(const FailoverResult& r) {
  std::vector<double> v;
  for (const FailoverRun& run : r.runs) v.push_back(run.promotion_ms / 1000);
  return SpreadOf(v).median;
}

nlohmann::json ModelledJson(const FailoverResult& r) {
  nlohmann::json out = nlohmann::json::array();
  const double promotion_s = MedianPromotionS(r);
  for (const ManagedFailoverProfile& p : ManagedFailoverProfiles()) {
    out.push_back({{"profile", p.name},
                   {"check_interval_s", p.check_interval_s},
                   {"failure_threshold", p.failure_threshold},
                   {"dns_ttl_s", p.dns_ttl_s},
                   {"promotion_s_measured", promotion_s},
                   {"modelled_s", ModelledManagedFailoverSeconds(p, promotion_s)},
                   {"source", p.source}});
  }
  out.push_back({{"profile", "RDS Multi-AZ DB instance (documented)"},
                 {"modelled_s_min", kRdsMultiAzFailoverMinS},
                 {"modelled_s_max", kRdsMultiAzFailoverMaxS},
                 {"source", kRdsMultiAzFailoverSource}});
  return out;
}

void PrintModelled(const FailoverResult& r) {
  const double promotion_s = MedianPromotionS(r);
  fmt::print(
      "modelled, not measured (managed failover through DNS; article: 45 min -> 4 min 13 s):\n");
  for (const ManagedFailoverProfile& p : ManagedFailoverProfiles()) {
    fmt::print("  {}: {:.0f} s x {} + promotion {:.2f} s (measured) + TTL {:.0f} s = {:.0f} s\n",
               p.name, p.check_interval_s, p.failure_threshold, promotion_s, p.dns_ttl_s,
               ModelledManagedFailoverSeconds(p, promotion_s));
  }
  fmt::print("  RDS Multi-AZ, as documented: {:.0f}-{:.0f} s\n", kRdsMultiAzFailoverMinS,
             kRdsMultiAzFailoverMaxS);
}

// How the primary failed, in words.
std::string FailureText(const FailoverOptions& o) {
  switch (o.net ? o.net->failure : FailoverFailure::kKill) {
    case FailoverFailure::kPartition:
      return "the primary cut off from clients, detector and replica (a partition that heals)";
    case FailoverFailure::kPowerLoss:
      return "a simulated power loss of the primary: its writes not yet synced dropped from its "
             "files, then its process ended";
    case FailoverFailure::kKill:
      break;
  }
  return "SIGKILL of every process of the primary";
}

std::string FencingText(const FailoverOptions& o) {
  if (!o.leases) return "none (--no-leases)";
  if (o.engine != Engine::kPostgres) return "leases renewed by the detector's probes";
  return "a partitioned primary is killed before the promotion (STONITH)";
}

}  // namespace

void PrintFailoverTable(const FailoverResult& r) {
  const FailoverOptions& o = r.options;
  fmt::print("failover: {} ({} replication), {} listings, {} client threads, heartbeat {} ms\n",
             EngineName(o.engine), ModeName(o.replication), o.spec.listings, o.threads,
             o.heartbeat_ms);
  fmt::print("{:>8} {:>5} {:>10} {:>10} {:>8} {:>8} {:>6} {:>8} {:>8} {:>10}\n", "timeout", "seed",
             "detect ms", "promote ms", "RTO ms", "acked", "lost", "RPO ms", "errors", "rejoin ms");
  for (const FailoverRun& run : r.runs) {
    fmt::print("{:>8.0f} {:>5} {:>10.0f} {:>10.0f} {:>8.0f} {:>8} {:>6} {:>8.0f} {:>8} {:>10}\n",
               run.timeout_ms, run.trace_seed, run.detection_ms, run.promotion_ms, run.rto_ms,
               run.writes_acknowledged, run.lost.size(), run.rpo_ms, run.errors_in_window,
               run.rejoined ? fmt::format("{:.0f}{}", run.rejoin_ms,
                                          run.rejoined_identical ? "" : " DIVERGED")
                            : std::string("-"));
  }
  for (const auto& [timeout, runs] : ByTimeout(r)) {
    uint64_t lost = 0, acked = 0;
    for (const FailoverRun* run : runs) {
      lost += run->lost.size();
      acked += run->writes_acknowledged;
    }
    fmt::print(
        "timeout {:.0f} ms, {} runs: detection {}, promotion {}, RTO {} ms; {} of {} "
        "acknowledged writes lost\n",
        timeout, runs.size(),
        SpreadText(SpreadOver(runs, [](const FailoverRun& x) { return x.detection_ms; }), WholeMs),
        SpreadText(SpreadOver(runs, [](const FailoverRun& x) { return x.promotion_ms; }), WholeMs),
        SpreadText(SpreadOver(runs, [](const FailoverRun& x) { return x.rto_ms; }), WholeMs), lost,
        acked);
  }
  uint64_t split = 0, served = 0;
  for (const FailoverRun& run : r.runs) {
    split += run.split_brain_writes;
    served += run.deposed_primary_accepted_write ? 1 : 0;
  }
  if (!r.runs.empty()) {
    fmt::print(
        "a stale client's write to the old primary after the run: served in {} of {} runs "
        "(first answer: {})\n",
        served, r.runs.size(), r.runs.front().deposed_primary_answer);
  }
  if (o.net) {
    fmt::print(
        "network scenario {} ({}): {} acknowledged writes the deposed primary ran after "
        "the promotion{}\n",
        o.net->name, FailoverFailureName(o.net->failure), split,
        " (fencing: " + FencingText(o) + ")");
  }
  if (!r.runs.empty() && !r.runs.front().failure_detail.empty()) {
    fmt::print("the first run's primary: {}\n", r.runs.front().failure_detail);
  }
  if (!r.runs.empty() && r.runs.front().rejoined) {
    fmt::print("rejoin: {}\n", r.runs.front().rejoin_method);
  }
  PrintModelled(r);
}

nlohmann::json FailoverJson(const FailoverResult& r) {
  const FailoverOptions& o = r.options;
  nlohmann::json runs = nlohmann::json::array();
  for (const FailoverRun& run : r.runs) runs.push_back(RunJson(run));
  return {{"build", BuildInfoJson(r.build)},
          {"engine", EngineName(o.engine)},
          {"replication", ModeName(o.replication)},
          {"listings", o.spec.listings},
          {"seed", o.spec.seed},
          {"workload", o.workload.file},
          {"threads", o.threads},
          {"heartbeat_ms", o.heartbeat_ms},
          {"before_s", o.before_s},
          {"after_s", o.after_s},
          {"cache_mb", o.cache_mb},
          {"failure", FailureText(o)},
          {"network_scenario", o.net ? nlohmann::json{{"file", o.net->file},
                                                      {"name", o.net->name},
                                                      {"seed", o.net->seed},
                                                      {"heal_after_ms", o.net->heal_after_ms},
                                                      {"rules", o.net->rules.size()}}
                                     : nlohmann::json()},
          {"fencing", FencingText(o)},
          {"client_timeout_ms", o.client_timeout_ms},
          {"replica", o.engine == Engine::kPostgres
                          ? "PostgreSQL streaming replication (pg_basebackup standby)"
                      : o.engine == Engine::kRocksDb
                          ? "a node process applying the primary's WAL write batches "
                            "(GetUpdatesSince) over a Unix socket"
                          : "a node process applying the primary's session changesets "
                            "over a Unix socket"},
          {"load", {{"dir", r.load.dir}, {"reused", r.load.reused}, {"seconds", r.load.seconds}}},
          {"runs", runs},
          {"modelled_managed_failover", ModelledJson(r)}};
}

Status WriteFailoverOutputs(const std::string& dir, const FailoverResult& r) {
  LB_RETURN_IF_ERROR(
      WriteTextFile((fs::path(dir) / "failover.json").string(), FailoverJson(r).dump(2) + "\n"));
  if (!r.runs.empty()) LB_RETURN_IF_ERROR(WriteTimelinePlot(dir, r.runs.front()));
  return WriteRtoPlot(dir, r);
}

}  // namespace listbench
