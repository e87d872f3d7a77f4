// listbench run / listbench compare: flags, the run (bench/drivers/compare.h),
// and its reporters: the side-by-side table, summary.json, the CSVs and, with
// --report, report.md. A storage error that ended the run is reported after
// the results are written, as one line naming the store, and exits 3.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/compare.h"
#include "bench/harness/store_setup.h"
#include "bench/report/report.h"
#include "bench/report/result_files.h"
#include "bench/report/summary.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

void AddRunFlags(cxxopts::Options& options) {
  options.add_options()("workload", "workload file (see workloads/*.toml)",
                        cxxopts::value<std::string>()->default_value("workloads/mixed.toml"))(
      "work-dir", "work directory (pristine loads are reused across runs)",
      cxxopts::value<std::string>()->default_value("work"))(
      "ops", "measured operations (overrides the workload's operations/duration)",
      cxxopts::value<uint64_t>())("warmup", "warm-up operations (overrides the workload's warmup)",
                                  cxxopts::value<uint64_t>())(
      "threads", "client threads, 1..256 (overrides the workload's threads)",
      cxxopts::value<int64_t>())("cache-mb",
                                 "RocksDB block cache and SQLite page cache, MiB each (>= 1)",
                                 cxxopts::value<uint64_t>()->default_value("64"))(
      "cache-share",
      "instead of --cache-mb: each engine's cache as this share (0..1] of "
      "its own data on disk",
      cxxopts::value<double>())("json", "also write the summary to this JSON file",
                                cxxopts::value<std::string>());
  AddDatasetFlags(options);
  AddLoadReuseFlags(options);
}

// Fills `s` (but its engines and experiments) from the flags; the --json
// destination goes to `json_path`.
StatusOr<CompareSetup> ReadRunFlags(const cxxopts::ParseResult& r, std::string* json_path) {
  CompareSetup s;
  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return spec.status();
  s.spec = *spec;
  StatusOr<WorkloadSpec> w = ParseWorkloadFile(r["workload"].as<std::string>());
  if (!w.ok()) return w.status();
  s.workload = *w;
  if (r.count("threads")) {
    const int64_t threads = r["threads"].as<int64_t>();
    if (threads < 1 || threads > kMaxThreads) {
      return Status::InvalidArgument(
          fmt::format("--threads {}: must be in 1..{}", threads, kMaxThreads));
    }
    s.workload.threads = static_cast<int>(threads);
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
  StatusOr<StoreOptions> store_options = StoreOptionsFromFlags(r);
  if (!store_options.ok()) return store_options.status();
  s.store_options = *store_options;
  s.store_options.cache_bytes = static_cast<size_t>(s.cache_mb) << 20;
  s.work_dir = r["work-dir"].as<std::string>();
  s.reuse = LoadReuseFromFlags(r);
  LB_RETURN_IF_ERROR(CheckDataDir(s.work_dir));
  if (r.count("json")) {
    *json_path = r["json"].as<std::string>();
    LB_RETURN_IF_ERROR(CheckOutputPath("--json", *json_path));
  }
  return s;
}

// --repeat: 1 by default, kReportRepeats with --report, at most kMaxRepeats.
constexpr int kReportRepeats = 5;
constexpr int kMaxRepeats = 100;

StatusOr<int> RepeatsFromFlags(const cxxopts::ParseResult& r, bool report) {
  if (!r.count("repeat")) return report ? kReportRepeats : 1;
  const int64_t n = r["repeat"].as<int64_t>();
  if (n < 1 || n > kMaxRepeats) {
    return Status::InvalidArgument(fmt::format("--repeat {}: must be in 1..{}", n, kMaxRepeats));
  }
  return static_cast<int>(n);
}

// Fills the engines and the report's settings of `setup` from compare's
// flags (--engines, --report, --slo-p99-ms, --step-seconds).
Status ReadCompareFlags(const cxxopts::ParseResult& r, CompareSetup* setup) {
  const std::string engines_flag = r["engines"].as<std::string>();
  const std::optional<std::vector<Engine>> engines = ParseEngineList(engines_flag);
  if (!engines) {
    return Status::InvalidArgument("--engines " + engines_flag + ": must be " + kEngineListChoices);
  }
  setup->engines = *engines;
  setup->experiments = r.count("report") > 0;
  const auto has = [&](Engine e) {
    return std::find(engines->begin(), engines->end(), e) != engines->end();
  };
  if (setup->experiments && !(has(Engine::kSqlite) && has(Engine::kRocksDb))) {
    return Status::InvalidArgument("--report: needs sqlite and rocksdb among --engines " +
                                   engines_flag);
  }
  setup->slo_p99_ms = r["slo-p99-ms"].as<double>();
  setup->saturate_step_seconds = r["step-seconds"].as<double>();
  for (const auto& [flag, v] : {std::pair{"--slo-p99-ms", setup->slo_p99_ms},
                                std::pair{"--step-seconds", setup->saturate_step_seconds}}) {
    if (!(v > 0) || !std::isfinite(v)) {
      return Status::InvalidArgument(fmt::format("{} = {}: must be a positive number", flag, v));
    }
  }
  StatusOr<std::vector<double>> timeouts =
      ParseMsList("--failover-timeouts-ms", r["failover-timeouts-ms"].as<std::string>());
  if (!timeouts.ok()) return timeouts.status();
  setup->failover_timeouts_ms = *timeouts;
  setup->writes_workload = (fs::path(setup->workload.file).parent_path() / "writes.toml").string();
  if (setup->experiments) {
    std::error_code ec;
    setup->listbench_binary = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) return Status::IOError("cannot find the listbench executable");
  }
  return Status::OK();
}

}  // namespace

int RunCommand(int argc, char** argv) {
  cxxopts::Options options("listbench run", "Run a workload against one engine.");
  options.add_options()("engine", "sqlite, rocksdb or postgres", cxxopts::value<std::string>());
  AddRunFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("run", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  if (!r.count("engine")) {
    return ReportError(
        "run", Status::InvalidArgument("--engine is required (sqlite, rocksdb or postgres)"));
  }
  const std::string engine_flag = r["engine"].as<std::string>();
  const std::optional<Engine> engine = ParseEngine(engine_flag);
  if (!engine) {
    return ReportError("run", Status::InvalidArgument("--engine " + engine_flag +
                                                      ": must be sqlite, rocksdb or postgres"));
  }
  std::string json_path;
  StatusOr<CompareSetup> setup = ReadRunFlags(r, &json_path);
  if (!setup.ok()) return ReportError("run", setup.status());
  setup->engines = {*engine};
  StatusOr<CompareResult> result = RunCompare(*setup);
  if (!result.ok()) return ReportError("run", result.status());
  PrintComparison(*result);
  if (!json_path.empty()) {
    Status s = WriteJsonFile(json_path, SummaryJson("run", *setup, *result));
    if (!s.ok()) return ReportError("run", s);
  }
  // Last, so that the summary records it and the line ends stderr.
  if (result->storage_failure) return ReportError("run", result->storage_failure->ToStatus());
  return kExitOk;
}

int CompareCommand(int argc, char** argv) {
  cxxopts::Options options("listbench compare",
                           "Run one workload's identical trace against several engines.");
  options.add_options()("engines", std::string("the engines to compare: ") + kEngineListChoices,
                        cxxopts::value<std::string>()->default_value("both"))(
      "out", "directory for summary.json, ops.csv and series.csv",
      cxxopts::value<std::string>()->default_value("compare-out"))(
      "report",
      "also write report.md with plots (gnuplot) into the --out directory, after "
      "the onboarding and schema-change runs (whose writer reads writes.toml next to the "
      "--workload file) and the runs under load (1, 2 and 4 clients; throughput at the SLO "
      "for the workload and checkout.toml)")(
      "slo-p99-ms", "with --report: the p99 objective of the throughput-at-SLO rows (> 0)",
      cxxopts::value<double>()->default_value("5"))(
      "step-seconds", "with --report: length of one offered-rate step of those rows (> 0)",
      cxxopts::value<double>()->default_value("3"))(
      "failover-timeouts-ms",
      "with --report: the failovers' detector timeouts, a comma list of ms (each engine, sync "
      "and async, one run per timeout), or none",
      cxxopts::value<std::string>()->default_value("250,1000"))(
      "repeat",
      "timed replays of the trace per engine, 1..100, each on a fresh clone, the engines' "
      "order alternating; timings are reported as median [min-max] (default 1, with "
      "--report 5)",
      cxxopts::value<int64_t>());
  AddRunFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("compare", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  std::string json_path;
  StatusOr<CompareSetup> setup = ReadRunFlags(r, &json_path);
  if (!setup.ok()) return ReportError("compare", setup.status());
  StatusOr<int> repeats = RepeatsFromFlags(r, r.count("report") > 0);
  if (!repeats.ok()) return ReportError("compare", repeats.status());
  setup->repeats = *repeats;
  Status s = ReadCompareFlags(r, &*setup);
  if (!s.ok()) return ReportError("compare", s);
  const std::string out_dir = r["out"].as<std::string>();
  s = CheckDataDir(out_dir);
  if (!s.ok()) return ReportError("compare", s);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec)
    return ReportError("compare", Status::IOError(out_dir + ": cannot create: " + ec.message()));

  StatusOr<CompareResult> result = RunCompare(*setup);
  if (!result.ok()) return ReportError("compare", result.status());
  PrintComparison(*result);
  const nlohmann::json summary = SummaryJson("compare", *setup, *result);
  s = WriteJsonFile(out_dir + "/summary.json", summary);
  if (s.ok()) s = WriteCsvs(out_dir, *result);
  if (s.ok() && !json_path.empty()) s = WriteJsonFile(json_path, summary);
  const bool report = setup->experiments && result->experiments;
  if (s.ok() && report) s = WriteReport(out_dir, *setup, *result);
  if (!s.ok()) return ReportError("compare", s);
  fmt::print("wrote {}/summary.json, ops.csv, series.csv{}\n", out_dir,
             report ? ", report.md" : "");
  if (result->storage_failure) {
    return ReportError("compare", result->storage_failure->ToStatus());
  }
  return kExitOk;
}

}  // namespace listbench
