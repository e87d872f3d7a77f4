// The replicated store a failover runs against (bench/drivers/failover.h):
// a primary and a replica of one design, the way clients reach the
// primary, the detector's probe, the failure, the promotion and the old
// primary's return.
//
//   postgres        real streaming replication between two local servers
//                   (engine/postgres/pg_replication.h); clients connect
//                   through libpq; a partitioned primary is fenced by
//                   STONITH (killed before the promotion).
//   rocksdb, sqlite two `listbench failover-node` processes
//                   (bench/drivers/failover_node.h): the primary ships its
//                   change log (engine/change_log.h) to the replica over a
//                   Unix socket; clients send requests over Unix sockets;
//                   a partitioned primary is fenced by leases.
//
// Under a network scenario every client, detector and replication link
// passes a proxy (sim/link_proxy.h) that applies its faults, and a
// partition cuts the first primary's.
//
// Thread safety: Execute may be called from many client threads at once
// (each `client` index from one thread), and PrimaryAnswers from a detector
// thread at the same time; the rest from the driver's thread only.
#ifndef LISTBENCH_BENCH_DRIVERS_FAILOVER_TARGET_H_
#define LISTBENCH_BENCH_DRIVERS_FAILOVER_TARGET_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bench/harness/write_probe.h"
#include "core/status.h"
#include "engine/postgres/pg_replication.h"
#include "engine/store_dir.h"
#include "sim/net_scenario.h"

namespace listbench {

// Who answered a request, when the target can tell.
struct Served {
  bool by_first_primary = false;  // the primary the run began with
  // When the server ran it, on the machine's steady clock (0: unknown).
  int64_t executed_ns = 0;
};

class FailoverTarget {
 public:
  virtual ~FailoverTarget() = default;
  // Runs trace operation `op` on whichever server the clients now reach:
  // its outcome text, and *status as ExecuteOp's (an unreachable primary is
  // an IOError); *served: who answered.
  virtual std::string Execute(int client, uint64_t op, Status* status, Served* served) = 0;
  // The detector's probe: whether the primary answers now.
  virtual bool PrimaryAnswers() = 0;
  // The primary's failure (FailoverTargetOptions::failure): kills every
  // process of the primary at once, or cuts every link that reaches it;
  // *at: when the signals began or the links were cut.
  virtual Status FailPrimary(std::chrono::steady_clock::time_point* at) = 0;
  // What the failure left to say, after FailPrimary: a power loss's account
  // of the unsynced data it dropped; "" for a kill or a partition.
  virtual std::string FailureDetail() const { return ""; }
  // Heals a partition (nothing after a kill, or once healed).
  virtual void Heal() = 0;
  // A stale client's write to the first primary after the promotion (and
  // the heal): runs trace operation `op`, a write, there. OK when the
  // deposed primary acknowledged it -- two primaries accepting writes;
  // its error otherwise (unreachable, fenced).
  virtual Status WriteToDeposedPrimary(uint64_t op) = 0;
  // Promotes the replica and points the clients at it; returns once it
  // accepts writes.
  virtual Status Promote() = 0;
  // Whether acknowledged write `op` (its version, bench/harness/write_probe.h)
  // is on the new primary.
  virtual StatusOr<bool> Present(uint64_t op, uint64_t version) = 0;
  // With the clients stopped: brings the old primary back as a replica of
  // the new one, returning once it has caught up.
  virtual Status RejoinOldPrimary() = 0;
  // Whether both copies hold the same rows (after RejoinOldPrimary).
  virtual StatusOr<bool> SameContent() = 0;
  // How the old primary rejoins, for the report.
  virtual std::string RejoinMethod() const = 0;
};

struct FailoverTargetOptions {
  Engine engine = Engine::kPostgres;
  std::string primary_dir, replica_dir;  // clones of the pristine store; the replica's may be
                                         // empty for postgres (a base backup fills it)
  bool sync = true;
  uint64_t cache_mb = 64;
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;
  int clients = 4;
  const WorkloadData* data = nullptr;  // the run's trace
  // For the embedded engines' node processes: the listbench binary and
  // what regenerates the trace in them.
  std::string binary;
  DatasetSpec spec;
  std::string workload_file;
  uint64_t trace_seed = 1;
  std::string log_dir;  // the nodes' stderr files
  // Fencing of the embedded engines' primary (bench/drivers/failover_node.h):
  // each detector probe grants it a lease until the last answered probe plus
  // this (the detector's timeout; 0: no leases, it serves until it dies).
  double lease_ms = 0;
  // Fencing of a partitioned PostgreSQL primary: killed before the
  // promotion (STONITH); false: left running.
  bool fence = true;
  double detector_timeout_ms = 1000;  // the detector's (a probe waits half of it, at most 1 s)
  // Each client request waits at most this long for its answer (0: forever),
  // then fails and is retried (PostgreSQL: the server's statement_timeout,
  // which a partitioned server applies once the partition heals).
  double client_timeout_ms = 0;
  // Network faults on the links: every client, detector and replication
  // link then passes a proxy (sim/link_proxy.h).
  std::optional<NetScenario> net;
};

// Starts the primary and its replica; in synchronous mode returns once the
// replica is the synchronous one.
StatusOr<std::unique_ptr<FailoverTarget>> StartFailoverTarget(const FailoverTargetOptions& o);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_FAILOVER_TARGET_H_
