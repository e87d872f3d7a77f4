#include "bench/drivers/migrate_run.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "bench/harness/child_process.h"
#include "bench/harness/store_setup.h"
#include "bench/harness/write_probe.h"
#include "core/canonical.h"
#include "engine/store_dir.h"
#include "migration/migration_worker.h"
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
      {"durable", c.durable},
      {"cache_mb", c.cache_mb},
      {"sqlite_schema", SqliteSchemaName(c.sqlite_schema)},
      {"work_dir", c.work_dir},
      {"ops_before", c.ops_before},
      {"max_ops", c.max_ops},
      {"ops_after", c.ops_after},
      {"step_every", c.step_every},
      {"threads", c.threads},
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
    c.durable = j.at("durable");
    c.cache_mb = j.at("cache_mb");
    const std::string schema = j.at("sqlite_schema");
    const std::optional<SqliteSchema> parsed = ParseSqliteSchema(schema);
    if (!parsed) return Status::InvalidArgument(path + ": unknown sqlite_schema " + schema);
    c.sqlite_schema = *parsed;
    c.work_dir = j.at("work_dir");
    c.ops_before = j.at("ops_before");
    c.max_ops = j.at("max_ops");
    c.ops_after = j.at("ops_after");
    c.step_every = j.at("step_every");
    c.threads = j.at("threads");
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

DatasetSpec DatasetOf(const MigrateConfig& c) {
  DatasetSpec spec;
  spec.listings = c.listings;
  spec.seed = c.seed;
  return spec;
}

StoreOptions ExistingStoreOptions(const MigrateConfig& c) {
  StoreOptions o;
  o.durable = c.durable;
  o.cache_bytes = static_cast<size_t>(c.cache_mb) << 20;
  o.sqlite_schema = c.sqlite_schema;
  o.create_if_missing = false;
  return o;
}

// ---- The child: the migration process ----------------------------------------

// The order the request workers keep (see the header): a write starts once
// every earlier request is answered, any request once every earlier write
// is; requests the plan skips count as answered. Pausing holds off new
// requests (the final diff runs with none in flight).
class Sequencer {
 public:
  Sequencer(const std::vector<Op>& trace, uint64_t start, const std::vector<uint64_t>& skip)
      : trace_(trace),
        skip_(trace.size(), 0),
        done_(trace.size(), 0),
        low_(start),
        prev_write_(trace.size(), -1) {
    int64_t last = -1;
    for (size_t i = start; i < trace.size(); ++i) {
      prev_write_[i] = last;
      if (IsWrite(KindOf(trace[i]))) last = static_cast<int64_t>(i);
    }
    for (uint64_t s : skip) {
      if (s < done_.size()) done_[s] = skip_[s] = 1;
    }
    Advance();
  }

  // The plan skips request i (answered or interrupted in an earlier process).
  bool Skipped(uint64_t i) const { return skip_[i] != 0; }
  // Waits until request i may start (false: stopping, or i is past the
  // end). Counts it in flight.
  bool Acquire(uint64_t i) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stop_ || i >= end_ || (!paused_ && Ready(i)); });
    if (stop_ || i >= end_) return false;
    in_flight_++;
    max_started_ = std::max(max_started_, i);
    return true;
  }
  void Release(uint64_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    done_[i] = 1;
    in_flight_--;
    Advance();
    cv_.notify_all();
  }
  // Holds off new requests and waits for those in flight; returns the
  // highest request started so far.
  uint64_t Pause() {
    std::unique_lock<std::mutex> lock(mu_);
    paused_ = true;
    cv_.wait(lock, [&] { return in_flight_ == 0; });
    return max_started_;
  }
  // Lets requests start again, up to (not including) `end`.
  void Resume(uint64_t end) {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = false;
    end_ = end;
    cv_.notify_all();
  }
  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }

 private:
  bool Ready(uint64_t i) const {
    if (IsWrite(KindOf(trace_[i]))) return low_ >= i;
    return prev_write_[i] < 0 || done_[static_cast<size_t>(prev_write_[i])];
  }
  void Advance() {
    while (low_ < done_.size() && done_[low_]) low_++;
  }

  const std::vector<Op>& trace_;
  std::vector<uint8_t> skip_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<uint8_t> done_;
  uint64_t low_;  // every request below it is answered (or skipped)
  std::vector<int64_t> prev_write_;
  uint64_t in_flight_ = 0;
  uint64_t max_started_ = 0;
  uint64_t end_ = UINT64_MAX;
  bool paused_ = false;
  bool stop_ = false;
};

// One migration process: opens the stores and the migration (resuming it),
// answers the probe of an interrupted request, then runs requests from
// plan.start on cfg.threads request workers while a MigrationWorker runs the
// migration's Steps, reporting each request on `out`.
class ChildRun {
 public:
  ChildRun(const MigrateConfig& cfg, const Paths& p, const WorkloadData& data,
           const MigrateChildPlan& plan, FILE* out)
      : cfg_(cfg),
        p_(p),
        data_(data),
        plan_(plan),
        out_(out),
        faults_(cfg.seed),
        seq_(data.trace, plan.start, plan.skip) {}

  // The process exit status.
  int Main();

 private:
  int Fail(const std::string& what, const Status& s);
  void Line(const std::string& line, bool flush);
  int Setup();
  int Probe();
  void ArmFaults(uint64_t rel, bool enabled);
  double Elapsed() const;
  void FlushSecondLocked(double now_s);
  bool Final() const;
  int SendFinal();
  void OnFinalDiff(const StatusOr<VerifierReport>& d, Clock::duration took);
  int Request(uint64_t i);
  void Worker(int w);
  int Supervise(MigrationWorker* mw);

  const MigrateConfig& cfg_;
  const Paths& p_;
  const WorkloadData& data_;
  const MigrateChildPlan& plan_;
  FILE* const out_;

  FaultPlan faults_;
  bool with_faults_ = false;
  std::mutex faults_mu_;         // guards rule_of_
  std::vector<size_t> rule_of_;  // scenario fault -> armed rule (SIZE_MAX: not armed)
  std::unique_ptr<Store> legacy_, target_;
  std::unique_ptr<MigratingStore> m_;
  std::atomic<uint64_t> site_calls_{0};
  Sequencer seq_;

  Clock::time_point t0_;
  std::mutex out_mu_;  // guards the lines, the second's histogram and the clock's offsets
  // The timeline's clock leaves out the driver's own final check (a full
  // diff, seconds at scale), which is not part of the migration.
  double checking_s_ = 0;
  double second_start_ = 0;
  Histogram second_ns_;  // this second's request latencies, as the run's are kept
  std::optional<StatusOr<VerifierReport>> final_diff_;  // from the final phase change
  Clock::time_point hold_from_, hold_to_;               // when it held requests off
  std::atomic<bool> final_sent_{false};
  std::atomic<int> rc_{0};  // a worker's failure
  std::atomic<int> workers_left_{0};
};

void ChildRun::Line(const std::string& line, bool flush) {
  std::lock_guard<std::mutex> lock(out_mu_);
  Send(out_, line);
  if (flush) std::fflush(out_);
}

int ChildRun::Fail(const std::string& what, const Status& s) {
  Line("E " + OneLine(what + ": " + s.ToString()), true);
  return 3;
}

// Opens both stores and the migration, with the kill hook. 0 or an exit
// status.
int ChildRun::Setup() {
  with_faults_ = cfg_.scenario && !cfg_.scenario->faults.empty();
  StoreOptions lo = ExistingStoreOptions(cfg_);
  StatusOr<std::unique_ptr<Store>> legacy = OpenStore(Engine::kSqlite, p_.legacy, lo);
  if (!legacy.ok()) return Fail("open legacy store", legacy.status());
  legacy_ = std::move(*legacy);
  StoreOptions to = lo;  // the same durability and cache
  to.create_if_missing = true;
  if (with_faults_) to.faults = &faults_;
  StatusOr<std::unique_ptr<Store>> target = OpenStore(Engine::kRocksDb, p_.target, to);
  if (!target.ok()) return Fail("open new store", target.status());
  target_ = std::move(*target);

  MigrationOptions mo = cfg_.migration;
  mo.seed = cfg_.seed;
  mo.on_final_diff = [this](const StatusOr<VerifierReport>& d, Clock::duration took) {
    OnFinalDiff(d, took);
  };
  mo.crash_hook = [this](CrashSite site) {
    const bool kill = plan_.site >= 0 ? static_cast<int>(site) == plan_.site
                                      : plan_.crash_at != 0 && ++site_calls_ == plan_.crash_at;
    if (kill) {
      std::lock_guard<std::mutex> lock(out_mu_);  // held until the end
      Send(out_, fmt::format("K {}", CrashSiteName(site)));
      std::fflush(out_);
      ::kill(::getpid(), SIGKILL);
    }
  };
  StatusOr<std::unique_ptr<MigratingStore>> opened =
      MigratingStore::Open(legacy_.get(), target_.get(), p_.migration, mo);
  if (!opened.ok()) return Fail("open migration", opened.status());
  m_ = std::move(*opened);
  return 0;
}

// Reports whether the write a kill interrupted took effect.
int ChildRun::Probe() {
  if (plan_.probe < 0) return 0;
  const Op& op = data_.trace[static_cast<size_t>(plan_.probe)];
  bool landed = false;
  if (IsWrite(KindOf(op))) {
    StatusOr<bool> present = Present(*m_->source_of_truth(), data_, op, 0);
    if (!present.ok()) return Fail("probe interrupted request", present.status());
    landed = *present;
  }
  Line(fmt::format("P {} {}", plan_.probe, landed ? 1 : 0), false);
  return 0;
}

// Faults armed now for requests counted from the start of dual write.
void ChildRun::ArmFaults(uint64_t rel, bool enabled) {
  std::lock_guard<std::mutex> lock(faults_mu_);
  for (size_t f = 0; f < rule_of_.size(); ++f) {
    const TimedFault& tf = cfg_.scenario->faults[f];
    const bool want = enabled && rel >= tf.from_op && (tf.until_op == 0 || rel < tf.until_op);
    if (want && rule_of_[f] == SIZE_MAX) {
      StatusOr<size_t> r = faults_.AddRule(tf.rule);
      if (r.ok()) rule_of_[f] = *r;
    } else if (!want && rule_of_[f] != SIZE_MAX) {
      faults_.Clear(rule_of_[f]);
      rule_of_[f] = SIZE_MAX;
    }
  }
}

double ChildRun::Elapsed() const {
  return std::chrono::duration<double>(Clock::now() - t0_).count() - checking_s_;
}

void ChildRun::FlushSecondLocked(double now_s) {
  const double p99 = static_cast<double>(second_ns_.Percentile(0.99)) / 1000.0;
  const MigrationStatus st = m_->status();
  nlohmann::json j = {{"t", plan_.t_offset + now_s},
                      {"requests", second_ns_.count()},
                      {"p99_us", p99},
                      {"phase", MigrationPhaseName(st.phase)},
                      {"share", st.canary_share},
                      {"spi", st.spi ? *st.spi : -1.0},
                      {"queue", st.repair_queue_depth},
                      {"backfill_rows", st.backfill_rows}};
  Send(out_, "S " + j.dump());
  second_ns_.Clear();
  second_start_ = now_s;
}

bool ChildRun::Final() const {
  return m_->phase() == MigrationPhase::kFinalized || m_->phase() == MigrationPhase::kRolledBack;
}

// The migration's diff at its final phase change, taken with requests held
// off (on the migration's thread): its time is the driver's check, left out
// of the timeline's clock and of the requests it held.
void ChildRun::OnFinalDiff(const StatusOr<VerifierReport>& d, Clock::duration took) {
  const Clock::time_point end = Clock::now();
  std::lock_guard<std::mutex> lock(out_mu_);
  final_diff_ = d;
  hold_from_ = end - took;
  hold_to_ = end;
  checking_s_ += std::chrono::duration<double>(took).count();
}

// The migration reached its final phase: with no request in flight, its
// full diff and report; the last ops_after requests follow.
int ChildRun::SendFinal() {
  const uint64_t max_started = seq_.Pause();
  StatusOr<VerifierReport> d = Status::IOError("final diff: not run");
  {
    std::lock_guard<std::mutex> lock(out_mu_);
    FlushSecondLocked(Elapsed());
    if (final_diff_) {
      d = *final_diff_;
    } else {  // the final phase change was made by an earlier process
      const Clock::time_point c0 = Clock::now();
      d = m_->DiffNow();
      checking_s_ += std::chrono::duration<double>(Clock::now() - c0).count();
    }
    if (d.ok()) {
      const nlohmann::json j = {{"phase", MigrationPhaseName(m_->phase())},
                                {"diff", *d},
                                {"transitions", m_->transitions()},
                                {"counters", m_->counters()}};
      Send(out_, "F " + j.dump());
    }
  }
  if (!d.ok()) return Fail("final diff", d.status());
  final_sent_.store(true);
  seq_.Resume(max_started + 1 + cfg_.ops_after);
  return 0;
}

// Request i: started once the sequencer lets it, reported before and after.
// 0 or an exit status.
int ChildRun::Request(uint64_t i) {
  if (i == cfg_.ops_before && m_->phase() == MigrationPhase::kLegacy) {
    Status s = m_->Begin();
    if (!s.ok()) return Fail("begin", s);
  }
  // Faults hit the new store while it is not yet the source of truth.
  if (with_faults_ && i >= cfg_.ops_before) {
    const MigrationPhase ph = m_->phase();
    const bool before_cutover = ph >= MigrationPhase::kDualWrite && ph <= MigrationPhase::kCanary;
    ArmFaults(i - cfg_.ops_before, before_cutover);
  }
  const Op& op = data_.trace[i];
  Line(fmt::format("B {}", i), true);  // the parent must know a request was in flight
  const MigrationPhase phase = m_->phase();
  const Clock::time_point a = Clock::now();
  Status status;
  const std::string outcome = ExecuteOp(*m_, op, &status);
  const Clock::time_point b = Clock::now();
  // Without planned faults a storage error is not an answer: it ends the run.
  if (!with_faults_ && status.IsStorageError()) {
    return Fail(fmt::format("store {} (migrating to {}): storage error on request {}: {}",
                            p_.legacy, p_.target, i, DescribeOp(op)),
                status);
  }
  std::lock_guard<std::mutex> lock(out_mu_);
  // The final diff held this request: that wait is the driver's, not the store's.
  const Clock::duration held =
      std::max(Clock::duration::zero(), std::min(b, hold_to_) - std::max(a, hold_from_));
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(b - a - held).count();
  const double now_s = Elapsed();
  Send(out_, fmt::format("O {} {} {} {:.6f} {}", i, ns, static_cast<int>(phase),
                         plan_.t_offset + now_s, OneLine(outcome)));
  second_ns_.Add(static_cast<uint64_t>(ns));
  if (now_s - second_start_ >= 1.0) FlushSecondLocked(now_s);
  return 0;
}

// Request worker w: requests i with i % threads == w, in order.
void ChildRun::Worker(int w) {
  const uint64_t n = cfg_.threads;
  uint64_t i = plan_.start + (w + n - plan_.start % n) % n;
  for (; i < data_.trace.size(); i += n) {
    if (seq_.Skipped(i)) continue;
    if (!seq_.Acquire(i)) break;
    const int rc = Request(i);
    seq_.Release(i);
    if (rc != 0) {
      rc_.store(rc);
      seq_.Stop();
      break;
    }
  }
  workers_left_.fetch_sub(1);
}

// Waits for the request workers, sending the final report once the
// migration worker ends in a final phase. 0 or an exit status.
int ChildRun::Supervise(MigrationWorker* mw) {
  while (workers_left_.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (mw == nullptr || !mw->done() || final_sent_.load()) continue;
    if (!mw->status().ok()) {
      seq_.Stop();
      rc_.store(Fail("migration step", mw->status()));
    } else if (Final()) {
      if (int rc = SendFinal(); rc != 0) {
        seq_.Stop();
        rc_.store(rc);
      }
    }
  }
  return rc_.load();
}

int ChildRun::Main() {
  if (int rc = Setup(); rc != 0) return rc;
  if (int rc = Probe(); rc != 0) return rc;
  rule_of_.assign(with_faults_ ? cfg_.scenario->faults.size() : 0, SIZE_MAX);
  t0_ = Clock::now();
  std::unique_ptr<MigrationWorker> mw;
  if (Final()) {
    final_sent_.store(true);
    seq_.Resume(plan_.start + cfg_.ops_after);
  } else {
    mw = std::make_unique<MigrationWorker>(m_.get(), cfg_.step_every);
  }
  std::vector<std::thread> workers;
  workers_left_.store(static_cast<int>(cfg_.threads));
  for (uint64_t w = 0; w < cfg_.threads; ++w) {
    workers.emplace_back([this, w] { Worker(static_cast<int>(w)); });
  }
  const int rc = Supervise(mw.get());
  for (std::thread& t : workers) t.join();
  if (mw) mw->Stop();
  if (rc != 0) return rc;
  if (!final_sent_.load()) {
    const MigrationStatus st = m_->status();
    Line(fmt::format("E the trace ended before the migration finished (phase {}, {} steps, "
                     "repair queue {}, last gate: {}): raise max_ops",
                     MigrationPhaseName(st.phase), m_->counters().steps, st.repair_queue_depth,
                     st.last_gate),
         true);
    return 4;
  }
  std::lock_guard<std::mutex> lock(out_mu_);
  FlushSecondLocked(Elapsed());
  Send(out_, fmt::format("Z {}", faults_.Log().size()));
  std::fflush(out_);
  return 0;
}

// ---- The parent: children, the reference's replay, final check -------------

// What a child's lines said of its end.
struct ChildOutcome {
  std::string crash_site;  // where a planned kill hit (empty: none)
  std::string error;       // its error line, if any
};

Status CheckConfig(const MigrateConfig& cfg) {
  LB_RETURN_IF_ERROR(ValidateMigrationOptions(cfg.migration));
  if (cfg.step_every == 0) return Status::InvalidArgument("migrate: step_every must be >= 1");
  if (cfg.threads < 1 || cfg.threads > 64) {
    return Status::InvalidArgument(fmt::format("migrate: threads {}: expected 1..64", cfg.threads));
  }
  if (cfg.scenario && cfg.scenario->kind != DrillKind::kMigration) {
    return Status::InvalidArgument(
        cfg.scenario->file + ": not a migration scenario (kind = \"" +
        std::string(cfg.scenario->kind == DrillKind::kCrash ? "crash" : "errors") +
        "\"); use listbench drill");
  }
  return Status::OK();
}

// A fresh run: the legacy store and the reference are clones of the load;
// the new store starts empty. Only a run directory this command made (it
// holds its marker) is removed. Returns the child configuration file.
StatusOr<std::string> PrepareRun(const MigrateConfig& cfg, const Paths& p) {
  const std::string run = p.root + "/run";
  std::error_code ec;
  fs::create_directories(p.root, ec);
  if (ec) return Status::IOError(p.root + ": cannot create: " + ec.message());
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
  StoreOptions lo;
  lo.durable = cfg.durable;
  lo.sqlite_schema = cfg.sqlite_schema;
  StatusOr<LoadReport> base =
      PrepareStore(Engine::kSqlite, p.base, DatasetOf(cfg), lo, cfg.reuse, cfg.progress);
  if (!base.ok()) return base.status();
  fs::create_directories(p.target, ec);
  if (ec) return Status::IOError(p.target + ": cannot create: " + ec.message());
  std::ofstream(marker) << "made by listbench migrate; removed by its next run\n";
  LB_RETURN_IF_ERROR(CloneStore(Engine::kSqlite, base->dir, p.legacy));
  LB_RETURN_IF_ERROR(CloneStore(Engine::kSqlite, base->dir, p.reference));
  const std::string config_file = run + "/child-config.json";
  std::ofstream out(config_file);
  out << ConfigJson(cfg).dump(1) << "\n";
  if (!out) return Status::IOError(config_file + ": cannot write");
  return config_file;
}

// The children one after the other (each killed one resumed by the next),
// their lines checked against the reference once each child has exited.
class ParentRun {
 public:
  ParentRun(const MigrateConfig& cfg, const Paths& p, const WorkloadData& data, Store* reference,
            std::string config_file, MigrateResult* res)
      : cfg_(cfg),
        p_(p),
        data_(data),
        ref_(reference),
        config_file_(std::move(config_file)),
        res_(*res) {}

  // Runs children until one finishes; then the final report is in the
  // result.
  Status RunChildren();
  // Every acknowledged write in the final source of truth, which holds
  // exactly what the reference holds.
  Status CheckSurvivors();

 private:
  // Runs child number `child`; `*finished` once one exited normally.
  Status RunChild(uint64_t child, bool* finished);
  std::vector<std::string> ChildArgs() const;
  void OnLine(const std::string& l, ChildOutcome* co);
  void OnOutcome(const std::string& rest);
  void OnProbe(const std::string& rest);
  void OnSecond(const std::string& rest);
  Status Resume(const ChildOutcome& co);
  void See(uint64_t i);
  // Runs the reference's share of the child's lines, in their order: the
  // answers checked, the interrupted writes that landed applied.
  void CatchUpReference();

  // What the reference does for one line, queued while the child runs so
  // that the reference's requests do not compete with the measured ones for
  // the machine's cores; run (in order) once the child has exited.
  struct RefStep {
    uint64_t index = 0;
    bool check = false;  // an answer to check; else a landed write to apply
    MigrationPhase phase = MigrationPhase::kLegacy;
    size_t hash = 0;   // of the answer's one-line form
    std::string head;  // its first 200 characters, for the failure message
  };

  const MigrateConfig& cfg_;
  const Paths& p_;
  const WorkloadData& data_;
  Store* const ref_;
  const std::string config_file_;
  MigrateResult& res_;

  MigrateChildPlan plan_;
  std::set<uint64_t> in_flight_;
  // Requests answered, or interrupted by a kill: the next process skips them.
  std::vector<uint8_t> seen_;
  uint64_t first_unseen_ = 0;
  uint64_t max_seen_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> acked_;  // (request index, W3 version)
  std::vector<RefStep> ref_steps_;                    // queued for the reference, in order
  std::optional<nlohmann::json> final_report_;
  double last_t_ = 0;
  std::optional<double> begin_t_, final_t_;
};

std::vector<std::string> ParentRun::ChildArgs() const {
  return {cfg_.binary,  "migrate-child",
          "--config",   config_file_,
          "--start",    std::to_string(plan_.start),
          "--skip",     fmt::format("{}", fmt::join(plan_.skip, ",")),
          "--probe",    std::to_string(plan_.probe),
          "--crash-at", std::to_string(plan_.crash_at),
          "--site",     std::to_string(plan_.site),
          "--t-offset", fmt::format("{:.6f}", plan_.t_offset)};
}

void ParentRun::See(uint64_t i) {
  if (seen_.empty()) seen_.assign(data_.trace.size(), 0);
  seen_[i] = 1;
  max_seen_ = std::max(max_seen_, i);
}

// O <index> <ns> <phase> <end time> <outcome>: an answered request,
// checked against the reference's answer. The lines come in the order the
// requests were answered, which the request workers' order makes the
// trace's order wherever it matters (see the header).
void ParentRun::OnOutcome(const std::string& rest) {
  size_t a = rest.find(' '), b = rest.find(' ', a + 1), c = rest.find(' ', b + 1),
         d = rest.find(' ', c + 1);
  const uint64_t i = std::stoull(rest.substr(0, a));
  const uint64_t ns = std::stoull(rest.substr(a + 1, b - a - 1));
  const auto phase = static_cast<MigrationPhase>(std::stoi(rest.substr(b + 1, c - b - 1)));
  const double end_s = std::stod(rest.substr(c + 1, d - c - 1));
  const double start_s = end_s - static_cast<double>(ns) / 1e9;
  const std::string outcome = rest.substr(d + 1);
  in_flight_.erase(i);
  See(i);
  res_.requests++;
  if (final_report_) {
    res_.after_ns.Add(ns);
    res_.after.Add(start_s, end_s);
  } else if (phase == MigrationPhase::kLegacy) {
    res_.before_ns.Add(ns);
    res_.before.Add(start_s, end_s);
  } else {
    res_.during_ns.Add(ns);
    res_.during.Add(start_s, end_s);
    if (phase == MigrationPhase::kBackfill) {
      res_.backfill_ns.Add(ns);
      res_.backfill.Add(start_s, end_s);
    }
  }
  ref_steps_.push_back({i, true, phase, std::hash<std::string>{}(outcome), outcome.substr(0, 200)});
  if (IsWrite(KindOf(data_.trace[i])) && outcome.rfind("ok", 0) == 0)
    acked_.emplace_back(i, VersionOf(outcome));
}

void ParentRun::CatchUpReference() {
  for (const RefStep& step : ref_steps_) {
    const Op& op = data_.trace[step.index];
    const std::string want = OneLine(ExecuteOp(*ref_, op));
    if (!step.check) continue;  // a landed write: applied, nothing to compare
    if (std::hash<std::string>{}(want) == step.hash && want.rfind(step.head, 0) == 0) continue;
    res_.failed_requests++;
    if (res_.failures.size() < 10) {
      res_.failures.push_back(fmt::format(
          "request {} ({}), phase {}: got {}, the reference {}", step.index, DescribeOp(op),
          MigrationPhaseName(step.phase), step.head, want.substr(0, 200)));
    }
  }
  ref_steps_.clear();
}

// P <index> <0|1>: whether an interrupted request landed.
void ParentRun::OnProbe(const std::string& rest) {
  const size_t a = rest.find(' ');
  const uint64_t i = std::stoull(rest.substr(0, a));
  if (rest.substr(a + 1) != "1") return;
  // It took effect before the kill: so it does for the reference.
  res_.interrupted_writes_landed++;
  ref_steps_.push_back({i, false, MigrationPhase::kLegacy, 0, ""});
}

// S <json>: one second of the timeline.
void ParentRun::OnSecond(const std::string& rest) {
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
  last_t_ = s.t;
  if (!begin_t_ && s.phase != "legacy") begin_t_ = s.t;
  res_.timeline.push_back(std::move(s));
}

void ParentRun::OnLine(const std::string& l, ChildOutcome* co) {
  if (l.size() < 2) return;
  const char tag = l[0];
  const std::string rest = l.substr(2);
  if (tag == 'B') {
    in_flight_.insert(std::stoull(rest));
  } else if (tag == 'O') {
    OnOutcome(rest);
  } else if (tag == 'P') {
    OnProbe(rest);
  } else if (tag == 'S') {
    OnSecond(rest);
  } else if (tag == 'F') {
    final_report_ = nlohmann::json::parse(rest);
    final_t_ = last_t_;
  } else if (tag == 'K') {
    co->crash_site = rest;
  } else if (tag == 'Z') {
    res_.faults_injected += std::stoull(rest);
  } else if (tag == 'E') {
    co->error = rest;
  }
}

// A planned kill: the next child resumes at the first request neither
// answered nor interrupted, skipping those beyond it that were, and probes
// the write in flight (the workers' order lets a write be in flight only
// alone).
Status ParentRun::Resume(const ChildOutcome& co) {
  res_.crashes++;
  res_.crash_sites.push_back(co.crash_site);
  if (cfg_.progress) {
    fmt::print(stderr, "migrate: killed at {} with {} requests in flight; resuming\n",
               co.crash_site, in_flight_.size());
  }
  plan_.t_offset = last_t_;
  plan_.probe = -1;
  for (uint64_t i : in_flight_) {
    res_.interrupted_requests++;
    See(i);
    if (!IsWrite(KindOf(data_.trace[i]))) continue;
    if (plan_.probe >= 0 || in_flight_.size() > 1) {
      return Status::IOError(fmt::format("migrate: write {} was in flight beside {} other requests",
                                         i, in_flight_.size() - 1));
    }
    plan_.probe = static_cast<int64_t>(i);
  }
  in_flight_.clear();
  if (seen_.empty()) seen_.assign(data_.trace.size(), 0);
  while (first_unseen_ < seen_.size() && seen_[first_unseen_]) first_unseen_++;
  plan_.start = first_unseen_;
  plan_.skip.clear();
  for (uint64_t i = first_unseen_; i <= max_seen_ && i < seen_.size(); ++i) {
    if (seen_[i]) plan_.skip.push_back(i);
  }
  return Status::OK();
}

Status ParentRun::RunChild(uint64_t child, bool* finished) {
  const uint64_t crashes = cfg_.scenario ? cfg_.scenario->crashes : 0;
  const uint64_t mean = cfg_.scenario ? std::max<uint64_t>(1, cfg_.scenario->crash_one_in) : 1;
  plan_.crash_at = child < crashes ? 1 + MixBits(cfg_.seed ^ MixBits(child + 1)) % (2 * mean) : 0;
  plan_.site = cfg_.crash_each_site && child < kNumCrashSites ? static_cast<int>(child) : -1;
  const std::string err_path = fmt::format("{}/child-{}.stderr", p_.root + "/run", child);
  StatusOr<PipedChild> spawned = SpawnPiped(cfg_.binary, ChildArgs(), err_path);
  if (!spawned.ok()) return spawned.status();
  ChildOutcome co;
  in_flight_.clear();
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  while ((n = ::getline(&line, &cap, spawned->out)) > 0) {
    std::string l(line, static_cast<size_t>(n));
    if (!l.empty() && l.back() == '\n') l.pop_back();
    OnLine(l, &co);
  }
  std::free(line);
  std::fclose(spawned->out);
  int status = 0;
  ::waitpid(spawned->pid, &status, 0);
  CatchUpReference();
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !co.crash_site.empty()) {
    return Resume(co);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    *finished = true;
    return Status::OK();
  }
  return Status::IOError(fmt::format("migrate: the migration process failed ({}): {}",
                                     WIFSIGNALED(status)
                                         ? fmt::format("signal {}", WTERMSIG(status))
                                         : fmt::format("exit {}", WEXITSTATUS(status)),
                                     co.error.empty() ? "no message" : co.error));
}

Status ParentRun::RunChildren() {
  bool finished = false;
  for (uint64_t child = 0; !finished; ++child) LB_RETURN_IF_ERROR(RunChild(child, &finished));
  if (!final_report_) return Status::IOError("migrate: the migration never reached a final phase");
  res_.migration = *final_report_;
  res_.final_phase = (*final_report_)["phase"];
  res_.final_diff = (*final_report_)["diff"].get<VerifierReport>();
  res_.migration_seconds = final_t_ && begin_t_ ? *final_t_ - *begin_t_ : 0;
  return Status::OK();
}

Status ParentRun::CheckSurvivors() {
  const bool on_new = res_.final_phase == "finalized";
  StatusOr<std::unique_ptr<Store>> truth =
      OpenStore(on_new ? Engine::kRocksDb : Engine::kSqlite, on_new ? p_.target : p_.legacy,
                ExistingStoreOptions(cfg_));
  if (!truth.ok()) return truth.status();
  res_.acknowledged_writes = acked_.size();
  for (const auto& [i, version] : acked_) {
    StatusOr<bool> present = Present(**truth, data_, data_.trace[i], version);
    if (!present.ok()) return present.status();
    if (!*present) res_.lost_writes++;
  }
  Verifier v(ref_, truth->get());
  VerifierCheckpoint c;
  LB_RETURN_IF_ERROR(v.Run(&c));
  res_.reference_differences = c.report.differences();
  return Status::OK();
}

}  // namespace

void MigratePeriod::Add(double start_s, double end_s) {
  first_s = requests == 0 ? start_s : std::min(first_s, start_s);
  last_s = requests == 0 ? end_s : std::max(last_s, end_s);
  requests++;
}

double MigratePeriod::Throughput() const {
  return last_s > first_s ? static_cast<double>(requests) / (last_s - first_s) : 0;
}

bool MigrateResult::Failed() const {
  const bool diff_bad = !final_diff || final_diff->differences() != 0;
  return failed_requests > 0 || lost_writes > 0 || reference_differences > 0 || diff_bad;
}

StatusOr<MigrateResult> RunMigrate(const MigrateConfig& cfg) {
  LB_RETURN_IF_ERROR(CheckConfig(cfg));
  const Clock::time_point t_start = Clock::now();
  const Paths p = PathsFor(cfg.work_dir);
  StatusOr<std::string> config_file = PrepareRun(cfg, p);
  if (!config_file.ok()) return config_file.status();
  if (cfg.progress) fmt::print(stderr, "migrate: generating the workload trace\n");
  StatusOr<WorkloadData> data =
      MakeWorkloadData(DatasetOf(cfg), cfg.workload_file, cfg.max_ops, cfg.seed);
  if (!data.ok()) return data.status();
  StatusOr<std::unique_ptr<Store>> ref =
      OpenStore(Engine::kSqlite, p.reference, ExistingStoreOptions(cfg));
  if (!ref.ok()) return ref.status();

  MigrateResult res;
  ParentRun run(cfg, p, *data, ref->get(), *config_file, &res);
  LB_RETURN_IF_ERROR(run.RunChildren());
  LB_RETURN_IF_ERROR(run.CheckSurvivors());
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
      MakeWorkloadData(DatasetOf(*cfg), cfg->workload_file, cfg->max_ops, cfg->seed);
  if (!data.ok()) {
    Send(stdout, "E " + OneLine(data.status().ToString()));
    return 2;
  }
  const Paths p = PathsFor(cfg->work_dir);
  int rc = 0;
  {
    ChildRun run(*cfg, p, *data, plan, stdout);
    rc = run.Main();
  }
  std::fflush(stdout);
  return rc;
}

}  // namespace listbench
