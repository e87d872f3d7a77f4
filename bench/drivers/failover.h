// `listbench failover`: what a failover costs, measured. A primary and a
// replica of the same store serve N clients running the workload's trace;
// the primary fails (SIGKILL of every one of its processes: a machine that
// stops; or, under a network scenario, a partition that cuts it off and
// later heals); a failure detector that heartbeats the
// primary declares it dead after its timeout; the replica is promoted; the
// clients' connections go to the new primary and their failed requests are
// retried there. Measured per run:
//   detection  failure -> the detector declares the primary dead;
//   promotion  declared dead -> the replica accepts writes;
//   RTO        failure -> the first write acknowledged by the new primary;
//   RPO        the acknowledged writes missing on the new primary (the
//              oracle of the crash drills: bench/harness/write_probe.h, each
//              acknowledged write probed), and how long before the failure
//              the oldest of them was acknowledged;
//   errors     requests that failed between the failure and the clients'
//              first success on the new primary (each retry counts);
//   rejoin     the old primary rewound to (or rebuilt from) the new
//              primary's history and following it, and whether both then
//              hold the same rows;
//   fencing    whether the old primary serves a stale client's write once
//              the run is over (after a partition healed: it must not).
// Synchronous replication must lose nothing; asynchronous may lose a tail.
//
// PostgreSQL replicates itself (real streaming replication between two
// local servers); RocksDB and SQLite run as two node processes, the
// primary shipping its change log to the replica (bench/drivers/
// failover_target.h).
//
// Thread safety: RunFailover runs on the calling thread (which must outlive
// the servers and node processes it starts) and uses options.threads client
// threads and one detector thread.
#ifndef LISTBENCH_BENCH_DRIVERS_FAILOVER_H_
#define LISTBENCH_BENCH_DRIVERS_FAILOVER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/build_info.h"
#include "bench/harness/store_setup.h"
#include "core/status.h"
#include "engine/postgres/pg_replication.h"
#include "engine/store_dir.h"
#include "sim/net_scenario.h"
#include "workloads/dataset.h"
#include "workloads/workload_spec.h"

namespace listbench {

struct FailoverOptions {
  DatasetSpec spec;
  WorkloadSpec workload;  // its mix and keys
  std::string work_dir;
  LoadReuse reuse{ExistingLoad::kReplaceOther};
  uint64_t cache_mb = 64;
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;  // the normalized design's index profile
  Engine engine = Engine::kPostgres;
  PgReplication replication = PgReplication::kSync;
  int threads = 4;
  double heartbeat_ms = 100;  // the detector's probe interval
  double timeout_ms = 1000;   // no successful probe for this long: dead
  double before_s = 2;        // the workload runs this long before the failure
  double after_s = 1;         // ... and this long after the first write on the new primary
  uint64_t trace_seed = 1;
  bool rejoin = true;  // bring the old primary back as a replica, and time it
  std::string binary;  // the listbench executable: runs the embedded engines' nodes
  // Network faults on the links and how the primary fails (a kill, or a
  // partition that heals: sim/net_scenario.h); none: a kill.
  std::optional<NetScenario> net;
  // Fencing of a deposed primary: the embedded engines' by leases
  // (bench/drivers/failover_node.h), each detector probe renewing the
  // primary's for timeout_ms; PostgreSQL's partitioned primary by STONITH
  // (killed before the promotion). false: none.
  bool leases = true;
  // A client abandons a request after this long and retries it (0: waits
  // for its answer however long; PostgreSQL: the server's statement_timeout).
  double client_timeout_ms = 1000;
};

// An acknowledged write the new primary does not hold.
struct LostWrite {
  uint64_t op_index = 0;  // in the trace
  std::string op;         // its kind, e.g. "submit_application"
  // Negative for a write acknowledged while the kill was under way (it
  // stops every process of the primary within a few ms of the failure).
  double acked_before_failure_ms = 0;
};

struct FailoverRun {
  double timeout_ms = 0;  // the detector's
  uint64_t trace_seed = 0;
  double detection_ms = 0, promotion_ms = 0, rto_ms = 0;
  uint64_t requests_ok = 0;  // answered (any contract outcome), whole run
  uint64_t writes_acknowledged = 0;
  uint64_t writes_acknowledged_before_failure = 0;
  std::vector<LostWrite> lost;    // RPO: which acknowledged writes are missing
  double rpo_ms = 0;              // the oldest lost write's acknowledgement before the failure
  uint64_t errors_in_window = 0;  // failed requests from the failure to the first write after it
  uint64_t errors = 0;            // failed requests, whole run
  bool rejoined = false;
  double rejoin_ms = 0;
  bool rejoined_identical = false;  // both servers hold the same rows afterwards
  std::string rejoin_method;        // how the old primary came back
  // Acknowledged writes the first primary ran after the replica's promotion:
  // two primaries accepting writes. Fencing keeps this 0.
  uint64_t split_brain_writes = 0;
  double healed_at_ms = 0;  // a partition's heal (0: none)
  // A power loss's account of what the primary's disk dropped ("" for a
  // kill or a partition).
  std::string failure_detail;
  // A stale client's write sent to the first primary at the end of the run
  // (after the heal): whether it was served there (any contract outcome),
  // and the answer ("ok", or the error: unreachable, fenced).
  bool deposed_primary_accepted_write = false;
  std::string deposed_primary_answer;
  // Answered and failed requests per 100 ms from the start of the workload,
  // and when the events happened on that clock.
  std::vector<uint64_t> ok_per_100ms, errors_per_100ms;
  double failure_at_ms = 0, detected_at_ms = 0, promoted_at_ms = 0, first_write_at_ms = 0;
};

struct FailoverResult {
  BuildInfo build;
  FailoverOptions options;
  LoadReport load;
  std::vector<FailoverRun> runs;
};

// One failover on a fresh copy of the pristine load (WORK/base/<design>,
// loaded or reused as by `run`) in WORK/failover/<design>/{primary,replica}.
StatusOr<FailoverRun> RunOneFailover(const FailoverOptions& options, const LoadReport& load);

// InvalidArgument when the failure cannot happen to the engine: a power
// loss needs an engine whose writes pass listbench's fault seam (rocksdb,
// sqlite), not a PostgreSQL server.
Status CheckFailoverFailure(const FailoverOptions& options);

// Loads or reuses the pristine store, then, for each detector timeout of
// `timeouts_ms` (options.timeout_ms is ignored), `runs` failovers with trace
// seeds options.trace_seed, +1, ...
StatusOr<FailoverResult> RunFailover(const FailoverOptions& options,
                                     const std::vector<double>& timeouts_ms, int runs);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_FAILOVER_H_
