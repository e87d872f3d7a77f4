// listbench verify: the differential check of the two storage designs.
//
// Work directory layout:
//   DIR/base/<engine>/  the pristine loads, reused while their manifest matches
//   DIR/run/<engine>/   clones of base that this run mutates (replaced each run)
#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/harness/differential.h"
#include "bench/harness/store_setup.h"
#include "bench/report/result_files.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

struct RunStores {
  std::unique_ptr<Store> sqlite, rocks;
};

StatusOr<RunStores> OpenRunStores(const std::string& work_dir, const StoreOptions& options) {
  RunStores stores;
  for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
    StatusOr<std::unique_ptr<Store>> s = OpenRunClone(work_dir, e, options);
    if (!s.ok()) return s.status();
    (e == Engine::kSqlite ? stores.sqlite : stores.rocks) = std::move(*s);
  }
  return stores;
}

void PrintOutcomes(const DiffReport& d) {
  fmt::print(
      "{:<4} {:<22} {:>8}  outcomes (identical on both engines unless a mismatch "
      "says otherwise)\n",
      "op", "name", "count");
  for (int k = 0; k < kNumOpKinds; ++k) {
    uint64_t n = 0;
    std::string parts;
    for (const auto& [code, c] : d.outcomes[k]) {
      n += c;
      parts += fmt::format("{}={} ", code, c);
    }
    fmt::print("{:<4} {:<22} {:>8}  {}\n", OpKindCode(static_cast<OpKind>(k)),
               OpKindName(static_cast<OpKind>(k)), n, parts);
  }
}

nlohmann::json ReportJson(const DiffReport& d) {
  nlohmann::json j;
  j["ops"] = d.ops;
  j["mismatches"] = d.mismatches;
  j["invariant_violations"] = d.invariant_violations.size();
  j["invariant_violation_details"] = d.invariant_violations;
  j["mismatch_details"] = nlohmann::json::array();
  for (const Mismatch& m : d.first_mismatches) {
    j["mismatch_details"].push_back(
        {{"index", m.index}, {"op", m.op}, {"sqlite", m.a}, {"rocksdb", m.b}});
  }
  for (int k = 0; k < kNumOpKinds; ++k) {
    j["outcomes"][std::string(OpKindName(static_cast<OpKind>(k)))] = d.outcomes[k];
  }
  return j;
}

}  // namespace

int VerifyCommand(int argc, char** argv) {
  cxxopts::Options options("listbench verify",
                           "Load both engines, run one seeded operation stream against both, "
                           "compare the results op by op and check invariants.");
  options.add_options()("ops", "operations in the stream (>= 1)",
                        cxxopts::value<uint64_t>()->default_value("50000"))(
      "work-dir", "work directory (base loads are reused across runs)",
      cxxopts::value<std::string>()->default_value("work"))(
      "json", "also write the report to this JSON file", cxxopts::value<std::string>());
  AddDatasetFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("verify", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;

  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return ReportError("verify", spec.status());
  const uint64_t num_ops = r["ops"].as<uint64_t>();
  if (num_ops == 0)
    return ReportError("verify", Status::InvalidArgument("--ops 0: must be at least 1"));
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  if (!json_path.empty()) {
    Status s = CheckOutputPath("--json", json_path);
    if (!s.ok()) return ReportError("verify", s);
  }
  const std::string work_dir = r["work-dir"].as<std::string>();
  Status s = CheckDataDir(work_dir);
  if (!s.ok()) return ReportError("verify", s);
  const StoreOptions store_options = StoreOptionsFromFlags(r);
  const auto start = std::chrono::steady_clock::now();

  nlohmann::json out = {{"command", "verify"},
                        {"listings", spec->listings},
                        {"seed", spec->seed},
                        {"durable", store_options.durable},
                        {"build", BuildInfoJson()}};
  const std::string base = (fs::path(work_dir) / "base").string();
  for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
    StatusOr<LoadReport> rep =
        PrepareStore(e, base, *spec, store_options, ExistingLoad::kReplace, /*progress=*/true);
    if (!rep.ok()) return ReportError("verify", rep.status());
    out["load"][std::string(EngineName(e))] = {{"reused", rep->reused}, {"seconds", rep->seconds}};
  }
  StatusOr<RunStores> stores = OpenRunStores(work_dir, store_options);
  if (!stores.ok()) return ReportError("verify", stores.status());

  DatasetCatalog catalog;
  StatusOr<DatasetCounts> counts = GenerateDataset(*spec, nullptr, &catalog);
  if (!counts.ok()) return ReportError("verify", counts.status());
  const std::vector<Op> trace = MakeVerifyTrace(catalog, {num_ops, spec->seed});
  std::fprintf(stderr, "running %zu operations against both engines\n", trace.size());

  DiffReport diff;
  RunDifferential(*stores->sqlite, *stores->rocks, trace, &diff);
  s = CheckInvariantsOfBoth(*stores->sqlite, *stores->rocks, &diff);
  if (!s.ok()) return ReportError("verify", s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  PrintOutcomes(diff);
  for (const Mismatch& m : diff.first_mismatches) {
    fmt::print("MISMATCH at op {}: {}\n  sqlite:  {}\n  rocksdb: {}\n", m.index, m.op, m.a, m.b);
  }
  for (const std::string& v : diff.invariant_violations) fmt::print("INVARIANT {}\n", v);
  fmt::print(
      "verify: listings={} seed={} ops={} mismatches={} invariant_violations={} ({:.1f} s)\n",
      spec->listings, spec->seed, diff.ops, diff.mismatches, diff.invariant_violations.size(),
      seconds);

  if (!json_path.empty()) {
    out.update(ReportJson(diff));
    out["seconds"] = seconds;
    s = WriteJsonFile(json_path, out);
    if (!s.ok()) return ReportError("verify", s);
  }
  return diff.mismatches == 0 && diff.invariant_violations.empty() ? kExitOk : kExitCheckFailed;
}

}  // namespace listbench
