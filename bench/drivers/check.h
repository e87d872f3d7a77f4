// Regression check between two summaries (bench/report/summary.h) of the same
// workload, seed and scale, as `listbench check` runs it in CI. Summaries of
// different runs are refused with InvalidArgument naming what differs: seed,
// listings, the workload (name, mix, keys, length, warm-up, rate, client
// threads) or the durability configuration (durable, RocksDB WAL). A
// different cache size is compared like any change: its seam reads show it.
//
// * Counted work per request (statements or gets/seeks, rows or items read
//   and written) is deterministic for a seed: compared tightly.
// * I/O reads at the seams per request (blocks/pages fetched) follow from the
//   cache and the file layout: compared with a tolerance and a small
//   absolute slack.
// * Timing drifts between machines, so it is compared loosely in absolute
//   terms and, tighter, as the SQLite/RocksDB ratio of median latency within
//   one run (both engines ran on the same machine at the same time).
// Only getting worse fails; getting better is reported, not failed.
#ifndef LISTBENCH_BENCH_DRIVERS_CHECK_H_
#define LISTBENCH_BENCH_DRIVERS_CHECK_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace listbench {

struct CheckTolerances {
  double work = 0.02;     // counted work may grow 2%
  double io = 0.5;        // seam reads may grow 50% ...
  double io_slack = 0.5;  // ... plus half a read per request
  double ratio = 0.5;     // SQLite/RocksDB mean-latency ratio may move by 50% either way
  double time = 3.0;      // absolute median latency may grow 4x (machines differ)
};

struct CheckFinding {
  std::string engine, op, metric;
  double baseline = 0, current = 0, limit = 0;
  bool regression = false;  // false: within tolerance (listed only for context)
};

// Compares `current` with `baseline`. InvalidArgument when they are not
// comparable (different workload, seed, listings or operation counts) or
// not summaries: a field the comparison reads that either lacks is an error
// naming it, never a default. Returns every metric that moved past its
// tolerance.
//
// Thread safety: a plain function of its arguments.
StatusOr<std::vector<CheckFinding>> CheckSummaries(const nlohmann::json& baseline,
                                                   const nlohmann::json& current,
                                                   const CheckTolerances& tol);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_CHECK_H_
