// The migration's shadow reads: a read served by one store runs again on the
// other after the response (before the next request or Step), the two
// results are compared by canonical outcome, and each comparison feeds the
// Service Performance Index (migration/spi.h) with the new store's latency.
// Mismatches are counted and the first options.mismatch_log_limit are
// written in full, both results, to <dir>/shadow-mismatches.log.
//
// Thread safety: not synchronized; one MigratingStore uses it from its
// request thread.
#ifndef LISTBENCH_MIGRATION_SHADOW_READER_H_
#define LISTBENCH_MIGRATION_SHADOW_READER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/store.h"
#include "migration/migration_types.h"
#include "migration/spi.h"

namespace listbench {

class ShadowReader {
 public:
  // REQUIRES: options and counters outlive the ShadowReader.
  ShadowReader(std::string dir, const MigrationOptions* options, MigrationCounters* counters);

  // Sets up the shadow of a read that `primary_is_new` (or the legacy store)
  // answered with `primary_outcome` in `primary_us`: `run` repeats it on
  // `other` and returns the canonical outcome. Replaces a pending one.
  void Arm(std::function<std::string(Store&)> run, Store* other, std::string primary_outcome,
           bool primary_is_new, double primary_us);

  // Runs the pending shadow read, if any: compares, records the outcome in
  // `*spi`, counts, logs a mismatch (`phase` and `request` name it there).
  void RunPending(ServicePerformanceIndex* spi, MigrationPhase phase, uint64_t request);

 private:
  struct Pending {
    std::function<std::string(Store&)> run;
    Store* other = nullptr;
    std::string primary_outcome;
    bool primary_is_new = false;
    double primary_us = 0;
  };
  void LogMismatch(const Pending& p, const std::string& other, MigrationPhase phase,
                   uint64_t request);

  const std::string dir_;
  const MigrationOptions& opt_;
  MigrationCounters& counters_;
  std::optional<Pending> pending_;
  uint64_t mismatches_logged_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_SHADOW_READER_H_
