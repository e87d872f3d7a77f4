#include "bench/report/summary.h"

#include <fmt/format.h>

#include <fstream>
#include <string>
#include <vector>

#include "bench/model/storage_profile.h"
#include "bench/report/experiments_report.h"
#include "bench/report/result_files.h"
#include "engine/rocks/memory_budget.h"
#include "engine/sqlite/sqlite_store.h"

namespace listbench {
namespace {

using nlohmann::json;

double Us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }
double PerOp(uint64_t total, uint64_t n) {
  return n == 0 ? 0.0 : static_cast<double>(total) / static_cast<double>(n);
}
// Rounded to 4 decimals so files stay readable and diffs stable.
double R4(double v) { return std::round(v * 10000.0) / 10000.0; }
// The share of the requests' latency spent waiting for another request's
// lock (SQLite's write lock): summed lock wait over summed latency.
double LockWaitShare(const OpStats& s) {
  const double latency_ns = s.latency_ns.mean() * static_cast<double>(s.count());
  return latency_ns > 0 ? static_cast<double>(s.lock_wait_ns) / latency_ns : 0.0;
}

}  // namespace

nlohmann::json OpStatsJson(const OpStats& s) {
  const Histogram& h = s.latency_ns;
  const uint64_t n = s.count();
  nlohmann::json errors = nlohmann::json::object();
  for (size_t c = 1; c < s.outcomes.size(); ++c) {
    if (s.outcomes[c] > 0) {
      errors[std::string(StatusCodeName(static_cast<StatusCode>(c)))] = s.outcomes[c];
    }
  }
  json modelled = json::object();
  const auto profiles = StorageProfiles();
  for (size_t i = 0; i < s.modelled_ns.size() && i < profiles.size(); ++i) {
    const Histogram& m = s.modelled_ns[i];
    modelled[std::string(profiles[i].name)] = {{"mean_us", R4(m.mean() / 1000.0)},
                                               {"p50_us", R4(Us(m.Percentile(0.5)))},
                                               {"p99_us", R4(Us(m.Percentile(0.99)))}};
  }
  return {
      {"count", n},
      {"errors", errors},
      {"modelled", modelled},
      {"mean_us", R4(h.mean() / 1000.0)},
      {"p50_us", R4(Us(h.Percentile(0.50)))},
      {"p90_us", R4(Us(h.Percentile(0.90)))},
      {"p99_us", R4(Us(h.Percentile(0.99)))},
      {"p999_us", R4(Us(h.Percentile(0.999)))},
      {"max_us", R4(Us(h.max()))},
      {"lock_wait_share", R4(LockWaitShare(s))},
      {"retries", s.retries},
      {"work",
       {{"queries", R4(PerOp(s.work.queries, n))},
        {"rows_read", R4(PerOp(s.work.rows_read, n))},
        {"rows_written", R4(PerOp(s.work.rows_written, n))},
        {"read_units", R4(PerOp(s.work.read_units, n))},
        {"write_units", R4(PerOp(s.work.write_units, n))},
        {"io_reads", R4(PerOp(s.io.reads, n))},
        {"io_read_bytes", R4(PerOp(s.io.read_bytes, n))},
        {"io_writes", R4(PerOp(s.io.writes, n))},
        {"io_write_bytes", R4(PerOp(s.io.write_bytes, n))},
        {"io_syncs", R4(PerOp(s.io.syncs, n))}}},
  };
}

nlohmann::json BackgroundWorkJson(const BackgroundWork& b) {
  const auto ms = [](uint64_t ns) { return R4(static_cast<double>(ns) / 1e6); };
  return {{"flushes", b.flushes},
          {"flush_ms", ms(b.flush_ns)},
          {"flush_bytes", b.flush_bytes},
          {"compactions", b.compactions},
          {"compaction_ms", ms(b.compaction_ns)},
          {"compaction_bytes", b.compaction_bytes},
          {"checkpoints", b.checkpoints},
          {"restart_checkpoints", b.restart_checkpoints},
          {"failed_checkpoints", b.failed_checkpoints},
          {"checkpoint_ms", ms(b.checkpoint_ns)},
          {"checkpoint_pages", b.checkpoint_pages}};
}

std::string BackgroundWorkText(const BackgroundWork& b) {
  const auto ms = [](uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  const auto mib = [](uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); };
  const auto plural = [](uint64_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
  };
  std::vector<std::string> parts;
  if (b.flushes > 0) {
    parts.push_back(fmt::format("{} ({:.1f} ms, {:.1f} MiB written)",
                                plural(b.flushes, "flush", "flushes"), ms(b.flush_ns),
                                mib(b.flush_bytes)));
  }
  if (b.compactions > 0) {
    parts.push_back(fmt::format("{} ({:.1f} ms, {:.1f} MiB written)",
                                plural(b.compactions, "compaction", "compactions"),
                                ms(b.compaction_ns), mib(b.compaction_bytes)));
  }
  if (b.checkpoints > 0) {
    std::string extra;
    if (b.restart_checkpoints > 0) extra += fmt::format(", {} RESTART", b.restart_checkpoints);
    if (b.failed_checkpoints > 0) extra += fmt::format(", {} failed or busy", b.failed_checkpoints);
    parts.push_back(fmt::format("{} ({:.1f} ms, {} pages written{})",
                                plural(b.checkpoints, "checkpoint", "checkpoints"),
                                ms(b.checkpoint_ns), b.checkpoint_pages, extra));
  }
  if (parts.empty()) return "none";
  std::string text = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) text += ", " + parts[i];
  return text;
}

nlohmann::json RunResultJson(const RunResult& r) {
  nlohmann::json j;
  j["seconds"] = R4(r.seconds);
  j["measured_ops"] = r.measured;
  j["throughput"] = R4(r.throughput);
  j["open_loop"] = r.open_loop;
  j["target_rate"] = r.target_rate;
  j["trace_exhausted"] = r.trace_exhausted;
  j["threads"] = r.threads;
  if (r.open_loop) j["arrivals"] = ArrivalsName(r.arrivals);
  j["lock_wait_share"] = R4(LockWaitShare(r.all));
  j["retries"] = r.all.retries;
  j["ops"] = nlohmann::json::object();
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (r.ops[k].count() == 0) continue;
    j["ops"][std::string(OpKindName(static_cast<OpKind>(k)))] = OpStatsJson(r.ops[k]);
  }
  j["all"] = OpStatsJson(r.all);
  j["background"] = BackgroundWorkJson(r.background);
  return j;
}

nlohmann::json WorkloadJson(const WorkloadSpec& w) {
  nlohmann::json mix = nlohmann::json::object();
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (w.mix[k] > 0) mix[std::string(OpKindName(static_cast<OpKind>(k)))] = w.mix[k];
  }
  return {{"name", w.name},
          {"file", w.file},
          {"mix", mix},
          {"keys",
           {{"distribution", KeyDistributionName(w.keys.distribution)},
            {"theta", w.keys.theta},
            {"hot_fraction", w.keys.hot_fraction},
            {"hot_op_fraction", w.keys.hot_op_fraction}}},
          {"operations", w.operations},
          {"duration_s", w.duration_s},
          {"warmup", w.warmup},
          {"threads", w.threads},
          {"target_rate", w.target_rate},
          {"arrivals", ArrivalsName(w.arrivals)}};
}

namespace {

// How the RocksDB store divides a budget of `cache_bytes`.
nlohmann::json RocksConfigJson(size_t cache_bytes) {
  const RocksMemoryBudget b = RocksMemoryBudgetFor(cache_bytes);
  return {{"block_cache_bytes", b.cache_bytes},
          {"memtable_budget_bytes", b.memtable_bytes},
          {"memtables_charged_to_cache", true},
          {"write_buffer_bytes", b.write_buffer_bytes},
          {"max_write_buffers", b.max_write_buffers},
          {"cache_index_and_filter_blocks", b.cache_index_and_filter_blocks},
          {"high_pri_pool_ratio", b.high_pri_pool_ratio},
          {"pin_l0_filter_and_index_blocks", b.pin_l0_filter_and_index_blocks},
          {"partitioned_filters", b.partitioned_filters}};
}

nlohmann::json SqliteConfigJson(size_t cache_bytes) {
  const SqliteWalSettings& w = kSqliteWalSettings;
  return {{"page_cache_bytes", cache_bytes},
          {"wal_autocheckpoint", w.wal_autocheckpoint},
          {"checkpoint", "background thread, PASSIVE"},
          {"checkpoint_frames", w.checkpoint_frames},
          {"restart_checkpoint_frames", w.restart_frames},
          {"restart_wait_ms", w.restart_wait_ms},
          {"mmap_size", w.mmap_size}};
}

// The run's configuration: the options, then how each engine spent its
// cache.
nlohmann::json ConfigJson(const CompareSetup& s, const CompareResult& result) {
  nlohmann::json config = {{"durable", s.store_options.durable},
                           {"rocksdb_wal", s.store_options.rocksdb_wal}};
  if (s.cache_share > 0) {
    config["cache_share"] = s.cache_share;
  } else {
    config["cache_mb"] = s.cache_mb;
  }
  for (const auto& [e, er] : result.engines) {
    if (e == "rocksdb") config["rocksdb"] = RocksConfigJson(er.cache_bytes);
    if (e == "sqlite") config["sqlite"] = SqliteConfigJson(er.cache_bytes);
  }
  return config;
}

nlohmann::json EngineRunJson(const EngineRun& er) {
  nlohmann::json j = {{"load",
                       {{"reused", er.load.reused},
                        {"seconds", er.load.seconds},
                        {"disk_bytes", er.load.disk_bytes}}},
                      {"cache_bytes", er.cache_bytes}};
  j.update(RunResultJson(er.run));
  if (er.disk_bytes_after) j["disk_bytes_after"] = *er.disk_bytes_after;
  return j;
}

// The engines' runs by name, for the tables.
std::map<std::string, const RunResult*> Runs(const CompareResult& result) {
  std::map<std::string, const RunResult*> runs;
  for (const auto& [e, er] : result.engines) runs.emplace(e, &er.run);
  return runs;
}

}  // namespace

nlohmann::json SummaryJson(const std::string& command, const CompareSetup& setup,
                           const CompareResult& result) {
  nlohmann::json out = {{"command", command},
                        {"seed", setup.spec.seed},
                        {"listings", setup.spec.listings},
                        {"threads", setup.workload.threads},
                        {"workload", WorkloadJson(setup.workload)},
                        {"config", ConfigJson(setup, result)},
                        {"build", BuildInfoJson(result.build)}};
  if (setup.workload.target_rate > 0) out["arrivals"] = ArrivalsName(setup.workload.arrivals);
  for (const auto& [e, er] : result.engines) out["engines"][e] = EngineRunJson(er);
  if (result.experiments) out["experiments"] = ExperimentsJson(*result.experiments);
  return out;
}

void PrintComparison(const CompareResult& result) {
  const std::map<std::string, const RunResult*> by_engine = Runs(result);
  const bool both = by_engine.count("sqlite") && by_engine.count("rocksdb");
  std::string header = fmt::format("{:<4} {:<22}", "op", "name");
  for (const auto& [e, unused] : by_engine) {
    (void)unused;
    header +=
        fmt::format(" | {:>8} {:>9} {:>9} {:>9} {:>6}", e, "mean µs", "p50 µs", "p99 µs", "errors");
  }
  if (both) header += " | sqlite/rocksdb";
  fmt::print("{}\n", header);
  auto row = [&](const std::string& code, const std::string& name, auto get) {
    std::string line = fmt::format("{:<4} {:<22}", code, name);
    for (const auto& [e, r] : by_engine) {
      (void)e;
      const OpStats& s = get(*r);
      const Histogram& h = s.latency_ns;
      line += fmt::format(" | {:>8} {:>9.1f} {:>9.1f} {:>9.1f} {:>6}", s.count(), h.mean() / 1000,
                          Us(h.Percentile(0.5)), Us(h.Percentile(0.99)), s.errors());
    }
    if (both) {
      const double a = get(*by_engine.at("sqlite")).latency_ns.mean();
      const double b = get(*by_engine.at("rocksdb")).latency_ns.mean();
      line += b > 0 ? fmt::format(" | {:>6.2f}x", a / b) : " |";
    }
    fmt::print("{}\n", line);
  };
  for (int k = 0; k < kNumOpKinds; ++k) {
    const auto kind = static_cast<OpKind>(k);
    bool any = false;
    for (const auto& [e, r] : by_engine) any |= r->ops[k].count() > 0;
    if (!any) continue;
    row(std::string(OpKindCode(kind)), std::string(OpKindName(kind)),
        [k](const RunResult& r) -> const OpStats& { return r.ops[k]; });
  }
  row("", "all", [](const RunResult& r) -> const OpStats& { return r.all; });
  for (const auto& [e, rp] : by_engine) {
    const RunResult& r = *rp;
    fmt::print("{}: {} ops in {:.2f} s, {:.0f} ops/s, {} client thread{}{}{}\n", e, r.measured,
               r.seconds, r.throughput, r.threads, r.threads == 1 ? "" : "s",
               r.open_loop ? fmt::format(" (open loop at {:.0f}/s, {} arrivals)", r.target_rate,
                                         ArrivalsName(r.arrivals))
                           : "",
               r.all.lock_wait_ns > 0 || r.all.retries > 0
                   ? fmt::format("; lock wait {:.1f}% of latency, {} retries",
                                 100 * LockWaitShare(r.all), r.all.retries)
                   : "");
  }
  for (const auto& [e, rp] : by_engine) {
    fmt::print("{}: background work during the run, which no request waited for: {}\n", e,
               BackgroundWorkText(rp->background));
  }
}

Status WriteCsvs(const std::string& dir, const CompareResult& result) {
  const std::map<std::string, const RunResult*> by_engine = Runs(result);
  const std::string ops_path = dir + "/ops.csv";
  std::ofstream ops(ops_path, std::ios::trunc);
  ops << "engine,op,count,errors,mean_us,p50_us,p90_us,p99_us,p999_us,max_us,queries,rows_read,"
         "rows_written,io_reads,io_read_bytes,io_writes,io_write_bytes,io_syncs,lock_wait_share,"
         "retries\n";
  for (const auto& [e, rp] : by_engine) {
    const RunResult& r = *rp;
    auto line = [&](std::string_view name, const OpStats& s) {
      const Histogram& h = s.latency_ns;
      const uint64_t n = s.count();
      ops << fmt::format(
          "{},{},{},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},"
          "{:.3f},{:.1f},{:.3f},{:.1f},{:.4f},{:.4f},{}\n",
          e, name, n, s.errors(), h.mean() / 1000, Us(h.Percentile(0.5)), Us(h.Percentile(0.9)),
          Us(h.Percentile(0.99)), Us(h.Percentile(0.999)), Us(h.max()), PerOp(s.work.queries, n),
          PerOp(s.work.rows_read, n), PerOp(s.work.rows_written, n), PerOp(s.io.reads, n),
          PerOp(s.io.read_bytes, n), PerOp(s.io.writes, n), PerOp(s.io.write_bytes, n),
          PerOp(s.io.syncs, n), LockWaitShare(s), s.retries);
    };
    for (int k = 0; k < kNumOpKinds; ++k) {
      if (r.ops[k].count() > 0) line(OpKindName(static_cast<OpKind>(k)), r.ops[k]);
    }
    line("all", r.all);
  }
  ops.flush();
  if (!ops) return Status::IOError(ops_path + ": cannot write");

  const std::string series_path = dir + "/series.csv";
  std::ofstream series(series_path, std::ios::trunc);
  series << "engine,second,ops,errors,mean_us,p99_us,max_us\n";
  for (const auto& [e, r] : by_engine) {
    for (size_t i = 0; i < r->series.size(); ++i) {
      const Second& s = r->series[i];
      series << fmt::format("{},{},{},{},{:.3f},{:.3f},{:.3f}\n", e, i, s.ops, s.errors, s.mean_us,
                            s.p99_us, s.max_us);
    }
  }
  series.flush();
  if (!series) return Status::IOError(series_path + ": cannot write");
  return Status::OK();
}

}  // namespace listbench
