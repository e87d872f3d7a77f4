// `listbench migrate`: the zero-downtime migration from the normalized SQLite
// store to the single-table RocksDB store with the live workload running
// (bench/drivers/migrate_run.h, migration/migrating_store.h).
#include <fmt/format.h>

#include <filesystem>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/migrate_run.h"
#include "bench/harness/build_info.h"
#include "bench/harness/store_setup.h"
#include "bench/report/plot.h"
#include "sim/scenario.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

double P99Us(const Histogram& h) { return static_cast<double>(h.Percentile(0.99)) / 1000.0; }

nlohmann::json PeriodJson(const Histogram& h, const MigratePeriod& p) {
  return {{"requests", h.count()},
          {"p50_us", h.Percentile(0.5) / 1000.0},
          {"p99_us", P99Us(h)},
          {"throughput_rps", p.Throughput()}};
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

nlohmann::json ResultJson(const MigrateConfig& cfg, const MigrateResult& r) {
  const MigrationOptions& o = cfg.migration;
  nlohmann::json timeline = nlohmann::json::array();
  for (const MigrateSecond& s : r.timeline) {
    timeline.push_back({{"t", s.t},
                        {"requests", s.requests},
                        {"p99_us", s.p99_us},
                        {"phase", s.phase},
                        {"canary_share", s.canary_share},
                        {"spi", s.spi < 0 ? nlohmann::json(nullptr) : nlohmann::json(s.spi)},
                        {"repair_queue", s.repair_queue},
                        {"backfill_rows", s.backfill_rows}});
  }
  const double before = P99Us(r.before_ns), during = P99Us(r.during_ns);
  nlohmann::json diff = {{"missing", r.final_diff ? r.final_diff->missing() : 0},
                         {"extra", r.final_diff ? r.final_diff->extra() : 0},
                         {"mismatched", r.final_diff ? r.final_diff->mismatched() : 0}};
  if (r.final_diff) diff["by_kind"] = *r.final_diff;
  return {
      {"command", "migrate"},
      {"listings", cfg.listings},
      {"dataset_seed", cfg.seed},
      {"workload", cfg.workload_file},
      {"seed", cfg.seed},
      {"scenario", cfg.scenario ? nlohmann::json(cfg.scenario->file) : nlohmann::json(nullptr)},
      {"config",
       {{"ops_before", cfg.ops_before},
        {"ops_after", cfg.ops_after},
        {"max_ops", cfg.max_ops},
        {"step_every", cfg.step_every},
        {"threads", cfg.threads},
        {"cache_mb", cfg.cache_mb},
        {"migration", o},
        {"crashes", cfg.scenario ? cfg.scenario->crashes : 0},
        {"crash_one_in", cfg.scenario ? cfg.scenario->crash_one_in : 0}}},
      {"final_phase", r.final_phase},
      {"requests", r.requests},
      {"failed_requests", r.failed_requests},
      {"failures", r.failures},
      {"interrupted_requests", r.interrupted_requests},
      {"interrupted_writes_landed", r.interrupted_writes_landed},
      {"acknowledged_writes", r.acknowledged_writes},
      {"lost_writes", r.lost_writes},
      {"reference_differences", r.reference_differences},
      {"diff", diff},
      {"crashes", r.crashes},
      {"crash_sites", r.crash_sites},
      {"faults_injected_in_last_process", r.faults_injected},
      {"latency",
       {{"before", PeriodJson(r.before_ns, r.before)},
        {"during", PeriodJson(r.during_ns, r.during)},
        {"backfill", PeriodJson(r.backfill_ns, r.backfill)},
        {"after", PeriodJson(r.after_ns, r.after)},
        {"p99_during_over_before", before > 0 ? during / before : 0},
        {"p99_backfill_over_before", Ratio(P99Us(r.backfill_ns), before)},
        {"throughput_backfill_over_before",
         Ratio(r.backfill.Throughput(), r.before.Throughput())}}},
      {"migration_seconds", r.migration_seconds},
      {"total_seconds", r.total_seconds},
      {"migration", r.migration},
      {"timeline", timeline},
      {"failed", r.Failed()},
      {"build", BuildInfoJson()},
  };
}

// Throughput and p99 per second with the phases shaded by name, next to the
// JSON.
void Plot(const std::string& json_path, const MigrateResult& r) {
  if (json_path.empty() || !HaveGnuplot() || r.timeline.empty()) return;
  const fs::path p(json_path);
  const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
  const std::string stem = p.stem().string();
  std::string data;
  for (const MigrateSecond& s : r.timeline) {
    data += fmt::format("{:.3f} {} {:.1f} {:.4f} {} {}\n", s.t, s.requests, s.p99_us,
                        s.spi < 0 ? 0.0 : s.spi, s.repair_queue, s.canary_share);
  }
  std::string script = fmt::format(
      "set terminal pngcairo size 1100,550 noenhanced\nset output '{}.png'\nset grid\n"
      "set title 'migration: requests/s and p99 per second; phases marked'\n"
      "set xlabel 'seconds'\nset ylabel 'requests/s'\nset y2label 'p99 (us)'\n"
      "set y2tics\nset ytics nomirror\nset key outside bottom center horizontal\n",
      stem);
  // Each phase change at its second; labels at staggered heights, since
  // the first phases pass within seconds.
  std::string prev;
  int n = 0;
  for (const MigrateSecond& s : r.timeline) {
    if (s.phase == prev) continue;
    prev = s.phase;
    script += fmt::format(
        "set arrow from {0:.3f}, graph 0 to {0:.3f}, graph 1 nohead lc rgb '#888888' dt 2\n"
        "set label '{1}' at {0:.3f}, graph {2:.2f} left offset 0.3,0 font ',8'\n",
        s.t, s.phase, 0.95 - 0.07 * (n++ % 4));
  }
  script += fmt::format(
      "plot '{0}.dat' using 1:2 with lines lw 2 title 'requests/s', '{0}.dat' using 1:3 axes "
      "x1y2 with lines title 'p99 us'\n",
      stem);
  (void)WriteTextFile(dir + "/" + stem + ".dat", data);
  (void)RunGnuplot(dir, stem, script);
}

void AddMigrateFlags(cxxopts::Options& options) {
  options.add_options()("workload", "workload file (see workloads/*.toml)",
                        cxxopts::value<std::string>()->default_value("workloads/mixed.toml"))(
      "scenario", "migration scenario: kills and I/O faults (sim/scenarios/migrate-*.toml)",
      cxxopts::value<std::string>())("work-dir", "where stores and migration state go",
                                     cxxopts::value<std::string>()->default_value("work"))(
      "json", "write the result (and a timeline plot next to it)", cxxopts::value<std::string>())(
      "ops-before", "requests on the legacy store before the migration begins",
      cxxopts::value<uint64_t>()->default_value("20000"))(
      "ops-after", "requests after the final phase",
      cxxopts::value<uint64_t>()->default_value("2000"))(
      "max-ops", "trace length; the migration must finish within it",
      cxxopts::value<uint64_t>()->default_value("2000000"))(
      "step-every", "at most one migration step per N requests served",
      cxxopts::value<uint64_t>()->default_value("4"))(
      "threads", "request workers (the trace dealt round-robin)",
      cxxopts::value<uint64_t>()->default_value("2"))(
      "cache-mb", "each store's cache, MiB (RocksDB block cache, SQLite page cache)",
      cxxopts::value<uint64_t>()->default_value("64"))("progress", "progress on stderr");
  options.add_options("migration")("verifier-pages", "verifier pages per step",
                                   cxxopts::value<uint64_t>()->default_value("4"))(
      "dual-write-steps", "steps of dual write before the backfill",
      cxxopts::value<uint64_t>()->default_value("1000"))(
      "backfill",
      "bulk (the new store's bulk loader into an emptied store; dual writes recorded and copied "
      "after) or checked (version-checked chunk writes beside the dual writes)",
      cxxopts::value<std::string>()->default_value("bulk"))(
      "chunk-rows", "backfill chunk", cxxopts::value<uint64_t>()->default_value("1000"))(
      "backfill-rows-per-s", "backfill rate limit (0 = none)",
      cxxopts::value<double>()->default_value("0"))(
      "backoff-p99-us", "pause the backfill while the foreground p99 is above this (0 = never)",
      cxxopts::value<double>()->default_value("0"))(
      "spi-target-us", "SPI latency target on the new store",
      cxxopts::value<double>()->default_value("2000"))(
      "spi-window", "SPI window (shadowed reads)",
      cxxopts::value<uint64_t>()->default_value("1000"))(
      "min-samples", "shadowed reads the gate needs at each canary share",
      cxxopts::value<uint64_t>()->default_value("200"))(
      "gate", "SPI threshold of the canary gate", cxxopts::value<double>()->default_value("0.96"))(
      "degraded-steps", "steps after a failed copy during which writes queue their copies",
      cxxopts::value<uint64_t>()->default_value("100"))(
      "cutover-steps", "steps in cutover before finalizing",
      cxxopts::value<uint64_t>()->default_value("1000"))("rollback-after-cutover",
                                                         "roll back instead of finalizing");
  AddDatasetFlags(options);
  AddLoadReuseFlags(options);
}

// The dataset, the workload and the scenario.
Status ReadInputFlags(const cxxopts::ParseResult& r, MigrateConfig* cfg) {
  const uint64_t listings = r["listings"].as<uint64_t>();
  if (listings < 10 || listings > 10000000) {
    return Status::InvalidArgument(fmt::format("--listings {}: expected 10..10000000", listings));
  }
  StatusOr<DatasetSpec> spec = DatasetSpecFromFlags(r);
  if (!spec.ok()) return spec.status();
  cfg->listings = spec->listings;
  cfg->seed = spec->seed;
  StatusOr<StoreOptions> store_options = StoreOptionsFromFlags(r);
  if (!store_options.ok()) return store_options.status();
  cfg->durable = store_options->durable;
  cfg->sqlite_schema = store_options->sqlite_schema;
  cfg->workload_file = r["workload"].as<std::string>();
  std::error_code ec;
  if (!fs::is_regular_file(cfg->workload_file, ec)) {
    return Status::InvalidArgument("--workload " + cfg->workload_file + ": no such file");
  }
  if (r.count("scenario")) {
    StatusOr<Scenario> sc = ParseScenarioFile(r["scenario"].as<std::string>());
    if (!sc.ok()) return sc.status();
    if (sc->kind != DrillKind::kMigration) {
      return Status::InvalidArgument("--scenario " + sc->file +
                                     ": not a migration scenario (kind = \"migration\"); "
                                     "run it with listbench drill");
    }
    cfg->scenario = *sc;
  }
  return Status::OK();
}

// The run's length and pace, and the migration's own settings.
Status ReadRunFlags(const cxxopts::ParseResult& r, MigrateConfig* cfg) {
  cfg->work_dir = r["work-dir"].as<std::string>();
  cfg->reuse = LoadReuseFromFlags(r);
  cfg->ops_before = r["ops-before"].as<uint64_t>();
  cfg->ops_after = r["ops-after"].as<uint64_t>();
  cfg->max_ops = r["max-ops"].as<uint64_t>();
  if (cfg->max_ops <= cfg->ops_before) {
    return Status::InvalidArgument("--max-ops must exceed --ops-before");
  }
  cfg->progress = r.count("progress") > 0;
  cfg->step_every = r["step-every"].as<uint64_t>();
  if (cfg->step_every == 0) return Status::InvalidArgument("--step-every must be >= 1");
  cfg->threads = r["threads"].as<uint64_t>();
  if (cfg->threads < 1 || cfg->threads > 64) {
    return Status::InvalidArgument(fmt::format("--threads {}: expected 1..64", cfg->threads));
  }
  cfg->cache_mb = r["cache-mb"].as<uint64_t>();
  if (cfg->cache_mb < 1 || cfg->cache_mb > 65536) {
    return Status::InvalidArgument(fmt::format("--cache-mb {}: expected 1..65536", cfg->cache_mb));
  }
  MigrationOptions& o = cfg->migration;
  const std::string mode = r["backfill"].as<std::string>();
  std::optional<BackfillMode> backfill = ParseBackfillMode(mode);
  if (!backfill) {
    return Status::InvalidArgument("--backfill " + mode + ": expected bulk or checked");
  }
  o.backfill = *backfill;
  o.dual_write_steps = r["dual-write-steps"].as<uint64_t>();
  o.chunk_rows = r["chunk-rows"].as<uint64_t>();
  o.verifier_pages_per_step = r["verifier-pages"].as<uint64_t>();
  o.backfill_rows_per_s = r["backfill-rows-per-s"].as<double>();
  o.backoff_p99_us = r["backoff-p99-us"].as<double>();
  o.spi.target_latency_us = r["spi-target-us"].as<double>();
  o.spi.window = r["spi-window"].as<uint64_t>();
  o.spi.min_samples = r["min-samples"].as<uint64_t>();
  o.gate_threshold = r["gate"].as<double>();
  o.cutover_steps = r["cutover-steps"].as<uint64_t>();
  o.degraded_steps = r["degraded-steps"].as<uint64_t>();
  o.rollback_after_cutover = r.count("rollback-after-cutover") > 0;
  return ValidateMigrationOptions(o);
}

void PrintResult(const MigrateConfig& cfg, const MigrateResult& m) {
  const double before = P99Us(m.before_ns), during = P99Us(m.during_ns);
  fmt::print("migrate {} listings, workload {}, seed {}{}\n", cfg.listings, cfg.workload_file,
             cfg.seed, cfg.scenario ? ", scenario " + cfg.scenario->file : "");
  fmt::print("  final phase: {} after {:.1f} s of migration ({:.1f} s in all)\n", m.final_phase,
             m.migration_seconds, m.total_seconds);
  if (m.migration.contains("transitions")) {
    for (const auto& t : m.migration["transitions"]) {
      fmt::print("    step {:>8} request {:>8}  -> {:<13} {}\n", t["step"].get<uint64_t>(),
                 t["requests"].get<uint64_t>(), t["to"].get<std::string>(),
                 t["reason"].get<std::string>());
    }
  }
  fmt::print(
      "  requests: {} answered, {} failed (answer differs from the reference), {} "
      "interrupted by a kill ({} of them writes that had landed)\n",
      m.requests, m.failed_requests, m.interrupted_requests, m.interrupted_writes_landed);
  for (const std::string& f : m.failures) fmt::print("    FAIL {}\n", f);
  fmt::print(
      "  acknowledged writes: {}, lost: {}; final source of truth vs reference: {} "
      "differences\n",
      m.acknowledged_writes, m.lost_writes, m.reference_differences);
  if (m.final_diff) {
    fmt::print("  final diff legacy vs new: {} missing, {} extra, {} mismatched\n",
               m.final_diff->missing(), m.final_diff->extra(), m.final_diff->mismatched());
  }
  fmt::print("  p99: {:.1f} us before ({} requests), {:.1f} us during ({} requests): {:.2f}x\n",
             before, m.before_ns.count(), during, m.during_ns.count(),
             before > 0 ? during / before : 0);
  fmt::print("  {} request workers; throughput and p99 by period:\n", cfg.threads);
  const std::pair<const char*, std::pair<const Histogram*, const MigratePeriod*>> periods[] = {
      {"before", {&m.before_ns, &m.before}},
      {"backfill", {&m.backfill_ns, &m.backfill}},
      {"during", {&m.during_ns, &m.during}},
      {"after", {&m.after_ns, &m.after}}};
  for (const auto& [name, hp] : periods) {
    fmt::print("    {:<9} {:>8} requests {:>9.1f} requests/s  p99 {:>8.1f} us\n", name,
               hp.first->count(), hp.second->Throughput(), P99Us(*hp.first));
  }
  fmt::print("  during the backfill: throughput {:.2f}x before, p99 {:.2f}x before\n",
             Ratio(m.backfill.Throughput(), m.before.Throughput()),
             Ratio(P99Us(m.backfill_ns), before));
  if (cfg.scenario) {
    fmt::print("  kills: {} (sites: {}); faults injected in the last process: {}\n", m.crashes,
               fmt::join(m.crash_sites, ", "), m.faults_injected);
  }
}

}  // namespace

int MigrateCommand(int argc, char** argv) {
  cxxopts::Options options(
      "listbench migrate",
      "Migrates the normalized SQLite store to the single-table RocksDB store with the live "
      "workload running: dual write, backfill, shadow reads, gated canary, cutover, finalize "
      "(or rollback); every answer is checked against a plain legacy store run in lockstep. "
      "--listings and --seed name the dataset as in every command; --seed also seeds the "
      "trace, the canary's draws and the scenario's kills.");
  AddMigrateFlags(options);
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("migrate", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  MigrateConfig cfg;
  if (Status s = ReadInputFlags(r, &cfg); !s.ok()) return ReportError("migrate", s);
  if (Status s = ReadRunFlags(r, &cfg); !s.ok()) return ReportError("migrate", s);
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  if (!json_path.empty()) {
    if (Status s = CheckOutputPath("--json", json_path); !s.ok()) return ReportError("migrate", s);
  }
  if (Status s = CheckDataDir(cfg.work_dir); !s.ok()) return ReportError("migrate", s);
  std::error_code ec;
  cfg.binary = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) return ReportError("migrate", Status::IOError("cannot find the listbench executable"));

  StatusOr<MigrateResult> res = RunMigrate(cfg);
  if (!res.ok()) return ReportError("migrate", res.status());
  const MigrateResult& m = *res;
  PrintResult(cfg, m);
  if (!json_path.empty()) {
    if (Status s = WriteJsonFile(json_path, ResultJson(cfg, m)); !s.ok()) {
      return ReportError("migrate", s);
    }
    Plot(json_path, m);
  }
  fmt::print("migrate: {}\n", m.Failed() ? "FAILED" : "passed");
  return m.Failed() ? kExitCheckFailed : kExitOk;
}

int MigrateChildCommand(int argc, char** argv) {
  cxxopts::Options options("listbench migrate-child",
                           "(internal) the migration process of migrate");
  options.add_options()("config", "", cxxopts::value<std::string>())(
      "start", "", cxxopts::value<uint64_t>()->default_value("0"))(
      "skip", "", cxxopts::value<std::string>()->default_value(""))(
      "probe", "", cxxopts::value<int64_t>()->default_value("-1"))(
      "crash-at", "", cxxopts::value<uint64_t>()->default_value("0"))(
      "site", "", cxxopts::value<int>()->default_value("-1"))(
      "t-offset", "", cxxopts::value<double>()->default_value("0"));
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("migrate-child", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  if (r.count("config") == 0) {
    return ReportError("migrate-child", Status::InvalidArgument("--config is required"));
  }
  MigrateChildPlan plan;
  plan.start = r["start"].as<uint64_t>();
  const std::string skip = r["skip"].as<std::string>();
  for (size_t at = 0; at < skip.size();) {
    size_t comma = skip.find(',', at);
    if (comma == std::string::npos) comma = skip.size();
    try {
      plan.skip.push_back(std::stoull(skip.substr(at, comma - at)));
    } catch (const std::exception&) {
      return ReportError("migrate-child",
                         Status::InvalidArgument("--skip " + skip + ": expected indices"));
    }
    at = comma + 1;
  }
  plan.probe = r["probe"].as<int64_t>();
  plan.crash_at = r["crash-at"].as<uint64_t>();
  plan.site = r["site"].as<int>();
  plan.t_offset = r["t-offset"].as<double>();
  return MigrateChild(r["config"].as<std::string>(), plan);
}

}  // namespace listbench
