// Storage profiles: the *modelled* deployed latency of the report. A profile
// gives each I/O counted at an engine's seam a device latency and each round
// trip between the application and the database a network latency. The
// modelled latency of a request is accounted virtually:
//
//   modelled = measured (in-process) latency
//            + seam reads  x read_us      (a read the engine's cache missed)
//            + seam syncs  x sync_us      (durability barriers)
//            + seam writes x write_us     (0 when writes are buffered)
//            + round trips x rtt_us
//
// so runs stay fast and deterministic in everything but the measured part.
// Round trips: one per request the application sends to the database,
// which is what WorkStats::queries counts (core/io_stats.h) on both designs:
// the single table's point gets, iterator seeks and write batches; the
// normalized application's SQL statements, BEGIN, COMMIT and ROLLBACK
// included when they run. The parameters are inputs with their sources,
// printed in the report; they are never tuned to reproduce the article's
// figures.
#ifndef LISTBENCH_BENCH_MODEL_STORAGE_PROFILE_H_
#define LISTBENCH_BENCH_MODEL_STORAGE_PROFILE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/io_stats.h"

namespace listbench {

struct StorageProfile {
  std::string_view name;
  double read_us = 0;
  double write_us = 0;
  double sync_us = 0;
  double rtt_us = 0;
  std::string_view source;  // where the figures come from
};

// The built-in profiles: "local-nvme" and "network-ssd".
std::span<const StorageProfile> StorageProfiles();

// Round trips between application and database for one request that did
// `work`, on either engine: work.queries.
uint64_t RoundTrips(const WorkStats& work);

// The modelled latency of one request, in nanoseconds.
uint64_t ModelledNs(const StorageProfile& p, uint64_t measured_ns, const IoStats& io,
                    uint64_t round_trips);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_MODEL_STORAGE_PROFILE_H_
