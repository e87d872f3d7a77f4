// The runner with many clients: the trace is dealt round-robin (warm-up op i
// and measured op i to client i % threads), every client's requests are
// merged into the result and its series, and the run is the same for an
// open loop. The store is a thread-safe fake, so these tests exercise the
// runner alone (and join the ThreadSanitizer stage).
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include "bench/harness/runner.h"
#include "core/store_wrapper.h"

namespace listbench {
namespace {

// Answers R1 only: listing l is found when l is even, NotFound when odd,
// and counts l rows read. Records which thread asked for which listing.
// Thread-safe.
class RecordingStore : public StoreWrapper {
 public:
  RecordingStore() : StoreWrapper(static_cast<Store*>(nullptr)) {}
  std::string_view Name() const override { return "recording"; }
  // The runner reads it at the measured start and end; no background work.
  BackgroundWork background_work() const override { return {}; }
  StatusOr<ListingDetail> GetListingDetail(TenantId, EntityId l) override {
    work_.AddRowsRead(static_cast<uint64_t>(l));
    std::lock_guard<std::mutex> lock(mu_);
    calls_[std::this_thread::get_id()].push_back(l);
    if (l % 2 == 1) return Status::NotFound("odd listing");
    return ListingDetail{};
  }
  // Listings asked for, by thread, in order.
  std::map<std::thread::id, std::vector<EntityId>> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  WorkCounters work_;
  std::mutex mu_;
  std::map<std::thread::id, std::vector<EntityId>> calls_;
};

// A trace of n R1 requests for listings 0, 1, ..., n - 1.
std::vector<Op> Numbered(size_t n) {
  std::vector<Op> trace;
  for (size_t i = 0; i < n; ++i) trace.push_back(ListingDetailOp{1, static_cast<EntityId>(i)});
  return trace;
}

// The round-robin rule, written out: client c runs warm-up ops c, c + t, ...
// below `warmup`, then measured ops warmup + c, warmup + c + t, ...
std::vector<EntityId> ClientShare(size_t c, size_t t, size_t warmup, size_t n) {
  std::vector<EntityId> share;
  for (size_t i = 0; i < warmup; ++i) {
    if (i % t == c) share.push_back(static_cast<EntityId>(i));
  }
  for (size_t i = warmup; i < n; ++i) {
    if ((i - warmup) % t == c) share.push_back(static_cast<EntityId>(i));
  }
  return share;
}

void ExpectDealtRoundRobin(RecordingStore& store, size_t threads, size_t warmup, size_t n) {
  const auto calls = store.calls();
  ASSERT_EQ(calls.size(), threads);
  std::multiset<std::vector<EntityId>> got, want;
  for (const auto& [thread, listings] : calls) got.insert(listings);
  for (size_t c = 0; c < threads; ++c) want.insert(ClientShare(c, threads, warmup, n));
  EXPECT_EQ(got, want);
  // Client 0 is the calling thread.
  ASSERT_TRUE(calls.count(std::this_thread::get_id()));
  EXPECT_EQ(calls.at(std::this_thread::get_id()), ClientShare(0, threads, warmup, n));
}

TEST(RunnerConcurrencyTest, ClosedLoopDealsRoundRobinAndMergesEveryClient) {
  constexpr size_t kOps = 3000, kWarmup = 100;
  RecordingStore store;
  const std::vector<Op> trace = Numbered(kOps);
  const RunResult r = RunTrace(store, trace, RunOptions{.warmup = kWarmup, .threads = 3});
  ExpectDealtRoundRobin(store, 3, kWarmup, kOps);

  uint64_t rows = 0, odd = 0;  // over the measured listings kWarmup..kOps-1
  for (size_t l = kWarmup; l < kOps; ++l) {
    rows += l;
    odd += l % 2;
  }
  const OpStats& r1 = r.ops[static_cast<int>(OpKind::kListingDetail)];
  EXPECT_EQ(r.threads, 3);
  EXPECT_EQ(r.measured, kOps - kWarmup);
  EXPECT_EQ(r1.count(), kOps - kWarmup);
  EXPECT_EQ(r1.work.rows_read, rows);
  EXPECT_EQ(r1.outcomes[static_cast<int>(StatusCode::kNotFound)], odd);
  EXPECT_EQ(r.all.errors(), odd);
  uint64_t series_ops = 0, series_errors = 0;
  for (const Second& s : r.series) {
    series_ops += s.ops;
    series_errors += s.errors;
  }
  EXPECT_EQ(series_ops, kOps - kWarmup);
  EXPECT_EQ(series_errors, odd);
}

TEST(RunnerConcurrencyTest, OpenLoopDealsTheSameWay) {
  constexpr size_t kOps = 400, kWarmup = 10;
  for (Arrivals a : {Arrivals::kUniform, Arrivals::kPoisson}) {
    RecordingStore store;
    const std::vector<Op> trace = Numbered(kOps);
    const RunResult r =
        RunTrace(store, trace,
                 RunOptions{.warmup = kWarmup, .target_rate = 40000, .threads = 4, .arrivals = a});
    ExpectDealtRoundRobin(store, 4, kWarmup, kOps);
    EXPECT_TRUE(r.open_loop);
    EXPECT_EQ(r.arrivals, a);
    EXPECT_EQ(r.measured, kOps - kWarmup);
  }
}

TEST(RunnerConcurrencyTest, MoreClientsThanOperations) {
  RecordingStore store;
  const std::vector<Op> trace = Numbered(5);
  const RunResult r = RunTrace(store, trace, RunOptions{.warmup = 1, .threads = 8});
  EXPECT_EQ(r.measured, 4u);
  EXPECT_EQ(r.ops[static_cast<int>(OpKind::kListingDetail)].work.rows_read, 1u + 2 + 3 + 4);
}

TEST(RunnerConcurrencyTest, DurationRunThatOutlastsTheTraceSaysSo) {
  RecordingStore store;
  const std::vector<Op> trace = Numbered(300);
  const RunResult r = RunTrace(store, trace, RunOptions{.duration_s = 30, .threads = 3});
  EXPECT_TRUE(r.trace_exhausted);
  EXPECT_EQ(r.measured, 300u);
}

}  // namespace
}  // namespace listbench
