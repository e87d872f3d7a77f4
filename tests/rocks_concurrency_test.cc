// The RocksDB store under many threads (core/store.h "Concurrency"), its
// writes pessimistic transactions: racing version checks,
// racing open-count updates, and readers beside writers. Each checks the
// history, not an interleaving: exactly one racing update wins, every
// acknowledged write is present, no reader sees half a write, and the
// invariant check is clean afterwards. Small enough for ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "core/store_options.h"
#include "engine/rocks/rocks_store.h"
#include "tests/store_test_util.h"
#include "workloads/op.h"

namespace listbench {
namespace {

constexpr int kThreads = 4;

// Runs fn(0..n-1) on n threads released together.
void RunThreads(int n, const std::function<void(int)>& fn) {
  std::latch start(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      fn(i);
    });
  }
  for (std::thread& t : threads) t.join();
}

class RocksConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::unique_ptr<Store>> s = OpenRocksStore(tmp_.path(), StoreOptions{});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(testing::LoadTiny(*store_).ok());
  }

  void ExpectNoViolations() {
    std::vector<std::string> v;
    ASSERT_TRUE(store_->CheckInvariants(&v).ok());
    EXPECT_TRUE(v.empty()) << v.front();
  }

  // The open-application count of listing 1 in its landlord's portfolio.
  int64_t OpenCountOfListing1() {
    StatusOr<LandlordPortfolio> p = store_->GetLandlordPortfolio(1, 1);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) return -1;
    for (const PortfolioEntry& e : p->listings) {
      if (e.listing.id == 1) return e.open_applications;
    }
    return -1;
  }

  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(RocksConcurrencyTest, RacingUpdatesAtOneVersionHaveExactlyOneWinner) {
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    const uint64_t expected = 1 + static_cast<uint64_t>(round);  // the tiny listing starts at 1
    std::atomic<int> ok{0}, conflict{0}, winner{-1};
    RunThreads(kThreads, [&](int i) {
      const ListingUpdate u{1, 1, expected, 100000 + i, std::nullopt, 1700000000 + round};
      StatusOr<uint64_t> v = store_->UpdateListing(u);
      if (v.ok()) {
        EXPECT_EQ(*v, expected + 1);
        ++ok;
        winner = i;
      } else if (v.status().code() == StatusCode::kConflict) {
        ++conflict;
      } else {
        ADD_FAILURE() << v.status().ToString();
      }
    });
    ASSERT_EQ(ok.load(), 1) << "round " << round;
    ASSERT_EQ(conflict.load(), kThreads - 1);
    StatusOr<ListingDetail> d = store_->GetListingDetail(1, 1);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->listing.version, expected + 1);
    EXPECT_EQ(d->listing.price, 100000 + winner.load());
  }
  ExpectNoViolations();
}

TEST_F(RocksConcurrencyTest, RacingApplicationsAreAllPresentAndCounted) {
  constexpr int kPerThread = 25;
  const int64_t open_before = 2;  // tiny: application 1 submitted, 2 approved
  ASSERT_EQ(OpenCountOfListing1(), open_before);
  RunThreads(kThreads, [&](int t) {
    for (int k = 0; k < kPerThread; ++k) {
      Application a;
      a.id = 1000 + static_cast<EntityId>(t * kPerThread + k);
      a.tenant = 1;
      a.listing = 1;
      a.applicant = 1 + static_cast<EntityId>(k % 2);
      a.submitted = 1700000000 + k;
      const Status s = store_->SubmitApplication(a);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
  });
  EXPECT_EQ(OpenCountOfListing1(), open_before + kThreads * kPerThread);
  StatusOr<ListingApplications> apps = store_->GetListingApplications(1, 1);
  ASSERT_TRUE(apps.ok()) << apps.status().ToString();
  EXPECT_EQ(apps->applications.size(), 2u + kThreads * kPerThread);
  ExpectNoViolations();
}

// One writer moves listing 1's price with its version (price = 100000 +
// version) and another submits applications 2000, 2001, ... in order; two
// readers check that R1 never shows a price of another version and R5
// never shows a gap in the submitted ids, nor fewer than it saw before.
TEST_F(RocksConcurrencyTest, ReadersBesideWritersSeeNoTornAnswers) {
  constexpr int kWrites = 60;
  std::atomic<bool> done{false};
  RunThreads(4, [&](int role) {
    if (role == 0) {
      for (uint64_t v = 1; v <= kWrites; ++v) {
        StatusOr<uint64_t> r = store_->UpdateListing(
            {1, 1, v, static_cast<int64_t>(100000 + v + 1), std::nullopt, 1700000000});
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      }
      done = true;
      return;
    }
    if (role == 1) {
      for (int k = 0; k < kWrites; ++k) {
        Application a;
        a.id = 2000 + static_cast<EntityId>(k);
        a.tenant = 1;
        a.listing = 1;
        a.applicant = 2;
        a.submitted = 1700000000 + k;
        EXPECT_TRUE(store_->SubmitApplication(a).ok());
      }
      return;
    }
    size_t seen = 0;
    uint64_t version = 0;
    for (int reads = 0; !done.load() || reads < 5; ++reads) {
      StatusOr<ListingDetail> d = store_->GetListingDetail(1, 1);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      const Listing& l = d->listing;
      if (l.version > 1) {
        EXPECT_EQ(l.price, static_cast<int64_t>(100000 + l.version));
      }
      EXPECT_GE(l.version, version);
      version = l.version;
      EXPECT_EQ(d->images.size(), 2u);
      EXPECT_EQ(d->landlord.id, 1u);
      StatusOr<ListingApplications> r5 = store_->GetListingApplications(1, 1);
      ASSERT_TRUE(r5.ok()) << r5.status().ToString();
      size_t submitted = 0;
      for (const ApplicationWithApplicant& a : r5->applications) {
        if (a.application.id < 2000) continue;
        EXPECT_EQ(a.application.id, 2000 + submitted);  // no gap
        ++submitted;
      }
      EXPECT_GE(submitted, seen);
      seen = submitted;
    }
  });
  EXPECT_EQ(OpenCountOfListing1(), 2 + kWrites);
  ExpectNoViolations();
}

}  // namespace
}  // namespace listbench
