// listbench run / listbench compare: replay one workload's trace against one
// engine or against both, and report latency, throughput and counted work.
//
// Both engines get the identical trace, generated from the seed before any
// timing starts, and each starts from a fresh clone of the same pristine load
// (WORK/base/<engine> -> WORK/run/<engine>, as for verify).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/experiments.h"
#include "bench/harness/runner.h"
#include "bench/harness/store_setup.h"
#include "bench/report/report.h"
#include "bench/report/summary.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// Without an operation count or a rate, a duration-bound run gets at most
// this many operations of trace.
constexpr uint64_t kMaxDurationTrace = 2'000'000;

void AddRunFlags(cxxopts::Options& options) {
  options.add_options()("workload", "workload file (see workloads/*.toml)",
                        cxxopts::value<std::string>()->default_value("workloads/mixed.toml"))(
      "work-dir", "work directory (pristine loads are reused across runs)",
      cxxopts::value<std::string>()->default_value("work"))(
      "ops", "measured operations (overrides the workload's operations/duration)",
      cxxopts::value<uint64_t>())("warmup", "warm-up operations (overrides the workload's warmup)",
                                  cxxopts::value<uint64_t>())(
      "cache-mb", "RocksDB block cache and SQLite page cache, MiB each (>= 1)",
      cxxopts::value<uint64_t>()->default_value("64"))(
      "cache-share",
      "instead of --cache-mb: each engine's cache as this share (0..1] of "
      "its own data on disk",
      cxxopts::value<double>())("json", "also write the summary to this JSON file",
                                cxxopts::value<std::string>());
  AddDatasetFlags(options);
}

struct RunSetup {
  DatasetSpec spec;
  WorkloadSpec workload;
  StoreOptions store_options;
  std::string work_dir;
  std::string json_path;
  uint64_t cache_mb = 64;
  double cache_share = 0;  // > 0: cache = share x the engine's disk bytes
};

StatusOr<RunSetup> ReadRunFlags(const cxxopts::ParseResult& r) {
  RunSetup s;
  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return spec.status();
  s.spec = *spec;
  StatusOr<WorkloadSpec> w = ParseWorkloadFile(r["workload"].as<std::string>());
  if (!w.ok()) return w.status();
  s.workload = *w;
  if (s.workload.threads != 1) {
    return Status::InvalidArgument(
        fmt::format("{}: threads = {}: listbench's stores are single-threaded (core/store.h); use "
                    "threads = 1",
                    s.workload.file, s.workload.threads));
  }
  if (r.count("ops")) {
    const uint64_t ops = r["ops"].as<uint64_t>();
    if (ops == 0) return Status::InvalidArgument("--ops 0: must be at least 1");
    s.workload.operations = ops;
    s.workload.duration_s = 0;
  }
  if (r.count("warmup")) s.workload.warmup = r["warmup"].as<uint64_t>();
  s.cache_mb = r["cache-mb"].as<uint64_t>();
  if (s.cache_mb == 0) return Status::InvalidArgument("--cache-mb 0: must be at least 1");
  if (r.count("cache-share")) {
    s.cache_share = r["cache-share"].as<double>();
    if (!(s.cache_share > 0 && s.cache_share <= 1)) {
      return Status::InvalidArgument(
          fmt::format("--cache-share {}: must be in (0, 1]", s.cache_share));
    }
  }
  s.store_options = StoreOptionsFromFlags(r);
  s.store_options.cache_bytes = static_cast<size_t>(s.cache_mb) << 20;
  s.work_dir = r["work-dir"].as<std::string>();
  LB_RETURN_IF_ERROR(CheckDataDir(s.work_dir));
  if (r.count("json")) {
    s.json_path = r["json"].as<std::string>();
    LB_RETURN_IF_ERROR(CheckOutputPath("--json", s.json_path));
  }
  return s;
}

uint64_t TraceLength(const WorkloadSpec& w) {
  if (w.operations > 0) return w.warmup + w.operations;
  if (w.target_rate > 0) {
    return w.warmup + static_cast<uint64_t>(std::ceil(w.target_rate * w.duration_s)) + 1;
  }
  return w.warmup + kMaxDurationTrace;
}

// The workload's trace over the dataset of `s`; fills `catalog`.
StatusOr<std::vector<Op>> BuildTrace(const RunSetup& s, DatasetCatalog* catalog) {
  StatusOr<DatasetCounts> counts = GenerateDataset(s.spec, nullptr, catalog);
  if (!counts.ok()) return counts.status();
  return MakeTrace(*catalog, TraceSpecFor(s.workload, TraceLength(s.workload), s.spec.seed));
}

// Loads (or reuses) the engines' pristine stores, builds the trace and runs
// it against a fresh clone of each.
StatusOr<std::map<std::string, RunResult>> RunEngines(const RunSetup& s,
                                                      const std::vector<Engine>& engines,
                                                      nlohmann::json* out) {
  const std::string base = (fs::path(s.work_dir) / "base").string();
  StoreOptions load_options = s.store_options;
  for (Engine e : engines) {
    StatusOr<LoadReport> rep =
        PrepareStore(e, base, s.spec, load_options, ExistingLoad::kReplace, /*progress=*/true);
    if (!rep.ok()) return rep.status();
    (*out)["engines"][std::string(EngineName(e))]["load"] = {
        {"reused", rep->reused}, {"seconds", rep->seconds}, {"disk_bytes", rep->disk_bytes}};
  }
  std::vector<Op> trace;
  {
    DatasetCatalog catalog;  // not kept while timing
    StatusOr<std::vector<Op>> t = BuildTrace(s, &catalog);
    if (!t.ok()) return t.status();
    trace = std::move(*t);
  }

  std::map<std::string, RunResult> results;
  for (Engine e : engines) {
    StoreOptions options = s.store_options;
    nlohmann::json& ej = (*out)["engines"][std::string(EngineName(e))];
    if (s.cache_share > 0) {
      const uint64_t disk = ej["load"]["disk_bytes"].get<uint64_t>();
      options.cache_bytes = std::max<size_t>(
          size_t{1} << 20, static_cast<size_t>(s.cache_share * static_cast<double>(disk)));
    }
    ej["cache_bytes"] = options.cache_bytes;
    StatusOr<std::unique_ptr<Store>> store = OpenRunClone(s.work_dir, e, options);
    if (!store.ok()) return store.status();
    std::fprintf(stderr, "running %s: %zu operations (%llu warm-up) on %s\n",
                 s.workload.name.c_str(), trace.size(),
                 static_cast<unsigned long long>(s.workload.warmup),
                 std::string(EngineName(e)).c_str());
    RunOptions ro;
    ro.warmup = s.workload.warmup;
    ro.duration_s = s.workload.operations > 0 ? 0 : s.workload.duration_s;
    ro.target_rate = s.workload.target_rate;
    RunResult r = RunTrace(**store, trace, ro);
    ej.update(RunResultJson(r));
    StatusOr<uint64_t> disk = (*store)->DiskBytes();
    if (disk.ok()) ej["disk_bytes_after"] = *disk;
    results.emplace(std::string(EngineName(e)), std::move(r));
  }
  return results;
}

nlohmann::json Header(const std::string& command, const RunSetup& s) {
  nlohmann::json config = {{"durable", s.store_options.durable},
                           {"rocksdb_wal", s.store_options.rocksdb_wal}};
  if (s.cache_share > 0) {
    config["cache_share"] = s.cache_share;
  } else {
    config["cache_mb"] = s.cache_mb;
  }
  return {{"command", command},
          {"seed", s.spec.seed},
          {"listings", s.spec.listings},
          {"workload", WorkloadJson(s.workload)},
          {"config", config},
          {"build", BuildInfoJson()}};
}

}  // namespace

int RunCommand(int argc, char** argv) {
  cxxopts::Options options("listbench run", "Run a workload against one engine.");
  options.add_options()("engine", "sqlite or rocksdb", cxxopts::value<std::string>());
  AddRunFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("run", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  if (!r.count("engine")) {
    return ReportError("run", Status::InvalidArgument("--engine is required (sqlite or rocksdb)"));
  }
  const std::string engine_flag = r["engine"].as<std::string>();
  const std::optional<Engine> engine = ParseEngine(engine_flag);
  if (!engine) {
    return ReportError(
        "run", Status::InvalidArgument("--engine " + engine_flag + ": must be sqlite or rocksdb"));
  }
  StatusOr<RunSetup> setup = ReadRunFlags(r);
  if (!setup.ok()) return ReportError("run", setup.status());
  nlohmann::json out = Header("run", *setup);
  StatusOr<std::map<std::string, RunResult>> results = RunEngines(*setup, {*engine}, &out);
  if (!results.ok()) return ReportError("run", results.status());
  PrintComparison(*results);
  if (!setup->json_path.empty()) {
    Status s = WriteJsonFile(setup->json_path, out);
    if (!s.ok()) return ReportError("run", s);
  }
  return kExitOk;
}

int CompareCommand(int argc, char** argv) {
  cxxopts::Options options("listbench compare",
                           "Run one workload's identical trace against both engines.");
  options.add_options()("out", "directory for summary.json, ops.csv and series.csv",
                        cxxopts::value<std::string>()->default_value("compare-out"))(
      "report",
      "also write report.md with plots (gnuplot) into the --out directory, after "
      "the onboarding and schema-change runs (whose writer reads writes.toml next to the "
      "--workload file)");
  AddRunFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("compare", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  StatusOr<RunSetup> setup = ReadRunFlags(r);
  if (!setup.ok()) return ReportError("compare", setup.status());
  const std::string out_dir = r["out"].as<std::string>();
  Status s = CheckDataDir(out_dir);
  if (!s.ok()) return ReportError("compare", s);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec)
    return ReportError("compare", Status::IOError(out_dir + ": cannot create: " + ec.message()));

  nlohmann::json out = Header("compare", *setup);
  StatusOr<std::map<std::string, RunResult>> results =
      RunEngines(*setup, {Engine::kSqlite, Engine::kRocksDb}, &out);
  if (!results.ok()) return ReportError("compare", results.status());
  PrintComparison(*results);
  if (r.count("report")) {
    // The report's other rows: on fresh clones, after the timed runs.
    ExperimentSetup ex{setup->work_dir,
                       setup->spec,
                       setup->store_options,
                       {},
                       (fs::path(setup->workload.file).parent_path() / "writes.toml").string()};
    DatasetCatalog catalog;
    StatusOr<std::vector<Op>> trace = BuildTrace(*setup, &catalog);
    if (!trace.ok()) return ReportError("compare", trace.status());
    ex.trace = std::move(*trace);
    StatusOr<nlohmann::json> experiments = RunReportExperiments(ex, catalog);
    if (!experiments.ok()) return ReportError("compare", experiments.status());
    out["experiments"] = std::move(*experiments);
  }
  s = WriteJsonFile(out_dir + "/summary.json", out);
  if (s.ok()) s = WriteCsvs(out_dir, *results);
  if (s.ok() && !setup->json_path.empty()) s = WriteJsonFile(setup->json_path, out);
  if (s.ok() && r.count("report")) s = WriteReport(out_dir, out, *results);
  if (!s.ok()) return ReportError("compare", s);
  fmt::print("wrote {}/summary.json, ops.csv, series.csv{}\n", out_dir,
             r.count("report") ? ", report.md" : "");
  return kExitOk;
}

}  // namespace listbench
