// The migration's shadow reads: a read served by one store runs again on the
// other after the response (before the same thread's next request or Step),
// the two results are compared by canonical outcome, and each comparison
// feeds the Service Performance Index (migration/spi.h) with the new store's
// latency. Mismatches are counted and the first options.mismatch_log_limit
// are written in full, both results, to <dir>/shadow-mismatches.log.
//
// With many request threads a write may land between a read and its
// shadow, and then the two stores rightly answer differently. So the reader
// also tracks the writes in progress (WriteBegins/WriteEnds): a read that
// started while a write was in progress, or whose shadow ran after a write
// began, is not compared (counted as shadow_skipped). With one request
// thread every shadow is compared, as no write can fall in between.
//
// Thread safety: safe for concurrent use. Each thread has its own pending
// shadow read (thread-local, tagged with the reader it belongs to: a thread
// that arms a second reader drops the first one's pending read); the
// mismatch log is written under an internal mutex; the write tracking is
// atomic.
#ifndef LISTBENCH_MIGRATION_SHADOW_READER_H_
#define LISTBENCH_MIGRATION_SHADOW_READER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "core/store.h"
#include "migration/migration_types.h"

namespace listbench {

// A compared shadow read, for the Service Performance Index.
struct ShadowOutcome {
  bool matched = false;
  double new_store_us = 0;  // latency of the read on the new store
};

class ShadowReader {
 public:
  // REQUIRES: options and counters outlive the ShadowReader.
  ShadowReader(std::string dir, const MigrationOptions* options, MigrationCounterSet* counters);

  // A write is about to touch the stores / has finished with them.
  void WriteBegins() { writes_begun_.fetch_add(1); }
  void WriteEnds() { writes_ended_.fetch_add(1); }
  // Call just before a read runs on its primary store: the token to pass to
  // Arm (it remembers whether writes were in progress then).
  uint64_t ReadBegins() const;

  // Sets up the calling thread's shadow of a read that `primary_is_new` (or
  // the legacy store) answered with `primary_outcome` in `primary_us`:
  // `run` repeats it on `other` and returns the canonical outcome. Replaces
  // a pending one. `token` is ReadBegins' from before the primary read.
  void Arm(std::function<std::string(Store&)> run, Store* other, std::string primary_outcome,
           bool primary_is_new, double primary_us, uint64_t token);

  // Runs the calling thread's pending shadow read, if any: compares, counts,
  // logs a mismatch (`phase` and `request` name it there). nullopt when none
  // was pending or it was skipped for an overlapping write.
  std::optional<ShadowOutcome> RunPending(MigrationPhase phase, uint64_t request);

 private:
  struct Pending {
    std::function<std::string(Store&)> run;
    Store* other = nullptr;
    std::string primary_outcome;
    bool primary_is_new = false;
    double primary_us = 0;
    uint64_t token = 0;
  };
  struct Slot {
    uint64_t owner = 0;  // the ShadowReader's id_
    std::optional<Pending> pending;
  };
  static Slot& ThreadSlot();
  void LogMismatch(const Pending& p, const std::string& other, MigrationPhase phase,
                   uint64_t request);

  static constexpr uint64_t kBusy = UINT64_MAX;  // token: a write was in progress

  const uint64_t id_;  // unique per reader in the process
  const std::string dir_;
  const MigrationOptions& opt_;
  MigrationCounterSet& counters_;
  std::atomic<uint64_t> writes_begun_{0}, writes_ended_{0};
  std::mutex log_mu_;  // guards the log and mismatches_logged_
  uint64_t mismatches_logged_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_SHADOW_READER_H_
