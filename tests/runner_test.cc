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
    const std::string dir = tmp_.Sub("rocksdb");
    std::filesystem::create_directory(dir);
    auto s = OpenStore(Engine::kRocksDb, dir, StoreOptions{});
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

}  // namespace
}  // namespace listbench
