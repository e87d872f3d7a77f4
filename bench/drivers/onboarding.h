// The multi-tenant experiment of `listbench compare --report`: a new tenant
// (a white-label customer with its landlords and listings) is onboarded while
// the workload keeps serving the existing tenants, and a cross-tenant probe
// then asks every tenant for the others' entities.
//
// One client thread serves both: onboarding requests are interleaved with
// the workload's, one after each workload request: nothing
// is paused, and the longest onboarding request is the longest time any
// workload request could have waited behind it. The workload's own requests
// are timed per phase (before, during, after onboarding).
//
// Thread safety: runs on the calling thread; the store is used by it alone.
#ifndef LISTBENCH_BENCH_DRIVERS_ONBOARDING_H_
#define LISTBENCH_BENCH_DRIVERS_ONBOARDING_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bench/harness/histogram.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "workloads/dataset.h"
#include "workloads/op.h"

namespace listbench {

struct OnboardingSpec {
  uint32_t landlords = 40;
  uint32_t listings = 600;  // 0-3 images each
  uint64_t seed = 1;
  // New ids start here: far above the dataset's and any trace's new ids.
  EntityId id_base = 1'000'000'000;
  // Cross-tenant probe: this many of the new listings and as many existing
  // ones are asked for by every other tenant.
  uint32_t probe_sample = 100;
};

// The new tenant's data, in the order it is onboarded.
struct NewTenant {
  Tenant tenant;
  std::vector<Landlord> landlords;
  std::vector<Listing> listings;
  std::vector<std::vector<Image>> images;  // [listing index]
};
// Deterministic in (catalog, spec): tenant id = number of tenants + 1, in the
// market and cities of the catalog's first tenant (so searches of the same
// city name by two tenants are exercised).
NewTenant MakeNewTenant(const DatasetCatalog& catalog, const OnboardingSpec& spec);

struct PhaseStats {
  Histogram latency_ns;         // the workload's requests in this phase
  uint64_t errors = 0;          // non-OK outcomes (contract outcomes included)
  uint64_t storage_errors = 0;  // IOError or Corruption
};

struct OnboardingResult {
  PhaseStats before, during, after;
  uint64_t onboarding_requests = 0;
  uint64_t onboarding_failures = 0;
  double onboarding_seconds = 0;  // first to last onboarding request, interleaved
  uint64_t longest_onboarding_request_ns = 0;
  uint64_t new_tenant_reads = 0, new_tenant_reads_ok = 0;  // R1/R2/R3 of the new data
  uint64_t probe_requests = 0;
  uint64_t probe_leaks = 0;                // a foreign entity returned (must be 0)
  std::vector<std::string> leak_examples;  // up to 5
};

// Runs trace[0 .. n/3) (before), then trace[n/3 .. 2n/3) with one onboarding
// request after each workload request (and the rest, if any, after the
// phase), then trace[2n/3 .. n) (after), then the reads and the probe.
// Returns non-OK only if an onboarding request failed for a storage reason
// (IOError/Corruption); contract failures are counted.
StatusOr<OnboardingResult> RunOnboarding(Store& store, std::span<const Op> trace,
                                         const DatasetCatalog& catalog, const OnboardingSpec& spec);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_ONBOARDING_H_
