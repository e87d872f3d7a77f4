// MeasuredStore: the timing decorator (YCSB-cpp's DBWrapper). Every request
// that passes through is timed and attributed to its access pattern with its
// outcome and the work it caused: what the engine counted (WorkStats) and
// what its I/O seam saw (IoStats) on the calling thread during the request
// (core/io_stats.h ThreadTally), so it is exact with other clients running.
// Engines contain no timing code.
//
// Each recorded request also gets its modelled deployed latency under every
// storage profile (bench/model/storage_profile.h), from its measured latency and
// its counted I/O and round trips.
//
// Latency runs from the request's start to its completion; a caller that
// paces requests (open loop) sets the intended start time first, so that
// time spent waiting behind a late request is counted (coordinated omission
// is not hidden).
//
// Thread safety: one MeasuredStore per client thread; many may wrap the same
// store (which is safe for concurrent use, core/store.h).
#ifndef LISTBENCH_BENCH_HARNESS_MEASURED_STORE_H_
#define LISTBENCH_BENCH_HARNESS_MEASURED_STORE_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "bench/harness/histogram.h"
#include "core/store_wrapper.h"
#include "workloads/op.h"

namespace listbench {

using Clock = std::chrono::steady_clock;

// What one access pattern accumulated.
struct OpStats {
  Histogram latency_ns;
  // Modelled deployed latency, one histogram per StorageProfiles() entry
  // (bench/model/storage_profile.h); empty until a request is recorded.
  std::vector<Histogram> modelled_ns;
  std::array<uint64_t, 7> outcomes{};  // by StatusCode (0 = ok)
  WorkStats work;                      // summed over the requests
  IoStats io;                          // summed over the requests
  uint64_t lock_wait_ns = 0;           // core/io_stats.h Tally, summed
  uint64_t retries = 0;                // likewise
  uint64_t count() const { return latency_ns.count(); }
  uint64_t errors() const { return count() - outcomes[0]; }
  // IOError and Corruption: the storage failed (Status::IsStorageError).
  uint64_t storage_errors() const {
    return outcomes[static_cast<int>(StatusCode::kIOError)] +
           outcomes[static_cast<int>(StatusCode::kCorruption)];
  }
  // Every other error: outcomes of the store's contract (not found,
  // conflict, invalid argument, not supported).
  uint64_t contract_errors() const { return errors() - storage_errors(); }
  void Merge(const OpStats& o);
};

class MeasuredStore : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;

  // The next request's latency is measured from `t` instead of from when it
  // is issued. Cleared by that request.
  void SetIntendedStart(Clock::time_point t) { intended_ = t; }
  // Turns recording on or off (warm-up requests run unrecorded).
  void set_recording(bool on) { recording_ = on; }

  const std::array<OpStats, kNumOpKinds>& stats() const { return stats_; }
  void ResetStats() { stats_ = {}; }
  // Latency of the last request, whether recorded or not.
  uint64_t last_latency_ns() const { return last_ns_; }
  OpKind last_kind() const { return last_kind_; }

  StatusOr<ListingDetail> GetListingDetail(TenantId t, EntityId l) override;
  StatusOr<LandlordPortfolio> GetLandlordPortfolio(TenantId t, EntityId l) override;
  StatusOr<SearchResult> Search(const SearchQuery& q) override;
  StatusOr<ApplicantProfile> GetApplicantProfile(TenantId t, EntityId a) override;
  StatusOr<ListingApplications> GetListingApplications(TenantId t, EntityId l) override;
  Status SubmitApplication(const Application& a) override;
  Status RecordPayment(const Payment& p) override;
  StatusOr<uint64_t> UpdateListing(const ListingUpdate& u) override;
  Status AddListing(const Listing& l, std::span<const Image> images) override;
  Status DecideApplication(TenantId t, EntityId a, bool approve, int64_t now) override;

 private:
  // Runs `call` timed and records it under `kind`.
  template <typename F>
  auto Measure(OpKind kind, F&& call);

  std::array<OpStats, kNumOpKinds> stats_{};
  std::optional<Clock::time_point> intended_;
  bool recording_ = true;
  uint64_t last_ns_ = 0;
  OpKind last_kind_ = OpKind::kListingDetail;
};

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_MEASURED_STORE_H_
