#include "bench/report/summary.h"

#include <fmt/format.h>

#include <algorithm>
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
  j["storage_errors"] = r.storage_errors;
  j["storage_error"] = r.storage_error ? json(r.storage_error->ToString()) : json(nullptr);
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
          {"cache_shard_bits", b.cache_shard_bits},
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
                           {"rocksdb_wal", s.store_options.rocksdb_wal},
                           {"sqlite_schema", SqliteSchemaName(s.store_options.sqlite_schema)}};
  if (s.cache_share > 0) {
    config["cache_share"] = s.cache_share;
  } else {
    config["cache_mb"] = s.cache_mb;
  }
  for (const auto& [e, er] : result.engines) {
    if (e == "rocksdb") config["rocksdb"] = RocksConfigJson(er.cache_bytes);
    if (e == "sqlite") config["sqlite"] = SqliteConfigJson(er.cache_bytes);
    if (e == "postgres") config["postgres"] = {{"shared_buffers", er.cache_bytes}};
  }
  return config;
}

// The patterns any repetition of `er` served, as OpKind indices.
std::vector<int> ServedOps(const EngineRun& er) {
  std::vector<int> ops;
  for (int k = 0; k < kNumOpKinds; ++k) {
    for (const EngineRepeat& rep : er.repeats) {
      if (rep.run.ops[k].count() > 0) {
        ops.push_back(k);
        break;
      }
    }
  }
  return ops;
}

json TimingSpreadJson(const TimingSpread& t) {
  return {{"mean_us", SpreadJson(t.mean_us)},
          {"p50_us", SpreadJson(t.p50_us)},
          {"p99_us", SpreadJson(t.p99_us)}};
}

// The engine's block: its median repetition as one run, every repetition,
// and the spread of each pattern's timing over them.
nlohmann::json EngineRunJson(const EngineRun& er) {
  json j = {{"load",
             {{"reused", er.load.reused},
              {"seconds", er.load.seconds},
              {"disk_bytes", er.load.disk_bytes}}},
            {"cache_bytes", er.cache_bytes}};
  if (HasIndexProfiles(er.load.engine)) j["sqlite_schema"] = SqliteSchemaName(er.sqlite_schema);
  j.update(RunResultJson(er.run()));
  if (er.disk_bytes_after()) j["disk_bytes_after"] = *er.disk_bytes_after();
  j["median_repeat"] = er.median_repeat;
  j["repeats"] = json::array();
  for (size_t i = 0; i < er.repeats.size(); ++i) {
    const EngineRepeat& rep = er.repeats[i];
    json r = {{"repeat", i}, {"position", rep.position}};
    r.update(RunResultJson(rep.run));
    if (rep.disk_bytes_after) r["disk_bytes_after"] = *rep.disk_bytes_after;
    j["repeats"].push_back(std::move(r));
  }
  json spread = {{"throughput", SpreadJson(ThroughputSpread(er))}, {"ops", json::object()}};
  for (int k : ServedOps(er)) {
    spread["ops"][std::string(OpKindName(static_cast<OpKind>(k)))] =
        TimingSpreadJson(TimingSpreadOf(er, k));
  }
  spread["all"] = TimingSpreadJson(TimingSpreadOf(er, kAllOps));
  j["spread"] = std::move(spread);
  // Storage errors over every repetition, not only the median one.
  uint64_t storage_errors = 0;
  json first = nullptr;
  for (const EngineRepeat& rep : er.repeats) {
    storage_errors += rep.run.storage_errors;
    if (first.is_null() && rep.run.storage_error) first = rep.run.storage_error->ToString();
  }
  j["storage_errors"] = storage_errors;
  j["storage_error"] = std::move(first);
  return j;
}

// Per pattern, the spread of SQLite's mean latency over RocksDB's in each
// repetition; null without both engines.
json MeanRatioJson(const CompareResult& result) {
  const auto sq = result.engines.find("sqlite");
  const auto rk = result.engines.find("rocksdb");
  if (sq == result.engines.end() || rk == result.engines.end()) return nullptr;
  json j = {{"ops", json::object()}};
  for (int k : ServedOps(sq->second)) {
    j["ops"][std::string(OpKindName(static_cast<OpKind>(k)))] =
        SpreadJson(MeanRatioSpread(sq->second, rk->second, k));
  }
  j["all"] = SpreadJson(MeanRatioSpread(sq->second, rk->second, kAllOps));
  return j;
}

// The engines' median runs by name, for the CSVs.
std::map<std::string, const RunResult*> Runs(const CompareResult& result) {
  std::map<std::string, const RunResult*> runs;
  for (const auto& [e, er] : result.engines) runs.emplace(e, &er.run());
  return runs;
}

// The number of repetitions: the most any engine ran.
size_t Repeats(const CompareResult& result) {
  size_t n = 0;
  for (const auto& [e, er] : result.engines) n = std::max(n, er.repeats.size());
  return n;
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
                        {"build", BuildInfoJson(result.build)},
                        {"repeat", Repeats(result)}};
  if (setup.workload.target_rate > 0) out["arrivals"] = ArrivalsName(setup.workload.arrivals);
  for (const auto& [e, er] : result.engines) out["engines"][e] = EngineRunJson(er);
  json ratio = MeanRatioJson(result);
  if (!ratio.is_null()) out["mean_ratio"] = std::move(ratio);
  if (result.experiments) out["experiments"] = ExperimentsJson(*result.experiments);
  out["storage_failure"] =
      result.storage_failure ? json(result.storage_failure->ToString()) : json(nullptr);
  return out;
}

std::optional<MeasuredRoundTrips> MeasuredRoundTripsOf(const EngineRun& er) {
  const OpStats& all = er.run().all;
  if (all.count() == 0 || all.work.queries == 0) return std::nullopt;
  MeasuredRoundTrips m;
  m.per_request = static_cast<double>(all.work.queries) / all.count();
  m.us_each = all.latency_ns.mean() / m.per_request / 1000;
  return m;
}

namespace {

std::string Fixed1(double v) { return fmt::format("{:.1f}", v); }
std::string Times2(double v) { return fmt::format("{:.2f}x", v); }
std::string Fixed0(double v) { return fmt::format("{:.0f}", v); }

// One line of the table: pattern `op` (an OpKind index or kAllOps) of every
// engine, figures `w` wide, and the SQLite/RocksDB ratio of the means.
std::string ComparisonRow(const CompareResult& result, const std::string& code,
                          const std::string& name, int op, int w) {
  std::string line = fmt::format("{:<4} {:<22}", code, name);
  for (const auto& [e, er] : result.engines) {
    const OpStats& s = OpStatsOf(er.run(), op);
    const TimingSpread t = TimingSpreadOf(er, op);
    line += fmt::format(" | {:>8} {:>{}} {:>{}} {:>{}} {:>8} {:>7}", s.count(),
                        SpreadText(t.mean_us, Fixed1), w, SpreadText(t.p50_us, Fixed1), w,
                        SpreadText(t.p99_us, Fixed1), w, s.contract_errors(), s.storage_errors());
  }
  const auto sq = result.engines.find("sqlite");
  const auto rk = result.engines.find("rocksdb");
  if (sq != result.engines.end() && rk != result.engines.end()) {
    const Spread r = MeanRatioSpread(sq->second, rk->second, op);
    line += r.n > 0 ? " | " + SpreadText(r, Times2) : " |";
  }
  return line;
}

std::string RoundTripLine(const EngineRun& er) {
  const std::optional<MeasuredRoundTrips> m = MeasuredRoundTripsOf(er);
  if (!m) return "";
  return fmt::format(
      "{:.2f} round trips per request, {:.1f} us of measured latency per round trip over the "
      "Unix socket (the server's work included)",
      m->per_request, m->us_each);
}

// An engine's closing line: operations, seconds, throughput, clients, and
// the lock wait and retries of its median repetition when there were any.
std::string EngineLine(const std::string& e, const EngineRun& er) {
  const RunResult& r = er.run();
  std::vector<double> seconds;
  for (const EngineRepeat& rep : er.repeats) seconds.push_back(rep.run.seconds);
  return fmt::format(
      "{}: {} ops in {} s, {} ops/s, {} client thread{}{}{}", e, r.measured,
      SpreadText(SpreadOf(seconds), [](double v) { return fmt::format("{:.2f}", v); }),
      SpreadText(ThroughputSpread(er), Fixed0), r.threads, r.threads == 1 ? "" : "s",
      r.open_loop ? fmt::format(" (open loop at {:.0f}/s, {} arrivals)", r.target_rate,
                                ArrivalsName(r.arrivals))
                  : "",
      r.all.lock_wait_ns > 0 || r.all.retries > 0
          ? fmt::format("; lock wait {:.1f}% of latency, {} retries", 100 * LockWaitShare(r.all),
                        r.all.retries)
          : "");
}

}  // namespace

void PrintComparison(const CompareResult& result) {
  const size_t repeats = Repeats(result);
  const int w = repeats > 1 ? 22 : 9;  // "median [min–max]" or one figure
  const bool both = result.engines.count("sqlite") && result.engines.count("rocksdb");
  std::string header = fmt::format("{:<4} {:<22}", "op", "name");
  for (const auto& [e, unused] : result.engines) {
    (void)unused;
    header += fmt::format(" | {:>8} {:>{}} {:>{}} {:>{}} {:>8} {:>7}", e, "mean µs", w, "p50 µs", w,
                          "p99 µs", w, "contract", "storage");
  }
  if (both) header += " | sqlite/rocksdb";
  fmt::print("{}\n", header);
  for (int k = 0; k < kNumOpKinds; ++k) {
    const auto kind = static_cast<OpKind>(k);
    bool any = false;
    for (const auto& [e, er] : result.engines) {
      for (const EngineRepeat& rep : er.repeats) any |= rep.run.ops[k].count() > 0;
    }
    if (!any) continue;
    fmt::print("{}\n", ComparisonRow(result, std::string(OpKindCode(kind)),
                                     std::string(OpKindName(kind)), k, w));
  }
  fmt::print("{}\n", ComparisonRow(result, "", "all", kAllOps, w));
  for (const auto& [e, er] : result.engines) fmt::print("{}\n", EngineLine(e, er));
  for (const auto& [e, er] : result.engines) {
    const std::string rt = RoundTripLine(er);
    if (er.load.engine == Engine::kPostgres && !rt.empty()) fmt::print("{}: {}\n", e, rt);
  }
  fmt::print(
      "contract: requests refused by the store's contract (not found, conflict, invalid "
      "argument); storage: requests that failed with IOError or Corruption, which end the run\n");
  for (const auto& [e, er] : result.engines) {
    for (const EngineRepeat& rep : er.repeats) {
      if (!rep.run.storage_error) continue;
      fmt::print("{}: STORAGE ERROR, the run stopped ({} storage error{}): {}\n", e,
                 rep.run.storage_errors, rep.run.storage_errors == 1 ? "" : "s",
                 rep.run.storage_error->ToString());
    }
  }
  if (repeats > 1) {
    fmt::print(
        "{} repetitions, the engines' order alternating, each on a fresh clone: every timing is "
        "the median [min–max] of the repetitions (the ratio: of the per-repetition ratios); "
        "counts and errors are those of each engine's median repetition\n",
        repeats);
  }
  for (const auto& [e, er] : result.engines) {
    fmt::print("{}: background work during the run, which no request waited for: {}\n", e,
               BackgroundWorkText(er.run().background));
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
