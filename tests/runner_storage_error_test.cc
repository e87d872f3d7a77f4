// The runner and storage errors: a request answered with Corruption or
// IOError ends the run -- in the warm-up or measured, with one client or
// many, closed or open loop -- and is kept with its request; NotFound and
// Conflict are outcomes of the contract and never stop a run; a run under a
// fault plan (stop_on_storage_error false) counts them and carries on.
#include <gtest/gtest.h>

#include <atomic>

#include "bench/harness/runner.h"
#include "core/store_wrapper.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

// A store whose every request for listing `bad` fails with `error`.
class FailsOnListing : public StoreWrapper {
 public:
  FailsOnListing(Store* target, EntityId bad, Status error)
      : StoreWrapper(target), bad_(bad), error_(std::move(error)) {}
  StatusOr<ListingDetail> GetListingDetail(TenantId t, EntityId l) override {
    if (l == bad_) {
      failed_.fetch_add(1);
      return error_;
    }
    return StoreWrapper::GetListingDetail(t, l);
  }
  int failed() const { return failed_.load(); }

 private:
  const EntityId bad_;
  const Status error_;
  std::atomic<int> failed_{0};
};

class RunnerStorageErrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenNewStore(Engine::kSqlite, tmp_.Sub("sqlite"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(testing::LoadTiny(*store_).ok());
  }
  // `n` requests for listing 1 of tenant 1, with the one at `at` for `bad`.
  static std::vector<Op> Trace(size_t n, size_t at, EntityId bad) {
    std::vector<Op> trace(n, Op{ListingDetailOp{1, 1}});
    trace[at] = ListingDetailOp{1, bad};
    return trace;
  }
  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(RunnerStorageErrorTest, CorruptionStopsTheRunAndNamesTheRequest) {
  FailsOnListing store(store_.get(), 3, Status::Corruption("block checksum mismatch"));
  const RunResult r = RunTrace(store, Trace(100, 10, 3), RunOptions{.warmup = 2});
  ASSERT_TRUE(r.storage_error.has_value());
  EXPECT_EQ(r.storage_error->status.code(), StatusCode::kCorruption);
  EXPECT_EQ(r.storage_error->request, "R1 listing_detail tenant=1 listing=3");
  EXPECT_FALSE(r.storage_error->warmup);
  EXPECT_EQ(r.storage_error->ToString(),
            "R1 listing_detail tenant=1 listing=3: corruption: block checksum mismatch");
  EXPECT_EQ(r.storage_errors, 1u);
  EXPECT_EQ(store.failed(), 1);
  EXPECT_EQ(r.measured, 9u);  // ops 2..10: the failed one is the last
  const OpStats& r1 = r.ops[static_cast<int>(OpKind::kListingDetail)];
  EXPECT_EQ(r1.storage_errors(), 1u);
  EXPECT_EQ(r1.contract_errors(), 0u);
  EXPECT_FALSE(r.trace_exhausted);
}

TEST_F(RunnerStorageErrorTest, NotFoundAndConflictDoNotStopTheRun) {
  std::vector<Op> trace;
  for (int i = 0; i < 20; ++i) {
    trace.push_back(ListingDetailOp{1, 1});
    trace.push_back(ListingDetailOp{2, 1});  // another tenant's: NotFound
    // A stale expected version: Conflict.
    trace.push_back(UpdateListingOp{{1, 2, 999, 1234, std::nullopt, 1700000000}});
  }
  const RunResult r = RunTrace(*store_, trace, RunOptions{.threads = 2});
  EXPECT_FALSE(r.storage_error.has_value());
  EXPECT_EQ(r.storage_errors, 0u);
  EXPECT_EQ(r.measured, 60u);
  EXPECT_EQ(r.all.outcomes[static_cast<int>(StatusCode::kNotFound)], 20u);
  EXPECT_EQ(r.all.outcomes[static_cast<int>(StatusCode::kConflict)], 20u);
  EXPECT_EQ(r.all.contract_errors(), 40u);
  EXPECT_EQ(r.all.storage_errors(), 0u);
}

TEST_F(RunnerStorageErrorTest, IOErrorStopsEveryClient) {
  FailsOnListing store(store_.get(), 3, Status::IOError("pread: input/output error"));
  const size_t n = 200000;
  const RunResult r = RunTrace(store, Trace(n, 100, 3), RunOptions{.threads = 4});
  ASSERT_TRUE(r.storage_error.has_value());
  EXPECT_EQ(r.storage_error->status.code(), StatusCode::kIOError);
  EXPECT_EQ(r.storage_error->client, 0);  // op 100 is client 100 % 4's
  EXPECT_EQ(r.storage_errors, 1u);
  // The other clients stopped before their next request: nowhere near the
  // end of the trace.
  EXPECT_LT(r.measured, n / 2);
}

TEST_F(RunnerStorageErrorTest, AnErrorInTheWarmupStopsTheRunBeforeItsStart) {
  FailsOnListing store(store_.get(), 4, Status::Corruption("bad page"));
  const RunResult r = RunTrace(store, Trace(1000, 5, 4), RunOptions{.warmup = 500, .threads = 3});
  ASSERT_TRUE(r.storage_error.has_value());
  EXPECT_TRUE(r.storage_error->warmup);
  EXPECT_EQ(r.storage_error->client, 2);
  EXPECT_EQ(r.measured, 0u);
}

TEST_F(RunnerStorageErrorTest, AnOpenLoopStopsWithoutWaitingForItsSchedule) {
  FailsOnListing store(store_.get(), 3, Status::Corruption("bad block"));
  // 2000 requests at 20/s would take 100 s; the error is the third.
  const RunResult r =
      RunTrace(store, Trace(2000, 2, 3), RunOptions{.target_rate = 20, .threads = 2});
  ASSERT_TRUE(r.storage_error.has_value());
  EXPECT_LT(r.seconds, 5.0);
  EXPECT_LE(r.measured, 4u);
}

TEST_F(RunnerStorageErrorTest, AFaultPlanRunCountsThemAndCarriesOn) {
  FailsOnListing store(store_.get(), 3, Status::IOError("injected"));
  std::vector<Op> trace = Trace(50, 10, 3);
  trace[20] = ListingDetailOp{1, 3};
  const RunResult r = RunTrace(store, trace, RunOptions{.stop_on_storage_error = false});
  EXPECT_FALSE(r.storage_error.has_value());
  EXPECT_EQ(r.storage_errors, 2u);
  EXPECT_EQ(r.measured, 50u);
  EXPECT_EQ(r.all.storage_errors(), 2u);
}

TEST(StoreFailureTest, IsOneLineNamingTheStore) {
  StoreFailure f{"work/run/rocksdb", "a clone of work/base/rocksdb",
                 StorageError{"R3 search tenant=4", Status::Corruption("bad\nblock"), 1, false}};
  EXPECT_EQ(f.ToString(),
            "store work/run/rocksdb (a clone of work/base/rocksdb): storage error on R3 search "
            "tenant=4: corruption: bad block");
  EXPECT_EQ(f.ToStatus().code(), StatusCode::kCorruption);
  EXPECT_EQ(f.ToStatus().message(), f.ToString());
}

}  // namespace
}  // namespace listbench
