#include "bench/drivers/failover.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/drivers/failover_node.h"
#include "bench/drivers/failover_target.h"
#include "bench/harness/write_probe.h"
#include "workloads/op.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kBuckets = 36000;  // 100 ms each: an hour
constexpr int kRetrySleepMs = 5;

double MsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Ack {
  uint64_t op_index;
  uint64_t version;
  Clock::time_point at;
  Served served;
};

// What the clients share while they run.
struct ClientState {
  const WorkloadData* data = nullptr;
  FailoverTarget* target = nullptr;
  Clock::time_point start;
  std::atomic<uint64_t> next_op{0};
  std::atomic<bool> stop{false};
  std::vector<std::atomic<uint64_t>> ok = std::vector<std::atomic<uint64_t>>(kBuckets);
  std::vector<std::atomic<uint64_t>> errors = std::vector<std::atomic<uint64_t>>(kBuckets);
  std::mutex mu;
  std::vector<Ack> acks;                    // guarded by mu
  std::vector<Clock::time_point> failures;  // guarded by mu: each failed request
  Status fatal;                             // guarded by mu: an error that is not a failover's

  size_t Bucket(Clock::time_point t) const {
    return std::min<size_t>(static_cast<size_t>(MsBetween(start, t) / 100), kBuckets - 1);
  }
};

// One client: takes the trace's next operation, runs it until it is
// answered (a storage error -- the primary is gone -- is retried after a
// short sleep, on whatever server the store's connections now reach).
void Client(ClientState& st, int client) {
  while (!st.stop.load()) {
    const uint64_t i = st.next_op.fetch_add(1);
    if (i >= st.data->trace.size()) return;
    const Op& op = st.data->trace[i];
    for (;;) {
      Status status;
      Served served;
      const std::string outcome = st.target->Execute(client, i, &status, &served);
      const Clock::time_point now = Clock::now();
      if (!status.IsStorageError()) {
        st.ok[st.Bucket(now)].fetch_add(1);
        if (status.ok() && IsWrite(KindOf(op))) {
          std::lock_guard<std::mutex> lock(st.mu);
          st.acks.push_back({i, VersionOf(outcome), now, served});
        }
        break;
      }
      st.errors[st.Bucket(now)].fetch_add(1);
      {
        std::lock_guard<std::mutex> lock(st.mu);
        st.failures.push_back(now);
      }
      if (st.stop.load()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(kRetrySleepMs));
    }
  }
}

// The failure detector: probes the primary every heartbeat; returns when
// no probe has succeeded for the timeout (the time it declared the primary
// dead), or when `stop` is set.
Clock::time_point Detect(FailoverTarget& target, double heartbeat_ms, double timeout_ms,
                         const std::atomic<bool>& stop) {
  Clock::time_point last_ok = Clock::now();
  while (!stop.load()) {
    const Clock::time_point now = Clock::now();
    if (target.PrimaryAnswers()) {
      last_ok = Clock::now();  // when it answered
    } else if (MsBetween(last_ok, Clock::now()) >= timeout_ms) {
      return Clock::now();
    }
    std::this_thread::sleep_until(
        now + std::chrono::microseconds(static_cast<int64_t>(heartbeat_ms * 1000)));
  }
  return Clock::now();
}

// Probes every acknowledged write on the new primary.
Status CheckAcks(FailoverTarget& target, const WorkloadData& d, const std::vector<Ack>& acks,
                 Clock::time_point failure, Clock::time_point promoted, FailoverRun* run) {
  for (const Ack& a : acks) {
    if (a.at < failure) ++run->writes_acknowledged_before_failure;
    if (a.served.by_first_primary && a.served.executed_ns > SteadyNs(promoted)) {
      ++run->split_brain_writes;  // the deposed primary accepted it
    }
    StatusOr<bool> present = target.Present(a.op_index, a.version);
    if (!present.ok()) return present.status();
    if (*present) continue;
    const double before = MsBetween(a.at, failure);
    run->lost.push_back({a.op_index, std::string(OpKindName(KindOf(d.trace[a.op_index]))), before});
    run->rpo_ms = std::max(run->rpo_ms, before);
  }
  run->writes_acknowledged = acks.size();
  return Status::OK();
}

// Waits for the first write the new primary acknowledges (after the
// clients were pointed at it: the old primary is dead or cut off by then
// and the replica refused writes before), then o.after_s more -- and after
// a partition, until o.after_s after it healed (*healed); sets
// *first_write.
Status AwaitFirstWrite(const FailoverOptions& o, ClientState& st, FailoverTarget& target,
                       Clock::time_point failure, Clock::time_point promoted,
                       Clock::time_point* first_write, Clock::time_point* healed) {
  const bool partition = o.net && o.net->failure == FailoverFailure::kPartition;
  const Clock::time_point heal_at =
      promoted + std::chrono::milliseconds(partition ? o.net->heal_after_ms : 0);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(st.mu);
      for (const Ack& a : st.acks) {
        if (a.at > promoted && !a.served.by_first_primary &&
            (*first_write == Clock::time_point{} || a.at < *first_write)) {
          *first_write = a.at;
        }
      }
    }
    const Clock::time_point now = Clock::now();
    if (partition && *healed == Clock::time_point{} && now >= heal_at) {
      target.Heal();
      *healed = Clock::now();
    }
    const Clock::time_point last = std::max(*first_write, *healed);
    if (*first_write != Clock::time_point{} && (!partition || *healed != Clock::time_point{}) &&
        MsBetween(last, now) >= o.after_s * 1000) {
      return Status::OK();
    }
    if (st.next_op.load() >= st.data->trace.size()) return Status::OK();
    if (MsBetween(failure, now) > 600000) {
      return Status::IOError("failover: no write succeeded within 10 minutes of the failure");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Fencing's check: a stale client's write (the trace's next write) sent to
// the first primary once the run is over.
Status ProbeDeposedPrimary(FailoverTarget& target, const WorkloadData& d, uint64_t from,
                           FailoverRun* run) {
  for (uint64_t i = from; i < d.trace.size(); ++i) {
    if (!IsWrite(KindOf(d.trace[i]))) continue;
    const Status s = target.WriteToDeposedPrimary(i);
    if (s.IsInvalidArgument() || s.code() == StatusCode::kNotSupported) return s;
    run->deposed_primary_accepted_write = s.ok() || s.IsConflict() || s.IsNotFound();
    run->deposed_primary_answer = s.ok() ? "ok" : s.ToString();
    return Status::OK();
  }
  return Status::OK();
}

// When a run's events happened.
struct Events {
  Clock::time_point failure, declared, promoted, first_write;
};

// The run's times, its failed requests and its per-100 ms series.
void RecordTimes(const ClientState& st, const Events& e, FailoverRun* run) {
  run->failure_at_ms = MsBetween(st.start, e.failure);
  run->detected_at_ms = MsBetween(st.start, e.declared);
  run->promoted_at_ms = MsBetween(st.start, e.promoted);
  run->first_write_at_ms = MsBetween(st.start, e.first_write);
  run->detection_ms = MsBetween(e.failure, e.declared);
  run->promotion_ms = MsBetween(e.declared, e.promoted);
  run->rto_ms = MsBetween(e.failure, e.first_write);
  for (Clock::time_point f : st.failures) {
    ++run->errors;
    if (f >= e.failure && f <= e.first_write) ++run->errors_in_window;
  }
  const size_t used = std::min(kBuckets, st.Bucket(Clock::now()) + 1);
  for (size_t b = 0; b < used; ++b) {
    run->ok_per_100ms.push_back(st.ok[b].load());
    run->errors_per_100ms.push_back(st.errors[b].load());
    run->requests_ok += st.ok[b].load();
  }
}

// The clients' and the detector's side of a run, on a started target.
Status DriveFailover(const FailoverOptions& o, FailoverTarget& target, const WorkloadData& data,
                     FailoverRun* run) {
  ClientState st;
  st.data = &data;
  st.target = &target;
  st.start = Clock::now();
  std::vector<std::thread> clients;
  for (int t = 0; t < o.threads; ++t) clients.emplace_back([&st, t] { Client(st, t); });
  std::atomic<bool> stop_detector{false};
  Clock::time_point declared;
  std::thread detector(
      [&] { declared = Detect(target, o.heartbeat_ms, o.timeout_ms, stop_detector); });
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(o.before_s * 1000)));
  Clock::time_point failure = Clock::now();
  Status s = target.FailPrimary(&failure);
  if (!s.ok()) stop_detector = true;
  run->failure_detail = target.FailureDetail();
  detector.join();
  if (s.ok() && declared < failure) {
    // A probe of the healthy primary went unanswered for the timeout: a
    // detector that fails over a live primary is a result of its own, not
    // a failover's figures.
    s = Status::IOError(fmt::format(
        "failover: the detector declared the primary dead {:.0f} ms before it failed (no probe "
        "answered within --timeout-ms {:.0f} on this loaded machine); raise the timeout",
        MsBetween(declared, failure), o.timeout_ms));
  }
  Clock::time_point promoted = declared;
  if (s.ok()) s = target.Promote();
  if (s.ok()) promoted = Clock::now();
  Clock::time_point first_write{}, healed{};
  if (s.ok()) s = AwaitFirstWrite(o, st, target, failure, promoted, &first_write, &healed);
  st.stop = true;
  // A run that ended early (an error, the trace used up) may leave the
  // partition up, and a client's request held in it unanswered: heal it so
  // that every client returns.
  if (healed == Clock::time_point{}) target.Heal();
  for (std::thread& c : clients) c.join();
  LB_RETURN_IF_ERROR(s);
  if (first_write == Clock::time_point{}) {
    return Status::IOError(
        "failover: the trace ran out before a write succeeded on the new primary");
  }
  RecordTimes(st, {failure, declared, promoted, first_write}, run);
  if (healed != Clock::time_point{}) run->healed_at_ms = MsBetween(st.start, healed);
  LB_RETURN_IF_ERROR(ProbeDeposedPrimary(target, data, st.next_op.load(), run));
  return CheckAcks(target, data, st.acks, failure, promoted, run);
}

}  // namespace

StatusOr<FailoverRun> RunOneFailover(const FailoverOptions& o, const LoadReport& load) {
  const fs::path dir = fs::path(o.work_dir) / "failover" / DesignName(o.engine, o.sqlite_schema);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return Status::IOError(fmt::format("{}: cannot remove: {}", dir.string(), ec.message()));
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("{}: cannot create: {}", dir.string(), ec.message()));
  const std::string primary = (dir / "primary").string(), replica = (dir / "replica").string();
  LB_RETURN_IF_ERROR(CloneStore(o.engine, load.dir, primary));
  if (o.engine == Engine::kPostgres) {
    fs::create_directories(replica, ec);  // a base backup fills it
    if (ec) return Status::IOError(fmt::format("{}: cannot create: {}", replica, ec.message()));
  } else {
    LB_RETURN_IF_ERROR(CloneStore(o.engine, load.dir, replica));  // both start from one copy
  }
  // Enough operations for the run at any speed this machine reaches (its
  // clients answer well under 60,000 requests a second), failover included.
  const double seconds = o.before_s + o.timeout_ms / 1000 + o.after_s + 5;
  const uint64_t ops = std::max<uint64_t>(400000, static_cast<uint64_t>(seconds * 60000));
  StatusOr<WorkloadData> data = MakeWorkloadData(o.spec, o.workload.file, ops, o.trace_seed);
  if (!data.ok()) return data.status();
  FailoverTargetOptions to;
  to.engine = o.engine;
  to.primary_dir = primary;
  to.replica_dir = replica;
  to.sync = o.replication == PgReplication::kSync;
  to.cache_mb = o.cache_mb;
  to.sqlite_schema = o.sqlite_schema;
  to.clients = o.threads;
  to.data = &*data;
  to.binary = o.binary;
  to.spec = o.spec;
  to.workload_file = o.workload.file;
  to.trace_seed = o.trace_seed;
  to.log_dir = dir.string();
  to.lease_ms = o.leases ? o.timeout_ms : 0;
  to.fence = o.leases;
  to.detector_timeout_ms = o.timeout_ms;
  to.client_timeout_ms = o.client_timeout_ms;
  to.net = o.net;
  StatusOr<std::unique_ptr<FailoverTarget>> target = StartFailoverTarget(to);
  if (!target.ok()) return target.status();
  FailoverRun run;
  run.timeout_ms = o.timeout_ms;
  run.trace_seed = o.trace_seed;
  LB_RETURN_IF_ERROR(DriveFailover(o, **target, *data, &run));
  run.rejoin_method = (*target)->RejoinMethod();
  if (o.rejoin) {
    const Clock::time_point t = Clock::now();
    LB_RETURN_IF_ERROR((*target)->RejoinOldPrimary());
    run.rejoin_ms = MsBetween(t, Clock::now());
    run.rejoined = true;
    StatusOr<bool> same = (*target)->SameContent();
    if (!same.ok()) return same.status();
    run.rejoined_identical = *same;
  }
  return run;
}

Status CheckFailoverFailure(const FailoverOptions& o) {
  if (o.engine == Engine::kPostgres && o.net && o.net->failure == FailoverFailure::kPowerLoss) {
    return Status::InvalidArgument(
        o.net->file +
        ": failure = \"power_loss\" needs rocksdb or sqlite (a PostgreSQL server's writes pass "
        "no fault seam of listbench's; use kill or partition)");
  }
  return Status::OK();
}

StatusOr<FailoverResult> RunFailover(const FailoverOptions& o,
                                     const std::vector<double>& timeouts_ms, int runs) {
  LB_RETURN_IF_ERROR(CheckFailoverFailure(o));
  FailoverResult result;
  result.build = CurrentBuildInfo();
  result.options = o;
  StoreOptions so;
  so.durable = true;
  so.cache_bytes = o.cache_mb << 20;
  so.sqlite_schema = o.sqlite_schema;
  StatusOr<LoadReport> load = PrepareStore(o.engine, (fs::path(o.work_dir) / "base").string(),
                                           o.spec, so, o.reuse, /*progress=*/true);
  if (!load.ok()) return load.status();
  result.load = *load;
  for (double timeout : timeouts_ms) {
    for (int r = 0; r < runs; ++r) {
      FailoverOptions one = o;
      one.timeout_ms = timeout;
      one.trace_seed = o.trace_seed + static_cast<uint64_t>(r);
      StatusOr<FailoverRun> run = RunOneFailover(one, *load);
      if (!run.ok()) return run.status();
      std::fprintf(stderr,
                   "failover (timeout %.0f ms) %d/%d: detection %.0f ms, promotion %.0f ms, "
                   "RTO %.0f ms, %zu of %llu acknowledged writes lost\n",
                   timeout, r + 1, runs, run->detection_ms, run->promotion_ms, run->rto_ms,
                   run->lost.size(), static_cast<unsigned long long>(run->writes_acknowledged));
      result.runs.push_back(std::move(*run));
    }
  }
  return result;
}

}  // namespace listbench
