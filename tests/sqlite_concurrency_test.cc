// The SQLite store under concurrent use (core/store.h, "Concurrency"):
// racing writes at one version, concurrent inserts that must all land,
// multi-statement reads that never see half of a write, the bounded wait for
// the write lock, and WAL checkpoints on the store's own thread beside it all.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/io_stats.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

constexpr int kThreads = 4;
constexpr TenantId kTenant = 1;
constexpr EntityId kListing = 1;    // active, tenant 1, version 1
constexpr EntityId kApplicant = 1;  // tenant 1
constexpr EntityId kFirstNewId = 1000;

// Runs fn(i) on kThreads threads released together; joins them.
template <typename Fn>
void RunTogether(Fn fn) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      fn(i);
    });
  }
  go.store(true, std::memory_order_release);
  for (std::thread& t : threads) t.join();
}

Application NewApplication(EntityId id) {
  return {id,
          kTenant,
          kListing,
          kApplicant,
          ApplicationStatus::kSubmitted,
          1700000000 + static_cast<int64_t>(id),
          0};
}

class SqliteConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.Sub("sqlite");
    fs::create_directory(dir_);
  }

  std::unique_ptr<Store> OpenLoaded(StoreOptions o = {}) {
    auto s = OpenSqliteStore(dir_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    EXPECT_TRUE(testing::LoadTiny(**s).ok());
    return std::move(*s);
  }

  uint64_t ListingVersion(Store& s) {
    StatusOr<ListingDetail> d = s.GetListingDetail(kTenant, kListing);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? d->listing.version : 0;
  }

  testing::TempDir tmp_;
  std::string dir_;
};

TEST_F(SqliteConcurrencyTest, RacingUpdatesAtOneVersionLetExactlyOneWin) {
  std::unique_ptr<Store> store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const uint64_t expected = 1 + static_cast<uint64_t>(round);
    std::vector<StatusCode> codes(kThreads);
    RunTogether([&](int i) {
      ListingUpdate u{kTenant, kListing, expected, 100000 + i, std::nullopt, 1700000000 + round};
      StatusOr<uint64_t> v = store->UpdateListing(u);
      codes[static_cast<size_t>(i)] = v.status().code();
      if (v.ok()) {
        EXPECT_EQ(*v, expected + 1);
      }
    });
    int ok = 0, conflict = 0;
    for (StatusCode c : codes) {
      ok += c == StatusCode::kOk;
      conflict += c == StatusCode::kConflict;
    }
    EXPECT_EQ(ok, 1) << "round " << round;
    EXPECT_EQ(conflict, kThreads - 1) << "round " << round;
    EXPECT_EQ(ListingVersion(*store), expected + 1) << "round " << round;
  }
}

TEST_F(SqliteConcurrencyTest, ConcurrentSubmissionsAllLand) {
  std::unique_ptr<Store> store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  constexpr int kPerThread = 25;
  RunTogether([&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      const Status st = store->SubmitApplication(
          NewApplication(kFirstNewId + static_cast<EntityId>(t * kPerThread + i)));
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
  });
  StatusOr<ListingApplications> r = store->GetListingApplications(kTenant, kListing);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::set<EntityId> ids;
  for (const ApplicationWithApplicant& a : r->applications) ids.insert(a.application.id);
  for (EntityId id = kFirstNewId; id < kFirstNewId + kThreads * kPerThread; ++id) {
    EXPECT_EQ(ids.count(id), 1u) << "application " << id;
  }
  // Tiny() has two applications to listing 1.
  EXPECT_EQ(r->applications.size(), 2u + kThreads * kPerThread);
  std::vector<std::string> violations;
  ASSERT_TRUE(store->CheckInvariants(&violations).ok());
  EXPECT_TRUE(violations.empty());
}

// RecordPayment inserts a payment and marks its application paid in one
// write; R4 reads applications and payments with two statements. In one
// snapshot, an application has a payment exactly when it is paid.
TEST_F(SqliteConcurrencyTest, ProfilesNeverShowHalfAPayment) {
  std::unique_ptr<Store> store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  constexpr int kApplications = 150;
  for (EntityId id = kFirstNewId; id < kFirstNewId + kApplications; ++id) {
    ASSERT_TRUE(store->SubmitApplication(NewApplication(id)).ok());
    ASSERT_TRUE(store->DecideApplication(kTenant, id, /*approve=*/true, 1700001000).ok());
  }
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, profiles{0};
  RunTogether([&](int t) {
    if (t == 0) {  // the writer
      for (EntityId id = kFirstNewId; id < kFirstNewId + kApplications; ++id) {
        Payment p{id, kTenant, id, 5000, "GBP", "stripe", PaymentStatus::kCaptured, 1700002000};
        const Status st = store->RecordPayment(p);
        EXPECT_TRUE(st.ok()) << st.ToString();
      }
      done.store(true);
      return;
    }
    while (!done.load()) {
      StatusOr<ApplicantProfile> p = store->GetApplicantProfile(kTenant, kApplicant);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      if (!p.ok()) return;
      ++profiles;
      std::set<EntityId> paid, with_payment;
      for (const ApplicationWithListing& a : p->applications) {
        if (a.application.id >= kFirstNewId && a.application.status == ApplicationStatus::kPaid) {
          paid.insert(a.application.id);
        }
      }
      for (const Payment& pay : p->payments) {
        if (pay.application >= kFirstNewId) with_payment.insert(pay.application);
      }
      if (paid != with_payment) ++torn;
    }
  });
  EXPECT_EQ(torn.load(), 0) << "of " << profiles.load() << " profiles";
  StatusOr<ApplicantProfile> last = store->GetApplicantProfile(kTenant, kApplicant);
  ASSERT_TRUE(last.ok());
  size_t new_payments = 0;
  for (const Payment& pay : last->payments) new_payments += pay.application >= kFirstNewId;
  EXPECT_EQ(new_payments, static_cast<size_t>(kApplications));
}

// A raw connection holds the write lock: a write waits busy_timeout_ms for
// it, then fails with IOError having changed nothing, and the whole wait is
// charged to the thread as lock wait. Once the lock is free it succeeds.
TEST_F(SqliteConcurrencyTest, WriteLockWaitIsBoundedCountedAndChangesNothing) {
  StoreOptions o;
  o.busy_timeout_ms = 200;
  std::unique_ptr<Store> store = OpenLoaded(o);
  ASSERT_NE(store, nullptr);
  sqlite3* raw = nullptr;
  ASSERT_EQ(
      sqlite3_open_v2((dir_ + "/" + kSqliteFileName).c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  const ListingUpdate u{kTenant, kListing, 1, 99000, std::nullopt, 1700000000};
  const uint64_t wait_before = ThreadTally().lock_wait_ns;
  const WorkStats work_before = ThreadTally().work;
  StatusOr<uint64_t> blocked = store->UpdateListing(u);
  EXPECT_EQ(blocked.status().code(), StatusCode::kIOError) << blocked.status().ToString();
  EXPECT_GE(ThreadTally().lock_wait_ns - wait_before, uint64_t{200} * 1000 * 1000);
  // Its BEGIN IMMEDIATE, sent and answered busy after the timeout, is the
  // one statement it ran (a round trip, counted at its first step); nothing
  // after it ran, and with no transaction open there was no ROLLBACK.
  EXPECT_EQ(ThreadTally().work.queries, work_before.queries + 1);
  // Readers are not blocked by the held write lock.
  EXPECT_EQ(ListingVersion(*store), 1u);

  ASSERT_EQ(sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  const uint64_t wait_free = ThreadTally().lock_wait_ns;
  StatusOr<uint64_t> v = store->UpdateListing(u);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 2u);
  EXPECT_EQ(ThreadTally().lock_wait_ns, wait_free);  // nobody held the lock
  EXPECT_EQ(ListingVersion(*store), 2u);
}

// WAL checkpoints run on the store's own thread (engine/sqlite/checkpointer.h)
// while requests run on several: two writers update a listing each, enough
// for many checkpoints, while two readers read them. Every acknowledged
// update is there at the end, and no reader sees a version go backwards.
TEST_F(SqliteConcurrencyTest, CheckpointsRunBesideConcurrentReadersAndWriters) {
  std::unique_ptr<Store> store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  const BackgroundWork loaded = store->background_work();
  constexpr uint64_t kUpdates = 2500;
  constexpr EntityId kUpdatedListings[2] = {1, 2};  // tenant 1, version 1 each
  std::atomic<int> writing{2};
  RunTogether([&](int t) {
    const EntityId listing = kUpdatedListings[t % 2];
    if (t < 2) {
      for (uint64_t v = 1; v <= kUpdates; ++v) {
        const ListingUpdate u{kTenant,      listing,   v, 100000 + static_cast<int64_t>(v),
                              std::nullopt, 1700000000};
        const StatusOr<uint64_t> got = store->UpdateListing(u);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
      }
      writing.fetch_sub(1);
      return;
    }
    uint64_t seen = 0;
    while (writing.load() > 0) {
      const StatusOr<ListingDetail> d = store->GetListingDetail(kTenant, listing);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      EXPECT_GE(d->listing.version, seen);
      seen = d->listing.version;
    }
  });
  for (EntityId listing : kUpdatedListings) {
    const StatusOr<ListingDetail> d = store->GetListingDetail(kTenant, listing);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->listing.version, kUpdates + 1) << listing;
  }
  // The writes woke the checkpointer; wait (bounded) until it has run.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((store->background_work() - loaded).checkpoints == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GE((store->background_work() - loaded).checkpoints, 1u);
}

// The migration's entity path runs beside requests: puts from one thread,
// reads and writes from others, and every put lands.
TEST_F(SqliteConcurrencyTest, EntityPutsBesideRequests) {
  std::unique_ptr<Store> store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  constexpr int kPerThread = 20;
  RunTogether([&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      const EntityId id = kFirstNewId + static_cast<EntityId>(t * kPerThread + i);
      if (t == 0) {
        bool applied = false;
        const Status st = store->PutEntity(Entity(NewApplication(id)), &applied);
        EXPECT_TRUE(st.ok() && applied) << st.ToString();
      } else {
        EXPECT_TRUE(store->SubmitApplication(NewApplication(id)).ok());
        EXPECT_TRUE(store->GetListingDetail(kTenant, kListing).ok());
      }
    }
  });
  for (EntityId id = kFirstNewId; id < kFirstNewId + kThreads * kPerThread; ++id) {
    EXPECT_TRUE(store->GetEntity(EntityKind::kApplication, EntityKey(id)).ok()) << id;
  }
}

}  // namespace
}  // namespace listbench
