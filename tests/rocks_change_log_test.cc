// Log shipping for RocksDB (engine/rocks/rocks_change_log.h): a replica
// cloned from the closed primary and fed every record of the primary's log
// holds what the primary holds.
#include "engine/rocks/rocks_change_log.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/transaction_log.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/entity_scan.h"
#include "core/store_wrapper.h"
#include "engine/change_log.h"
#include "engine/rocks/rocks_store.h"
#include "engine/rocks/table.h"
#include "engine/rocks/txn_db.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

using testing::LoadTiny;
using testing::OpenNewStore;
using testing::TempDir;
using testing::Tiny;
using testing::TinyAnswers;

constexpr std::chrono::milliseconds kNoWait{0};

// Every entity of every kind, in entity-key order: the store's whole content.
std::vector<EntityRow> AllEntities(Store& s) {
  std::vector<EntityRow> all;
  for (int k = 0; k < kNumEntityKinds; ++k) {
    std::vector<EntityRow> rows;
    EXPECT_TRUE(s.ScanEntities(static_cast<EntityKind>(k), "", 100000, &rows).ok());
    all.insert(all.end(), rows.begin(), rows.end());
  }
  return all;
}

// A loaded tiny store in `primary`, closed, and its clone in `replica`.
void MakePrimaryAndReplica(const TempDir& tmp) {
  {
    StatusOr<std::unique_ptr<Store>> s = OpenNewStore(Engine::kRocksDb, tmp.Sub("primary"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(LoadTiny(**s).ok());
  }
  ASSERT_TRUE(CloneStore(Engine::kRocksDb, tmp.Sub("primary"), tmp.Sub("replica")).ok());
}

Listing NewListing(EntityId id) {
  Listing l = Tiny().listing(1);
  l.id = id;
  l.title = "Flat " + std::to_string(id);
  l.status = ListingStatus::kActive;
  l.version = 1;
  return l;
}

std::vector<Image> ImagesOf(EntityId listing) {
  std::vector<Image> images = Tiny().images_of(1);
  for (Image& i : images) i.listing = listing;
  return images;
}

// Runs 42 real write requests of every kind on the tiny dataset (new
// listings 100-104 and their applications 100-109) and returns how many
// succeeded.
int WriteAFewDozen(Store& s) {
  const TenantId t = Tiny().listing(1).tenant;
  int ok = 0;
  for (EntityId id = 100; id < 105; ++id) {
    const Listing l = NewListing(id);
    const std::vector<Image> images = ImagesOf(id);
    ok += s.AddListing(l, images).ok();
  }
  for (int round = 0; round < 2; ++round) {
    for (EntityId id = 100; id < 105; ++id) {
      ListingUpdate u;
      u.tenant = t;
      u.listing = id;
      u.expected_version = uint64_t(round) + 1;
      u.price = int64_t(1000 + 10 * id + round);
      u.now = 2000 + round;
      ok += s.UpdateListing(u).ok();
    }
  }
  const EntityId applicant = Tiny().application(1).applicant;
  for (EntityId id = 100; id < 110; ++id) {
    Application a;
    a.id = id;
    a.tenant = t;
    a.listing = 100 + id % 5;
    a.applicant = applicant;
    a.submitted = int64_t(3000 + id);
    ok += s.SubmitApplication(a).ok();
  }
  for (EntityId id = 100; id < 110; ++id) {
    ok += s.DecideApplication(t, id, id % 2 == 0, int64_t(4000 + id)).ok();
  }
  for (EntityId id = 100; id < 110; id += 2) {
    Payment p;
    p.id = id;
    p.tenant = t;
    p.application = id;
    p.amount = 5000;
    p.currency = "GBP";
    p.gateway = "stripe";
    p.created = int64_t(5000 + id);
    ok += s.RecordPayment(p).ok();
  }
  Tenant tenant;
  tenant.id = 50;
  tenant.name = "Acme";
  tenant.country = "FR";
  tenant.currency = "EUR";
  tenant.gateway = "adyen";
  ok += s.AddTenant(tenant).ok();
  Landlord landlord;
  landlord.id = 50;
  landlord.tenant = 50;
  landlord.name = "Jo";
  landlord.email = "jo@example.com";
  ok += s.AddLandlord(landlord).ok();
  return ok;
}

// Ships every record of `log` after `after` to `applier`; returns how many.
int ShipAll(ChangeLog& log, LogApplier& applier, uint64_t after) {
  int shipped = 0;
  for (;;) {
    StatusOr<std::vector<ChangeRecord>> got = log.ReadSince(after, 7, kNoWait);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || got->empty()) return shipped;
    for (const ChangeRecord& r : *got) {
      const Status s = applier.Apply(r);
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (!s.ok()) return shipped;
      after = r.sequence;
      ++shipped;
    }
  }
}

// The whole content of the closed store in `dir`, and its answers.
struct Content {
  std::vector<EntityRow> entities;
  std::string answers;
};
Content ContentOf(const std::string& dir) {
  StatusOr<std::unique_ptr<Store>> s = OpenStore(Engine::kRocksDb, dir, StoreOptions());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return {};
  return {AllEntities(**s), TinyAnswers(**s)};
}

// The RocksDB database under the logged store's wrapper.
Status WithPrimaryDb(LoggedStore& primary, const std::function<Status(rocks::TxnDb&)>& fn) {
  auto* wrapper = dynamic_cast<StoreWrapper*>(&primary.store());
  if (wrapper == nullptr) return Status::NotSupported("no wrapper");
  return WithRocksDb(*wrapper->target(), fn);
}

TEST(RocksChangeLogTest, ReplicaFedEveryRecordHoldsWhatThePrimaryHolds) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(MakePrimaryAndReplica(tmp));
  const Content before = ContentOf(tmp.Sub("replica"));
  {
    auto primary = OpenRocksLoggedStore(tmp.Sub("primary"), StoreOptions());
    ASSERT_TRUE(primary.ok()) << primary.status().ToString();
    const uint64_t start = (*primary)->log().LastSequence();
    auto replica = OpenRocksLogApplier(tmp.Sub("replica"), StoreOptions(), start);
    ASSERT_TRUE(replica.ok()) << replica.status().ToString();
    EXPECT_EQ((*replica)->AppliedSequence(), start);
    ASSERT_EQ(WriteAFewDozen((*primary)->store()), 42);
    // One record per write request: each commits one plain batch.
    EXPECT_EQ(ShipAll((*primary)->log(), **replica, start), 42);
    EXPECT_EQ((*replica)->AppliedSequence(), (*primary)->log().LastSequence());
  }
  const Content primary = ContentOf(tmp.Sub("primary"));
  const Content replica = ContentOf(tmp.Sub("replica"));
  EXPECT_EQ(replica.answers, primary.answers);
  EXPECT_TRUE(replica.entities == primary.entities);
  EXPECT_EQ(replica.entities.size(),
            before.entities.size() + 5 + 5 * ImagesOf(100).size() + 10 + 5 + 2);
  EXPECT_NE(replica.answers, before.answers);
}

TEST(RocksChangeLogTest, ShipsWhileWritersRunDurably) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(MakePrimaryAndReplica(tmp));
  StoreOptions o;
  o.durable = true;
  {
    auto primary = OpenRocksLoggedStore(tmp.Sub("primary"), o);
    ASSERT_TRUE(primary.ok()) << primary.status().ToString();
    ChangeLog& log = (*primary)->log();
    const uint64_t start = log.LastSequence();
    auto replica = OpenRocksLogApplier(tmp.Sub("replica"), o, start);
    ASSERT_TRUE(replica.ok()) << replica.status().ToString();
    constexpr int kWriters = 4, kUpdates = 24;
    std::atomic<int> writing{kWriters}, written{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        const EntityId id = 300 + EntityId(w);
        written += (*primary)->store().AddListing(NewListing(id), ImagesOf(id)).ok();
        for (int k = 0; k < kUpdates; ++k) {
          ListingUpdate u;
          u.tenant = Tiny().listing(1).tenant;
          u.listing = id;
          u.expected_version = uint64_t(k) + 1;
          u.price = 2000 + k;
          u.now = 6000 + k;
          written += (*primary)->store().UpdateListing(u).ok();
        }
        --writing;
      });
    }
    // Tails the log while the writers run, then until it holds their last.
    int shipped = 0;
    uint64_t after = start;
    while (writing > 0 || after < log.LastSequence()) {
      auto got = log.ReadSince(after, 16, std::chrono::milliseconds(20));
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      for (const ChangeRecord& r : *got) {
        ASSERT_TRUE((*replica)->Apply(r).ok());
        after = r.sequence;
        ++shipped;
      }
    }
    for (std::thread& t : writers) t.join();
    EXPECT_EQ(written, kWriters * (1 + kUpdates));
    // A record is one WAL batch: one write's, or, when RocksDB commits
    // concurrent writes as a group, theirs merged.
    EXPECT_GE(shipped, 1);
    EXPECT_LE(shipped, written);
    EXPECT_EQ((*replica)->AppliedSequence(), log.LastSequence());
  }
  const Content primary = ContentOf(tmp.Sub("primary"));
  const Content replica = ContentOf(tmp.Sub("replica"));
  EXPECT_TRUE(replica.entities == primary.entities);
  EXPECT_EQ(replica.answers, primary.answers);
}

TEST(RocksChangeLogTest, RecordsOutliveAMemtableFlush) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(MakePrimaryAndReplica(tmp));
  auto primary = OpenRocksLoggedStore(tmp.Sub("primary"), StoreOptions());
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const uint64_t start = (*primary)->log().LastSequence();
  ASSERT_EQ(WriteAFewDozen((*primary)->store()), 42);
  ASSERT_TRUE(WithPrimaryDb(**primary, [](rocks::TxnDb& db) {
                return rocks::FromRocks(db.db()->Flush(rocksdb::FlushOptions()));
              }).ok());
  // The flushed WAL is archived, not deleted (purged after the flush, on
  // RocksDB's schedule: waited for, boundedly).
  bool archived = false;
  for (int i = 0; i < 1000 && !archived; ++i) {
    ASSERT_TRUE(WithPrimaryDb(**primary, [&](rocks::TxnDb& db) {
                  rocksdb::VectorLogPtr files;
                  LB_RETURN_IF_ERROR(rocks::FromRocks(db.db()->GetSortedWalFiles(files)));
                  for (const auto& f : files) archived |= f->Type() == rocksdb::kArchivedLogFile;
                  return Status::OK();
                }).ok());
    if (!archived) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(archived);
  auto replica = OpenRocksLogApplier(tmp.Sub("replica"), StoreOptions(), start);
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  EXPECT_EQ(ShipAll((*primary)->log(), **replica, start), 42);
  EXPECT_EQ((*replica)->AppliedSequence(), (*primary)->log().LastSequence());
}

TEST(RocksChangeLogTest, ReadSinceWaitsForAWriteAndReturnsNoneWithout) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(MakePrimaryAndReplica(tmp));
  auto primary = OpenRocksLoggedStore(tmp.Sub("primary"), StoreOptions());
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  ChangeLog& log = (*primary)->log();
  const uint64_t start = log.LastSequence();
  const auto began = std::chrono::steady_clock::now();
  auto none = log.ReadSince(start, 10, std::chrono::milliseconds(200));
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - began, std::chrono::milliseconds(200));
  // A write on another thread ends a wait (the test bounds nothing but the
  // outcome: one record, the write's).
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE((*primary)->store().AddListing(NewListing(100), ImagesOf(100)).ok());
  });
  auto one = log.ReadSince(start, 10, std::chrono::seconds(60));
  writer.join();
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().sequence, log.LastSequence());
  // Nothing after the last record; nothing when asked for none.
  auto after_last = log.ReadSince(log.LastSequence(), 10, kNoWait);
  ASSERT_TRUE(after_last.ok());
  EXPECT_TRUE(after_last->empty());
  auto zero = log.ReadSince(start, 0, kNoWait);
  ASSERT_TRUE(zero.ok());
  EXPECT_TRUE(zero->empty());
}

TEST(RocksChangeLogTest, ApplyRefusesOldRecordsAndRecordsOfAnotherStore) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(MakePrimaryAndReplica(tmp));
  auto primary = OpenRocksLoggedStore(tmp.Sub("primary"), StoreOptions());
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const uint64_t start = (*primary)->log().LastSequence();
  ASSERT_EQ(WriteAFewDozen((*primary)->store()), 42);
  auto records = (*primary)->log().ReadSince(start, 100, kNoWait);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 42u);
  auto replica = OpenRocksLogApplier(tmp.Sub("replica"), StoreOptions(), start);
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  LogApplier& applier = **replica;
  // Skipping a record: the next one's batch does not begin where the copy is.
  EXPECT_EQ(applier.Apply((*records)[1]).code(), StatusCode::kCorruption);
  ASSERT_TRUE(applier.Apply((*records)[0]).ok());
  ASSERT_TRUE(applier.Apply((*records)[1]).ok());
  // Again, or out of order.
  EXPECT_EQ(applier.Apply((*records)[1]).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(applier.Apply((*records)[0]).code(), StatusCode::kInvalidArgument);
  // A record whose sequence does not match its batch.
  ChangeRecord mislabelled = (*records)[2];
  mislabelled.sequence += 1;
  EXPECT_EQ(applier.Apply(mislabelled).code(), StatusCode::kCorruption);
  ChangeRecord torn = (*records)[2];
  torn.bytes.resize(5);
  EXPECT_EQ(applier.Apply(torn).code(), StatusCode::kCorruption);
  torn = (*records)[2];
  torn.bytes.resize(torn.bytes.size() - 3);  // the last put cut short
  EXPECT_EQ(applier.Apply(torn).code(), StatusCode::kCorruption);
  EXPECT_EQ(applier.AppliedSequence(), (*records)[1].sequence);
  // The rest applies: nothing refused was written.
  for (size_t i = 2; i < records->size(); ++i) ASSERT_TRUE(applier.Apply((*records)[i]).ok());
  EXPECT_EQ(applier.AppliedSequence(), (*primary)->log().LastSequence());
}

TEST(RocksChangeLogTest, ACopyAtAnotherSequenceIsCorruption) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(MakePrimaryAndReplica(tmp));
  {  // The replica takes a write of its own: no longer the primary's copy.
    auto s = OpenStore(Engine::kRocksDb, tmp.Sub("replica"), StoreOptions());
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->AddListing(NewListing(200), ImagesOf(200)).ok());
  }
  auto primary = OpenRocksLoggedStore(tmp.Sub("primary"), StoreOptions());
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const uint64_t start = (*primary)->log().LastSequence();
  ASSERT_EQ(WriteAFewDozen((*primary)->store()), 42);
  auto records = (*primary)->log().ReadSince(start, 1, kNoWait);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 1u);
  auto replica = OpenRocksLogApplier(tmp.Sub("replica"), StoreOptions(), start);
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  const Status s = (*replica)->Apply(records->front());
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_EQ((*replica)->AppliedSequence(), start);
}

TEST(RocksChangeLogTest, RecordsBeforeTheLogAreUnavailable) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(MakePrimaryAndReplica(tmp));
  auto primary = OpenRocksLoggedStore(tmp.Sub("primary"), StoreOptions());
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  ASSERT_TRUE((*primary)->store().AddListing(NewListing(100), ImagesOf(100)).ok());
  // The load's batches were flushed before the log began.
  auto old = (*primary)->log().ReadSince(0, 10, kNoWait);
  EXPECT_EQ(old.status().code(), StatusCode::kIOError) << old.status().ToString();
}

TEST(RocksChangeLogTest, AStoreWithoutWalShipsNothing) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(MakePrimaryAndReplica(tmp));
  StoreOptions o;
  o.rocksdb_wal = false;
  EXPECT_EQ(OpenRocksLoggedStore(tmp.Sub("primary"), o).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenLoggedStore(Engine::kRocksDb, tmp.Sub("primary"), StoreOptions()).status().code(),
            StatusCode::kOk);
}

}  // namespace
}  // namespace listbench
