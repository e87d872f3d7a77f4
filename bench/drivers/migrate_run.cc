#include "bench/drivers/migrate_run.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "bench/harness/child_process.h"
#include "bench/harness/store_setup.h"
#include "bench/harness/write_probe.h"
#include "core/canonical.h"
#include "engine/store_dir.h"
#include "sim/fault_plan.h"
#include "util/random.h"
#include "workloads/op.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Outcomes travel one per line.
std::string OneLine(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

struct Paths {
  std::string root, base, legacy, target, reference, migration;
};

// Writes one line to the parent.
void Send(FILE* out, const std::string& line) {
  std::fputs(line.c_str(), out);
  std::fputc('\n', out);
}

nlohmann::json ConfigJson(const MigrateConfig& c) {
  return {
      {"listings", c.listings},
      {"workload_file", c.workload_file},
      {"seed", c.seed},
      {"work_dir", c.work_dir},
      {"ops_before", c.ops_before},
      {"max_ops", c.max_ops},
      {"ops_after", c.ops_after},
      {"step_every", c.step_every},
      {"scenario_file", c.scenario ? nlohmann::json(c.scenario->file) : nlohmann::json(nullptr)},
      {"migration", c.migration}};
}

StatusOr<MigrateConfig> ConfigFromJson(const std::string& path) {
  std::ifstream in(path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument(path + ": not a migrate child config");
  MigrateConfig c;
  try {
    c.listings = j.at("listings");
    c.workload_file = j.at("workload_file");
    c.seed = j.at("seed");
    c.work_dir = j.at("work_dir");
    c.ops_before = j.at("ops_before");
    c.max_ops = j.at("max_ops");
    c.ops_after = j.at("ops_after");
    c.step_every = j.at("step_every");
    if (!j.at("scenario_file").is_null()) {
      StatusOr<Scenario> sc = ParseScenarioFile(j.at("scenario_file").get<std::string>());
      if (!sc.ok()) return sc.status();
      c.scenario = *sc;
    }
    j.at("migration").get_to(c.migration);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
  return c;
}

Paths PathsFor(const std::string& work_dir) {
  Paths p;
  p.root = (fs::path(work_dir) / "migrate").string();
  p.base = p.root + "/base";
  const std::string run = p.root + "/run";
  p.legacy = run + "/legacy";
  p.target = run + "/new";
  p.reference = run + "/reference";
  p.migration = run + "/migration";
  return p;
}

int ChildMain(const MigrateConfig& cfg, const Paths& p, const WorkloadData& data,
              const MigrateChildPlan& plan, FILE* out) {
  auto fail = [&](const std::string& what, const Status& s) {
    Send(out, "E " + OneLine(what + ": " + s.ToString()));
    std::fflush(out);
    return 3;
  };
  FaultPlan faults(cfg.seed);
  const bool with_faults = cfg.scenario && !cfg.scenario->faults.empty();
  StoreOptions lo;
  lo.create_if_missing = false;
  StatusOr<std::unique_ptr<Store>> legacy = OpenStore(Engine::kSqlite, p.legacy, lo);
  if (!legacy.ok()) return fail("open legacy store", legacy.status());
  StoreOptions to;
  to.create_if_missing = true;
  if (with_faults) to.faults = &faults;
  StatusOr<std::unique_ptr<Store>> target = OpenStore(Engine::kRocksDb, p.target, to);
  if (!target.ok()) return fail("open new store", target.status());

  uint64_t site_calls = 0;
  MigrationOptions mo = cfg.migration;
  mo.seed = cfg.seed;
  mo.crash_hook = [&](CrashSite site) {
    const bool kill = plan.site >= 0 ? static_cast<int>(site) == plan.site
                                     : plan.crash_at != 0 && ++site_calls == plan.crash_at;
    if (kill) {
      Send(out, fmt::format("K {}", CrashSiteName(site)));
      std::fflush(out);
      ::kill(::getpid(), SIGKILL);
    }
  };
  StatusOr<std::unique_ptr<MigratingStore>> opened =
      MigratingStore::Open(legacy->get(), target->get(), p.migration, mo);
  if (!opened.ok()) return fail("open migration", opened.status());
  MigratingStore& m = **opened;

  if (plan.probe >= 0) {
    const Op& op = data.trace[static_cast<size_t>(plan.probe)];
    bool landed = false;
    if (IsWrite(KindOf(op))) {
      StatusOr<bool> present = Present(*m.source_of_truth(), data, op, 0);
      if (!present.ok()) return fail("probe interrupted request", present.status());
      landed = *present;
    }
    Send(out, fmt::format("P {} {}", plan.probe, landed ? 1 : 0));
  }

  // Faults armed now for requests counted from the start of dual write.
  std::vector<size_t> rule_of(with_faults ? cfg.scenario->faults.size() : 0, SIZE_MAX);
  auto arm = [&](uint64_t rel, bool enabled) {
    for (size_t f = 0; f < rule_of.size(); ++f) {
      const TimedFault& tf = cfg.scenario->faults[f];
      const bool want = enabled && rel >= tf.from_op && (tf.until_op == 0 || rel < tf.until_op);
      if (want && rule_of[f] == SIZE_MAX) {
        StatusOr<size_t> r = faults.AddRule(tf.rule);
        if (r.ok()) rule_of[f] = *r;
      } else if (!want && rule_of[f] != SIZE_MAX) {
        faults.Clear(rule_of[f]);
        rule_of[f] = SIZE_MAX;
      }
    }
  };

  const Clock::time_point t0 = Clock::now();
  // The timeline's clock leaves out the driver's own final check (a full
  // diff, seconds at scale), which is not part of the migration.
  double checking_s = 0;
  auto elapsed = [&] {
    return std::chrono::duration<double>(Clock::now() - t0).count() - checking_s;
  };
  double second_start = 0;
  Histogram second_ns;  // this second's request latencies, as the run's are kept
  auto flush_second = [&](double now_s) {
    const double p99 = static_cast<double>(second_ns.Percentile(0.99)) / 1000.0;
    const MigrationStatus st = m.status();
    nlohmann::json j = {{"t", plan.t_offset + now_s},
                        {"requests", second_ns.count()},
                        {"p99_us", p99},
                        {"phase", MigrationPhaseName(st.phase)},
                        {"share", st.canary_share},
                        {"spi", st.spi ? *st.spi : -1.0},
                        {"queue", st.repair_queue_depth},
                        {"backfill_rows", st.backfill_rows}};
    Send(out, "S " + j.dump());
    second_ns.Clear();
    second_start = now_s;
  };

  bool final_sent =
      m.phase() == MigrationPhase::kFinalized || m.phase() == MigrationPhase::kRolledBack;
  uint64_t final_at = final_sent ? plan.start : 0;
  auto send_final = [&]() -> int {
    flush_second(elapsed());
    const Clock::time_point c0 = Clock::now();
    StatusOr<VerifierReport> d = m.DiffNow();
    if (!d.ok()) return fail("final diff", d.status());
    checking_s += std::chrono::duration<double>(Clock::now() - c0).count();
    const nlohmann::json j = {{"phase", MigrationPhaseName(m.phase())},
                              {"diff", *d},
                              {"transitions", m.transitions()},
                              {"counters", m.counters()}};
    Send(out, "F " + j.dump());
    return 0;
  };

  for (uint64_t i = plan.start; i < data.trace.size(); ++i) {
    if (i == cfg.ops_before && m.phase() == MigrationPhase::kLegacy) {
      Status s = m.Begin();
      if (!s.ok()) return fail("begin", s);
    }
    // Faults hit the new store while it is not yet the source of truth.
    if (with_faults && i >= cfg.ops_before) {
      const MigrationPhase ph = m.phase();
      const bool before_cutover = ph >= MigrationPhase::kDualWrite && ph <= MigrationPhase::kCanary;
      arm(i - cfg.ops_before, before_cutover);
    }
    const Op& op = data.trace[i];
    Send(out, fmt::format("B {}", i));
    std::fflush(out);  // the parent must know a request was in flight
    const MigrationPhase phase = m.phase();
    const Clock::time_point a = Clock::now();
    const std::string outcome = ExecuteOp(m, op);
    const Clock::time_point b = Clock::now();
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
    Send(out, fmt::format("O {} {} {} {}", i, ns, static_cast<int>(phase), OneLine(outcome)));
    second_ns.Add(static_cast<uint64_t>(ns));
    if (m.phase() != MigrationPhase::kLegacy && (i + 1) % cfg.step_every == 0) {
      Status s = m.Step();
      if (!s.ok()) return fail("migration step", s);
    }
    if (!final_sent &&
        (m.phase() == MigrationPhase::kFinalized || m.phase() == MigrationPhase::kRolledBack)) {
      if (int rc = send_final(); rc != 0) return rc;
      final_sent = true;
      final_at = i + 1;
    }
    const double now_s = elapsed();
    if (now_s - second_start >= 1.0) flush_second(now_s);
    if (final_sent && i + 1 >= final_at + cfg.ops_after) {
      flush_second(elapsed());
      Send(out, fmt::format("Z {}", faults.Log().size()));
      std::fflush(out);
      return 0;
    }
  }
  Send(out, "E the trace ended before the migration finished: raise max_ops");
  std::fflush(out);
  return 4;
}

struct ChildOutcome {
  bool killed = false;
  std::string crash_site;
  int exit_code = 0;
  std::string error;
};

}  // namespace

bool MigrateResult::Failed() const {
  const bool diff_bad = !final_diff || final_diff->differences() != 0;
  return failed_requests > 0 || lost_writes > 0 || reference_differences > 0 || diff_bad;
}

StatusOr<MigrateResult> RunMigrate(const MigrateConfig& cfg) {
  LB_RETURN_IF_ERROR(ValidateMigrationOptions(cfg.migration));
  if (cfg.step_every == 0) return Status::InvalidArgument("migrate: step_every must be >= 1");
  if (cfg.scenario && cfg.scenario->kind != DrillKind::kMigration) {
    return Status::InvalidArgument(
        cfg.scenario->file + ": not a migration scenario (kind = \"" +
        std::string(cfg.scenario->kind == DrillKind::kCrash ? "crash" : "errors") +
        "\"); use listbench drill");
  }
  const Clock::time_point t_start = Clock::now();
  const Paths p = PathsFor(cfg.work_dir);
  const std::string run = p.root + "/run";
  std::error_code ec;
  fs::create_directories(p.root, ec);
  if (ec) return Status::IOError(p.root + ": cannot create: " + ec.message());

  // A fresh run: the legacy store and the reference are clones of the load;
  // the new store starts empty. Only a run directory this command made (it
  // holds its marker) is removed.
  const std::string marker = run + "/LISTBENCH-MIGRATE-RUN";
  if (fs::exists(run, ec)) {
    if (!fs::exists(marker, ec)) {
      return Status::InvalidArgument(run +
                                     ": exists and was not made by listbench migrate; "
                                     "not touching it");
    }
    fs::remove_all(run, ec);
    if (ec) return Status::IOError(run + ": cannot remove: " + ec.message());
  }
  DatasetSpec spec;
  spec.listings = cfg.listings;
  spec.seed = 1;
  StatusOr<LoadReport> base = PrepareStore(Engine::kSqlite, p.base, spec, StoreOptions{},
                                           ExistingLoad::kReplace, cfg.progress);
  if (!base.ok()) return base.status();
  fs::create_directories(p.target, ec);
  if (ec) return Status::IOError(p.target + ": cannot create: " + ec.message());
  std::ofstream(marker) << "made by listbench migrate; removed by its next run\n";
  LB_RETURN_IF_ERROR(CloneStore(Engine::kSqlite, base->dir, p.legacy));
  LB_RETURN_IF_ERROR(CloneStore(Engine::kSqlite, base->dir, p.reference));

  const std::string config_file = run + "/child-config.json";
  {
    std::ofstream out(config_file);
    out << ConfigJson(cfg).dump(1) << "\n";
    if (!out) return Status::IOError(config_file + ": cannot write");
  }
  if (cfg.progress) fmt::print(stderr, "migrate: generating the workload trace\n");
  StatusOr<WorkloadData> data =
      MakeWorkloadData(cfg.listings, cfg.workload_file, cfg.max_ops, cfg.seed);
  if (!data.ok()) return data.status();
  StoreOptions ro;
  ro.create_if_missing = false;
  StatusOr<std::unique_ptr<Store>> ref = OpenStore(Engine::kSqlite, p.reference, ro);
  if (!ref.ok()) return ref.status();

  MigrateResult res;
  const uint64_t crashes = cfg.scenario ? cfg.scenario->crashes : 0;
  const uint64_t mean = cfg.scenario ? std::max<uint64_t>(1, cfg.scenario->crash_one_in) : 1;
  std::vector<std::pair<uint64_t, uint64_t>> acked;  // (request index, W3 version)
  MigrateChildPlan plan;
  int64_t last_done = -1;
  std::optional<nlohmann::json> final_report;
  double last_t = 0;
  std::optional<double> begin_t, final_t;
  for (uint64_t child = 0;; ++child) {
    plan.crash_at = child < crashes ? 1 + MixBits(cfg.seed ^ MixBits(child + 1)) % (2 * mean) : 0;
    plan.site = cfg.crash_each_site && child < kNumCrashSites ? static_cast<int>(child) : -1;
    std::vector<std::string> args = {cfg.binary,   "migrate-child",
                                     "--config",   config_file,
                                     "--start",    std::to_string(plan.start),
                                     "--probe",    std::to_string(plan.probe),
                                     "--crash-at", std::to_string(plan.crash_at),
                                     "--site",     std::to_string(plan.site),
                                     "--t-offset", fmt::format("{:.6f}", plan.t_offset)};
    const std::string err_path = fmt::format("{}/child-{}.stderr", run, child);
    StatusOr<PipedChild> spawned = SpawnPiped(cfg.binary, args, err_path);
    if (!spawned.ok()) return spawned.status();
    const pid_t pid = spawned->pid;
    FILE* in = spawned->out;
    ChildOutcome co;
    int64_t in_flight = -1;
    char* line = nullptr;
    size_t cap = 0;
    ssize_t n;
    while ((n = ::getline(&line, &cap, in)) > 0) {
      std::string l(line, static_cast<size_t>(n));
      if (!l.empty() && l.back() == '\n') l.pop_back();
      if (l.size() < 2) continue;
      const char tag = l[0];
      const std::string rest = l.substr(2);
      if (tag == 'B') {
        in_flight = std::stoll(rest);
      } else if (tag == 'O') {
        // O <index> <ns> <phase> <outcome>
        size_t a = rest.find(' '), b = rest.find(' ', a + 1), c = rest.find(' ', b + 1);
        const uint64_t i = std::stoull(rest.substr(0, a));
        const uint64_t ns = std::stoull(rest.substr(a + 1, b - a - 1));
        const auto phase = static_cast<MigrationPhase>(std::stoi(rest.substr(b + 1, c - b - 1)));
        const std::string outcome = rest.substr(c + 1);
        in_flight = -1;
        last_done = static_cast<int64_t>(i);
        res.requests++;
        if (final_report) {
          res.after_ns.Add(ns);
        } else if (phase == MigrationPhase::kLegacy) {
          res.before_ns.Add(ns);
        } else {
          res.during_ns.Add(ns);
        }
        const Op& op = data->trace[i];
        const std::string want = OneLine(ExecuteOp(**ref, op));
        if (want != outcome) {
          res.failed_requests++;
          if (res.failures.size() < 10) {
            res.failures.push_back(fmt::format(
                "request {} ({}), phase {}: got {}, the reference {}", i, DescribeOp(op),
                MigrationPhaseName(phase), outcome.substr(0, 200), want.substr(0, 200)));
          }
        }
        if (IsWrite(KindOf(op)) && outcome.rfind("ok", 0) == 0) {
          acked.emplace_back(i, VersionOf(outcome));
        }
      } else if (tag == 'P') {
        const size_t a = rest.find(' ');
        const uint64_t i = std::stoull(rest.substr(0, a));
        const bool landed = rest.substr(a + 1) == "1";
        if (landed) {
          // It took effect before the kill: so it does for the reference.
          res.interrupted_writes_landed++;
          (void)ExecuteOp(**ref, data->trace[i]);
        }
      } else if (tag == 'S') {
        nlohmann::json j = nlohmann::json::parse(rest);
        MigrateSecond s;
        s.t = j["t"];
        s.requests = j["requests"];
        s.p99_us = j["p99_us"];
        s.phase = j["phase"];
        s.canary_share = j["share"];
        s.spi = j["spi"];
        s.repair_queue = j["queue"];
        s.backfill_rows = j["backfill_rows"];
        last_t = s.t;
        if (!begin_t && s.phase != "legacy") begin_t = s.t;
        res.timeline.push_back(std::move(s));
      } else if (tag == 'F') {
        final_report = nlohmann::json::parse(rest);
        final_t = last_t;
      } else if (tag == 'K') {
        co.crash_site = rest;
      } else if (tag == 'Z') {
        res.faults_injected += std::stoull(rest);
      } else if (tag == 'E') {
        co.error = rest;
      }
    }
    std::free(line);
    std::fclose(in);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !co.crash_site.empty()) {
      res.crashes++;
      res.crash_sites.push_back(co.crash_site);
      if (cfg.progress) {
        fmt::print(stderr, "migrate: killed at {} after request {}; resuming\n", co.crash_site,
                   last_done);
      }
      plan.t_offset = last_t;
      if (in_flight >= 0) {
        res.interrupted_requests++;
        plan.probe = in_flight;
        plan.start = static_cast<uint64_t>(in_flight) + 1;
      } else {
        plan.probe = -1;
        plan.start = static_cast<uint64_t>(last_done + 1);
      }
      continue;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) break;
    return Status::IOError(fmt::format("migrate: the migration process failed ({}): {}",
                                       WIFSIGNALED(status)
                                           ? fmt::format("signal {}", WTERMSIG(status))
                                           : fmt::format("exit {}", WEXITSTATUS(status)),
                                       co.error.empty() ? "no message" : co.error));
  }
  if (!final_report) return Status::IOError("migrate: the migration never reached a final phase");
  res.migration = *final_report;
  res.final_phase = (*final_report)["phase"];
  res.final_diff = (*final_report)["diff"].get<VerifierReport>();
  res.migration_seconds = final_t && begin_t ? *final_t - *begin_t : 0;

  // What survived: every acknowledged write must be in the final source of
  // truth, which must hold exactly what the reference holds.
  const bool on_new = res.final_phase == "finalized";
  StoreOptions fo;
  fo.create_if_missing = false;
  StatusOr<std::unique_ptr<Store>> truth =
      OpenStore(on_new ? Engine::kRocksDb : Engine::kSqlite, on_new ? p.target : p.legacy, fo);
  if (!truth.ok()) return truth.status();
  res.acknowledged_writes = acked.size();
  for (const auto& [i, version] : acked) {
    StatusOr<bool> present = Present(**truth, *data, data->trace[i], version);
    if (!present.ok()) return present.status();
    if (!*present) res.lost_writes++;
  }
  Verifier v(ref->get(), truth->get());
  VerifierCheckpoint c;
  LB_RETURN_IF_ERROR(v.Run(&c));
  res.reference_differences = c.report.differences();
  res.total_seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
  return res;
}

int MigrateChild(const std::string& config_file, const MigrateChildPlan& plan) {
  StatusOr<MigrateConfig> cfg = ConfigFromJson(config_file);
  if (!cfg.ok()) {
    Send(stdout, "E " + OneLine(cfg.status().ToString()));
    return 2;
  }
  StatusOr<WorkloadData> data =
      MakeWorkloadData(cfg->listings, cfg->workload_file, cfg->max_ops, cfg->seed);
  if (!data.ok()) {
    Send(stdout, "E " + OneLine(data.status().ToString()));
    return 2;
  }
  const int rc = ChildMain(*cfg, PathsFor(cfg->work_dir), *data, plan, stdout);
  std::fflush(stdout);
  return rc;
}

}  // namespace listbench
