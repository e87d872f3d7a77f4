#include "bench/drivers/drill.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>
#include <unordered_map>

#include "bench/harness/child_process.h"
#include "bench/harness/differential.h"
#include "bench/harness/store_setup.h"
#include "bench/harness/write_probe.h"
#include "core/canonical.h"
#include "util/random.h"
#include "workloads/dataset.h"
#include "workloads/op.h"
#include "workloads/trace.h"
#include "workloads/workload_spec.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// The reads the differential check runs after a cycle: a verify trace's reads
// plus R1/R5 of every listing and R4 of every applicant the cycle's writes
// touched.
std::vector<Op> CheckReads(const WorkloadData& d, uint64_t seed) {
  std::vector<Op> reads;
  VerifyTraceSpec vs;
  vs.ops = 300;
  vs.seed = seed;
  for (Op& op : MakeVerifyTrace(d.catalog, vs)) {
    if (!IsWrite(KindOf(op))) reads.push_back(std::move(op));
  }
  std::set<std::pair<TenantId, EntityId>> listings, applicants;
  for (const Op& op : d.trace) {
    const TenantId t = TenantOf(op);
    if (const auto* sub = std::get_if<SubmitApplicationOp>(&op)) {
      listings.insert({t, sub->application.listing});
      applicants.insert({t, sub->application.applicant});
    } else if (const auto* upd = std::get_if<UpdateListingOp>(&op)) {
      listings.insert({t, upd->update.listing});
    } else if (const auto* add = std::get_if<AddListingOp>(&op)) {
      listings.insert({t, add->listing.id});
    } else if (const auto* pay = std::get_if<RecordPaymentOp>(&op)) {
      auto it = d.applications.find(pay->payment.application);
      if (it != d.applications.end()) applicants.insert({t, it->second.second});
    } else if (const auto* dec = std::get_if<DecideApplicationOp>(&op)) {
      auto it = d.applications.find(dec->application);
      if (it != d.applications.end()) listings.insert({t, it->second.first});
    }
  }
  for (const auto& [t, l] : listings) {
    reads.push_back(ListingDetailOp{t, l});
    reads.push_back(ListingApplicationsOp{t, l});
  }
  for (const auto& [t, a] : applicants) reads.push_back(ApplicantProfileOp{t, a});
  return reads;
}

// A byte-for-byte copy of the (closed) base store. Not CloneStore: that opens
// the base, which moves RocksDB's file numbers on, and a drill replayed by
// seed must start from identical files to inject identical faults.
Status FreshCopy(const std::string& base, const std::string& dst) {
  LB_RETURN_IF_ERROR(RemoveStoreDir(dst));
  std::error_code ec;
  fs::copy(base, dst, fs::copy_options::recursive, ec);
  if (ec) return Status::IOError(dst + ": cannot copy the drill's base store: " + ec.message());
  return Status::OK();
}

// The differential check of a cycle: the reads of CheckReads on `store` and
// on `ref`; a difference fails the cycle with the first one shown.
void DiffAgainstReference(Store& store, Store& ref, const WorkloadData& d, uint64_t seed,
                          CycleRecord* rec) {
  DiffReport diff;
  RunDifferential(store, ref, CheckReads(d, seed), &diff, 1);
  if (diff.mismatches == 0) return;
  rec->differential_ok = false;
  const Mismatch& m = diff.first_mismatches.front();
  rec->problems.push_back(
      fmt::format("differential: {} of {} reads differ; first {}: store {} vs reference {}",
                  diff.mismatches, diff.ops, m.op, m.a.substr(0, 200), m.b.substr(0, 200)));
}

// ---- Crash drill: the parent side -----------------------------------------

struct ChildRun {
  int exit_code = -1;
  int term_signal = 0;
  // Per trace index of a write: started, and its outcome once acknowledged.
  std::map<uint64_t, std::string> outcome;  // "" = started, no outcome
  uint64_t started = 0;                     // ops started (reads included)
  std::string power_loss;                   // the child's report line
  std::string stderr_text;
  // The parent's clock: when the first write was announced and the last
  // outcome arrived (the child's throughput, without its start-up).
  Clock::time_point first_write, last_outcome;
};

StatusOr<ChildRun> SpawnChild(const std::string& binary, const std::vector<std::string>& args,
                              const std::string& err_path, int64_t kill_at_write,
                              uint64_t kill_delay_us) {
  StatusOr<PipedChild> child = SpawnPiped(binary, args, err_path);
  if (!child.ok()) return child.status();
  const pid_t pid = child->pid;
  ChildRun run;
  FILE* in = child->out;
  char* line = nullptr;
  size_t cap = 0;
  bool killed = false;
  while (::getline(&line, &cap, in) > 0) {
    std::string l(line);
    if (!l.empty() && l.back() == '\n') l.pop_back();
    if (l.size() > 2 && (l[0] == 'B' || l[0] == 'A') && l[1] == ' ') {
      const char* p = l.c_str() + 2;
      char* end = nullptr;
      uint64_t i = std::strtoull(p, &end, 10);
      if (l[0] == 'B') {
        if (run.outcome.empty()) run.first_write = Clock::now();
        run.outcome[i] = "";
        if (!killed && kill_at_write >= 0 && static_cast<int64_t>(i) >= kill_at_write) {
          if (kill_delay_us > 0)
            std::this_thread::sleep_for(std::chrono::microseconds(kill_delay_us));
          ::kill(pid, SIGKILL);
          killed = true;
        }
      } else {
        run.outcome[i] = (end != nullptr && *end == ' ') ? std::string(end + 1) : "?";
        run.last_outcome = Clock::now();
      }
    } else if (l.rfind("S ", 0) == 0) {
      run.started = std::strtoull(l.c_str() + 2, nullptr, 10);
    } else if (l.rfind("P ", 0) == 0) {
      run.power_loss = l.substr(2);
    }
  }
  std::free(line);
  std::fclose(in);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.term_signal = WTERMSIG(status);
  {
    FILE* e = std::fopen(err_path.c_str(), "r");
    if (e != nullptr) {
      char buf[4096];
      size_t n = std::fread(buf, 1, sizeof buf - 1, e);
      run.stderr_text.assign(buf, n);
      std::fclose(e);
    }
  }
  return run;
}

struct CrashCycleCtx {
  Engine engine;
  const Scenario* scenario;
  const DrillOptions* opts;
  std::string base_dir, cycle_dir, ref_dir, workload_file;
};

Status CrashCycle(const CrashCycleCtx& c, uint64_t cycle, uint64_t crash_nth, CycleRecord* rec,
                  DrillResult* res, bool* sweep_done) {
  const Scenario& sc = *c.scenario;
  const uint64_t seed = c.opts->seed + cycle;
  rec->cycle = cycle;
  rec->seed = seed;
  LB_RETURN_IF_ERROR(FreshCopy(c.base_dir, c.cycle_dir));
  bool power_loss = crash_nth > 0 || sc.crash == CrashMode::kPowerLoss ||
                    (sc.crash == CrashMode::kBoth && cycle % 2 == 1);
  StatusOr<WorkloadData> data = MakeWorkloadData(sc.listings, c.workload_file, sc.operations, seed);
  if (!data.ok()) return data.status();
  uint64_t writes = 0;
  for (const Op& op : data->trace) writes += IsWrite(KindOf(op)) ? 1 : 0;

  std::vector<std::string> args = {c.opts->binary, "drill-child",
                                   "--engine",     std::string(EngineName(c.engine)),
                                   "--dir",        c.cycle_dir,
                                   "--workload",   c.workload_file,
                                   "--listings",   std::to_string(sc.listings),
                                   "--operations", std::to_string(sc.operations),
                                   "--trace-seed", std::to_string(seed),
                                   "--durable",    sc.durable ? "1" : "0",
                                   "--plan-seed",  std::to_string(seed)};
  int64_t kill_at = -1;
  uint64_t kill_delay = 0;
  if (power_loss) {
    if (crash_nth > 0) {
      args.insert(args.end(), {"--crash-nth", std::to_string(crash_nth)});
    } else {
      args.insert(args.end(), {"--crash-one-in", std::to_string(sc.crash_one_in)});
    }
  } else {
    // SIGKILL just after the child announces a seeded write, after a seeded
    // delay of 0-499 µs: mid-write, mid-sync or between requests.
    uint64_t r = MixBits(seed ^ 0x6b696c6cULL);
    uint64_t nth_write = writes == 0 ? 0 : r % writes;
    uint64_t seen = 0;
    for (size_t i = 0; i < data->trace.size(); ++i) {
      if (!IsWrite(KindOf(data->trace[i]))) continue;
      if (seen++ == nth_write) {
        kill_at = static_cast<int64_t>(i);
        break;
      }
    }
    kill_delay = MixBits(r) % 500;
  }
  StatusOr<ChildRun> run =
      SpawnChild(c.opts->binary, args, c.cycle_dir + ".stderr", kill_at, kill_delay);
  if (!run.ok()) return run.status();
  if (run->term_signal == SIGKILL) {
    rec->crash = "sigkill";
    ++res->crashes_sigkill;
  } else if (run->exit_code == 3) {
    rec->crash = "power_loss";
    ++res->crashes_power_loss;
  } else if (run->exit_code == 0) {
    rec->crash = "none";
    ++res->runs_without_crash;
    if (sweep_done != nullptr) *sweep_done = true;
  } else {
    return Status::IOError(
        fmt::format("drill: the child for cycle {} (seed {}) failed ({}): {}", cycle, seed,
                    run->term_signal != 0 ? fmt::format("signal {}", run->term_signal)
                                          : fmt::format("exit {}", run->exit_code),
                    run->stderr_text));
  }

  // Recovery: open and serve the first read.
  const auto t0 = Clock::now();
  StoreOptions so;
  so.durable = sc.durable;
  so.create_if_missing = false;
  StatusOr<std::unique_ptr<Store>> store = OpenStore(c.engine, c.cycle_dir, so);
  if (!store.ok()) {
    rec->integrity_ok = false;
    rec->problems.push_back("reopen failed: " + store.status().ToString());
    return Status::OK();
  }
  Store& s = **store;
  {
    StatusOr<ListingDetail> first = s.GetListingDetail(data->catalog.listings[0].tenant, 1);
    if (!first.ok())
      rec->problems.push_back("first read after reopen: " + first.status().ToString());
  }
  rec->recovery_ms = MsSince(t0);

  // What the oracle says against what survived.
  std::vector<uint64_t> present_writes;
  int64_t first_absent_acked = -1;
  for (const auto& [i, outcome] : run->outcome) {
    const Op& op = data->trace[i];
    const bool acked = outcome.rfind("ok", 0) == 0;
    const bool unknown = outcome.empty() || outcome == "io_error" || outcome == "?";
    if (!acked && !unknown) {
      ++res->outcomes[outcome];
      continue;  // rejected (conflict, not_found, ...): changed nothing
    }
    ++res->outcomes[acked ? "ok" : (outcome.empty() ? "no_outcome" : outcome)];
    StatusOr<bool> present = Present(s, *data, op, acked ? VersionOf(outcome) : 0);
    if (!present.ok()) {
      rec->problems.push_back(
          fmt::format("probe of write {} failed: {}", i, present.status().ToString()));
      continue;
    }
    if (*present) present_writes.push_back(i);
    if (acked) {
      ++rec->acknowledged;
      if (!*present) {
        ++rec->lost;
        if (first_absent_acked < 0) first_absent_acked = static_cast<int64_t>(i);
      }
    } else {
      ++rec->unknown;
      if (*present) ++rec->unknown_present;
    }
  }
  if (sc.durable && rec->lost > 0) {
    rec->problems.push_back(fmt::format("{} acknowledged writes lost (first: write {}, {})",
                                        rec->lost, first_absent_acked,
                                        DescribeOp(data->trace[first_absent_acked])));
  }
  std::vector<std::string> violations;
  Status inv = s.CheckInvariants(&violations);
  if (!inv.ok() || !violations.empty()) {
    rec->integrity_ok = false;
    rec->problems.push_back(!inv.ok() ? "invariant check could not run: " + inv.ToString()
                                      : "invariant violation: " + violations.front());
  }
  // The differential check against the surviving state.
  LB_RETURN_IF_ERROR(FreshCopy(c.base_dir, c.ref_dir));
  {
    StoreOptions ro;
    ro.create_if_missing = false;
    StatusOr<std::unique_ptr<Store>> ref = OpenStore(c.engine, c.ref_dir, ro);
    if (!ref.ok()) return ref.status();
    // The surviving state is the state after the writes before the first
    // one that did not survive (no holes, checked above): replay exactly
    // those, rejected ones included (they are rejected again, as they were
    // in that state). A rejected write after the cut must not be replayed:
    // against the cut state it might succeed.
    std::set<uint64_t> keep(present_writes.begin(), present_writes.end());
    for (const auto& [i, outcome] : run->outcome) {
      const bool acked = outcome.rfind("ok", 0) == 0;
      const bool unknown = outcome.empty() || outcome == "io_error" || outcome == "?";
      if ((acked || unknown) && keep.count(i) == 0) {
        for (auto later = keep.upper_bound(i); later != keep.end(); ++later) {
          ++res->holes;
          rec->problems.push_back(
              fmt::format("hole: write {} did not survive but later write {} did", i, *later));
          break;
        }
        break;
      }
      (void)ExecuteOp(**ref, data->trace[i]);
    }
    DiffAgainstReference(s, **ref, *data, seed, rec);
  }
  rec->ops_started = run->started;
  if (run->last_outcome > run->first_write) {
    rec->workload_seconds =
        std::chrono::duration<double>(run->last_outcome - run->first_write).count();
  }
  return Status::OK();
}

// ---- Errors drill ----------------------------------------------------------

Status ErrorsCycle(Engine engine, const Scenario& sc, const DrillOptions& opts,
                   const std::string& base_dir, const std::string& work, uint64_t cycle,
                   CycleRecord* rec, DrillResult* res) {
  const uint64_t seed = opts.seed + cycle;
  rec->cycle = cycle;
  rec->seed = seed;
  rec->crash = "errors";
  const std::string dir = work + "/cycle", ref_dir = work + "/reference";
  LB_RETURN_IF_ERROR(FreshCopy(base_dir, dir));
  LB_RETURN_IF_ERROR(FreshCopy(base_dir, ref_dir));
  const uint64_t tail = 20;  // operations after the faults are cleared
  StatusOr<WorkloadData> data =
      MakeWorkloadData(sc.listings, ScenarioWorkloadPath(sc), sc.operations + tail, seed);
  if (!data.ok()) return data.status();
  FaultPlan plan(seed);
  const auto plan_made = Clock::now();  // FaultEvent::at_seconds counts from here
  StoreOptions so;
  so.durable = sc.durable;
  so.create_if_missing = false;
  so.faults = &plan;
  if (sc.cache_kib != 0) so.cache_bytes = sc.cache_kib << 10;
  StatusOr<std::unique_ptr<Store>> opened = OpenStore(engine, dir, so);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<Store> store = std::move(*opened);
  StoreOptions ro;
  ro.create_if_missing = false;
  StatusOr<std::unique_ptr<Store>> ref = OpenStore(engine, ref_dir, ro);
  if (!ref.ok()) return ref.status();

  std::vector<size_t> rule_index(sc.faults.size(), SIZE_MAX);
  std::vector<std::pair<uint64_t, std::string>> acked;  // trace index, outcome
  std::vector<size_t> unknown;
  std::set<size_t> unknown_present;
  bool reopen_pending = false;
  // A write that failed (say, its commit fsync did) may have left a complete
  // record in the log, which a later recovery replays -- a reopen, or the
  // RocksDB store's own in-place reopen after an I/O error: the write took
  // effect after all (unknown outcome, as the contract says). After every
  // reopen and every request that succeeded, the failed writes still absent
  // are probed again (faults paused) and the reference follows the store.
  auto catch_up = [&] {
    if (unknown.size() == unknown_present.size()) return;
    plan.SetEnabled(false);
    for (size_t k : unknown) {
      if (unknown_present.count(k) != 0) continue;
      StatusOr<bool> p = Present(*store, *data, data->trace[k], 0);
      if (p.ok() && *p) {
        unknown_present.insert(k);
        ++rec->unknown_present;
        ++res->outcomes["io_error_applied_later"];
        (void)ExecuteOp(**ref, data->trace[k]);
      }
    }
    plan.SetEnabled(true);
  };
  struct Sample {
    double start_s, latency_us;
    bool error;
  };
  std::vector<Sample> samples;
  const auto t_start = Clock::now();
  const size_t n = data->trace.size();
  for (size_t i = 0; i < n; ++i) {
    const bool in_tail = i >= sc.operations;
    if (i == sc.operations) plan.ClearAll();
    for (size_t f = 0; f < sc.faults.size() && !in_tail; ++f) {
      const TimedFault& tf = sc.faults[f];
      if (i == tf.from_op) {
        StatusOr<size_t> r = plan.AddRule(tf.rule);
        if (!r.ok()) return r.status();
        rule_index[f] = *r;
      }
      if (tf.until_op != 0 && i == tf.until_op && rule_index[f] != SIZE_MAX) {
        plan.Clear(rule_index[f]);
      }
    }
    if (sc.reopen_at_op != 0 && i == sc.reopen_at_op && store != nullptr) {
      store.reset();  // closing runs under the faults too
      reopen_pending = true;
    }
    if (reopen_pending && i >= sc.operations) plan.ClearAll();
    if (reopen_pending) {
      StatusOr<std::unique_ptr<Store>> again = OpenStore(engine, dir, so);
      if (again.ok()) {
        store = std::move(*again);
        reopen_pending = false;
        // A write that failed (say, its commit fsync did) may have left a
        // complete record in the log, which this open recovered: the write
        // took effect after all. Unknown outcome, as the contract says; the
        // reference follows what the store now holds.
        catch_up();
      } else {
        // The store cannot open under the faults: this request fails with
        // the open's error, and the next one tries again.
        ++res->operations;
        ++res->outcomes["open_failed"];
        if (in_tail) {
          ++res->not_recovered;
          rec->problems.push_back(
              "after the faults were cleared the store still does not "
              "open: " +
              again.status().ToString());
          break;
        }
        continue;
      }
    }
    const Op& op = data->trace[i];
    const bool write = IsWrite(KindOf(op));
    const auto t0 = Clock::now();
    std::string out = ExecuteOp(*store, op);
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    const bool failed = out == "io_error" || out == "corruption";

    if (cycle == opts.first_cycle) {
      samples.push_back({std::chrono::duration<double>(t0 - t_start).count(), us, failed});
    }
    ++res->operations;
    ++res->outcomes[out.substr(0, out.find(' '))];
    if (in_tail && failed) {
      ++res->not_recovered;
      rec->problems.push_back(fmt::format(
          "after the faults were cleared, op {} ({}) still failed with {}; the store does not "
          "serve again without a restart",
          i, DescribeOp(op), out));
      break;
    }
    if (!failed) catch_up();
    if (!write) {
      if (failed) continue;  // surfaced as an error: allowed
      std::string expect = ExecuteOp(**ref, op);
      if (expect != out) {
        ++res->wrong_results;
        rec->problems.push_back(fmt::format("wrong result for op {} ({}): {} vs reference {}", i,
                                            DescribeOp(op), out.substr(0, 160),
                                            expect.substr(0, 160)));
      }
      continue;
    }
    if (failed) {
      plan.SetEnabled(false);
      StatusOr<bool> present = Present(*store, *data, op, 0);
      plan.SetEnabled(true);
      if (!present.ok()) {
        rec->problems.push_back(
            fmt::format("probe of write {} failed: {}", i, present.status().ToString()));
        continue;
      }
      unknown.push_back(i);
      ++rec->unknown;
      if (*present) {
        ++rec->unknown_present;
        unknown_present.insert(i);
        (void)ExecuteOp(**ref, op);
      }
      continue;
    }
    std::string expect = ExecuteOp(**ref, op);
    if (expect.substr(0, expect.find(' ')) != out.substr(0, out.find(' '))) {
      ++res->wrong_results;
      rec->problems.push_back(fmt::format("write {} ({}) answered {} but the reference {}", i,
                                          DescribeOp(op), out, expect));
    }
    if (out.rfind("ok", 0) == 0) {
      acked.push_back({i, out});
      ++rec->acknowledged;
    }
  }
  rec->ops_started = n;
  std::vector<FaultEvent> faults = plan.Log();
  res->faults_injected += faults.size();
  if (cycle == opts.first_cycle) {
    res->first_cycle_faults = std::move(faults);
    // On the series' clock: seconds since the workload started.
    const double offset = std::chrono::duration<double>(t_start - plan_made).count();
    for (FaultEvent& e : res->first_cycle_faults) e.at_seconds -= offset;
    // 40 intervals over the run.
    double total = samples.empty() ? 0 : samples.back().start_s + 1e-9;
    const int buckets = 40;
    for (int b = 0; b < buckets && total > 0; ++b) {
      SeriesPoint p;
      p.t = total * b / buckets;
      const double end = total * (b + 1) / buckets;
      std::vector<double> lat;
      for (const Sample& s : samples) {
        if (s.start_s < p.t || s.start_s >= end) continue;
        lat.push_back(s.latency_us);
        p.errors += s.error ? 1 : 0;
      }
      p.ops = lat.size();
      p.ops_per_s = lat.size() / (end - p.t);
      if (!lat.empty()) {
        std::sort(lat.begin(), lat.end());
        p.p99_us = lat[std::min(lat.size() - 1, static_cast<size_t>(lat.size() * 0.99))];
      }
      res->series.push_back(p);
    }
  }
  plan.ClearAll();

  auto check_state = [&](Store& s, const char* when) -> Status {
    std::vector<std::string> violations;
    Status inv = s.CheckInvariants(&violations);
    if (!inv.ok() || !violations.empty()) {
      rec->integrity_ok = false;
      rec->problems.push_back(fmt::format("{}: {}", when,
                                          !inv.ok()
                                              ? "invariant check could not run: " + inv.ToString()
                                              : "invariant violation: " + violations.front()));
    }
    for (const auto& [i, outcome] : acked) {
      StatusOr<bool> present = Present(s, *data, data->trace[i], VersionOf(outcome));
      if (!present.ok() || !*present) {
        ++rec->lost;
        rec->problems.push_back(fmt::format("{}: acknowledged write {} ({}) is missing", when, i,
                                            DescribeOp(data->trace[i])));
        break;
      }
    }
    return Status::OK();
  };
  if (store == nullptr) return Status::OK();  // never reopened: reported above
  LB_RETURN_IF_ERROR(check_state(*store, "after the faults cleared"));
  DiffAgainstReference(*store, **ref, *data, seed, rec);
  // Close, reopen without faults: acknowledged writes are still there. A write
  // that failed may surface now (the log held it): counted, not a failure.
  std::vector<bool> was_present;
  for (size_t i : unknown) {
    StatusOr<bool> p = Present(*store, *data, data->trace[i], 0);
    was_present.push_back(p.ok() && *p);
  }
  store.reset();
  so.faults = nullptr;
  const auto t0 = Clock::now();
  StatusOr<std::unique_ptr<Store>> reopened = OpenStore(engine, dir, so);
  if (!reopened.ok()) {
    rec->integrity_ok = false;
    rec->problems.push_back("reopen after the drill failed: " + reopened.status().ToString());
    return Status::OK();
  }
  rec->recovery_ms = MsSince(t0);
  LB_RETURN_IF_ERROR(check_state(**reopened, "after reopening"));
  for (size_t k = 0; k < unknown.size(); ++k) {
    StatusOr<bool> p = Present(**reopened, *data, data->trace[unknown[k]], 0);
    if (p.ok() && *p && !was_present[k]) {
      ++res->outcomes["io_error_applied_after_restart"];  // at the final reopen
    }
  }
  return Status::OK();
}

}  // namespace

bool DrillResult::Failed() const {
  if (durable && lost_acknowledged_writes > 0) return true;
  return holes > 0 || integrity_failures > 0 || differential_failures > 0 || wrong_results > 0 ||
         not_recovered > 0;
}

StatusOr<DrillResult> RunDrill(Engine engine, const Scenario& sc, const DrillOptions& opts) {
  if (sc.kind == DrillKind::kMigration) {
    return Status::InvalidArgument(
        sc.file + ": a migration scenario; run it with listbench migrate --scenario");
  }
  const auto t_start = Clock::now();
  DrillResult res;
  res.engine = engine;
  res.scenario = sc.name;
  res.durable = sc.durable;
  res.seed = opts.seed;
  const uint64_t cycles = opts.cycles != 0 ? opts.cycles : sc.cycles;
  const std::string work = (fs::path(opts.work_dir) / "drill" / EngineName(engine)).string();
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) return Status::IOError(work + ": cannot create: " + ec.message());
  // The drill's base store: the scenario's dataset, loaded once, reused.
  DatasetSpec spec;
  spec.listings = sc.listings;
  spec.seed = 1;
  StoreOptions lo;
  StatusOr<LoadReport> base =
      PrepareStore(engine, opts.work_dir + "/drill-base", spec, lo, ExistingLoad::kReplace, false);
  if (!base.ok()) return base.status();
  const std::string workload_file = ScenarioWorkloadPath(sc);
  if (!fs::exists(workload_file, ec)) {
    return Status::NotFound(sc.file + ": workload \"" + sc.workload + "\": no file " +
                            workload_file);
  }
  if (sc.kind == DrillKind::kCrash && opts.binary.empty()) {
    return Status::InvalidArgument("drill: crash scenarios need the listbench binary");
  }
  CrashCycleCtx ctx{engine,       &sc, &opts, base->dir, work + "/cycle", work + "/reference",
                    workload_file};
  bool sweep_done = false;
  for (uint64_t k = 0; k < cycles || (opts.kill_point_sweep && !sweep_done); ++k) {
    if (opts.kill_point_sweep && sweep_done) break;
    if (opts.kill_point_sweep && k >= 100000) {
      return Status::IOError("drill: kill-point sweep did not finish in 100000 crash points");
    }
    const uint64_t cycle = opts.first_cycle + k;
    CycleRecord rec;
    rec.started_at_s = std::chrono::duration<double>(Clock::now() - t_start).count();
    Status s = sc.kind == DrillKind::kCrash
                   ? CrashCycle(ctx, cycle, opts.kill_point_sweep ? k + 1 : 0, &rec, &res,
                                opts.kill_point_sweep ? &sweep_done : nullptr)
                   : ErrorsCycle(engine, sc, opts, base->dir, work, cycle, &rec, &res);
    if (!s.ok()) return s;
    ++res.cycles;
    res.acknowledged_writes += rec.acknowledged;
    if (sc.kind == DrillKind::kCrash) {
      res.acknowledged_by_crash[rec.crash] += rec.acknowledged;
      res.lost_by_crash[rec.crash] += rec.lost;
    }
    res.lost_acknowledged_writes += rec.lost;
    res.unknown_outcome_writes += rec.unknown;
    res.unknown_outcome_present += rec.unknown_present;
    if (!rec.integrity_ok) ++res.integrity_failures;
    if (!rec.differential_ok) ++res.differential_failures;
    if (rec.crash != "none") res.recovery_ms.push_back(rec.recovery_ms);
    if (opts.progress && cycles >= 10 && (k + 1) % (cycles / 10) == 0) {
      std::fprintf(stderr, "drill %s on %s: %llu/%llu cycles\n", sc.name.c_str(),
                   std::string(EngineName(engine)).c_str(), static_cast<unsigned long long>(k + 1),
                   static_cast<unsigned long long>(cycles));
    }
    res.cycle_records.push_back(std::move(rec));
  }
  res.seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
  return res;
}

// ---- Crash drill: the child side --------------------------------------------

int RunDrillChild(const DrillChildArgs& a) {
  auto fail = [](const std::string& m) {
    std::fprintf(stderr, "listbench drill-child: %s\n", m.c_str());
    return 2;
  };
  StatusOr<WorkloadData> data =
      MakeWorkloadData(a.listings, a.workload_file, a.operations, a.trace_seed);
  if (!data.ok()) return fail(data.status().ToString());
  FaultPlan plan(a.plan_seed);
  const bool power_loss = a.crash_nth > 0 || a.crash_one_in > 0;
  if (power_loss) {
    FaultRule r;
    r.kind = FaultKind::kCrash;
    r.nth = a.crash_nth;
    r.one_in = a.crash_nth > 0 ? 0 : a.crash_one_in;
    StatusOr<size_t> added = plan.AddRule(r);
    if (!added.ok()) return fail(added.status().ToString());
  }
  StoreOptions so;
  so.durable = a.durable;
  so.create_if_missing = false;
  so.faults = power_loss ? &plan : nullptr;
  auto say = [](const std::string& line) {
    std::string l = line + "\n";
    size_t done = 0;
    while (done < l.size()) {
      ssize_t w = ::write(1, l.data() + done, l.size() - done);
      if (w <= 0) return;
      done += static_cast<size_t>(w);
    }
  };
  auto power_off = [&](std::unique_ptr<Store> store) {
    store.reset();  // every call fails now; nothing more reaches the disk
    StatusOr<PowerLossReport> pl = plan.SimulatePowerLoss();
    if (!pl.ok()) return fail(pl.status().ToString());
    say(fmt::format("P truncated {} dropped_bytes {} restored {} deleted {} renames_undone {}",
                    pl->files_truncated, pl->bytes_dropped, pl->regions_restored, pl->files_deleted,
                    pl->files_restored));
    return 3;
  };
  StatusOr<std::unique_ptr<Store>> opened = OpenStore(a.engine, a.dir, so);
  // Opening writes too (a new WAL, a MANIFEST, OPTIONS): a crash point.
  if (!opened.ok() && power_loss && plan.crashed()) {
    say("S 0");
    return power_off(nullptr);
  }
  if (!opened.ok()) return fail(opened.status().ToString());
  std::unique_ptr<Store> store = std::move(*opened);
  uint64_t i = 0;
  for (; i < data->trace.size(); ++i) {
    const Op& op = data->trace[i];
    const bool write = IsWrite(KindOf(op));
    if (write) say(fmt::format("B {}", i));
    std::string out = ExecuteOp(*store, op);
    if (power_loss && plan.crashed()) break;  // the machine is off: no answer
    if (write) say(fmt::format("A {} {}", i, out));
  }
  say(fmt::format("S {}", i));
  if (power_loss && plan.crashed()) return power_off(std::move(store));
  // Closing writes too (RocksDB may flush): still inside the crash window.
  store.reset();
  if (power_loss && plan.crashed()) return power_off(nullptr);
  return 0;
}

}  // namespace listbench
