// listbench saturate: flags and validation; the stepping is
// bench/drivers/saturate.h, the outputs bench/report/saturate_report.h.
#include <fmt/format.h>

#include <filesystem>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/saturate.h"
#include "bench/harness/store_setup.h"
#include "bench/report/saturate_report.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

void AddSaturateFlags(cxxopts::Options& options) {
  options.add_options()("engine", kEngineListChoices,
                        cxxopts::value<std::string>()->default_value("both"))(
      "workload", "workload file: its mix and keys (its rate, threads and length do not apply)",
      cxxopts::value<std::string>()->default_value("workloads/mixed.toml"))(
      "threads", "client threads (1..256); the default 2 is this machine's cores",
      cxxopts::value<int>()->default_value("2"))("start-rate",
                                                 "offered ops/s of the first step (> 0)",
                                                 cxxopts::value<double>()->default_value("250"))(
      "factor", "offered rate of each step / the step before (> 1)",
      cxxopts::value<double>()->default_value("1.5"))("step-seconds",
                                                      "offered duration of each step (> 0)",
                                                      cxxopts::value<double>()->default_value("5"))(
      "max-steps", "most steps per engine (>= 1)", cxxopts::value<int>()->default_value("12"))(
      "slo-p99-ms", "the latency objective: p99 from the intended start, ms (> 0)",
      cxxopts::value<double>()->default_value("5"))(
      "warmup", "closed-loop operations before the first step (default: the workload's warmup)",
      cxxopts::value<uint64_t>())("cache-mb",
                                  "RocksDB block cache and SQLite page cache, MiB each (>= 1)",
                                  cxxopts::value<uint64_t>()->default_value("64"))(
      "work-dir", "work directory (pristine loads are reused across runs)",
      cxxopts::value<std::string>()->default_value("work"))(
      "out", "directory for saturate.json, saturate.csv and saturate-<engine>.png",
      cxxopts::value<std::string>()->default_value("saturate-out"));
  AddDatasetFlags(options);
  AddLoadReuseFlags(options);
}

SaturateOptions ReadStepFlags(const cxxopts::ParseResult& r, uint64_t warmup) {
  SaturateOptions o;
  o.threads = r["threads"].as<int>();
  o.start_rate = r["start-rate"].as<double>();
  o.factor = r["factor"].as<double>();
  o.step_seconds = r["step-seconds"].as<double>();
  o.max_steps = r["max-steps"].as<int>();
  o.slo_p99_ms = r["slo-p99-ms"].as<double>();
  o.warmup = r.count("warmup") ? r["warmup"].as<uint64_t>() : warmup;
  return o;
}

StatusOr<SaturateSetup> ReadSaturateFlags(const cxxopts::ParseResult& r, std::string* out_dir) {
  SaturateSetup s;
  const std::string engine_flag = r["engine"].as<std::string>();
  const auto engines = ParseEngineList(engine_flag);
  if (!engines) {
    return Status::InvalidArgument("--engine " + engine_flag + ": must be " + kEngineListChoices);
  }
  s.engines = *engines;
  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return spec.status();
  s.spec = *spec;
  StatusOr<WorkloadSpec> w = ParseWorkloadFile(r["workload"].as<std::string>());
  if (!w.ok()) return w.status();
  s.workload = *w;
  s.options = ReadStepFlags(r, s.workload.warmup);
  LB_RETURN_IF_ERROR(CheckSaturateOptions(s.options));
  s.workload.threads = s.options.threads;  // as the results record it
  s.cache_mb = r["cache-mb"].as<uint64_t>();
  if (s.cache_mb == 0) return Status::InvalidArgument("--cache-mb 0: must be at least 1");
  StatusOr<StoreOptions> store_options = StoreOptionsFromFlags(r);
  if (!store_options.ok()) return store_options.status();
  s.store_options = *store_options;
  s.store_options.cache_bytes = static_cast<size_t>(s.cache_mb) << 20;
  s.work_dir = r["work-dir"].as<std::string>();
  s.reuse = LoadReuseFromFlags(r);
  *out_dir = r["out"].as<std::string>();
  if (out_dir->empty()) return Status::InvalidArgument("--out: must not be empty");
  // Bad input leaves nothing behind: undo the --out directory CheckDataDir
  // made if --work-dir then fails.
  std::error_code ec;
  const bool out_existed = fs::exists(*out_dir, ec);
  Status out = CheckDataDir(*out_dir);
  if (!out.ok()) return Status::InvalidArgument("--out " + out.message());
  Status work = CheckDataDir(s.work_dir);
  if (!work.ok()) {
    if (!out_existed) fs::remove(*out_dir, ec);  // only if still empty
    return Status::InvalidArgument("--work-dir " + work.message());
  }
  return s;
}

}  // namespace

int SaturateCommand(int argc, char** argv) {
  cxxopts::Options options(
      "listbench saturate",
      "Step the open-loop offered rate up in geometric steps with N client threads until p99 "
      "passes the SLO or throughput stops rising: the knee and the highest rate meeting the SLO, "
      "per engine.");
  AddSaturateFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("saturate", flags.status());
  if (help) return kExitOk;
  std::string out_dir;
  StatusOr<SaturateSetup> setup = ReadSaturateFlags(*flags, &out_dir);
  if (!setup.ok()) return ReportError("saturate", setup.status());
  StatusOr<SaturateResult> result = RunSaturate(*setup);
  if (!result.ok()) return ReportError("saturate", result.status());
  PrintSaturateTable(*setup, *result);
  Status s = WriteSaturateOutputs(out_dir, *setup, *result);
  if (!s.ok()) return ReportError("saturate", s);
  fmt::print("wrote {}/saturate.json, saturate.csv and the plots\n", out_dir);
  return kExitOk;
}

}  // namespace listbench
