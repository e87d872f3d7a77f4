// The runner and its timing decorator: requests are attributed to their
// pattern and outcome, warm-up is not recorded, counted work comes from the
// engine's counters, and in open loop a stall is charged to every request
// queued behind it (coordinated omission is not hidden).
#include "bench/harness/runner.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenNewStore(Engine::kRocksDb, tmp_.Sub("rocksdb"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(testing::LoadTiny(*store_).ok());
  }
  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(RunnerTest, AttributesRequestsToPatternsAndOutcomes) {
  std::vector<Op> trace;
  for (int i = 0; i < 10; ++i) trace.push_back(ListingDetailOp{1, 1});  // ok
  for (int i = 0; i < 5; ++i) trace.push_back(ListingDetailOp{2, 1});   // other tenant
  for (int i = 0; i < 7; ++i) trace.push_back(SearchOp{{1, "London", 0, 1000000, 0, 10}});
  RunResult r = RunTrace(*store_, trace, RunOptions{.warmup = 2});
  const OpStats& r1 = r.ops[static_cast<int>(OpKind::kListingDetail)];
  EXPECT_EQ(r1.count(), 13u);  // 15 minus 2 of warm-up
  EXPECT_EQ(r1.outcomes[static_cast<int>(StatusCode::kOk)], 8u);
  EXPECT_EQ(r1.outcomes[static_cast<int>(StatusCode::kNotFound)], 5u);
  EXPECT_EQ(r.ops[static_cast<int>(OpKind::kSearch)].count(), 7u);
  EXPECT_EQ(r.measured, 20u);
  EXPECT_EQ(r.all.count(), 20u);
  EXPECT_GT(r1.work.rows_read, 0u);  // counted by the engine, through the decorator
  uint64_t series_ops = 0;
  for (const Second& s : r.series) series_ops += s.ops;
  EXPECT_EQ(series_ops, 20u);
}

// A store whose first search stalls for 60 ms.
class StallsOnce : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  StatusOr<SearchResult> Search(const SearchQuery& q) override {
    if (!stalled_) {
      stalled_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
    }
    return StoreWrapper::Search(q);
  }

 private:
  bool stalled_ = false;
};

TEST_F(RunnerTest, OpenLoopChargesTheStallToQueuedRequests) {
  std::vector<Op> trace(20, Op{SearchOp{{1, "London", 0, 1000000, 0, 10}}});
  StallsOnce closed(store_.get());
  RunResult c = RunTrace(closed, trace, RunOptions{});
  StallsOnce open(store_.get());
  RunResult o = RunTrace(open, trace, RunOptions{.target_rate = 1000});  // one every 1 ms
  const Histogram& ch = c.ops[static_cast<int>(OpKind::kSearch)].latency_ns;
  const Histogram& oh = o.ops[static_cast<int>(OpKind::kSearch)].latency_ns;
  // Closed loop: only the stalled request is slow, so the median is not.
  // Open loop: the requests due during the stall waited for it, so more
  // than half of them measure tens of milliseconds.
  EXPECT_GE(ch.max(), 60'000'000u);
  EXPECT_LT(ch.Percentile(0.5), 30'000'000u);
  EXPECT_GE(oh.Percentile(0.5), 30'000'000u);
  EXPECT_TRUE(o.open_loop);
}

// A store whose request for listing 5 stalls for 1.1 s.
class StallsOnListing5 : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  StatusOr<ListingDetail> GetListingDetail(TenantId t, EntityId l) override {
    if (l == 5) std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    return StoreWrapper::GetListingDetail(t, l);
  }
};

TEST_F(RunnerTest, OneClientSeriesCountsEachSecondsRequests) {
  // Listings 1..4 answer at once in second 0; listing 5 completes after
  // 1.1 s, in second 1, with listings 6 and 7 behind it. Listing 5 is
  // tenant 2's and listing 7 does not exist: NotFound both.
  std::vector<Op> trace;
  for (EntityId l = 1; l <= 7; ++l) trace.push_back(ListingDetailOp{1, l});
  StallsOnListing5 store(store_.get());
  RunResult r = RunTrace(store, trace, RunOptions{});
  ASSERT_EQ(r.series.size(), 2u);
  EXPECT_EQ(r.threads, 1);
  EXPECT_EQ(r.series[0].ops, 4u);
  EXPECT_EQ(r.series[0].errors, 0u);
  EXPECT_EQ(r.series[1].ops, 3u);
  EXPECT_EQ(r.series[1].errors, 2u);
  EXPECT_GE(r.series[1].max_us, 1'100'000.0);
  EXPECT_EQ(r.all.errors(), 2u);
}

// A write-only run on a RocksDB store with a 1 MiB budget (64 KiB write
// buffers, at most two): its memtables fill many times over during the
// measured part. With two memtables at most, a write that needs a third
// waits for a flush, and the one flush thread notifies each flush before it
// starts the next, so flushes have completed before the run ends; the
// RunResult reports them, and not the load's.
TEST(RunnerBackgroundTest, FlushesDuringTheRunAreReported) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("rocksdb");
  StoreOptions o;
  o.cache_bytes = size_t{1} << 20;
  auto s = testing::OpenNewStore(Engine::kRocksDb, dir, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Store& store = **s;
  ASSERT_TRUE(testing::LoadTiny(store).ok());
  const BackgroundWork loaded = store.background_work();
  EXPECT_GE(loaded.flushes, 1u);  // the bulk load's own
  std::vector<Op> trace;
  for (uint64_t v = 1; v <= 3000; ++v) {
    const int64_t t = 1700000000 + static_cast<int64_t>(v);
    trace.push_back(UpdateListingOp{{1, 1, v, 1000 + static_cast<int64_t>(v), std::nullopt, t}});
  }
  const RunResult r = RunTrace(store, trace, RunOptions{.warmup = 100});
  EXPECT_EQ(r.all.errors(), 0u);
  EXPECT_GE(r.background.flushes, 2u);
  EXPECT_GT(r.background.flush_ns, 0u);
  EXPECT_GT(r.background.flush_bytes, 0u);
  EXPECT_EQ(r.background.checkpoints, 0u);
  const BackgroundWork total = store.background_work() - loaded;
  EXPECT_LE(r.background.flushes, total.flushes);  // the warm-up's are not the run's
}

TEST(ArrivalScheduleTest, UniformIsEvenlySpaced) {
  const std::vector<int64_t> due = ArrivalSchedule(1000, 4000, Arrivals::kUniform, 7);
  ASSERT_EQ(due.size(), 1000u);
  for (size_t i = 0; i < due.size(); ++i) EXPECT_EQ(due[i], static_cast<int64_t>(i) * 250'000);
}

TEST(ArrivalScheduleTest, PoissonIsSeededWithExponentialGaps) {
  constexpr size_t kN = 100'000;
  constexpr double kRate = 2000;  // mean gap 500 µs
  const std::vector<int64_t> due = ArrivalSchedule(kN, kRate, Arrivals::kPoisson, 42);
  EXPECT_EQ(due, ArrivalSchedule(kN, kRate, Arrivals::kPoisson, 42));
  EXPECT_NE(due, ArrivalSchedule(kN, kRate, Arrivals::kPoisson, 43));
  ASSERT_EQ(due.size(), kN);
  EXPECT_EQ(due[0], 0);
  size_t short_gaps = 0;
  for (size_t i = 1; i < kN; ++i) {
    ASSERT_GE(due[i], due[i - 1]);
    short_gaps += due[i] - due[i - 1] < 500'000;
  }
  // Mean gap 1 / rate (its standard error here is 0.3%).
  const double mean_gap = static_cast<double>(due[kN - 1]) / static_cast<double>(kN - 1);
  EXPECT_NEAR(mean_gap, 500'000.0, 500'000.0 * 0.02);
  // Exponential: P(gap < mean) = 1 - 1/e = 0.632; evenly spaced gaps would
  // give 0 or 1.
  EXPECT_NEAR(static_cast<double>(short_gaps) / (kN - 1), 0.632, 0.01);
}

}  // namespace
}  // namespace listbench
