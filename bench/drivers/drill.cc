#include "bench/drivers/drill.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "bench/drivers/drill_oracle.h"
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

// The first problem the store's own invariant check finds ("" = none).
std::string InvariantProblem(Store& s) {
  std::vector<std::string> violations;
  Status inv = s.CheckInvariants(&violations);
  if (inv.ok() && violations.empty()) return "";
  return !inv.ok() ? "invariant check could not run: " + inv.ToString()
                   : "invariant violation: " + violations.front();
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
  ChildOracle oracle;  // every write announced, its outcome once answered
  std::string stderr_text;
  // The parent's clock: when the first write was announced and the last
  // outcome arrived (the child's throughput, without its start-up).
  Clock::time_point first_write, last_outcome;
};

// Where a SIGKILL cycle kills its child: just after the child announces
// write `at_write` (a trace index; -1 = never), after `delay_us`.
struct KillPoint {
  int64_t at_write = -1;
  uint64_t delay_us = 0;
};

// Reads one oracle line of the child into `run`; SIGKILLs the child when the
// line announces the kill point's write (or a later one: with several
// writers, announcements arrive out of trace order).
void ReadOracleLine(const std::string& l, pid_t pid, const KillPoint& kill, bool* killed,
                    ChildRun* run) {
  const bool first = run->oracle.writes.empty();
  uint64_t i = 0;
  switch (ParseOracleLine(l, &run->oracle, &i)) {
    case OracleLineKind::kBegan:
      if (first) run->first_write = Clock::now();
      if (!*killed && kill.at_write >= 0 && static_cast<int64_t>(i) >= kill.at_write) {
        if (kill.delay_us > 0)
          std::this_thread::sleep_for(std::chrono::microseconds(kill.delay_us));
        ::kill(pid, SIGKILL);
        *killed = true;
      }
      break;
    case OracleLineKind::kAnswered:
      run->last_outcome = Clock::now();
      break;
    case OracleLineKind::kOther:
      break;
  }
}

// Runs the child to its end (or its kill), collecting its oracle lines, how
// it ended and the start of its stderr.
StatusOr<ChildRun> SpawnChild(const std::string& binary, const std::vector<std::string>& args,
                              const std::string& err_path, const KillPoint& kill) {
  StatusOr<PipedChild> child = SpawnPiped(binary, args, err_path);
  if (!child.ok()) return child.status();
  const pid_t pid = child->pid;
  ChildRun run;
  FILE* in = child->out;
  char* line = nullptr;
  size_t cap = 0;
  bool killed = false;
  while (::getline(&line, &cap, in) > 0) ReadOracleLine(line, pid, kill, &killed, &run);
  std::free(line);
  std::fclose(in);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.term_signal = WTERMSIG(status);
  FILE* e = std::fopen(err_path.c_str(), "r");
  if (e != nullptr) {
    char buf[4096];
    size_t n = std::fread(buf, 1, sizeof buf - 1, e);
    run.stderr_text.assign(buf, n);
    std::fclose(e);
  }
  return run;
}

struct CrashCycleCtx {
  Engine engine;
  const Scenario* scenario;
  const DrillOptions* opts;
  std::string base_dir, cycle_dir, ref_dir, workload_file;
};

// The seeded kill point of a SIGKILL cycle: a seeded write of the trace and a
// seeded delay of 0-499 µs, so the kill lands mid-write, mid-sync or between
// requests.
KillPoint SeededKillPoint(const WorkloadData& d, uint64_t seed) {
  uint64_t writes = 0;
  for (const Op& op : d.trace) writes += IsWrite(KindOf(op)) ? 1 : 0;
  KillPoint kill;
  const uint64_t r = MixBits(seed ^ 0x6b696c6cULL);
  const uint64_t nth_write = writes == 0 ? 0 : r % writes;
  uint64_t seen = 0;
  for (size_t i = 0; i < d.trace.size(); ++i) {
    if (!IsWrite(KindOf(d.trace[i]))) continue;
    if (seen++ == nth_write) {
      kill.at_write = static_cast<int64_t>(i);
      break;
    }
  }
  kill.delay_us = MixBits(r) % 500;
  return kill;
}

// The command line of a cycle's child: the workload on the cycle's copy; with
// `power_loss`, a crash at the `crash_nth` seam call (0 = the scenario's
// seeded chance).
std::vector<std::string> ChildArgs(const CrashCycleCtx& c, uint64_t seed, bool power_loss,
                                   uint64_t crash_nth) {
  const Scenario& sc = *c.scenario;
  std::vector<std::string> args = {
      c.opts->binary,    "drill-child",
      "--engine",        std::string(EngineName(c.engine)),
      "--dir",           c.cycle_dir,
      "--workload",      c.workload_file,
      "--listings",      std::to_string(sc.listings),
      "--dataset-seed",  std::to_string(c.opts->seed),
      "--operations",    std::to_string(sc.operations),
      "--trace-seed",    std::to_string(seed),
      "--durable",       sc.durable ? "1" : "0",
      "--plan-seed",     std::to_string(seed),
      "--threads",       std::to_string(c.opts->threads),
      "--sqlite-schema", std::string(SqliteSchemaName(c.opts->sqlite_schema))};
  if (power_loss) {
    if (crash_nth > 0) {
      args.insert(args.end(), {"--crash-nth", std::to_string(crash_nth)});
    } else {
      args.insert(args.end(), {"--crash-one-in", std::to_string(sc.crash_one_in)});
    }
  }
  return args;
}

// Names the cycle's crash from how its child ended. An end that is neither a
// SIGKILL, a simulated power loss nor a complete run fails the drill.
Status RecordCrashKind(const ChildRun& run, uint64_t cycle, uint64_t seed, CycleRecord* rec,
                       DrillResult* res, bool* sweep_done) {
  if (run.term_signal == SIGKILL) {
    rec->crash = "sigkill";
    ++res->crashes_sigkill;
  } else if (run.exit_code == 3) {
    rec->crash = "power_loss";
    ++res->crashes_power_loss;
  } else if (run.exit_code == 0) {
    rec->crash = "none";
    ++res->runs_without_crash;
    if (sweep_done != nullptr) *sweep_done = true;
  } else {
    return Status::IOError(
        fmt::format("drill: the child for cycle {} (seed {}) failed ({}): {}", cycle, seed,
                    run.term_signal != 0 ? fmt::format("signal {}", run.term_signal)
                                         : fmt::format("exit {}", run.exit_code),
                    run.stderr_text));
  }
  return Status::OK();
}

// Recovery: reopens the crashed store and serves the first read, timed.
// Null, with the problem recorded, when the store does not open.
std::unique_ptr<Store> Recover(const CrashCycleCtx& c, const WorkloadData& d, CycleRecord* rec) {
  const auto t0 = Clock::now();
  StoreOptions so;
  so.durable = c.scenario->durable;
  so.create_if_missing = false;
  so.sqlite_schema = c.opts->sqlite_schema;
  StatusOr<std::unique_ptr<Store>> store = OpenStore(c.engine, c.cycle_dir, so);
  if (!store.ok()) {
    rec->integrity_ok = false;
    rec->problems.push_back("reopen failed: " + store.status().ToString());
    return nullptr;
  }
  StatusOr<ListingDetail> first = (*store)->GetListingDetail(d.catalog.listings[0].tenant, 1);
  if (!first.ok()) rec->problems.push_back("first read after reopen: " + first.status().ToString());
  rec->recovery_ms = MsSince(t0);
  return std::move(*store);
}

// What the oracle says against what survived in `s`: counts outcomes,
// acknowledged, lost and unknown writes. Returns the writes present.
std::vector<uint64_t> CheckSurvivors(Store& s, const WorkloadData& d, const ChildRun& run,
                                     bool durable, CycleRecord* rec, DrillResult* res) {
  OracleCheck c = CheckOracle(s, d, run.oracle);
  for (const auto& [outcome, n] : c.outcomes) res->outcomes[outcome] += n;
  rec->problems.insert(rec->problems.end(), c.probe_errors.begin(), c.probe_errors.end());
  rec->acknowledged += c.acknowledged;
  rec->lost += c.lost;
  rec->unknown += c.unknown;
  rec->unknown_present += c.unknown_present;
  if (durable && c.lost > 0) {
    const uint64_t first = c.lost_writes.front();
    rec->problems.push_back(fmt::format("{} acknowledged writes lost (first: write {}, {})", c.lost,
                                        first, DescribeOp(d.trace[first])));
  }
  return c.present;
}

// One writer: the surviving state is the state after the writes before the
// first one that did not survive (no holes, checked here): replay exactly
// those, rejected ones included (they are rejected again, as they were in
// that state). A rejected write after the cut must not be replayed: against
// the cut state it might succeed.
void ReplaySequential(Store& ref, const WorkloadData& d, const ChildRun& run,
                      const std::vector<uint64_t>& present_writes, CycleRecord* rec,
                      DrillResult* res) {
  std::set<uint64_t> keep(present_writes.begin(), present_writes.end());
  for (const auto& [i, w] : run.oracle.writes) {
    const bool acked = w.answered && Acknowledged(w.outcome);
    if ((acked || UnknownOutcome(w)) && keep.count(i) == 0) {
      auto later = keep.upper_bound(i);
      if (later != keep.end()) {
        ++res->holes;
        rec->problems.push_back(
            fmt::format("hole: write {} did not survive but later write {} did", i, *later));
      }
      break;
    }
    (void)ExecuteOp(ref, d.trace[i]);
  }
}

// Several writers: the trace order is not the order the writes took effect.
// Replays the surviving writes -- acknowledged ones in the order of their
// acknowledgments, then the unknown-outcome ones that landed, in the order
// they were announced -- and defers a write the reference rejects to the
// next pass (it ran after a write it depends on, acknowledged later), until
// a pass replays nothing. An acknowledged write the reference still rejects
// fails the cycle; an unknown-outcome one is dropped (its probe cannot tell
// it from a later update of the same listing). Holes are counted in
// real-time order (drill_oracle.h).
void ReplayConcurrent(Store& ref, const WorkloadData& d, const ChildRun& run,
                      const std::vector<uint64_t>& present_writes, CycleRecord* rec,
                      DrillResult* res) {
  const auto& writes = run.oracle.writes;
  for (const auto& [lost, later] : RealTimeHoles(run.oracle, present_writes)) {
    ++res->holes;
    rec->problems.push_back(fmt::format(
        "hole: write {} was acknowledged before write {} began; {} survived, {} did not", lost,
        later, later, lost));
  }
  std::vector<uint64_t> acked, unknown;
  for (uint64_t i : present_writes) {
    const WriteRecord& w = writes.at(i);
    (w.answered && Acknowledged(w.outcome) ? acked : unknown).push_back(i);
  }
  auto line = [&](uint64_t i) {
    const WriteRecord& w = writes.at(i);
    return w.answered ? w.answered_line : w.began_line;
  };
  std::sort(acked.begin(), acked.end(), [&](uint64_t x, uint64_t y) { return line(x) < line(y); });
  std::sort(unknown.begin(), unknown.end(),
            [&](uint64_t x, uint64_t y) { return line(x) < line(y); });
  std::vector<uint64_t> pending = acked;
  pending.insert(pending.end(), unknown.begin(), unknown.end());
  for (size_t before = pending.size() + 1; !pending.empty() && pending.size() < before;) {
    before = pending.size();
    std::vector<uint64_t> left;
    for (uint64_t i : pending) {
      if (!Acknowledged(ExecuteOp(ref, d.trace[i]))) left.push_back(i);
    }
    pending.swap(left);
  }
  for (uint64_t i : pending) {
    if (!writes.at(i).answered || !Acknowledged(writes.at(i).outcome)) continue;
    rec->differential_ok = false;
    rec->problems.push_back(fmt::format(
        "differential: write {} ({}) was acknowledged and survived, but the reference rejects "
        "it after every other surviving write",
        i, DescribeOp(d.trace[i])));
    break;
  }
}

// The differential check against the surviving state: a fresh reference copy
// of the base replays the writes that survived, counting holes.
Status CheckAgainstReplay(const CrashCycleCtx& c, Store& s, const WorkloadData& d,
                          const ChildRun& run, const std::vector<uint64_t>& present_writes,
                          uint64_t seed, CycleRecord* rec, DrillResult* res) {
  LB_RETURN_IF_ERROR(FreshCopy(c.base_dir, c.ref_dir));
  StoreOptions ro;
  ro.create_if_missing = false;
  ro.sqlite_schema = c.opts->sqlite_schema;
  StatusOr<std::unique_ptr<Store>> ref = OpenStore(c.engine, c.ref_dir, ro);
  if (!ref.ok()) return ref.status();
  if (c.opts->threads <= 1) {
    ReplaySequential(**ref, d, run, present_writes, rec, res);
  } else {
    ReplayConcurrent(**ref, d, run, present_writes, rec, res);
  }
  DiffAgainstReference(s, **ref, d, seed, rec);
  return Status::OK();
}

// The engine's full check of the closed store in `dir` (every SST block's
// checksum, every SQLite page), recorded in `rec`. A failure is an integrity
// failure.
void CheckStoreFiles(Engine engine, const std::string& dir, CycleRecord* rec) {
  rec->files_checked = true;
  const Status s = VerifyStoreFiles(engine, dir);
  if (s.ok()) return;
  rec->files_ok = false;
  rec->integrity_ok = false;
  rec->problems.push_back("full store check after the cycle: " + s.ToString());
}

// One crash cycle: a fresh copy, a child crashed on it (setup, run), the
// recovery and its checks (check), the child's throughput (report).
Status CrashCycle(const CrashCycleCtx& c, uint64_t cycle, uint64_t crash_nth, CycleRecord* rec,
                  DrillResult* res, bool* sweep_done) {
  const Scenario& sc = *c.scenario;
  const uint64_t seed = c.opts->seed + cycle;
  rec->cycle = cycle;
  rec->seed = seed;
  LB_RETURN_IF_ERROR(FreshCopy(c.base_dir, c.cycle_dir));
  const bool power_loss = crash_nth > 0 || sc.crash == CrashMode::kPowerLoss ||
                          (sc.crash == CrashMode::kBoth && cycle % 2 == 1);
  StatusOr<WorkloadData> data = MakeWorkloadData(DatasetSpec{sc.listings, c.opts->seed},
                                                 c.workload_file, sc.operations, seed);
  if (!data.ok()) return data.status();

  const KillPoint kill = power_loss ? KillPoint{} : SeededKillPoint(*data, seed);
  StatusOr<ChildRun> run = SpawnChild(c.opts->binary, ChildArgs(c, seed, power_loss, crash_nth),
                                      c.cycle_dir + ".stderr", kill);
  if (!run.ok()) return run.status();
  LB_RETURN_IF_ERROR(RecordCrashKind(*run, cycle, seed, rec, res, sweep_done));

  std::unique_ptr<Store> store = Recover(c, *data, rec);
  if (store == nullptr) return Status::OK();  // reported by Recover
  const std::vector<uint64_t> present = CheckSurvivors(*store, *data, *run, sc.durable, rec, res);
  const std::string broken = InvariantProblem(*store);
  if (!broken.empty()) {
    rec->integrity_ok = false;
    rec->problems.push_back(broken);
  }
  LB_RETURN_IF_ERROR(CheckAgainstReplay(c, *store, *data, *run, present, seed, rec, res));
  store.reset();
  CheckStoreFiles(c.engine, c.cycle_dir, rec);

  rec->ops_started = run->oracle.started;
  if (run->last_outcome > run->first_write) {
    rec->workload_seconds =
        std::chrono::duration<double>(run->last_outcome - run->first_write).count();
  }
  return Status::OK();
}

// ---- Errors drill ----------------------------------------------------------

// One operation of an errors cycle, for the first cycle's series.
struct Sample {
  double start_s, latency_us;
  bool error;
};

// The first cycle's series: 40 intervals over the run.
std::vector<SeriesPoint> MakeSeries(const std::vector<Sample>& samples) {
  std::vector<SeriesPoint> series;
  const double total = samples.empty() ? 0 : samples.back().start_s + 1e-9;
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
    series.push_back(p);
  }
  return series;
}

// One cycle of an errors drill (drill.h): the store under the scenario's
// fault timeline and a fault-free reference in lockstep. Call Setup, Run,
// Report and Check once each, in that order.
class ErrorsCycle {
 public:
  ErrorsCycle(Engine engine, const Scenario& sc, const DrillOptions& opts, uint64_t cycle,
              CycleRecord* rec, DrillResult* res)
      : engine_(engine),
        sc_(sc),
        first_cycle_(cycle == opts.first_cycle),
        dataset_seed_(opts.seed),
        seed_(opts.seed + cycle),
        sqlite_schema_(opts.sqlite_schema),
        rec_(rec),
        res_(res) {
    rec_->cycle = cycle;
    rec_->seed = seed_;
    rec_->crash = "errors";
  }

  // Fresh copies of the base for the store and the reference, the workload
  // (plus a tail after the faults are cleared), both stores opened.
  Status Setup(const std::string& base_dir, const std::string& work);
  // The workload: the timeline armed and cleared, every operation checked.
  Status Run();
  // The fault log and, for the first cycle, the series.
  void Report();
  // After the faults cleared: invariants, acknowledged writes, the
  // differential check; then the same after a fault-free reopen.
  Status Check();

 private:
  // What the loop does with the operation after a pending reopen.
  enum class Step { kRun, kSkip, kStop };

  Status ApplyTimeline(size_t i, bool in_tail);
  Step ReopenIfPending(size_t i, bool in_tail);
  bool RunOp(size_t i, bool in_tail);  // false: stop the workload
  void CheckRead(size_t i, const Op& op, const std::string& out);
  void ProbeFailedWrite(size_t i, const Op& op);
  void CheckWrite(size_t i, const Op& op, const std::string& out);
  void CatchUp();
  void CheckState(Store& s, const char* when);
  void CountAppliedAfterRestart();

  static constexpr uint64_t kTail = 20;  // operations after the faults are cleared

  const Engine engine_;
  const Scenario& sc_;
  const bool first_cycle_;
  const uint64_t dataset_seed_;  // the drill's dataset
  const uint64_t seed_;          // this cycle's trace and fault plan
  const SqliteSchema sqlite_schema_;
  CycleRecord* const rec_;
  DrillResult* const res_;
  std::string dir_;
  std::optional<WorkloadData> data_;
  std::unique_ptr<FaultPlan> plan_;
  Clock::time_point plan_made_;  // FaultEvent::at_seconds counts from here
  StoreOptions so_;
  std::unique_ptr<Store> store_;  // null while a reopen is pending
  std::unique_ptr<Store> ref_;
  std::vector<size_t> rule_index_;
  std::vector<std::pair<uint64_t, std::string>> acked_;  // trace index, outcome
  std::vector<size_t> unknown_;
  std::set<size_t> unknown_present_;
  bool reopen_pending_ = false;
  std::vector<Sample> samples_;
  Clock::time_point t_start_;
};

Status ErrorsCycle::Setup(const std::string& base_dir, const std::string& work) {
  dir_ = work + "/cycle";
  const std::string ref_dir = work + "/reference";
  LB_RETURN_IF_ERROR(FreshCopy(base_dir, dir_));
  LB_RETURN_IF_ERROR(FreshCopy(base_dir, ref_dir));
  StatusOr<WorkloadData> data =
      MakeWorkloadData(DatasetSpec{sc_.listings, dataset_seed_}, ScenarioWorkloadPath(sc_),
                       sc_.operations + kTail, seed_);
  if (!data.ok()) return data.status();
  data_ = std::move(*data);
  plan_ = std::make_unique<FaultPlan>(seed_);
  plan_made_ = Clock::now();
  so_.durable = sc_.durable;
  so_.create_if_missing = false;
  so_.sqlite_schema = sqlite_schema_;
  so_.faults = plan_.get();
  if (sc_.cache_kib != 0) so_.cache_bytes = sc_.cache_kib << 10;
  StatusOr<std::unique_ptr<Store>> opened = OpenStore(engine_, dir_, so_);
  if (!opened.ok()) return opened.status();
  store_ = std::move(*opened);
  StoreOptions ro;
  ro.create_if_missing = false;
  ro.sqlite_schema = sqlite_schema_;
  StatusOr<std::unique_ptr<Store>> ref = OpenStore(engine_, ref_dir, ro);
  if (!ref.ok()) return ref.status();
  ref_ = std::move(*ref);
  rule_index_.assign(sc_.faults.size(), SIZE_MAX);
  return Status::OK();
}

Status ErrorsCycle::Run() {
  t_start_ = Clock::now();
  const size_t n = data_->trace.size();
  for (size_t i = 0; i < n; ++i) {
    const bool in_tail = i >= sc_.operations;
    LB_RETURN_IF_ERROR(ApplyTimeline(i, in_tail));
    const Step step = ReopenIfPending(i, in_tail);
    if (step == Step::kStop) break;
    if (step == Step::kSkip) continue;
    if (!RunOp(i, in_tail)) break;
  }
  rec_->ops_started = n;
  return Status::OK();
}

// Arms and clears the scenario's rules at operation `i`, clears them all
// where the tail starts, and closes the store at the scenario's reopen point.
Status ErrorsCycle::ApplyTimeline(size_t i, bool in_tail) {
  if (i == sc_.operations) plan_->ClearAll();
  for (size_t f = 0; f < sc_.faults.size() && !in_tail; ++f) {
    const TimedFault& tf = sc_.faults[f];
    if (i == tf.from_op) {
      StatusOr<size_t> r = plan_->AddRule(tf.rule);
      if (!r.ok()) return r.status();
      rule_index_[f] = *r;
    }
    if (tf.until_op != 0 && i == tf.until_op && rule_index_[f] != SIZE_MAX) {
      plan_->Clear(rule_index_[f]);
    }
  }
  if (sc_.reopen_at_op != 0 && i == sc_.reopen_at_op && store_ != nullptr) {
    store_.reset();  // closing runs under the faults too
    reopen_pending_ = true;
  }
  return Status::OK();
}

// Opens the store again when it was closed. While it cannot open under the
// faults, each request fails with the open's error and the next one tries
// again; in the tail that ends the workload, not recovered.
ErrorsCycle::Step ErrorsCycle::ReopenIfPending(size_t i, bool in_tail) {
  if (reopen_pending_ && i >= sc_.operations) plan_->ClearAll();
  if (!reopen_pending_) return Step::kRun;
  StatusOr<std::unique_ptr<Store>> again = OpenStore(engine_, dir_, so_);
  if (again.ok()) {
    store_ = std::move(*again);
    reopen_pending_ = false;
    // A write that failed (say, its commit fsync did) may have left a
    // complete record in the log, which this open recovered: the write
    // took effect after all. Unknown outcome, as the contract says; the
    // reference follows what the store now holds.
    CatchUp();
    return Step::kRun;
  }
  ++res_->operations;
  ++res_->outcomes["open_failed"];
  if (!in_tail) return Step::kSkip;
  ++res_->not_recovered;
  rec_->problems.push_back(
      "after the faults were cleared the store still does not "
      "open: " +
      again.status().ToString());
  return Step::kStop;
}

// Runs operation `i` on the store and checks it against the reference.
bool ErrorsCycle::RunOp(size_t i, bool in_tail) {
  const Op& op = data_->trace[i];
  const bool write = IsWrite(KindOf(op));
  const auto t0 = Clock::now();
  std::string out = ExecuteOp(*store_, op);
  const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  const bool failed = out == "io_error" || out == "corruption";
  if (first_cycle_) {
    samples_.push_back({std::chrono::duration<double>(t0 - t_start_).count(), us, failed});
  }
  ++res_->operations;
  ++res_->outcomes[out.substr(0, out.find(' '))];
  if (in_tail && failed) {
    ++res_->not_recovered;
    rec_->problems.push_back(fmt::format(
        "after the faults were cleared, op {} ({}) still failed with {}; the store does not "
        "serve again without a restart",
        i, DescribeOp(op), out));
    return false;
  }
  if (!failed) CatchUp();
  if (!write) {
    if (!failed) CheckRead(i, op, out);  // surfaced as an error: allowed
  } else if (failed) {
    ProbeFailedWrite(i, op);
  } else {
    CheckWrite(i, op, out);
  }
  return true;
}

// A read that succeeded answers exactly as the reference.
void ErrorsCycle::CheckRead(size_t i, const Op& op, const std::string& out) {
  std::string expect = ExecuteOp(*ref_, op);
  if (expect != out) {
    ++res_->wrong_results;
    rec_->problems.push_back(fmt::format("wrong result for op {} ({}): {} vs reference {}", i,
                                         DescribeOp(op), out.substr(0, 160),
                                         expect.substr(0, 160)));
  }
}

// A write that failed: unknown outcome, probed with the faults paused and
// applied to the reference iff it took effect.
void ErrorsCycle::ProbeFailedWrite(size_t i, const Op& op) {
  plan_->SetEnabled(false);
  StatusOr<bool> present = Present(*store_, *data_, op, 0);
  plan_->SetEnabled(true);
  if (!present.ok()) {
    rec_->problems.push_back(
        fmt::format("probe of write {} failed: {}", i, present.status().ToString()));
    return;
  }
  unknown_.push_back(i);
  ++rec_->unknown;
  if (*present) {
    ++rec_->unknown_present;
    unknown_present_.insert(i);
    (void)ExecuteOp(*ref_, op);
  }
}

// A write that succeeded: applied to the reference, which must answer with
// the same outcome; acknowledged when ok.
void ErrorsCycle::CheckWrite(size_t i, const Op& op, const std::string& out) {
  std::string expect = ExecuteOp(*ref_, op);
  if (expect.substr(0, expect.find(' ')) != out.substr(0, out.find(' '))) {
    ++res_->wrong_results;
    rec_->problems.push_back(fmt::format("write {} ({}) answered {} but the reference {}", i,
                                         DescribeOp(op), out, expect));
  }
  if (out.rfind("ok", 0) == 0) {
    acked_.push_back({i, out});
    ++rec_->acknowledged;
  }
}

// A write that failed (say, its commit fsync did) may have left a complete
// record in the log, which a later recovery replays -- a reopen, or the
// RocksDB store's own in-place reopen after an I/O error: the write took
// effect after all (unknown outcome, as the contract says). After every
// reopen and every request that succeeded, the failed writes still absent
// are probed again (faults paused) and the reference follows the store.
void ErrorsCycle::CatchUp() {
  if (unknown_.size() == unknown_present_.size()) return;
  plan_->SetEnabled(false);
  for (size_t k : unknown_) {
    if (unknown_present_.count(k) != 0) continue;
    StatusOr<bool> p = Present(*store_, *data_, data_->trace[k], 0);
    if (p.ok() && *p) {
      unknown_present_.insert(k);
      ++rec_->unknown_present;
      ++res_->outcomes["io_error_applied_later"];
      (void)ExecuteOp(*ref_, data_->trace[k]);
    }
  }
  plan_->SetEnabled(true);
}

void ErrorsCycle::Report() {
  std::vector<FaultEvent> faults = plan_->Log();
  res_->faults_injected += faults.size();
  if (first_cycle_) {
    res_->first_cycle_faults = std::move(faults);
    // On the series' clock: seconds since the workload started.
    const double offset = std::chrono::duration<double>(t_start_ - plan_made_).count();
    for (FaultEvent& e : res_->first_cycle_faults) e.at_seconds -= offset;
    std::vector<SeriesPoint> series = MakeSeries(samples_);
    res_->series.insert(res_->series.end(), series.begin(), series.end());
  }
  plan_->ClearAll();
}

// The store's own invariants and every acknowledged write present in `s`.
void ErrorsCycle::CheckState(Store& s, const char* when) {
  const std::string broken = InvariantProblem(s);
  if (!broken.empty()) {
    rec_->integrity_ok = false;
    rec_->problems.push_back(fmt::format("{}: {}", when, broken));
  }
  for (const auto& [i, outcome] : acked_) {
    StatusOr<bool> present = Present(s, *data_, data_->trace[i], VersionOf(outcome));
    if (!present.ok() || !*present) {
      ++rec_->lost;
      rec_->problems.push_back(fmt::format("{}: acknowledged write {} ({}) is missing", when, i,
                                           DescribeOp(data_->trace[i])));
      break;
    }
  }
}

Status ErrorsCycle::Check() {
  if (store_ == nullptr) return Status::OK();  // never reopened: reported by Run
  CheckState(*store_, "after the faults cleared");
  DiffAgainstReference(*store_, *ref_, *data_, seed_, rec_);
  // Close, reopen without faults: acknowledged writes are still there. A
  // write that failed may surface now (the log held it): counted, not a
  // failure.
  std::vector<bool> was_present;
  for (size_t i : unknown_) {
    StatusOr<bool> p = Present(*store_, *data_, data_->trace[i], 0);
    was_present.push_back(p.ok() && *p);
  }
  store_.reset();
  so_.faults = nullptr;
  const auto t0 = Clock::now();
  StatusOr<std::unique_ptr<Store>> reopened = OpenStore(engine_, dir_, so_);
  if (!reopened.ok()) {
    rec_->integrity_ok = false;
    rec_->problems.push_back("reopen after the drill failed: " + reopened.status().ToString());
    return Status::OK();
  }
  rec_->recovery_ms = MsSince(t0);
  CheckState(**reopened, "after reopening");
  for (size_t k = 0; k < unknown_.size(); ++k) {
    StatusOr<bool> p = Present(**reopened, *data_, data_->trace[unknown_[k]], 0);
    if (p.ok() && *p && !was_present[k]) {
      ++res_->outcomes["io_error_applied_after_restart"];  // at the final reopen
    }
  }
  reopened->reset();
  CheckStoreFiles(engine_, dir_, rec_);
  return Status::OK();
}

Status RunErrorsCycle(Engine engine, const Scenario& sc, const DrillOptions& opts,
                      const std::string& base_dir, const std::string& work, uint64_t cycle,
                      CycleRecord* rec, DrillResult* res) {
  ErrorsCycle c(engine, sc, opts, cycle, rec, res);
  LB_RETURN_IF_ERROR(c.Setup(base_dir, work));
  LB_RETURN_IF_ERROR(c.Run());
  c.Report();
  return c.Check();
}

// Adds a finished cycle's counts to the drill's.
void AddCycle(const CycleRecord& rec, DrillKind kind, DrillResult* res) {
  ++res->cycles;
  res->acknowledged_writes += rec.acknowledged;
  if (kind == DrillKind::kCrash) {
    res->acknowledged_by_crash[rec.crash] += rec.acknowledged;
    res->lost_by_crash[rec.crash] += rec.lost;
  }
  res->lost_acknowledged_writes += rec.lost;
  res->unknown_outcome_writes += rec.unknown;
  res->unknown_outcome_present += rec.unknown_present;
  if (!rec.integrity_ok) ++res->integrity_failures;
  if (rec.files_checked) ++res->store_file_checks;
  if (!rec.files_ok) ++res->store_file_check_failures;
  if (!rec.differential_ok) ++res->differential_failures;
  if (rec.crash != "none") res->recovery_ms.push_back(rec.recovery_ms);
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
  res.threads = opts.threads;
  if (opts.threads < 1 || (opts.threads > 1 && sc.kind != DrillKind::kCrash)) {
    return Status::InvalidArgument(
        fmt::format("drill: {} writer threads: crash scenarios take 1 or more, {} takes 1",
                    opts.threads, sc.file));
  }
  const uint64_t cycles = opts.cycles != 0 ? opts.cycles : sc.cycles;
  const std::string work = (fs::path(opts.work_dir) / "drill" / EngineName(engine)).string();
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) return Status::IOError(work + ": cannot create: " + ec.message());
  // The drill's base store: the scenario's dataset, loaded once, reused.
  DatasetSpec spec;
  spec.listings = sc.listings;
  spec.seed = opts.seed;
  StoreOptions lo;
  lo.sqlite_schema = opts.sqlite_schema;
  StatusOr<LoadReport> base = PrepareStore(engine, opts.work_dir + "/drill-base", spec, lo,
                                           {ExistingLoad::kReplace}, false);
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
                   : RunErrorsCycle(engine, sc, opts, base->dir, work, cycle, &rec, &res);
    if (!s.ok()) return s;
    AddCycle(rec, sc.kind, &res);
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

namespace {

// One writer of the child: trace ops first, first + step, ... -- announced
// before they start, answered after they returned -- until the trace ends or
// the power goes off. `done` counts the operations that completed.
void RunChildWriter(Store& store, const std::vector<Op>& trace, size_t first, size_t step,
                    const FaultPlan* plan, AckLog* log, std::atomic<uint64_t>* done) {
  for (size_t i = first; i < trace.size(); i += step) {
    const bool write = IsWrite(KindOf(trace[i]));
    if (write) log->Began(i);
    std::string out = ExecuteOp(store, trace[i]);
    if (plan != nullptr && plan->crashed()) return;  // the machine is off: no answer
    if (write) log->Answered(i, out);
    done->fetch_add(1, std::memory_order_relaxed);
  }
}

// The child's workload: op i on writer i % threads (one writer runs on the
// calling thread). Returns the operations completed.
uint64_t RunChildWriters(Store& store, const std::vector<Op>& trace, int threads,
                         const FaultPlan* plan, AckLog* log) {
  std::atomic<uint64_t> done{0};
  const size_t n = static_cast<size_t>(std::max(1, threads));
  if (n == 1) {
    RunChildWriter(store, trace, 0, 1, plan, log, &done);
    return done.load();
  }
  std::vector<std::thread> writers;
  for (size_t t = 0; t < n; ++t) {
    writers.emplace_back(RunChildWriter, std::ref(store), std::cref(trace), t, n, plan, log, &done);
  }
  for (std::thread& w : writers) w.join();
  return done.load();
}

// The child's fault plan: a power loss at the crash_nth seam call or by the
// seeded chance, when either is given.
StatusOr<bool> ArmPowerLoss(const DrillChildArgs& a, FaultPlan* plan) {
  if (a.crash_nth == 0 && a.crash_one_in == 0) return false;
  FaultRule r;
  r.kind = FaultKind::kCrash;
  r.nth = a.crash_nth;
  r.one_in = a.crash_nth > 0 ? 0 : a.crash_one_in;
  StatusOr<size_t> added = plan->AddRule(r);
  if (!added.ok()) return added.status();
  return true;
}

}  // namespace

int RunDrillChild(const DrillChildArgs& a) {
  auto fail = [](const std::string& m) {
    std::fprintf(stderr, "listbench drill-child: %s\n", m.c_str());
    return 2;
  };
  StatusOr<WorkloadData> data = MakeWorkloadData(DatasetSpec{a.listings, a.dataset_seed},
                                                 a.workload_file, a.operations, a.trace_seed);
  if (!data.ok()) return fail(data.status().ToString());
  FaultPlan plan(a.plan_seed);
  StatusOr<bool> armed = ArmPowerLoss(a, &plan);
  if (!armed.ok()) return fail(armed.status().ToString());
  const bool power_loss = *armed;
  StoreOptions so;
  so.durable = a.durable;
  so.create_if_missing = false;
  so.sqlite_schema = a.sqlite_schema;
  so.faults = power_loss ? &plan : nullptr;
  AckLog log(1);
  auto power_off = [&](std::unique_ptr<Store> store) {
    store.reset();  // every call fails now; nothing more reaches the disk
    StatusOr<PowerLossReport> pl = plan.SimulatePowerLoss();
    if (!pl.ok()) return fail(pl.status().ToString());
    log.Say(fmt::format("P truncated {} dropped_bytes {} restored {} deleted {} renames_undone {}",
                        pl->files_truncated, pl->bytes_dropped, pl->regions_restored,
                        pl->files_deleted, pl->files_restored));
    return 3;
  };
  StatusOr<std::unique_ptr<Store>> opened = OpenStore(a.engine, a.dir, so);
  // Opening writes too (a new WAL, a MANIFEST, OPTIONS): a crash point.
  if (!opened.ok() && power_loss && plan.crashed()) {
    log.Say("S 0");
    return power_off(nullptr);
  }
  if (!opened.ok()) return fail(opened.status().ToString());
  std::unique_ptr<Store> store = std::move(*opened);
  const uint64_t done =
      RunChildWriters(*store, data->trace, a.threads, power_loss ? &plan : nullptr, &log);
  log.Say(fmt::format("S {}", done));
  if (power_loss && plan.crashed()) return power_off(std::move(store));
  // Closing writes too (RocksDB may flush): still inside the crash window.
  store.reset();
  if (power_loss && plan.crashed()) return power_off(nullptr);
  return 0;
}

}  // namespace listbench
