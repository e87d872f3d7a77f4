// listbench drill: run a fault scenario (sim/scenarios/*.toml) against one or
// both engines and report what each lost (bench/drivers/drill.h). Also the hidden
// `drill-child` command a crash drill runs in its child processes.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/drill.h"
#include "bench/harness/child_process.h"
#include "bench/harness/store_setup.h"
#include "bench/report/plot.h"
#include "sim/scenario.h"

namespace listbench {
namespace {

// What the engine's full check of a store's files is (VerifyStoreFiles).
const char* StoreCheckName(Engine e) {
  switch (e) {
    case Engine::kSqlite:
      return "integrity_check";
    case Engine::kRocksDb:
      return "paranoid open + VerifyChecksum";
    case Engine::kPostgres:
      return "page checksums + amcheck";
  }
  return "the engine's check";
}

namespace fs = std::filesystem;

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

nlohmann::json ResultJson(const DrillResult& r) {
  nlohmann::json j = {
      {"threads", r.threads},
      {"cycles", r.cycles},
      {"operations", r.operations},
      {"outcomes", r.outcomes},
      {"acknowledged_writes", r.acknowledged_writes},
      {"lost_acknowledged_writes", r.lost_acknowledged_writes},
      {"unknown_outcome_writes", r.unknown_outcome_writes},
      {"unknown_outcome_present", r.unknown_outcome_present},
      {"holes", r.holes},
      {"integrity_failures", r.integrity_failures},
      {"store_file_checks", r.store_file_checks},
      {"store_file_check_failures", r.store_file_check_failures},
      {"differential_failures", r.differential_failures},
      {"wrong_results", r.wrong_results},
      {"not_recovered", r.not_recovered},
      {"crashes",
       {{"sigkill", r.crashes_sigkill},
        {"power_loss", r.crashes_power_loss},
        {"none", r.runs_without_crash}}},
      {"faults_injected", r.faults_injected},
      {"acknowledged_writes_by_crash", r.acknowledged_by_crash},
      {"lost_acknowledged_writes_by_crash", r.lost_by_crash},
      {"recovery_ms",
       {{"p50", Percentile(r.recovery_ms, 0.5)}, {"max", Percentile(r.recovery_ms, 1.0)}}},
      {"seconds", r.seconds},
      {"failed", r.Failed()}};
  nlohmann::json problems = nlohmann::json::array();
  for (const CycleRecord& c : r.cycle_records) {
    for (const std::string& p : c.problems) {
      if (problems.size() < 20) {
        problems.push_back({{"cycle", c.cycle}, {"seed", c.seed}, {"problem", p}});
      }
    }
  }
  j["problems"] = problems;
  nlohmann::json faults = nlohmann::json::array();
  for (const FaultEvent& e : r.first_cycle_faults) {
    if (faults.size() < 200) faults.push_back(e.Describe());
  }
  j["first_cycle_fault_log"] = faults;
  return j;
}

void PrintResult(const Scenario& sc, const DrillResult& r) {
  const std::string e(EngineName(r.engine));
  fmt::print("{} on {} ({}, seed {}, {} writer thread{}): {} cycles in {:.1f} s\n", sc.name, e,
             sc.durable ? "durable" : "relaxed", r.seed, r.threads, r.threads == 1 ? "" : "s",
             r.cycles, r.seconds);
  std::string outcomes;
  for (const auto& [k, v] : r.outcomes) outcomes += fmt::format(" {}={}", k, v);
  fmt::print("  {} by outcome:{}\n", sc.kind == DrillKind::kCrash ? "writes" : "operations",
             outcomes);
  fmt::print("  acknowledged writes {}, lost {}, unknown outcome {} ({} present), holes {}\n",
             r.acknowledged_writes, r.lost_acknowledged_writes, r.unknown_outcome_writes,
             r.unknown_outcome_present, r.holes);
  fmt::print(
      "  integrity failures {}, differential failures {}, wrong results {}, not "
      "recovered {}\n",
      r.integrity_failures, r.differential_failures, r.wrong_results, r.not_recovered);
  fmt::print("  full store checks after the cycle ({}): {}, failed {}\n", StoreCheckName(r.engine),
             r.store_file_checks, r.store_file_check_failures);
  if (sc.kind == DrillKind::kCrash) {
    std::string by;
    for (const auto& [k, v] : r.lost_by_crash) {
      by += fmt::format(" {}={}/{}", k, v,
                        r.acknowledged_by_crash.count(k) ? r.acknowledged_by_crash.at(k) : 0);
    }
    fmt::print("  lost/acknowledged by crash:{}\n", by);
    fmt::print(
        "  crashes: sigkill {}, power loss {}, ran to the end {}; recovery p50 {:.1f} ms, "
        "max {:.1f} ms\n",
        r.crashes_sigkill, r.crashes_power_loss, r.runs_without_crash,
        Percentile(r.recovery_ms, 0.5), Percentile(r.recovery_ms, 1.0));
  } else {
    fmt::print("  faults injected {}; reopen p50 {:.1f} ms\n", r.faults_injected,
               Percentile(r.recovery_ms, 0.5));
  }
  int shown = 0;
  for (const CycleRecord& c : r.cycle_records) {
    for (const std::string& p : c.problems) {
      if (shown++ < 5) {
        fmt::print("  FAIL cycle {} (replay: --seed {} --cycles 1 --first-cycle {}): {}\n", c.cycle,
                   r.seed, c.cycle, p);
      }
    }
  }
}

// A plot per engine next to the JSON: errors drills draw throughput and p99
// per interval with the injected faults marked; crash drills draw each
// cycle's throughput with its crash marked by the recovery time after it.
void Plot(const std::string& json_path, const Scenario& sc, const DrillResult& r) {
  if (json_path.empty() || !HaveGnuplot()) return;
  const fs::path p(json_path);
  const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
  const std::string stem = p.stem().string() + "-" + std::string(EngineName(r.engine));
  std::string data;
  std::string script = fmt::format(
      "set terminal pngcairo size 900,500 noenhanced\nset output '{}.png'\nset grid\n"
      "set key top left\n",
      stem);
  if (sc.kind == DrillKind::kErrors) {
    for (const SeriesPoint& s : r.series) {
      data += fmt::format("{:.6f} {:.1f} {:.1f} {}\n", s.t, s.ops_per_s, s.p99_us, s.errors);
    }
    script += fmt::format(
        "set title '{} on {}: throughput and p99 (cycle 0), injected faults marked'\n"
        "set xlabel 'seconds since the workload started'\nset ylabel 'operations/s'\n"
        "set y2label 'p99 (us)'\nset y2tics\nset ytics nomirror\n",
        sc.name, EngineName(r.engine));
    int n = 0;
    for (const FaultEvent& e : r.first_cycle_faults) {
      if (n++ >= 50) break;
      script += fmt::format(
          "set arrow from {:.6f}, graph 0 to {:.6f}, graph 1 nohead lc rgb "
          "'#cc0000' dt 2\n",
          e.at_seconds, e.at_seconds);
    }
    script += fmt::format(
        "plot '{0}.dat' using 1:2 with lines lw 2 title 'ops/s', '{0}.dat' using 1:3 axes x1y2 "
        "with lines lw 2 title 'p99 us', 1/0 lc rgb '#cc0000' dt 2 title 'injected fault'\n",
        stem);
  } else {
    for (const CycleRecord& c : r.cycle_records) {
      const double per_s = c.workload_seconds > 0 ? c.acknowledged / c.workload_seconds : 0;
      data += fmt::format("{:.3f} {:.3f} {:.1f} {}\n", c.started_at_s, c.recovery_ms, per_s,
                          c.crash == "sigkill"      ? 1
                          : c.crash == "power_loss" ? 2
                                                    : 0);
    }
    script += fmt::format(
        "set title '{} on {}: throughput of each cycle and the recovery after its crash'\n"
        "set xlabel 'seconds since the drill started'\nset ylabel 'acknowledged writes/s'\n"
        "set y2label 'recovery: reopen + first read (ms, log scale)'\nset y2tics\n"
        "set ytics nomirror\nset logscale y2\nset key outside bottom center horizontal\n",
        sc.name, EngineName(r.engine));
    script += fmt::format(
        "plot '{0}.dat' using 1:($3>0?$3:1/0) with lines lc rgb '#999999' title 'acknowledged "
        "writes/s', '{0}.dat' using 1:($4==1?$2:1/0) axes x1y2 with points pt 7 ps 0.5 title "
        "'crash: SIGKILL (recovery ms)', '{0}.dat' using 1:($4==2?$2:1/0) axes x1y2 with points "
        "pt 5 ps 0.5 title 'crash: power loss (recovery ms)'\n",
        stem);
  }
  (void)WriteTextFile(dir + "/" + stem + ".dat", data);
  (void)RunGnuplot(dir, stem, script);
}

// ---- The error matrix ------------------------------------------------------

struct MatrixRow {
  const char* kind;
  const char* mode;  // "transient" | "persistent"
  const char* rule;  // the [[fault]] body
};

// One fault kind x transient/persistent per row. Every fault is armed at
// operation 50 of 300 and, persistent or not, cleared at operation 200 (the
// disk gets space back, the controller stops failing): the drill then checks
// that the store serves again without a restart.
constexpr MatrixRow kMatrixRows[] = {
    {"read_error", "transient", "kind = \"read_error\"\none_in = 10\nmax_fires = 5\n"},
    {"read_error", "persistent", "kind = \"read_error\"\npersistent = true\nnth = 5\n"},
    {"write_error", "transient", "kind = \"write_error\"\none_in = 10\nmax_fires = 5\n"},
    {"write_error", "persistent", "kind = \"write_error\"\npersistent = true\nnth = 5\n"},
    {"sync_error", "transient", "kind = \"sync_error\"\nnth = 2\n"},
    {"sync_error", "persistent", "kind = \"sync_error\"\npersistent = true\nnth = 2\n"},
    {"metadata_error", "transient", "kind = \"metadata_error\"\nnth = 1\n"},
    {"metadata_error", "persistent", "kind = \"metadata_error\"\npersistent = true\nnth = 1\n"},
    {"disk_full", "transient", "kind = \"disk_full\"\nnth = 3\n"},
    {"disk_full", "persistent", "kind = \"disk_full\"\npersistent = true\nbyte_budget = 8192\n"},
    {"latency", "transient", "kind = \"latency\"\nnth = 1\nlatency_us = 50000\n"},
    {"latency", "persistent",
     "kind = \"latency\"\npersistent = true\none_in = 1\nlatency_us = 1000\n"},
};

// One cell's text from the child's result JSON (an edge: a missing or
// mistyped field is Corruption, never a silent 0).
StatusOr<std::string> MatrixCellText(const nlohmann::json& e) try {
  const auto n = [&](const char* k) { return e.at(k).get<uint64_t>(); };
  // Outcomes hold only the kinds that occurred.
  const nlohmann::json& outcomes = e.at("outcomes");
  const auto outcome = [&](const char* k) {
    auto it = outcomes.find(k);
    return it == outcomes.end() ? uint64_t{0} : it->get<uint64_t>();
  };
  const uint64_t errors = outcome("io_error") + outcome("corruption") + outcome("open_failed");
  std::string cell =
      fmt::format("{} faults, {} error statuses, {} wrong results, {} lost acks",
                  n("faults_injected"), errors, n("wrong_results"), n("lost_acknowledged_writes"));
  const uint64_t later =
      outcome("io_error_applied_later") + outcome("io_error_applied_after_restart");
  if (later > 0) {
    cell +=
        fmt::format(", {} failed writes took effect later, at a recovery (unknown outcome)", later);
  }
  if (n("integrity_failures") > 0)
    cell += fmt::format(", {} integrity failures", n("integrity_failures"));
  if (n("differential_failures") > 0) {
    cell += fmt::format(", {} differential failures", n("differential_failures"));
  }
  if (n("not_recovered") > 0) {
    std::string why;
    for (const auto& p : e.at("problems")) {
      const std::string text = p.at("problem").get<std::string>();
      if (text.find("does not serve again") != std::string::npos ||
          text.find("could not run") != std::string::npos) {
        why = text;
      }
    }
    cell += "; NOT recovered without a restart: " + why;
  } else {
    cell += "; served again without a restart";
  }
  return cell;
} catch (const nlohmann::json::exception& ex) {
  return Status::Corruption(std::string("unexpected drill result: ") + ex.what());
}

std::string MatrixCell(const nlohmann::json& e, const ChildResult& child, bool* failed) {
  if (!child.ok() && child.exit_code != kExitCheckFailed) {
    return "listbench itself failed: " + child.Describe();
  }
  StatusOr<std::string> text = MatrixCellText(e);
  if (text.ok()) return *text;
  *failed = true;
  return "listbench itself failed: " + text.status().ToString();
}

// The workload file of the matrix, found the way scenarios find it.
std::string MatrixWorkload(const std::string& binary) {
  std::error_code ec;
  Scenario probe;
  probe.file = (fs::path(binary).parent_path() / ".." / "sim" / "scenarios" / "x.toml").string();
  probe.workload = "mixed";
  std::string workload = ScenarioWorkloadPath(probe);
  if (!fs::exists(workload, ec)) workload = "workloads/mixed.toml";
  return fs::absolute(workload, ec).string();
}

nlohmann::json MatrixHeaderJson(uint64_t seed, const std::string& workload) {
  return {{"command", "drill --matrix"},
          {"seed", seed},
          {"listings", 300},
          {"operations_per_cycle", 300},
          {"cycles", 3},
          {"workload", workload},
          {"fault_window", "armed at op 50, cleared at op 200"},
          {"reopen_at_op", 125},
          {"cache_kib", 64},
          {"build", BuildInfoJson()}};
}

// The matrix table's introduction and header row.
std::string MatrixIntro(uint64_t seed, const std::vector<Engine>& engines) {
  std::string md = fmt::format(
      "# Error matrix: each fault kind, transient and persistent, on each engine\n\n"
      "Every cell is one `listbench drill` run (3 cycles, seed {}, 300 listings, 300 "
      "operations of workloads/mixed.toml per cycle, durable configuration) in a child "
      "process of its own, so that a crash of the store would show here instead of ending "
      "the matrix. Caches are 64 KiB so that reads reach the file system. The fault is armed "
      "at operation 50 and cleared at operation 200; at operation 125 the store is closed and "
      "reopened under the fault (so rename, delete and directory-sync faults meet the calls "
      "that make them; while it cannot open, each request counts as `open_failed` and the "
      "next one tries again). After the window the drill requires 20 more operations to "
      "succeed without a further restart. A "
      "read that succeeds must equal a fault-free reference store's answer; a write that "
      "fails is probed and counted as unknown outcome. Generated by `listbench drill "
      "--matrix`; the scenarios are in `{}`.\n\n",
      seed, "matrix/*.toml under the work directory");
  md += "| fault | mode |";
  for (Engine e : engines) md += fmt::format(" {} |", EngineName(e));
  md += "\n|---|---|";
  for (size_t i = 0; i < engines.size(); ++i) md += "---|";
  md += "\n";
  return md;
}

// Writes the row's errors scenario into `dir`; returns its path.
std::string WriteMatrixScenario(const std::string& dir, const std::string& name,
                                const std::string& workload, const MatrixRow& row) {
  const std::string scenario = (fs::path(dir) / (name + ".toml")).string();
  std::ofstream(scenario) << fmt::format(
      "name = \"{}\"\nkind = \"errors\"\ndurable = true\nlistings = 300\noperations = 300\n"
      "workload = \"{}\"\ncycles = 3\ncache_kib = 64\nreopen_at_op = 125\n\n[[fault]]\n{}"
      "from_op = 50\nuntil_op = 200\n",
      name, workload, row.rule);
  return scenario;
}

// A matrix cell: the row's scenario on `e` in a child `listbench drill`.
// Adds the cell to `out`; returns its table text, `*failed` set when the
// child failed.
StatusOr<std::string> RunMatrixCell(const std::string& binary, const std::string& dir,
                                    const std::string& name, const std::string& scenario,
                                    const MatrixRow& row, Engine e, uint64_t seed,
                                    nlohmann::json* out, bool* failed) {
  const std::string cell_json =
      (fs::path(dir) / fmt::format("{}-{}.json", name, EngineName(e))).string();
  std::fprintf(stderr, "matrix: %s on %s\n", name.c_str(), std::string(EngineName(e)).c_str());
  StatusOr<ChildResult> child =
      RunChild(binary,
               {binary, "drill", "--scenario", scenario, "--engine", std::string(EngineName(e)),
                "--seed", std::to_string(seed), "--work-dir", dir, "--json", cell_json},
               cell_json + ".out", cell_json + ".err");
  if (!child.ok()) return child.status();
  nlohmann::json cell;
  std::ifstream in(cell_json);
  if (in) cell = nlohmann::json::parse(in, nullptr, false);
  const std::string engine(EngineName(e));
  const nlohmann::json e_json =
      cell.is_object() && cell.contains("engines") && cell["engines"].contains(engine)
          ? cell["engines"][engine]
          : nlohmann::json::object();
  const std::string text = MatrixCell(e_json, *child, failed);
  *failed = *failed || !child->ok();
  (*out)["cells"].push_back({{"fault", row.kind},
                             {"mode", row.mode},
                             {"engine", EngineName(e)},
                             {"exit", child->Describe()},
                             {"result", e_json},
                             {"summary", text}});
  return text;
}

// The matrix JSON and its .md table next to it, or the table on stdout.
int WriteMatrix(const std::string& json_path, const nlohmann::json& out, const std::string& md) {
  if (json_path.empty()) {
    fmt::print("{}", md);
    return kExitOk;
  }
  Status s = WriteJsonFile(json_path, out);
  if (!s.ok()) return ReportError("drill", s);
  const std::string md_path = (fs::path(json_path).replace_extension(".md")).string();
  s = WriteTextFile(md_path, md);
  if (!s.ok()) return ReportError("drill", s);
  fmt::print("wrote {} and {}\n", json_path, md_path);
  return kExitOk;
}

int RunMatrix(const std::string& binary, const std::vector<Engine>& engines, uint64_t seed,
              const std::string& work_dir, const std::string& json_path) {
  const std::string dir = (fs::path(work_dir) / "matrix").string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return ReportError("drill", Status::IOError(dir + ": cannot create: " + ec.message()));
  const std::string workload = MatrixWorkload(binary);
  nlohmann::json out = MatrixHeaderJson(seed, workload);
  std::string md = MatrixIntro(seed, engines);
  bool failed = false;
  for (const MatrixRow& row : kMatrixRows) {
    const std::string name = fmt::format("{}-{}", row.kind, row.mode);
    const std::string scenario = WriteMatrixScenario(dir, name, workload, row);
    md += fmt::format("| {} | {} |", row.kind, row.mode);
    for (Engine e : engines) {
      StatusOr<std::string> text =
          RunMatrixCell(binary, dir, name, scenario, row, e, seed, &out, &failed);
      if (!text.ok()) return ReportError("drill", text.status());
      md += " " + *text + " |";
    }
    md += "\n";
  }
  const int written = WriteMatrix(json_path, out, md);
  if (written != kExitOk) return written;
  return failed ? kExitCheckFailed : kExitOk;
}

// ---- The command -----------------------------------------------------------

void AddDrillFlags(cxxopts::Options* options) {
  options->add_options()("scenario", "scenario file (required unless --matrix)",
                         cxxopts::value<std::string>())(
      "matrix",
      "run the error matrix: every fault kind, transient and persistent, on each "
      "engine, each cell in a child process; --json names the matrix JSON (a .md table goes "
      "next to it)")("engine", "sqlite, rocksdb or both",
                     cxxopts::value<std::string>()->default_value("both"))(
      "seed", "dataset seed; cycle c's trace and fault plan use seed + c",
      cxxopts::value<uint64_t>()->default_value("1"))(
      "listings", "dataset size (default: the scenario's)", cxxopts::value<uint64_t>())(
      "cycles", "cycles (0 = the scenario's)", cxxopts::value<uint64_t>()->default_value("0"))(
      "first-cycle", "start at this cycle (to replay one: --cycles 1 --first-cycle C)",
      cxxopts::value<uint64_t>()->default_value("0"))(
      "kill-point-sweep",
      "crash scenarios: crash at the 1st, 2nd, ... write/sync call until a "
      "run completes")("threads",
                       "crash scenarios: writer threads in the child (op i on thread i % N)",
                       cxxopts::value<int>()->default_value("1"))(
      "work-dir", "work directory", cxxopts::value<std::string>()->default_value("work"))(
      "json", "write the results to this JSON file (plots go next to it)",
      cxxopts::value<std::string>())(
      "listbench", "the listbench binary the crash children run",
      cxxopts::value<std::string>()->default_value("/proc/self/exe"))(
      "sqlite-schema", "the SQLite store's indexes: tuned or legacy (not with --matrix)",
      cxxopts::value<std::string>()->default_value("tuned"));
}

// --json (checked writable) or "".
StatusOr<std::string> JsonPathFlag(const cxxopts::ParseResult& r) {
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  if (!json_path.empty()) LB_RETURN_IF_ERROR(CheckOutputPath("--json", json_path));
  return json_path;
}

int MatrixCommand(const cxxopts::ParseResult& r, const std::vector<Engine>& engines) {
  std::error_code ec;
  const std::string binary = fs::canonical(r["listbench"].as<std::string>(), ec).string();
  if (ec) return ReportError("drill", Status::InvalidArgument("--listbench: not found"));
  StatusOr<std::string> json_path = JsonPathFlag(r);
  if (!json_path.ok()) return ReportError("drill", json_path.status());
  if (r.count("sqlite-schema") > 0) {
    return ReportError("drill", Status::InvalidArgument(
                                    "--sqlite-schema: the error matrix runs the default (tuned) "
                                    "SQLite indexes only"));
  }
  const std::string work_dir = r["work-dir"].as<std::string>();
  Status s = CheckDataDir(work_dir);
  if (!s.ok()) return ReportError("drill", s);
  return RunMatrix(binary, engines, r["seed"].as<uint64_t>(), work_dir, *json_path);
}

// The drill's options from the flags, checked against the scenario.
StatusOr<DrillOptions> DrillOptionsFlags(const cxxopts::ParseResult& r, const Scenario& sc) {
  DrillOptions opts;
  opts.seed = r["seed"].as<uint64_t>();
  opts.cycles = r["cycles"].as<uint64_t>();
  opts.first_cycle = r["first-cycle"].as<uint64_t>();
  opts.kill_point_sweep = r.count("kill-point-sweep") > 0;
  opts.work_dir = r["work-dir"].as<std::string>();
  opts.progress = true;
  opts.threads = r["threads"].as<int>();
  StatusOr<SqliteSchema> schema = SqliteSchemaFromFlags(r);
  if (!schema.ok()) return schema.status();
  opts.sqlite_schema = *schema;
  if (opts.kill_point_sweep && sc.kind != DrillKind::kCrash) {
    return Status::InvalidArgument("--kill-point-sweep: " + sc.file + " is not a crash scenario");
  }
  if (opts.threads < 1 || opts.threads > kMaxThreads) {
    return Status::InvalidArgument(
        fmt::format("--threads {}: must be in 1..{}", opts.threads, kMaxThreads));
  }
  if (opts.threads > 1 && sc.kind != DrillKind::kCrash) {
    return Status::InvalidArgument(
        fmt::format("--threads {}: {} is not a crash scenario (error drills run one client)",
                    opts.threads, sc.file));
  }
  std::error_code ec;
  opts.binary = fs::canonical(r["listbench"].as<std::string>(), ec).string();
  if (ec || ::access(opts.binary.c_str(), X_OK) != 0) {
    return Status::InvalidArgument("--listbench " + r["listbench"].as<std::string>() +
                                   ": not an executable file");
  }
  return opts;
}

nlohmann::json DrillHeaderJson(const Scenario& sc, const DrillOptions& opts) {
  return {{"command", "drill"},
          {"scenario", sc.name},
          {"scenario_file", sc.file},
          {"kind", sc.kind == DrillKind::kCrash ? "crash" : "errors"},
          {"durable", sc.durable},
          {"listings", sc.listings},
          {"dataset_seed", opts.seed},
          {"operations_per_cycle", sc.operations},
          {"workload", sc.workload},
          {"crash", CrashModeName(sc.crash)},
          {"crash_one_in", sc.crash_one_in},
          {"seed", opts.seed},
          {"first_cycle", opts.first_cycle},
          {"kill_point_sweep", opts.kill_point_sweep},
          {"threads", opts.threads},
          {"sqlite_schema", SqliteSchemaName(opts.sqlite_schema)},
          {"build", BuildInfoJson()}};
}

// Runs the drill on each engine, printing, plotting and collecting each
// result; writes the JSON.
int RunScenario(const Scenario& sc, const DrillOptions& opts, const std::vector<Engine>& engines,
                const std::string& json_path) {
  nlohmann::json out = DrillHeaderJson(sc, opts);
  bool failed = false;
  for (Engine e : engines) {
    StatusOr<DrillResult> res = RunDrill(e, sc, opts);
    if (!res.ok()) return ReportError("drill", res.status());
    PrintResult(sc, *res);
    out["engines"][std::string(EngineName(e))] = ResultJson(*res);
    Plot(json_path, sc, *res);
    failed = failed || res->Failed();
  }
  if (!json_path.empty()) {
    Status s = WriteJsonFile(json_path, out);
    if (!s.ok()) return ReportError("drill", s);
  }
  fmt::print("drill {}: {}\n", sc.name, failed ? "FAILED" : "passed");
  return failed ? kExitCheckFailed : kExitOk;
}

// The engines of --engine: sqlite, rocksdb or both (or a list of them).
// PostgreSQL is refused: its server does the I/O, so there is no seam in
// this process to inject faults or crashes at.
StatusOr<std::vector<Engine>> DrillEngines(const std::string& flag) {
  std::optional<std::vector<Engine>> engines = ParseEngineList(flag);
  if (!engines) {
    return Status::InvalidArgument("--engine " + flag + ": expected sqlite, rocksdb or both");
  }
  if (std::find(engines->begin(), engines->end(), Engine::kPostgres) != engines->end()) {
    return Status::InvalidArgument("--engine " + flag +
                                   ": postgres cannot be drilled (its server does the I/O; "
                                   "listbench has no fault seam in it); use sqlite, rocksdb "
                                   "or both");
  }
  return *engines;
}

}  // namespace

int DrillCommand(int argc, char** argv) {
  cxxopts::Options options("listbench drill",
                           "Run a fault scenario (sim/scenarios/*.toml) against the engines: "
                           "crash drills (SIGKILL, power loss) and error drills (I/O errors, "
                           "disk full, latency). Exit 1 when a durable configuration lost an "
                           "acknowledged write or a check failed.");
  AddDrillFlags(&options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("drill", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  const bool matrix = r.count("matrix") > 0;
  if (r.count("scenario") == 0 && !matrix) {
    return ReportError("drill", Status::InvalidArgument("--scenario FILE is required"));
  }
  if (r.count("scenario") > 0 && matrix) {
    return ReportError("drill", Status::InvalidArgument("--matrix runs its own scenarios; "
                                                        "drop --scenario"));
  }
  StatusOr<std::vector<Engine>> engines = DrillEngines(r["engine"].as<std::string>());
  if (!engines.ok()) return ReportError("drill", engines.status());
  if (matrix) return MatrixCommand(r, *engines);
  StatusOr<Scenario> sc = ParseScenarioFile(r["scenario"].as<std::string>());
  if (!sc.ok()) return ReportError("drill", sc.status());
  if (r.count("listings")) {
    sc->listings = r["listings"].as<uint64_t>();
    if (sc->listings < 10 || sc->listings > 1000000) {  // as in a scenario file
      return ReportError("drill", Status::InvalidArgument(fmt::format(
                                      "--listings {}: must be in 10..1000000", sc->listings)));
    }
  }
  StatusOr<DrillOptions> opts = DrillOptionsFlags(r, *sc);
  if (!opts.ok()) return ReportError("drill", opts.status());
  StatusOr<std::string> json_path = JsonPathFlag(r);
  if (!json_path.ok()) return ReportError("drill", json_path.status());
  Status s = CheckDataDir(opts->work_dir);
  if (!s.ok()) return ReportError("drill", s);
  return RunScenario(*sc, *opts, *engines, *json_path);
}

int DrillChildCommand(int argc, char** argv) {
  cxxopts::Options options("listbench drill-child", "(internal) the child of a crash drill");
  options.add_options()("engine", "", cxxopts::value<std::string>())(
      "dir", "", cxxopts::value<std::string>())("workload", "", cxxopts::value<std::string>())(
      "listings", "", cxxopts::value<uint64_t>())("operations", "", cxxopts::value<uint64_t>())(
      "trace-seed", "", cxxopts::value<uint64_t>())("dataset-seed", "",
                                                    cxxopts::value<uint64_t>()->default_value("1"))(
      "durable", "", cxxopts::value<int>())("plan-seed", "",
                                            cxxopts::value<uint64_t>()->default_value("1"))(
      "crash-nth", "", cxxopts::value<uint64_t>()->default_value("0"))(
      "crash-one-in", "", cxxopts::value<uint64_t>()->default_value("0"))(
      "threads", "", cxxopts::value<int>()->default_value("1"))(
      "sqlite-schema", "", cxxopts::value<std::string>()->default_value("tuned"));
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("drill-child", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  for (const char* f :
       {"engine", "dir", "workload", "listings", "operations", "trace-seed", "durable"}) {
    if (r.count(f) == 0) {
      return ReportError("drill-child",
                         Status::InvalidArgument(fmt::format("--{} is required", f)));
    }
  }
  std::optional<Engine> e = ParseEngine(r["engine"].as<std::string>());
  if (!e || *e == Engine::kPostgres) {
    return ReportError("drill-child", Status::InvalidArgument("--engine: unknown engine"));
  }
  DrillChildArgs a;
  a.engine = *e;
  a.dir = r["dir"].as<std::string>();
  a.workload_file = r["workload"].as<std::string>();
  a.listings = r["listings"].as<uint64_t>();
  a.operations = r["operations"].as<uint64_t>();
  a.dataset_seed = r["dataset-seed"].as<uint64_t>();
  a.trace_seed = r["trace-seed"].as<uint64_t>();
  a.durable = r["durable"].as<int>() != 0;
  a.plan_seed = r["plan-seed"].as<uint64_t>();
  a.crash_nth = r["crash-nth"].as<uint64_t>();
  a.crash_one_in = r["crash-one-in"].as<uint64_t>();
  a.threads = r["threads"].as<int>();
  StatusOr<SqliteSchema> schema = SqliteSchemaFromFlags(r);
  if (!schema.ok()) return ReportError("drill-child", schema.status());
  a.sqlite_schema = *schema;
  if (a.threads < 1) {
    return ReportError("drill-child", Status::InvalidArgument("--threads: must be at least 1"));
  }
  return RunDrillChild(a);
}

}  // namespace listbench
