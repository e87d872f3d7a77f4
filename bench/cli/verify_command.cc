// listbench verify: the differential check of the storage designs named by
// --engines (each further engine compared op by op with the first, on fresh
// clones of both), or, with --threads N > 1, the interleaving check of each
// (N clients at once, bench/harness/interleaving.h).
//
// The JSON report's top-level comparison keys (ops, mismatch_details,
// outcomes) are those of the first pair; mismatches and
// invariant_violations (and their details) are those of every pair;
// "pairs" holds each pair's full report.
//
// Work directory layout:
//   DIR/base/<engine>/  the pristine loads, reused while their manifest matches
//   DIR/run/<engine>/   clones of base that this run mutates (replaced each run)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <span>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/harness/differential.h"
#include "bench/harness/interleaving.h"
#include "bench/harness/store_setup.h"
#include "bench/report/result_files.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

struct VerifyFlags {
  std::vector<Engine> engines;  // --engines; the first is the reference
  DatasetSpec spec;
  uint64_t num_ops = 0;
  int threads = 1;
  std::string json_path;
  std::string work_dir;
  LoadReuse reuse;
  StoreOptions store_options;
};

// "sqlite, rocksdb and postgres".
std::string EngineNames(const std::vector<Engine>& engines) {
  std::string out;
  for (size_t i = 0; i < engines.size(); ++i) {
    if (i > 0) out += i + 1 == engines.size() ? " and " : ", ";
    out += EngineName(engines[i]);
  }
  return out;
}

void PrintOutcomes(const DiffReport& d, Engine a, Engine b) {
  fmt::print(
      "{:<4} {:<22} {:>8}  outcomes (identical on {} and {} unless a mismatch "
      "says otherwise)\n",
      "op", "name", "count", EngineName(a), EngineName(b));
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

// The report of the comparison of engine `a` (the reference) with `b`.
nlohmann::json ReportJson(const DiffReport& d, Engine a, Engine b) {
  nlohmann::json j;
  j["ops"] = d.ops;
  j["mismatches"] = d.mismatches;
  j["invariant_violations"] = d.invariant_violations.size();
  j["invariant_violation_details"] = d.invariant_violations;
  j["mismatch_details"] = nlohmann::json::array();
  for (const Mismatch& m : d.first_mismatches) {
    j["mismatch_details"].push_back(
        {{"index", m.index}, {"op", m.op}, {EngineName(a), m.a}, {EngineName(b), m.b}});
  }
  for (int k = 0; k < kNumOpKinds; ++k) {
    j["outcomes"][std::string(OpKindName(static_cast<OpKind>(k)))] = d.outcomes[k];
  }
  return j;
}

void PrintInterleaving(const InterleavingReport& r) {
  const auto line = [&](InterleavingCheck c, const std::string& what) {
    const uint64_t v = r.violations[static_cast<int>(c)];
    fmt::print("{:<8} {:<14} {:<4} {} violations={}\n", r.engine, InterleavingCheckName(c),
               v == 0 ? "ok" : "FAIL", what, v);
  };
  line(InterleavingCheck::kInvariants, "store invariants after the run;");
  line(InterleavingCheck::kAckedWrites,
       fmt::format("acknowledged writes checked={};", r.acked_writes_checked));
  line(InterleavingCheck::kVersions,
       fmt::format("W3 accepted={} listings={};", r.w3_accepted, r.w3_listings));
  line(InterleavingCheck::kRejections, fmt::format("W3 rejected={};", r.w3_rejected));
  for (const InterleavingViolation& v : r.first_violations) {
    fmt::print("VIOLATION {} {}: {}\n", r.engine, InterleavingCheckName(v.check), v.detail);
  }
}

nlohmann::json InterleavingJson(const InterleavingReport& r) {
  nlohmann::json j = {{"threads", r.threads},
                      {"ops", r.ops},
                      {"acked_writes_checked", r.acked_writes_checked},
                      {"w3_accepted", r.w3_accepted},
                      {"w3_rejected", r.w3_rejected},
                      {"w3_listings", r.w3_listings},
                      {"violations", r.total_violations()}};
  for (int c = 0; c < kNumInterleavingChecks; ++c) {
    j["violations_by_check"]
     [std::string(InterleavingCheckName(static_cast<InterleavingCheck>(c)))] = r.violations[c];
  }
  j["violation_details"] = nlohmann::json::array();
  for (const InterleavingViolation& v : r.first_violations) {
    j["violation_details"].push_back(
        {{"check", InterleavingCheckName(v.check)}, {"detail", v.detail}});
  }
  for (int k = 0; k < kNumOpKinds; ++k) {
    j["outcomes"][std::string(OpKindName(static_cast<OpKind>(k)))] = r.outcomes[k];
  }
  return j;
}

// Parses --engines: the differential check (one client) needs two.
Status EnginesFromFlag(const std::string& flag, int threads, std::vector<Engine>* engines) {
  const std::optional<std::vector<Engine>> parsed = ParseEngineList(flag);
  if (!parsed) {
    return Status::InvalidArgument("--engines " + flag + ": must be " + kEngineListChoices);
  }
  if (threads == 1 && parsed->size() < 2) {
    return Status::InvalidArgument("--engines " + flag +
                                   ": the comparison needs two engines or more (one engine: "
                                   "--threads N > 1)");
  }
  *engines = *parsed;
  return Status::OK();
}

StatusOr<VerifyFlags> ParseVerifyFlags(int argc, char** argv, bool* help) {
  cxxopts::Options options("listbench verify",
                           "Load the engines, run one seeded operation stream against each, "
                           "compare each engine's results op by op with the first's and check "
                           "invariants; with --threads N > 1, run it with N clients at once on "
                           "each engine and check the history instead.");
  options.add_options()("engines",
                        std::string("the engines to check, the first the reference of the "
                                    "comparison: ") +
                            kEngineListChoices,
                        cxxopts::value<std::string>()->default_value("both"))(
      "ops", "operations in the stream (>= 1)", cxxopts::value<uint64_t>()->default_value("50000"))(
      "threads", "client threads (1..256); above 1 the interleaving check",
      cxxopts::value<int>()->default_value("1"))(
      "work-dir", "work directory (base loads are reused across runs)",
      cxxopts::value<std::string>()->default_value("work"))(
      "json", "also write the report to this JSON file", cxxopts::value<std::string>());
  AddDatasetFlags(options);
  AddLoadReuseFlags(options);
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, help);
  if (!flags.ok()) return flags.status();
  if (*help) return VerifyFlags{};
  const cxxopts::ParseResult& r = *flags;
  VerifyFlags f;
  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return spec.status();
  f.spec = *spec;
  f.num_ops = r["ops"].as<uint64_t>();
  if (f.num_ops == 0) return Status::InvalidArgument("--ops 0: must be at least 1");
  f.threads = r["threads"].as<int>();
  if (f.threads < 1 || f.threads > kMaxThreads) {
    return Status::InvalidArgument(
        fmt::format("--threads {}: must be between 1 and {}", f.threads, kMaxThreads));
  }
  LB_RETURN_IF_ERROR(EnginesFromFlag(r["engines"].as<std::string>(), f.threads, &f.engines));
  f.json_path = r.count("json") ? r["json"].as<std::string>() : "";
  if (!f.json_path.empty()) LB_RETURN_IF_ERROR(CheckOutputPath("--json", f.json_path));
  f.work_dir = r["work-dir"].as<std::string>();
  f.reuse = LoadReuseFromFlags(r);
  LB_RETURN_IF_ERROR(CheckDataDir(f.work_dir));
  StatusOr<StoreOptions> store_options = StoreOptionsFromFlags(r);
  if (!store_options.ok()) return store_options.status();
  f.store_options = *store_options;
  return f;
}

// The op-by-op comparison of engine `b` with the reference `a` (one
// client), each on a fresh clone of its load; `*pair` gets its report.
// Returns whether it passed; a storage error of either engine ends it and
// goes to *failure.
StatusOr<bool> RunDifferentialPair(Engine a, Engine b, std::span<const Op> trace,
                                   const VerifyFlags& f, nlohmann::json* pair,
                                   std::optional<StoreFailure>* failure) {
  StatusOr<std::unique_ptr<Store>> sa = OpenRunClone(f.work_dir, a, f.store_options);
  if (!sa.ok()) return sa.status();
  StatusOr<std::unique_ptr<Store>> sb = OpenRunClone(f.work_dir, b, f.store_options);
  if (!sb.ok()) return sb.status();
  DiffReport diff;
  RunDifferential(**sa, **sb, trace, &diff, /*max_details=*/10, /*stop_on_storage_error=*/true);
  if (diff.storage_error) {
    *failure = RunCloneFailure(f.work_dir, diff.storage_error_in_b ? b : a,
                               f.store_options.sqlite_schema, *diff.storage_error);
    *pair = ReportJson(diff, a, b);
    return false;
  }
  LB_RETURN_IF_ERROR(CheckInvariantsOfBoth(**sa, **sb, &diff));
  if (f.engines.size() > 2) fmt::print("{} vs {}:\n", EngineName(a), EngineName(b));
  PrintOutcomes(diff, a, b);
  const std::string na(EngineName(a)), nb(EngineName(b));
  const size_t w = std::max(na.size(), nb.size()) + 1;
  for (const Mismatch& m : diff.first_mismatches) {
    fmt::print("MISMATCH at op {}: {}\n  {:<{}} {}\n  {:<{}} {}\n", m.index, m.op, na + ":", w, m.a,
               nb + ":", w, m.b);
  }
  for (const std::string& v : diff.invariant_violations) fmt::print("INVARIANT {}\n", v);
  *pair = ReportJson(diff, a, b);
  return diff.mismatches == 0 && diff.invariant_violations.empty();
}

// Compares each engine after the first with the first. The first pair's
// report is the top level of *out, but mismatches and invariant violations
// (with their details) are those of every pair; "pairs" holds each pair's
// report.
StatusOr<bool> RunDifferentialCheck(std::span<const Op> trace, const VerifyFlags& f,
                                    nlohmann::json* out, std::optional<StoreFailure>* failure) {
  bool pass = true;
  uint64_t mismatches = 0;
  nlohmann::json pairs = nlohmann::json::array(), violations = nlohmann::json::array();
  const Engine ref = f.engines.front();
  for (size_t i = 1; i < f.engines.size(); ++i) {
    nlohmann::json pair;
    StatusOr<bool> ok = RunDifferentialPair(ref, f.engines[i], trace, f, &pair, failure);
    if (!ok.ok()) return ok.status();
    pass = pass && *ok;
    mismatches += pair["mismatches"].get<uint64_t>();
    for (const nlohmann::json& v : pair["invariant_violation_details"]) violations.push_back(v);
    if (i == 1) out->update(pair);
    pair["engines"] = {EngineName(ref), EngineName(f.engines[i])};
    pairs.push_back(std::move(pair));
    if (*failure) {
      (*out)["storage_failure"] = (*failure)->ToString();
      break;
    }
  }
  (*out)["mismatches"] = mismatches;
  (*out)["invariant_violations"] = violations.size();
  (*out)["invariant_violation_details"] = std::move(violations);
  (*out)["pairs"] = std::move(pairs);
  return pass;
}

// The interleaving check of each engine with `threads` clients, each on a
// fresh clone of its load. The keys of the single-client report stay (no
// op-by-op comparison: mismatches 0; outcomes are the first engine's);
// "interleaving" holds each engine's checks.
StatusOr<bool> RunInterleavingCheck(std::span<const Op> trace, const VerifyFlags& f,
                                    nlohmann::json* out) {
  bool pass = true;
  DiffReport summary;
  summary.ops = trace.size();
  for (Engine e : f.engines) {
    StatusOr<std::unique_ptr<Store>> s = OpenRunClone(f.work_dir, e, f.store_options);
    if (!s.ok()) return s.status();
    InterleavingReport r;
    LB_RETURN_IF_ERROR(VerifyInterleaved(**s, trace, f.threads, &r));
    PrintInterleaving(r);
    pass = pass && r.total_violations() == 0;
    for (const InterleavingViolation& v : r.first_violations) {
      if (v.check == InterleavingCheck::kInvariants) {
        summary.invariant_violations.push_back(r.engine + ": " + v.detail);
      }
    }
    if (e == f.engines.front()) summary.outcomes = r.outcomes;
    (*out)["interleaving"][r.engine] = InterleavingJson(r);
  }
  out->update(ReportJson(summary, f.engines.front(), f.engines.back()));
  return pass;
}

uint64_t InterleavingViolations(const nlohmann::json& out) {
  uint64_t n = 0;
  for (const nlohmann::json& r : out["interleaving"]) n += r["violations"].get<uint64_t>();
  return n;
}

}  // namespace

int VerifyCommand(int argc, char** argv) {
  bool help = false;
  StatusOr<VerifyFlags> f = ParseVerifyFlags(argc, argv, &help);
  if (!f.ok()) return ReportError("verify", f.status());
  if (help) return kExitOk;
  const auto start = std::chrono::steady_clock::now();

  nlohmann::json out = {{"command", "verify"},
                        {"listings", f->spec.listings},
                        {"seed", f->spec.seed},
                        {"durable", f->store_options.durable},
                        {"sqlite_schema", SqliteSchemaName(f->store_options.sqlite_schema)},
                        {"threads", f->threads},
                        {"build", BuildInfoJson()},
                        {"storage_failure", nullptr}};
  const std::string base = (fs::path(f->work_dir) / "base").string();
  for (Engine e : f->engines) {
    StatusOr<LoadReport> rep =
        PrepareStore(e, base, f->spec, f->store_options, f->reuse, /*progress=*/true);
    if (!rep.ok()) return ReportError("verify", rep.status());
    out["load"][std::string(EngineName(e))] = {{"reused", rep->reused}, {"seconds", rep->seconds}};
  }

  DatasetCatalog catalog;
  StatusOr<DatasetCounts> counts = GenerateDataset(f->spec, nullptr, &catalog);
  if (!counts.ok()) return ReportError("verify", counts.status());
  const std::vector<Op> trace = MakeVerifyTrace(catalog, {f->num_ops, f->spec.seed});
  if (f->threads == 1) {
    std::fprintf(stderr, "running %zu operations against %s\n", trace.size(),
                 EngineNames(f->engines).c_str());
  } else {
    std::fprintf(stderr, "running %zu operations against %s%s with %d clients\n", trace.size(),
                 f->engines.size() > 1 ? "each of " : "", EngineNames(f->engines).c_str(),
                 f->threads);
  }

  std::optional<StoreFailure> failure;
  StatusOr<bool> pass = f->threads == 1 ? RunDifferentialCheck(trace, *f, &out, &failure)
                                        : RunInterleavingCheck(trace, *f, &out);
  if (!pass.ok()) return ReportError("verify", pass.status());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string interleaving = f->threads == 1
                                       ? ""
                                       : fmt::format(" threads={} interleaving_violations={}",
                                                     f->threads, InterleavingViolations(out));
  // After a storage error the comparison stopped: no verdict line, only the
  // error's (below).
  if (!failure) {
    fmt::print(
        "verify: listings={} seed={} ops={} mismatches={} invariant_violations={}{} ({:.1f} s)\n",
        f->spec.listings, f->spec.seed, trace.size(), out["mismatches"].get<uint64_t>(),
        out["invariant_violations"].get<uint64_t>(), interleaving, seconds);
  }
  if (!f->json_path.empty()) {
    out["seconds"] = seconds;
    Status s = WriteJsonFile(f->json_path, out);
    if (!s.ok()) return ReportError("verify", s);
  }
  if (failure) return ReportError("verify", failure->ToStatus());
  return *pass ? kExitOk : kExitCheckFailed;
}

}  // namespace listbench
