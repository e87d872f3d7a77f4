// The interleaving check behind `listbench verify --threads N`: one seeded
// operation trace is run against one store by N client threads at once, and
// the history of what each request did is checked afterwards, in the manner
// of Jepsen's checkers: no one expected interleaving is assumed, only what
// every interleaving must satisfy under core/store.h's concurrency contract.
//
// Stages: ReadInitialVersions (before the run: the version of every listing
// the trace updates), RunInterleaved (the concurrent executor; op i goes to
// client i % threads, every op is recorded), CheckInterleaving (afterwards,
// on the quiet store):
//  * invariants: Store::CheckInvariants finds nothing;
//  * acked writes: every acknowledged write is present at the end (W1: the
//    application exists; W2: the payment exists and its application is paid;
//    W4: the listing exists; W5: the application is no longer submitted);
//  * W3 versions: every accepted update returned expected_version + 1, the
//    accepted new versions of a listing are distinct and form the chain
//    initial+1 .. final, final being the version stored at the end;
//  * W3 rejections: a Conflict at expected version v over [start, end] is a
//    violation when the listing was certainly at v throughout: v held since
//    before start (it was the initial version, or the accepted update that
//    produced it ended before start) and no accepted update from v started
//    before end.
// A W3 whose outcome is unknown (IOError, Corruption) may have taken effect:
// on its listing the chain is only checked for distinct, correctly
// numbered versions.
//
// Thread safety: RunInterleaved uses the store from `threads` threads at
// once (core/store.h's contract); the other functions use it from the
// calling thread only and REQUIRE that no request is running.
#ifndef LISTBENCH_BENCH_HARNESS_INTERLEAVING_H_
#define LISTBENCH_BENCH_HARNESS_INTERLEAVING_H_

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/store.h"
#include "workloads/op.h"

namespace listbench {

// What one op of a concurrent run did. Times are steady_clock nanoseconds
// since the run's start, taken just before the call and just after it
// returned.
struct OpRecord {
  int client = 0;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  StatusCode code = StatusCode::kOk;
  uint64_t new_version = 0;  // W3 accepted: the version it returned; else 0
};

// The version of a listing before the run and when it was established:
// since forever (a listing loaded before the run) or from the end of the
// trace's W4 that added it.
struct InitialVersion {
  uint64_t version = 0;
  int64_t since_ns = INT64_MIN;
};
using InitialVersions = std::map<EntityId, InitialVersion>;

// The checks of CheckInterleaving, in report order.
enum class InterleavingCheck : int { kInvariants = 0, kAckedWrites, kVersions, kRejections };
inline constexpr int kNumInterleavingChecks = 4;
// "invariants", "acked_writes", "w3_versions", "w3_rejections".
std::string_view InterleavingCheckName(InterleavingCheck c);

struct InterleavingViolation {
  InterleavingCheck check = InterleavingCheck::kInvariants;
  std::string detail;  // one line for people
};

struct InterleavingReport {
  std::string engine;  // the store's Name()
  int threads = 1;
  uint64_t ops = 0;
  // Per op kind: outcome (status code name) -> count.
  std::array<std::map<std::string, uint64_t>, kNumOpKinds> outcomes;
  uint64_t acked_writes_checked = 0;
  uint64_t w3_accepted = 0;
  uint64_t w3_rejected = 0;
  uint64_t w3_listings = 0;  // listings whose W3 history was checked
  // Violations found by each check (indexed by InterleavingCheck).
  std::array<uint64_t, kNumInterleavingChecks> violations{};
  std::vector<InterleavingViolation> first_violations;  // at most max_details
  size_t max_details = 10;

  uint64_t total_violations() const;
  // Counts a violation; keeps its detail while fewer than max_details are kept.
  void Add(InterleavingCheck check, std::string detail);
};

// Reads the version of every listing the trace's W3s name (GetEntity). A
// listing the trace itself adds is marked instead; CheckInterleaving gives
// it the version of the W4 that was acknowledged, from that W4's end.
// Non-OK only if a read failed for another reason than NotFound.
StatusOr<InitialVersions> ReadInitialVersions(Store& store, std::span<const Op> trace);

// Runs `trace` against `store` with `threads` clients (op i on client
// i % threads, each client in trace order) and returns one record per op,
// parallel to the trace. REQUIRES: threads >= 1.
std::vector<OpRecord> RunInterleaved(Store& store, std::span<const Op> trace, int threads);

// Checks the run's history (`records` parallel to `trace`) against the
// store as it is now, filling `report` (ops, outcomes, counts, violations).
// Non-OK only if a check could not run.
Status CheckInterleaving(Store& store, std::span<const Op> trace, std::span<const OpRecord> records,
                         const InitialVersions& initial, InterleavingReport* report);

// The three stages in order on one store. REQUIRES: threads >= 1.
Status VerifyInterleaved(Store& store, std::span<const Op> trace, int threads,
                         InterleavingReport* report);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_INTERLEAVING_H_
