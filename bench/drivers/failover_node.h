// A failover node: one embedded store (RocksDB or SQLite) served by a
// process of its own (`listbench failover-node`), so that a failover can
// kill it. A primary runs the clients' requests and ships its change log
// (engine/change_log.h) to a replica over a Unix socket; a replica applies
// it and, when promoted, becomes a primary. The clients, the failure
// detector and the driver (bench/drivers/failover.h) talk to nodes with the
// frames below, one request and its answer at a time per connection
// (util/unix_socket.h).
//
//   X op            run trace operation `op` -> R code message executed-at outcome
//   P until         ping, granting a primary a lease until `until` (0: none)
//                   -> p role last-sequence connected
//   Q op version    is write `op` present (bench/harness/write_probe.h) -> q 0|1
//   M               promote (a replica) -> m last-sequence
//   Z               close the store and exit 0 -> z
//   K               power off (a primary started with power_loss): no write
//                   reaches the disk from now on, the files fall back to
//                   what was synced, and the node exits 3 without an answer,
//                   its stderr's last line saying what was lost
//   S after         (a replica's stream) the records after `after`:
//                   L sequence bytes ..., answered by A applied-sequence
//   any error       -> e message
//
// Fencing: a primary with leases on serves requests only while it holds a
// lease that the detector's pings renew. Each ping grants a lease until
// the detector's last answered probe plus its timeout (on the machine's one
// monotonic clock) -- the earliest instant the detector can declare the
// primary dead -- so a deposed primary (partitioned, not dead) acknowledges
// nothing once its replica can have been promoted, even when the partition
// heals and probes it held up arrive late. A write that ran while its lease
// ended is not acknowledged. The promoted replica holds an endless lease:
// no second failover follows.
//
// Synchronous replication: a primary acknowledges a write only once the
// replica has applied (durably) every record up to the write's; it waits
// for as long as no replica acknowledges. A promoted replica runs without
// a replica, as the PostgreSQL pair does (engine/postgres/pg_replication.h).
//
// Every node regenerates the run's trace from the same seeds, so that a
// request names its operation by index.
//
// Thread safety: RunFailoverNode is a process's main; NodeLink is used by
// one thread at a time.
#ifndef LISTBENCH_BENCH_DRIVERS_FAILOVER_NODE_H_
#define LISTBENCH_BENCH_DRIVERS_FAILOVER_NODE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/store_dir.h"
#include "util/unix_socket.h"
#include "workloads/dataset.h"

namespace listbench {

struct FailoverNodeConfig {
  Engine engine = Engine::kRocksDb;
  std::string dir;     // the store directory
  std::string socket;  // where the node listens
  bool primary = true;
  bool sync = true;          // a primary's replication mode
  std::string upstream;      // a replica's primary's socket
  uint64_t start_after = 0;  // a replica's: the first record it wants is after this
  DatasetSpec spec;
  std::string workload_file;
  uint64_t ops = 0;  // the trace's length
  uint64_t trace_seed = 1;
  uint64_t cache_mb = 64;
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;
  bool leases = true;  // a primary serves only under a detector's lease (false: always)
  // A primary's store writes through a fault plan (sim/fault_plan.h) that
  // tracks what is not yet synced, so that 'K' can simulate a power loss.
  bool power_loss = false;
};

// The one clock of the leases and of when a node ran a request: the steady
// clock, in nanoseconds, shared by every process of the machine.
inline int64_t SteadyNs(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
inline int64_t SteadyNowNs() { return SteadyNs(std::chrono::steady_clock::now()); }

// A node's exit status after 'K'.
inline constexpr int kNodePowerLossExit = 3;

// The arguments of `listbench failover-node` for `c` (after argv[0]).
std::vector<std::string> FailoverNodeArgs(const FailoverNodeConfig& c);

// Runs the node until it is told to exit ('Z') or killed; prints "READY
// <last-sequence>" on stdout once it listens. The exit status: 0, or 4
// with one error line on stderr.
int RunFailoverNode(const FailoverNodeConfig& c);

// The answer to a ping.
struct NodePing {
  bool primary = false;
  uint64_t sequence = 0;   // a primary's last logged, a replica's last applied
  bool connected = false;  // a replica: streaming from its primary
};

// A client's connection to a node. Any error of the link is an IOError
// (the node is gone or unreachable).
class NodeLink {
 public:
  static StatusOr<std::unique_ptr<NodeLink>> Connect(const std::string& socket);
  explicit NodeLink(std::unique_ptr<FramedSocket> s) : s_(std::move(s)) {}

  // Runs trace operation `op`: its outcome text and *status as ExecuteOp's;
  // *executed_ns: when the node ran it (steady clock; 0 if it did not). A
  // failure of the link is *status IOError.
  std::string Execute(uint64_t op, Status* status, int64_t* executed_ns);
  // `lease_until_ns` > 0 grants the primary a lease until then (steady
  // clock nanoseconds).
  StatusOr<NodePing> Ping(int64_t lease_until_ns = 0);
  StatusOr<bool> Present(uint64_t op, uint64_t version);
  StatusOr<uint64_t> Promote();
  Status Exit();
  // Sends 'K' and waits for the node to drop the link.
  Status PowerOff();
  // Calls that wait longer than `t` for an answer fail with IOError.
  Status SetTimeout(std::chrono::milliseconds t) { return s_->SetReceiveTimeout(t); }

 private:
  StatusOr<std::string> Call(std::string_view request, char answer);
  std::unique_ptr<FramedSocket> s_;
};

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_FAILOVER_NODE_H_
