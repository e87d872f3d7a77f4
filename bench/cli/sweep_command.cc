// listbench sweep: flags and validation; the sweep itself is bench/drivers/sweep.h.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/saturate.h"
#include "bench/drivers/sweep.h"
#include "bench/harness/store_setup.h"
#include "bench/report/sweep_report.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// Parses "25000,50000,..." into ascending, distinct scales >= 1.
StatusOr<std::vector<uint64_t>> ParseListingsList(const std::string& text) {
  const std::string flag = "--listings '" + text + "'";
  if (text.empty())
    return Status::InvalidArgument(flag + ": needs a comma-separated list of scales");
  std::vector<uint64_t> scales;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    uint64_t n = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size()) {
      return Status::InvalidArgument(flag + ": '" + item + "' is not a whole number of listings");
    }
    if (n == 0)
      return Status::InvalidArgument(flag + ": 0 listings; each scale must be at least 1");
    if (std::find(scales.begin(), scales.end(), n) != scales.end()) {
      return Status::InvalidArgument(flag + ": " + item + " is listed twice");
    }
    scales.push_back(n);
    start = comma + 1;
  }
  std::sort(scales.begin(), scales.end());
  return scales;
}

// `flag` for a directory: CheckDataDir's findings, with the flag named.
Status CheckDirFlag(const std::string& flag, const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument(flag + ": must not be empty");
  Status s = CheckDataDir(dir);
  if (!s.ok()) return Status::InvalidArgument(flag + " " + s.message());
  return Status::OK();
}

// --threads (1..256) and the --saturate flags; the step flags only with
// --saturate, checked as saturate checks them.
Status ReadThreadAndSaturateFlags(const cxxopts::ParseResult& r, SweepConfig* c) {
  if (r.count("threads")) {
    c->threads = r["threads"].as<int>();
    if (*c->threads < 1 || *c->threads > kMaxSaturateThreads) {
      return Status::InvalidArgument(
          fmt::format("--threads {}: must be 1..{}", *c->threads, kMaxSaturateThreads));
    }
  }
  const bool saturate = r.count("saturate") > 0;
  for (const char* flag : {"slo-p99-ms", "start-rate", "factor", "step-seconds", "max-steps"}) {
    if (!saturate && r.count(flag)) {
      return Status::InvalidArgument(fmt::format("--{}: only with --saturate", flag));
    }
  }
  if (!saturate) return Status::OK();
  SweepSaturate s;
  SaturateOptions o;  // saturate's defaults, overridden by the flags given
  o.slo_p99_ms = s.slo_p99_ms = r["slo-p99-ms"].as<double>();
  if (r.count("start-rate")) o.start_rate = *(s.start_rate = r["start-rate"].as<double>());
  if (r.count("factor")) o.factor = *(s.factor = r["factor"].as<double>());
  if (r.count("step-seconds")) o.step_seconds = *(s.step_seconds = r["step-seconds"].as<double>());
  if (r.count("max-steps")) o.max_steps = *(s.max_steps = r["max-steps"].as<int>());
  o.threads = c->threads.value_or(c->workload.threads);
  LB_RETURN_IF_ERROR(CheckSaturateOptions(o));
  c->saturate = s;
  return Status::OK();
}

StatusOr<SweepConfig> ReadSweepFlags(const cxxopts::ParseResult& r, int argc, char** argv) {
  SweepConfig c;
  for (int i = 0; i < argc; ++i) c.command_line.emplace_back(argv[i]);
  if (!c.command_line.empty()) c.command_line.front() = "listbench sweep";
  if (!r.count("listings")) {
    return Status::InvalidArgument("--listings is required, e.g. --listings 25000,50000,100000");
  }
  StatusOr<std::vector<uint64_t>> scales = ParseListingsList(r["listings"].as<std::string>());
  if (!scales.ok()) return scales.status();
  c.listings = *scales;
  const std::string engine_flag = r["engine"].as<std::string>();
  const auto engines = ParseEngineList(engine_flag);
  if (!engines) {
    return Status::InvalidArgument("--engine " + engine_flag + ": must be " + kEngineListChoices);
  }
  c.engines = *engines;
  c.seed = r["seed"].as<uint64_t>();
  if (r.count("ops")) {
    c.ops = r["ops"].as<uint64_t>();
    if (*c.ops == 0) return Status::InvalidArgument("--ops 0: must be at least 1");
  }
  if (r.count("warmup")) c.warmup = r["warmup"].as<uint64_t>();
  if (r.count("cache-mb")) {
    c.cache_mb = r["cache-mb"].as<uint64_t>();
    if (*c.cache_mb == 0) return Status::InvalidArgument("--cache-mb 0: must be at least 1");
  }
  c.workload_path = r["workload"].as<std::string>();
  StatusOr<WorkloadSpec> w = ParseWorkloadFile(c.workload_path);
  if (!w.ok()) return w.status();
  c.workload = *w;
  LB_RETURN_IF_ERROR(ReadThreadAndSaturateFlags(r, &c));
  StatusOr<SqliteSchema> schema = SqliteSchemaFromFlags(r);
  if (!schema.ok()) return schema.status();
  c.sqlite_schema = *schema;
  c.binary = r["listbench"].as<std::string>();
  if (c.binary.empty() || ::access(c.binary.c_str(), X_OK) != 0 || fs::is_directory(c.binary)) {
    return Status::InvalidArgument("--listbench " + c.binary + ": not an executable file");
  }
  c.keep = r.count("keep") > 0;
  if (!r.count("out")) return Status::InvalidArgument("--out is required (the results directory)");
  c.out_dir = r["out"].as<std::string>();
  c.work_dir = r["work-dir"].as<std::string>();
  // Every scale gets a fresh WORK/N, so that a load is measured, never reused.
  for (uint64_t n : c.listings) {
    std::error_code ec;
    const fs::path dir = fs::path(c.work_dir) / std::to_string(n);
    if (fs::exists(dir, ec)) {
      return Status::InvalidArgument("--work-dir " + c.work_dir + ": " + dir.string() +
                                     " already exists (left by a sweep with --keep?); remove it "
                                     "or use another --work-dir");
    }
  }
  // Bad input leaves nothing behind: undo the --out directory CheckDataDir
  // made if --work-dir then fails.
  std::error_code ec;
  const bool out_existed = fs::exists(c.out_dir, ec);
  LB_RETURN_IF_ERROR(CheckDirFlag("--out", c.out_dir));
  Status work = CheckDirFlag("--work-dir", c.work_dir);
  if (!work.ok()) {
    if (!out_existed) fs::remove(c.out_dir, ec);  // only if still empty
    return work;
  }
  return c;
}

}  // namespace

int SweepCommand(int argc, char** argv) {
  cxxopts::Options options(
      "listbench sweep",
      "Load and run each engine at several scales, each in child processes; fit how load time, "
      "disk, peak RSS and latency grow with the number of listings.");
  options.add_options()("listings", "comma-separated scales, e.g. 25000,50000,100000",
                        cxxopts::value<std::string>())(
      "engine", kEngineListChoices, cxxopts::value<std::string>()->default_value("both"))(
      "workload", "workload file (see workloads/*.toml)",
      cxxopts::value<std::string>()->default_value("workloads/mixed.toml"))(
      "ops", "measured operations per run (overrides the workload's)", cxxopts::value<uint64_t>())(
      "warmup", "warm-up operations per run (overrides the workload's)",
      cxxopts::value<uint64_t>())(
      "cache-mb", "RocksDB block cache and SQLite page cache, MiB (run's default: 64)",
      cxxopts::value<uint64_t>())("seed", "generator and operation-stream seed",
                                  cxxopts::value<uint64_t>()->default_value("1"))(
      "work-dir", "work directory; each scale N uses WORK/N, which must not exist yet",
      cxxopts::value<std::string>()->default_value("work"))(
      "out", "results directory: sweep.json, sweep.csv, sweep.md, sweep.log, plots",
      cxxopts::value<std::string>())(
      "keep", "keep each scale's stores and the children's JSON reports in WORK/N")(
      "threads", "client threads of each run (1..256; default: the workload's threads)",
      cxxopts::value<int>())("sqlite-schema",
                             "the normalized design's indexes: tuned or legacy (passed on to "
                             "every child)",
                             cxxopts::value<std::string>()->default_value("tuned"));
  options.add_options("saturate")(
      "saturate",
      "also run `listbench saturate` per scale and engine: the highest offered rate meeting "
      "the SLO")("slo-p99-ms", "with --saturate: the latency objective, p99 in ms (> 0)",
                 cxxopts::value<double>()->default_value("5"))(
      "start-rate", "with --saturate: offered ops/s of the first step (saturate's default 250)",
      cxxopts::value<double>())(
      "factor", "with --saturate: rate of each step / the step before (default 1.5)",
      cxxopts::value<double>())("step-seconds",
                                "with --saturate: offered duration of each step (default 5)",
                                cxxopts::value<double>())(
      "max-steps", "with --saturate: most steps (default 12)", cxxopts::value<int>());
  options.add_options("testing")("listbench", "the listbench executable to run the children with",
                                 cxxopts::value<std::string>()->default_value("/proc/self/exe"));
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("sweep", flags.status());
  if (help) return kExitOk;
  StatusOr<SweepConfig> config = ReadSweepFlags(*flags, argc, argv);
  if (!config.ok()) return ReportError("sweep", config.status());

  SweepResult result;
  result.outcome = RunSweep(*config, &result);
  Status written = WriteSweepOutputs(*config, result);
  PrintSweepTable(*config, result);
  if (!result.outcome.ok()) return ReportError("sweep", result.outcome);
  if (!written.ok()) return ReportError("sweep", written);
  return kExitOk;
}

}  // namespace listbench
