// listbench schema-change: add energy_rating to listings while a write
// workload runs, once per method (SQLite blocking, SQLite batched, SQLite
// lazy, RocksDB lazy), each on a fresh clone of its engine's pristine load, and report the
// change's duration, the longest write stall, the writes' p99 during the
// change, the failed writes and the listings left without the field
// (bench/drivers/schema_change_bench.h).
#include <fmt/format.h>

#include <cstdio>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/schema_change_bench.h"
#include "bench/report/experiments_report.h"
#include "bench/report/result_files.h"

namespace listbench {
namespace {

void AddSchemaChangeFlags(cxxopts::Options& options) {
  options.add_options()("work-dir", "work directory (pristine loads are reused across runs)",
                        cxxopts::value<std::string>()->default_value("work"))(
      "workload", "write-only workload file (its mix and keys; the rate is --rate)",
      cxxopts::value<std::string>()->default_value("workloads/writes.toml"))(
      "rate", "writes per second, open loop (> 0)",
      cxxopts::value<double>()->default_value("2000"))(
      "batch", "rows per transaction of the SQLite batched backfill (>= 1)",
      cxxopts::value<uint64_t>()->default_value("1000"))(
      "batch-pause-ms", "SQLite batched: pause between batches, letting writes in (>= 0)",
      cxxopts::value<double>()->default_value("10"))(
      "before", "seconds of writes before the change starts",
      cxxopts::value<double>()->default_value("1"))("after", "seconds of writes after it completes",
                                                    cxxopts::value<double>()->default_value("1"))(
      "max-seconds", "longest run the write trace covers (trace = rate x this)",
      cxxopts::value<double>()->default_value("120"))(
      "busy-timeout-ms",
      "SQLite: how long a write waits for the change's lock before it "
      "fails (and the change for the store's)",
      cxxopts::value<int>()->default_value("5000"))(
      "method", "only this method (" + SchemaChangeMethodNames() + ")",
      cxxopts::value<std::string>())("cache-mb",
                                     "RocksDB block cache and SQLite page cache, MiB each (>= 1)",
                                     cxxopts::value<uint64_t>()->default_value("64"))(
      "json", "also write the results to this JSON file", cxxopts::value<std::string>());
  AddDatasetFlags(options);
  AddLoadReuseFlags(options);
}

// The suite the flags ask for; the --json destination goes to `json_path`.
StatusOr<SchemaChangeSuiteSpec> ReadSchemaChangeFlags(const cxxopts::ParseResult& r,
                                                      std::string* json_path) {
  SchemaChangeSuiteSpec spec;
  StatusOr<DatasetSpec> dataset = DatasetSpecFromFlags(r);
  if (!dataset.ok()) return dataset.status();
  spec.dataset = *dataset;
  spec.work_dir = r["work-dir"].as<std::string>();
  spec.reuse = LoadReuseFromFlags(r);
  spec.workload_path = r["workload"].as<std::string>();
  spec.rate = r["rate"].as<double>();
  spec.max_seconds = r["max-seconds"].as<double>();
  spec.experiment.change.batch_size = r["batch"].as<uint64_t>();
  spec.experiment.step_pause_ms = r["batch-pause-ms"].as<double>();
  if (!(spec.experiment.step_pause_ms >= 0)) {
    return Status::InvalidArgument("--batch-pause-ms must be >= 0");
  }
  spec.experiment.before_s = r["before"].as<double>();
  spec.experiment.after_s = r["after"].as<double>();
  if (!(spec.experiment.before_s >= 0) || !(spec.experiment.after_s >= 0)) {
    return Status::InvalidArgument("--before and --after must be >= 0");
  }
  StatusOr<StoreOptions> store_options = StoreOptionsFromFlags(r);
  if (!store_options.ok()) return store_options.status();
  spec.store_options = *store_options;
  spec.store_options.busy_timeout_ms = r["busy-timeout-ms"].as<int>();
  if (spec.store_options.busy_timeout_ms < 0) {
    return Status::InvalidArgument("--busy-timeout-ms must be >= 0");
  }
  const uint64_t cache_mb = r["cache-mb"].as<uint64_t>();
  if (cache_mb == 0) {
    return Status::InvalidArgument("--cache-mb 0: must be at least 1");
  }
  spec.store_options.cache_bytes = static_cast<size_t>(cache_mb) << 20;
  if (r.count("method")) {
    const std::string name = r["method"].as<std::string>();
    const std::optional<SchemaChangeMethod> m = ParseSchemaChangeMethod(name);
    if (!m) {
      return Status::InvalidArgument("--method " + name + ": must be one of " +
                                     SchemaChangeMethodNames());
    }
    spec.methods = {*m};
  }
  if (r.count("json")) {
    *json_path = r["json"].as<std::string>();
    LB_RETURN_IF_ERROR(CheckOutputPath("--json", *json_path));
  }
  return spec;
}

}  // namespace

int SchemaChangeCommand(int argc, char** argv) {
  cxxopts::Options options(
      "listbench schema-change",
      "Add a backfilled field to listings while a write workload runs, with each method.");
  AddSchemaChangeFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("schema-change", flags.status());
  if (help) return kExitOk;
  std::string json_path;
  StatusOr<SchemaChangeSuiteSpec> spec = ReadSchemaChangeFlags(*flags, &json_path);
  if (!spec.ok()) return ReportError("schema-change", spec.status());

  StatusOr<SchemaChangeSuiteResult> out = RunSchemaChangeSuite(*spec);
  if (!out.ok()) return ReportError("schema-change", out.status());
  fmt::print(
      "{} listings, seed {}, {:.0f} writes/s open loop, batch {} with {} ms pauses, busy timeout "
      "{} ms\n",
      spec->dataset.listings, spec->dataset.seed, spec->rate, spec->experiment.change.batch_size,
      spec->experiment.step_pause_ms, spec->store_options.busy_timeout_ms);
  std::fputs(SchemaChangeTable(*out).c_str(), stdout);
  if (!json_path.empty()) {
    Status s = WriteJsonFile(json_path, SchemaChangeSuiteJson(*out));
    if (!s.ok()) return ReportError("schema-change", s);
  }
  if (out->storage_failure) return ReportError("schema-change", out->storage_failure->ToStatus());
  return kExitOk;
}

}  // namespace listbench
