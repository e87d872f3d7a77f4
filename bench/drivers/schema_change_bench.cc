#include "bench/drivers/schema_change_bench.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>

#include "bench/harness/build_info.h"
#include "bench/harness/measured_store.h"
#include "bench/harness/store_setup.h"
#include "engine/store_dir.h"
#include "workloads/trace.h"
#include "workloads/workload_spec.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// One replayed write, as the writer thread saw it.
struct WriteRecord {
  int64_t due_ns = 0;       // after the run's start
  uint64_t latency_ns = 0;  // from the due time to completion
  StatusCode code = StatusCode::kOk;
  OpKind kind = OpKind::kSubmitApplication;
};

bool IsContractOutcome(StatusCode c) {
  return c == StatusCode::kNotFound || c == StatusCode::kConflict ||
         c == StatusCode::kInvalidArgument;
}

int64_t ToNs(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// Waits until `t`: sleeps most of the way, then spins for precision (as
// bench/runner.cc does).
void WaitUntil(Clock::time_point t) {
  const Clock::time_point now = Clock::now();
  if (t - now > std::chrono::microseconds(200)) {
    std::this_thread::sleep_for(t - now - std::chrono::microseconds(100));
  }
  while (Clock::now() < t) {
  }
}

// Replays `trace` open loop from `start` until the first write due at or
// after `*stop_ns` (set by the change thread) or the end of the trace.
class Writer {
 public:
  Writer(Store& store, std::span<const Op> trace, double rate, Clock::time_point start,
         const std::atomic<int64_t>* stop_ns)
      : store_(store), trace_(trace), rate_(rate), start_(start), stop_ns_(stop_ns) {
    records_.reserve(trace.size());
  }

  void Run() {
    MeasuredStore m(&store_);
    for (size_t i = 0; i < trace_.size(); ++i) {
      const auto due_ns = static_cast<int64_t>(std::llround(static_cast<double>(i) * 1e9 / rate_));
      if (due_ns >= stop_ns_->load(std::memory_order_acquire)) return;
      const Clock::time_point due = start_ + std::chrono::nanoseconds(due_ns);
      WaitUntil(due);
      m.SetIntendedStart(due);
      const Status s = RunOp(m, trace_[i]);
      records_.push_back({due_ns, m.last_latency_ns(), s.code(), KindOf(trace_[i])});
      if (!s.ok() && !IsContractOutcome(s.code()) && first_failure_.empty()) {
        first_failure_ = s.ToString();
      }
      if (s.IsStorageError()) {  // ends the run: the change thread stops too
        storage_error_ = StorageError{DescribeOp(trace_[i]), s};
        failed_.store(true, std::memory_order_release);
        return;
      }
    }
  }

  const std::vector<WriteRecord>& records() const { return records_; }
  const std::string& first_failure() const { return first_failure_; }
  // Whether a write failed with IOError or Corruption; any thread.
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // That write. REQUIRES: Run has returned.
  const std::optional<StorageError>& storage_error() const { return storage_error_; }

 private:
  Store& store_;
  std::span<const Op> trace_;
  const double rate_;
  const Clock::time_point start_;
  const std::atomic<int64_t>* stop_ns_;
  std::vector<WriteRecord> records_;
  std::string first_failure_;
  std::atomic<bool> failed_{false};
  std::optional<StorageError> storage_error_;
};

// Folds the writer's records into `r`; the change ran over
// [change_start_ns, change_end_ns) after the start.
void Summarize(const std::vector<WriteRecord>& records, int64_t change_start_ns,
               int64_t change_end_ns, SchemaChangeResult* r) {
  int64_t prev_done = -1;
  for (const WriteRecord& w : records) {
    ++r->attempted;
    ++r->outcomes[static_cast<int>(w.code)];
    ++r->outcomes_by_op[static_cast<int>(w.kind)][static_cast<int>(w.code)];
    const bool failed = w.code != StatusCode::kOk && !IsContractOutcome(w.code);
    if (failed) ++r->failed;
    if (IsContractOutcome(w.code)) ++r->contract_outcomes;
    WritePhase& phase = w.due_ns < change_start_ns ? r->before
                        : w.due_ns < change_end_ns ? r->during
                                                   : r->after;
    const int64_t done = w.due_ns + static_cast<int64_t>(w.latency_ns);
    const bool in_flight = w.due_ns < change_end_ns && done > change_start_ns;
    for (WritePhase* p : {&r->all, &phase, in_flight ? &r->in_flight : nullptr}) {
      if (p == nullptr) continue;
      p->latency_ns.Add(w.latency_ns);
      p->failed += failed;
    }
    r->longest_stall_ns = std::max(r->longest_stall_ns, w.latency_ns);
    if (prev_done >= 0) {
      r->longest_gap_ns = std::max(r->longest_gap_ns, static_cast<uint64_t>(done - prev_done));
    }
    prev_done = done;
  }
  if (prev_done >= 0) r->writer_seconds = static_cast<double>(prev_done) / 1e9;
}

}  // namespace

StatusOr<SchemaChangeResult> RunSchemaChangeExperiment(
    Store& store, const std::string& dir, SchemaChangeMethod method,
    std::span<const Op> write_trace, double write_rate_per_s,
    const SchemaChangeExperimentOptions& options) {
  if (write_trace.empty()) return Status::InvalidArgument("schema-change: empty write trace");
  if (!(write_rate_per_s > 0)) return Status::InvalidArgument("schema-change: rate must be > 0");
  for (const Op& op : write_trace) {
    if (!IsWrite(KindOf(op))) {
      return Status::InvalidArgument(
          fmt::format("schema-change: the write trace holds a {}", OpKindCode(KindOf(op))));
    }
  }
  StatusOr<std::unique_ptr<SchemaChange>> made =
      NewSchemaChange(store, dir, method, options.change);
  if (!made.ok()) return made.status();
  SchemaChange& change = **made;

  SchemaChangeResult r;
  r.method = method;
  r.rate = write_rate_per_s;
  std::atomic<int64_t> stop_ns{kNever};
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(5);
  Writer writer(store, write_trace, write_rate_per_s, start, &stop_ns);
  std::thread writer_thread([&writer] { writer.Run(); });

  // The change, on this thread.
  std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(options.before_s)));
  const Clock::time_point change_start = Clock::now();
  int failures_in_a_row = 0;
  while (!writer.failed()) {
    StatusOr<bool> done = change.Step();
    if (done.ok()) {
      failures_in_a_row = 0;
      if (*done) {
        r.completed = true;
        break;
      }
      if (options.step_pause_ms > 0) {
        std::this_thread::sleep_for(
            std::chrono::duration<double, std::milli>(options.step_pause_ms));
      }
      continue;
    }
    ++r.step_failures;
    r.change_error = done.status().ToString();
    if (++failures_in_a_row > options.max_step_retries) break;
  }
  const Clock::time_point change_end = Clock::now();
  stop_ns.store(ToNs(change_end - start) + static_cast<int64_t>(options.after_s * 1e9),
                std::memory_order_release);
  writer_thread.join();

  r.change_seconds = std::chrono::duration<double>(change_end - change_start).count();
  r.change_start_s = std::chrono::duration<double>(change_start - start).count();
  r.change = change.stats();
  r.first_failure = writer.first_failure();
  r.storage_error = writer.storage_error();
  r.trace_exhausted = writer.records().size() == write_trace.size();
  Summarize(writer.records(), ToNs(change_start - start), ToNs(change_end - start), &r);
  if (r.completed) {
    StatusOr<SchemaChangeCheck> check = change.Verify(options.verify_sample);
    if (!check.ok()) return check.status();
    r.check = *check;
  }
  return r;
}

namespace {

// Checks the suite's knobs and its workload file (writes only); returns the
// parsed workload.
StatusOr<WorkloadSpec> ValidateSuite(const SchemaChangeSuiteSpec& spec) {
  if (!(spec.rate > 0)) {
    return Status::InvalidArgument(fmt::format("--rate {}: must be > 0", spec.rate));
  }
  if (!(spec.max_seconds > 0)) {
    return Status::InvalidArgument(fmt::format("--max-seconds {}: must be > 0", spec.max_seconds));
  }
  if (spec.experiment.change.batch_size == 0) {
    return Status::InvalidArgument("--batch 0: must be at least 1");
  }
  LB_RETURN_IF_ERROR(CheckDataDir(spec.work_dir));
  StatusOr<WorkloadSpec> w = ParseWorkloadFile(spec.workload_path);
  if (!w.ok()) return w.status();
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (!IsWrite(static_cast<OpKind>(k)) && w->mix[k] > 0) {
      return Status::InvalidArgument(
          fmt::format("{}: the schema-change workload must weight only writes (W1-W5), not {}",
                      spec.workload_path, OpKindName(static_cast<OpKind>(k))));
    }
  }
  return w;
}

// Loads (or reuses) the pristine store of every engine the methods need.
Status PrepareSuiteStores(const SchemaChangeSuiteSpec& spec) {
  const std::string base = (fs::path(spec.work_dir) / "base").string();
  std::vector<Engine> engines;
  for (SchemaChangeMethod m : spec.methods) {
    const Engine e = *ParseEngine(SchemaChangeEngine(m));
    if (std::find(engines.begin(), engines.end(), e) == engines.end()) engines.push_back(e);
  }
  for (Engine e : engines) {
    StatusOr<LoadReport> rep =
        PrepareStore(e, base, spec.dataset, spec.store_options, spec.reuse, spec.progress);
    if (!rep.ok()) return rep.status();
  }
  return Status::OK();
}

// The write trace: rate x max_seconds writes of workload `w` over `catalog`,
// or over a catalog generated here (and dropped before timing) when null.
StatusOr<std::vector<Op>> MakeWriteTrace(const SchemaChangeSuiteSpec& spec, const WorkloadSpec& w,
                                         const DatasetCatalog* catalog) {
  const auto length = static_cast<uint64_t>(std::ceil(spec.rate * spec.max_seconds));
  if (catalog != nullptr) return MakeTrace(*catalog, TraceSpecFor(w, length, spec.dataset.seed));
  DatasetCatalog generated;
  StatusOr<DatasetCounts> counts = GenerateDataset(spec.dataset, nullptr, &generated);
  if (!counts.ok()) return counts.status();
  return MakeTrace(generated, TraceSpecFor(w, length, spec.dataset.seed));
}

}  // namespace

StatusOr<SchemaChangeSuiteResult> RunSchemaChangeSuite(const SchemaChangeSuiteSpec& spec,
                                                       const DatasetCatalog* catalog) {
  StatusOr<WorkloadSpec> w = ValidateSuite(spec);
  if (!w.ok()) return w.status();
  SchemaChangeSuiteResult out;
  out.spec = spec;
  out.workload = *w;
  out.build = CurrentBuildInfo();
  LB_RETURN_IF_ERROR(PrepareSuiteStores(spec));
  StatusOr<std::vector<Op>> made = MakeWriteTrace(spec, *w, catalog);
  if (!made.ok()) return made.status();
  const std::vector<Op> trace = std::move(*made);

  SchemaChangeExperimentOptions eo = spec.experiment;
  eo.change.busy_timeout_ms = spec.store_options.busy_timeout_ms;
  eo.change.cache_bytes = spec.store_options.cache_bytes;
  eo.change.durable = spec.store_options.durable;
  const std::string run = (fs::path(spec.work_dir) / "run").string();
  for (SchemaChangeMethod m : spec.methods) {
    const Engine e = *ParseEngine(SchemaChangeEngine(m));
    StatusOr<std::unique_ptr<Store>> store = OpenRunClone(spec.work_dir, e, spec.store_options);
    if (!store.ok()) return store.status();
    if (spec.progress) {
      std::fprintf(stderr, "schema-change %s: %.0f writes/s, %zu writes of trace\n",
                   std::string(SchemaChangeMethodName(m)).c_str(), spec.rate, trace.size());
    }
    const std::string dir = EngineDir(run, e, spec.store_options.sqlite_schema);
    StatusOr<SchemaChangeResult> r =
        RunSchemaChangeExperiment(**store, dir, m, trace, spec.rate, eo);
    if (!r.ok()) return r.status();
    out.methods.push_back(std::move(*r));
    if (out.methods.back().storage_error) {
      out.storage_failure = RunCloneFailure(spec.work_dir, e, spec.store_options.sqlite_schema,
                                            *out.methods.back().storage_error);
      break;
    }
  }
  return out;
}

}  // namespace listbench
