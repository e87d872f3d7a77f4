#include "bench/drivers/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// Without an operation count or a rate, a duration-bound run gets at most
// this many operations of trace.
constexpr uint64_t kMaxDurationTrace = 2'000'000;

// One store the workload is replayed on: an engine, SQLite's index profile,
// and the name its results go under.
struct Design {
  Engine engine;
  SqliteSchema schema;
  std::string name;
};

// The engines compared and, for the report's decomposition, SQLite with
// the other index profile.
std::vector<Design> DesignsOf(const CompareSetup& s) {
  std::vector<Design> out;
  const SqliteSchema compared = s.store_options.sqlite_schema;
  for (Engine e : s.engines) out.push_back({e, compared, std::string(EngineName(e))});
  if (s.experiments) {
    const SqliteSchema other =
        compared == SqliteSchema::kTuned ? SqliteSchema::kLegacy : SqliteSchema::kTuned;
    out.push_back({Engine::kSqlite, other, OtherSchemaRunName(compared)});
  }
  return out;
}

StoreOptions OptionsOf(const CompareSetup& s, const Design& d) {
  StoreOptions o = s.store_options;
  o.sqlite_schema = d.schema;
  return o;
}

// Loads (or reuses) each design's pristine store into result->engines.
Status PrepareEngines(const CompareSetup& s, const std::vector<Design>& designs,
                      CompareResult* result) {
  const std::string base = (fs::path(s.work_dir) / "base").string();
  for (const Design& d : designs) {
    StatusOr<LoadReport> rep =
        PrepareStore(d.engine, base, s.spec, OptionsOf(s, d), s.reuse, /*progress=*/true);
    if (!rep.ok()) return rep.status();
    EngineRun& er = result->engines[d.name];
    er.sqlite_schema = d.schema;
    er.load = std::move(*rep);
  }
  return Status::OK();
}

// The workload's trace over the dataset of `s`; fills `catalog`.
StatusOr<std::vector<Op>> BuildTrace(const CompareSetup& s, DatasetCatalog* catalog) {
  StatusOr<DatasetCounts> counts = GenerateDataset(s.spec, nullptr, catalog);
  if (!counts.ok()) return counts.status();
  return MakeTrace(*catalog, TraceSpecFor(s.workload, TraceLength(s.workload), s.spec.seed));
}

// The workloads the report runs under load: the one compared, then the
// write-heavy checkout.toml and the read-only reads.toml beside it.
StatusOr<std::vector<WorkloadSpec>> LoadWorkloads(const CompareSetup& s) {
  std::vector<WorkloadSpec> out = {s.workload};
  const std::filesystem::path dir = std::filesystem::path(s.writes_workload).parent_path();
  for (const char* name : {"checkout.toml", "reads.toml"}) {
    StatusOr<WorkloadSpec> w = ParseWorkloadFile((dir / name).string());
    if (!w.ok()) return w.status();
    if (w->name != s.workload.name) out.push_back(std::move(*w));
  }
  return out;
}

// Replays `trace` on a fresh clone of `d`'s load, as repetition `repeat`;
// appends the run to er->repeats.
Status RunEngine(const CompareSetup& s, const Design& d, const std::vector<Op>& trace, int repeat,
                 int position, EngineRun* er) {
  StoreOptions options = OptionsOf(s, d);
  if (s.cache_share > 0) {
    options.cache_bytes = std::max<size_t>(
        size_t{1} << 20,
        static_cast<size_t>(s.cache_share * static_cast<double>(er->load.disk_bytes)));
  }
  er->cache_bytes = options.cache_bytes;
  StatusOr<std::unique_ptr<Store>> store = OpenRunClone(s.work_dir, d.engine, options);
  if (!store.ok()) return store.status();
  const std::string of_repeats = s.repeats == 1 ? ""
                                                : ", repetition " + std::to_string(repeat + 1) +
                                                      " of " + std::to_string(s.repeats);
  std::fprintf(stderr, "running %s: %zu operations (%llu warm-up) on %s, %d client thread%s%s\n",
               s.workload.name.c_str(), trace.size(),
               static_cast<unsigned long long>(s.workload.warmup), d.name.c_str(),
               s.workload.threads, s.workload.threads == 1 ? "" : "s", of_repeats.c_str());
  RunOptions ro;
  ro.warmup = s.workload.warmup;
  ro.duration_s = s.workload.operations > 0 ? 0 : s.workload.duration_s;
  ro.target_rate = s.workload.target_rate;
  ro.threads = s.workload.threads;
  ro.arrivals = s.workload.arrivals;
  ro.arrival_seed = s.spec.seed;
  EngineRepeat& rep = er->repeats.emplace_back();
  rep.position = position;
  rep.run = RunTrace(**store, trace, ro);
  StatusOr<uint64_t> disk = (*store)->DiskBytes();
  if (disk.ok()) rep.disk_bytes_after = *disk;
  return Status::OK();
}

// The failure of `d`'s run clone, when its last run ended on a storage error.
std::optional<StoreFailure> FailureOf(const CompareSetup& s, const Design& d, const EngineRun& er) {
  const std::optional<StorageError>& e = er.repeats.back().run.storage_error;
  if (!e) return std::nullopt;
  return RunCloneFailure(s.work_dir, d.engine, d.schema, *e);
}

// Picks each engine's median repetition; drops the engines that never ran
// (after a storage failure).
void PickMedians(CompareResult* result) {
  std::erase_if(result->engines, [](const auto& kv) { return kv.second.repeats.empty(); });
  for (auto& [name, er] : result->engines) {
    std::vector<size_t> by_mean(er.repeats.size());
    for (size_t i = 0; i < by_mean.size(); ++i) by_mean[i] = i;
    const std::vector<EngineRepeat>& reps = er.repeats;  // clang 14 captures no bindings
    std::stable_sort(by_mean.begin(), by_mean.end(), [&reps](size_t x, size_t y) {
      return reps[x].run.all.latency_ns.mean() < reps[y].run.all.latency_ns.mean();
    });
    er.median_repeat = by_mean[(by_mean.size() - 1) / 2];
  }
}

// Runs every design `s.repeats` times, the order alternating, until a
// storage error ends a run.
Status RunRepetitions(const CompareSetup& s, const std::vector<Design>& designs,
                      const std::vector<Op>& trace, CompareResult* result) {
  for (int rep = 0; rep < s.repeats && !result->storage_failure; ++rep) {
    std::vector<Design> order = designs;
    if (rep % 2 == 1) std::reverse(order.begin(), order.end());
    for (size_t i = 0; i < order.size(); ++i) {
      EngineRun& er = result->engines[order[i].name];
      LB_RETURN_IF_ERROR(RunEngine(s, order[i], trace, rep, static_cast<int>(i), &er));
      result->storage_failure = FailureOf(s, order[i], er);
      if (result->storage_failure) break;
    }
  }
  PickMedians(result);
  return Status::OK();
}

// The report's CI-sized live migration (compare.h).
MigrateConfig ReportMigration(const CompareSetup& s) {
  MigrateConfig m;
  m.binary = s.listbench_binary;
  m.listings = std::min(s.spec.listings, kReportMigrationListings);
  m.workload_file = s.workload.file;
  m.seed = s.spec.seed;
  m.durable = s.store_options.durable;
  m.cache_mb = s.cache_mb;
  m.sqlite_schema = s.store_options.sqlite_schema;
  m.work_dir = s.work_dir;
  m.max_ops = 20 * m.listings + 100000;
  m.threads = 2;
  return m;
}

// The report's failovers: each compared engine in both replication modes,
// on its pristine load, with the compared workload and 4 clients.
std::vector<FailoverOptions> ReportFailovers(const CompareSetup& s) {
  std::vector<FailoverOptions> out;
  if (s.failover_timeouts_ms.empty()) return out;
  for (Engine e : s.engines) {
    for (PgReplication mode : {PgReplication::kSync, PgReplication::kAsync}) {
      FailoverOptions f;
      f.spec = s.spec;
      f.workload = s.workload;
      f.work_dir = s.work_dir;
      f.reuse = s.reuse;
      f.cache_mb = s.cache_mb;
      f.sqlite_schema = s.store_options.sqlite_schema;
      f.engine = e;
      f.replication = mode;
      f.before_s = 1;
      f.after_s = 0.3;
      f.binary = s.listbench_binary;
      out.push_back(f);
    }
  }
  return out;
}

}  // namespace

std::string OtherSchemaRunName(SqliteSchema compared) {
  return compared == SqliteSchema::kTuned ? "sqlite-legacy" : "sqlite-tuned";
}

uint64_t TraceLength(const WorkloadSpec& w) {
  if (w.operations > 0) return w.warmup + w.operations;
  if (w.target_rate > 0) {
    return w.warmup + static_cast<uint64_t>(std::ceil(w.target_rate * w.duration_s)) + 1;
  }
  return w.warmup + kMaxDurationTrace;
}

const OpStats& OpStatsOf(const RunResult& r, int op) {
  return op == kAllOps ? r.all : r.ops[static_cast<size_t>(op)];
}

TimingSpread TimingSpreadOf(const EngineRun& er, int op) {
  std::vector<double> mean, p50, p99;
  for (const EngineRepeat& rep : er.repeats) {
    const Histogram& h = OpStatsOf(rep.run, op).latency_ns;
    mean.push_back(h.mean() / 1000.0);
    p50.push_back(static_cast<double>(h.Percentile(0.5)) / 1000.0);
    p99.push_back(static_cast<double>(h.Percentile(0.99)) / 1000.0);
  }
  return {SpreadOf(mean), SpreadOf(p50), SpreadOf(p99)};
}

Spread ThroughputSpread(const EngineRun& er) {
  std::vector<double> v;
  for (const EngineRepeat& rep : er.repeats) v.push_back(rep.run.throughput);
  return SpreadOf(v);
}

std::optional<double> MeanLatencyUs(const OpStats& s) { return s.latency_ns.mean() / 1000.0; }

RunFigure ModelledMeanUs(size_t profile) {
  return [profile](const OpStats& s) -> std::optional<double> {
    if (profile >= s.modelled_ns.size()) return std::nullopt;
    return s.modelled_ns[profile].mean() / 1000.0;
  };
}

Spread FigureSpread(const EngineRun& er, int op, const RunFigure& figure) {
  std::vector<double> v;
  for (const EngineRepeat& rep : er.repeats) {
    const std::optional<double> x = figure(OpStatsOf(rep.run, op));
    if (x) v.push_back(*x);
  }
  return SpreadOf(v);
}

Spread FigureRatioSpread(const EngineRun& a, const EngineRun& b, int op, const RunFigure& figure) {
  std::vector<double> v;
  for (size_t i = 0; i < a.repeats.size() && i < b.repeats.size(); ++i) {
    const std::optional<double> x = figure(OpStatsOf(a.repeats[i].run, op));
    const std::optional<double> y = figure(OpStatsOf(b.repeats[i].run, op));
    if (x && y && *y > 0) v.push_back(*x / *y);
  }
  return SpreadOf(v);
}

Spread MeanRatioSpread(const EngineRun& a, const EngineRun& b, int op) {
  return FigureRatioSpread(a, b, op, MeanLatencyUs);
}

StatusOr<CompareResult> RunCompare(const CompareSetup& s) {
  CompareResult result;
  result.build = CurrentBuildInfo();
  const std::vector<Design> designs = DesignsOf(s);
  LB_RETURN_IF_ERROR(PrepareEngines(s, designs, &result));
  // The catalog is kept through the timed runs only when the experiments
  // need it afterwards.
  DatasetCatalog catalog;
  StatusOr<std::vector<Op>> trace = BuildTrace(s, &catalog);
  if (!trace.ok()) return trace.status();
  if (!s.experiments) catalog = DatasetCatalog{};
  LB_RETURN_IF_ERROR(RunRepetitions(s, designs, *trace, &result));
  if (!s.experiments || result.storage_failure) return result;
  // The report's other rows: on fresh clones, after the timed runs.
  StatusOr<std::vector<WorkloadSpec>> load = LoadWorkloads(s);
  if (!load.ok()) return load.status();
  UnderLoadSpec ul;
  ul.workloads = std::move(*load);
  ul.ops = s.workload.operations > 0 ? s.workload.operations : ul.ops;
  ul.warmup = s.workload.warmup;
  ul.saturate.warmup = s.workload.warmup;
  ul.saturate.slo_p99_ms = s.slo_p99_ms;
  ul.saturate.step_seconds = s.saturate_step_seconds;
  ExperimentSetup ex{s.work_dir,
                     s.spec,
                     s.store_options,
                     std::move(*trace),
                     s.writes_workload,
                     std::move(ul),
                     std::nullopt,
                     {},
                     {}};
  if (!s.listbench_binary.empty()) {
    ex.migration = ReportMigration(s);
    ex.failovers = ReportFailovers(s);
    ex.failover_timeouts_ms = s.failover_timeouts_ms;
  }
  StatusOr<ExperimentsResult> experiments = RunReportExperiments(ex, catalog);
  if (!experiments.ok()) return experiments.status();
  result.experiments = std::move(*experiments);
  return result;
}

}  // namespace listbench
