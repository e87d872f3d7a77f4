// listbench load: generate the seeded dataset and bulk-load it.
#include <fmt/format.h>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/harness/store_setup.h"
#include "bench/report/result_files.h"

namespace listbench {
namespace {

nlohmann::json LoadJson(const LoadReport& r) {
  const double secs = r.seconds > 0 ? r.seconds : 1e-9;
  return {
      {"engine", EngineName(r.engine)},
      {"dir", r.dir},
      {"reused", r.reused},
      {"seconds", r.seconds},
      {"entities", r.counts.Total()},
      {"entities_per_second", r.reused ? 0.0 : r.counts.Total() / secs},
      {"engine_writes", r.rows_written},
      {"engine_writes_per_second", r.reused ? 0.0 : r.rows_written / secs},
      {"disk_bytes", r.disk_bytes},
      {"counts",
       {{"tenants", r.counts.tenants},
        {"landlords", r.counts.landlords},
        {"listings", r.counts.listings},
        {"images", r.counts.images},
        {"applicants", r.counts.applicants},
        {"applications", r.counts.applications},
        {"payments", r.counts.payments}}},
  };
}

}  // namespace

int LoadCommand(int argc, char** argv) {
  cxxopts::Options options("listbench load",
                           "Generate the seeded dataset and bulk-load it into each engine.");
  options.add_options()("engine", kEngineListChoices,
                        cxxopts::value<std::string>()->default_value("both"))(
      "data-dir", "data directory; each engine gets DIR/<engine>/",
      cxxopts::value<std::string>()->default_value("data"))(
      "replace", "replace a different dataset or a damaged load already in DIR/<engine>")(
      "verify-store",
      "run the engine's full check of a reused load (RocksDB checksums, SQLite "
      "integrity_check) even when its data files look unchanged")(
      "json", "also write the load report to this JSON file", cxxopts::value<std::string>());
  AddDatasetFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("load", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;

  const std::string engine_flag = r["engine"].as<std::string>();
  const auto engines = ParseEngineList(engine_flag);
  if (!engines) {
    return ReportError("load", Status::InvalidArgument("--engine " + engine_flag +
                                                       ": must be sqlite, rocksdb or both"));
  }
  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return ReportError("load", spec.status());
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  if (!json_path.empty()) {
    Status s = CheckOutputPath("--json", json_path);
    if (!s.ok()) return ReportError("load", s);
  }
  const std::string data_dir = r["data-dir"].as<std::string>();
  LoadReuse reuse;
  reuse.existing = r.count("replace") ? ExistingLoad::kReplace : ExistingLoad::kRefuse;
  reuse.verify = r.count("verify-store") > 0;

  Status dir_ok = CheckDataDir(data_dir);
  if (!dir_ok.ok()) return ReportError("load", dir_ok);

  nlohmann::json out = {{"command", "load"},
                        {"listings", spec->listings},
                        {"seed", spec->seed},
                        {"durable", r.count("durable") > 0},
                        {"sqlite_schema", r["sqlite-schema"].as<std::string>()},
                        {"build", BuildInfoJson()}};
  fmt::print("{:<8} {:>7} {:>9} {:>10} {:>12} {:>13} {:>16} {:>10}\n", "engine", "reused",
             "seconds", "entities", "entities/s", "engine writes", "engine writes/s", "disk MiB");
  StatusOr<StoreOptions> store_options = StoreOptionsFromFlags(r);
  if (!store_options.ok()) return ReportError("load", store_options.status());
  for (Engine e : *engines) {
    StatusOr<LoadReport> rep =
        PrepareStore(e, data_dir, *spec, *store_options, reuse, /*progress=*/true);
    if (!rep.ok()) return ReportError("load", rep.status());
    const double secs = rep->seconds > 0 ? rep->seconds : 1e-9;
    if (rep->reused) {
      fmt::print("{:<8} {:>7} {:>9} {:>10} {:>12} {:>13} {:>16} {:>10}\n", EngineName(e), "yes",
                 "-", "-", "-", "-", "-", "-");
    } else {
      fmt::print("{:<8} {:>7} {:>9.2f} {:>10} {:>12.0f} {:>13} {:>16.0f} {:>10.1f}\n",
                 EngineName(e), "no", rep->seconds, rep->counts.Total(), rep->counts.Total() / secs,
                 rep->rows_written, rep->rows_written / secs, rep->disk_bytes / 1048576.0);
    }
    out["engines"][std::string(EngineName(e))] = LoadJson(*rep);
  }
  if (!json_path.empty()) {
    Status s = WriteJsonFile(json_path, out);
    if (!s.ok()) return ReportError("load", s);
  }
  return kExitOk;
}

}  // namespace listbench
