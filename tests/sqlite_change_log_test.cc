// Log shipping on SQLite (engine/sqlite/sqlite_change_log.h): a logged
// primary's records, applied in order to a clone, make the clone the
// primary's exact copy; the applier refuses records out of order, after a
// gap, and ones that conflict with its copy.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/entity_scan.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_options.h"
#include "engine/change_log.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

using testing::LoadTiny;
using testing::OpenNewStore;
using testing::TempDir;
using testing::TinyAnswers;

// Loads Tiny() into tmp/primary, closes it and clones it to tmp/replica.
void MakePrimaryAndReplica(const TempDir& tmp) {
  {
    StatusOr<std::unique_ptr<Store>> s = OpenNewStore(Engine::kSqlite, tmp.Sub("primary"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(LoadTiny(**s).ok());
  }
  ASSERT_TRUE(CloneStore(Engine::kSqlite, tmp.Sub("primary"), tmp.Sub("replica")).ok());
}

// Every entity of every kind, in key order, one per line.
std::string AllEntities(Store& s) {
  std::string out;
  for (int k = 0; k < kNumEntityKinds; ++k) {
    std::string after;
    for (;;) {
      std::vector<EntityRow> rows;
      const Status st = s.ScanEntities(static_cast<EntityKind>(k), after, 50, &rows);
      EXPECT_TRUE(st.ok()) << st.ToString();
      for (const EntityRow& r : rows) out += r.key + " " + CanonicalEntity(r.entity) + "\n";
      if (!st.ok() || rows.size() < 50) break;
      after = rows.back().key;
    }
  }
  return out;
}

// What a closed store in `dir` holds: its read answers and its entities.
std::string Contents(const std::string& dir) {
  StatusOr<std::unique_ptr<Store>> s = OpenStore(Engine::kSqlite, dir, StoreOptions{});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return "";
  return TinyAnswers(**s) + AllEntities(**s);
}

// Every record of `log`, read seven at a time.
std::vector<ChangeRecord> ReadAll(ChangeLog& log) {
  std::vector<ChangeRecord> all;
  for (;;) {
    StatusOr<std::vector<ChangeRecord>> rs =
        log.ReadSince(all.size(), 7, std::chrono::milliseconds(0));
    EXPECT_TRUE(rs.ok()) << rs.status().ToString();
    if (!rs.ok() || rs->empty()) return all;
    EXPECT_LE(rs->size(), 7u);
    all.insert(all.end(), rs->begin(), rs->end());
  }
}

Application App(EntityId id, TenantId tenant, EntityId listing, EntityId applicant) {
  return {id,
          tenant,
          listing,
          applicant,
          ApplicationStatus::kSubmitted,
          1700000000 + static_cast<int64_t>(id),
          0};
}

Payment Pay(EntityId id, TenantId tenant, EntityId application) {
  return {id,
          tenant,
          application,
          1000 + static_cast<int64_t>(id),
          "GBP",
          "stripe",
          PaymentStatus::kCaptured,
          1700100000 + static_cast<int64_t>(id)};
}

Listing NewListing(EntityId id, TenantId tenant, EntityId landlord) {
  Listing l;
  l.id = id;
  l.tenant = tenant;
  l.landlord = landlord;
  l.city = "Oslo";
  l.postcode = "0150";
  l.price = 140000;
  l.bedrooms = 2;
  l.title = "2-bed in Oslo";
  l.description = "By the fjord";
  l.created = l.updated = 1700000000;
  return l;
}

// Counts the outcomes of the writes run through it.
struct Outcomes {
  int ok = 0, conflict = 0, not_found = 0;
  void Add(const Status& s) {
    if (s.ok()) {
      ++ok;
    } else if (s.code() == StatusCode::kConflict) {
      ++conflict;
    } else if (s.code() == StatusCode::kNotFound) {
      ++not_found;
    } else {
      ADD_FAILURE() << s.ToString();
    }
  }
};

// Onboarding, entity puts and W4: a new tenant with a landlord, an
// applicant and a listing; and their Conflict and NotFound outcomes.
void OnboardingWrites(Store& s, Outcomes& o) {
  const Tenant t{3, "Nord Hjem", "NO", "NOK", "adyen"};
  o.Add(s.AddTenant(t));
  o.Add(s.AddTenant(t));  // Conflict
  o.Add(s.AddLandlord({10, 3, "Gro Dahl", "gro@example.no", 42, 1700000000}));
  o.Add(s.AddLandlord({11, 99, "Nobody", "no@example.no", 10, 1700000000}));  // NotFound
  bool applied = false;
  o.Add(s.PutEntity(Applicant{10, 3, "Ola Berg", "ola@example.no", 4000000}, &applied));
  EXPECT_TRUE(applied);
  const Listing l = NewListing(20, 3, 10);
  const std::vector<Image> images = {{20, 0, "https://img.example/20/0.jpg", 800, 600, 1000},
                                     {20, 1, "https://img.example/20/1.jpg", 800, 600, 2000}};
  o.Add(s.AddListing(l, images));
  o.Add(s.AddListing(l, images));                  // Conflict
  o.Add(s.AddListing(NewListing(21, 3, 99), {}));  // NotFound
  o.Add(s.SubmitApplication(App(300, 3, 20, 10)));
}

// W1, W5, W2 and W3 over tenant 1, with their Conflict and NotFound outcomes.
void WorkloadWrites(Store& s, Outcomes& o) {
  for (EntityId i = 0; i < 10; ++i)
    o.Add(s.SubmitApplication(App(100 + i, 1, 1 + i % 3, 1 + i % 2)));
  o.Add(s.SubmitApplication(App(100, 1, 1, 1)));   // Conflict: exists
  o.Add(s.SubmitApplication(App(120, 1, 4, 1)));   // Conflict: listing let
  o.Add(s.SubmitApplication(App(121, 1, 99, 1)));  // NotFound
  for (EntityId i = 0; i < 10; ++i) o.Add(s.DecideApplication(1, 100 + i, i % 2 == 0, 1700050000));
  o.Add(s.DecideApplication(1, 100, true, 1700060000));  // Conflict
  o.Add(s.DecideApplication(1, 999, true, 1700060000));  // NotFound
  for (EntityId i = 0; i < 10; ++i)
    o.Add(s.RecordPayment(Pay(200 + i, 1, 100 + i)));  // odd: Conflict
  o.Add(s.RecordPayment(Pay(200, 1, 102)));            // Conflict: payment exists
  ListingUpdate u{1, 1, 1, 160000, std::nullopt, 1700070000};
  o.Add(s.UpdateListing(u).status());
  o.Add(s.UpdateListing(u).status());                                           // Conflict: version
  o.Add(s.UpdateListing({1, 99, 1, 1000, std::nullopt, 1700070000}).status());  // NotFound
  o.Add(s.UpdateListing({1, 2, 1, std::nullopt, ListingStatus::kWithdrawn, 1700070000}).status());
}

TEST(SqliteChangeLogTest, ShippedLogMakesTheReplicaThePrimary) {
  TempDir tmp;
  MakePrimaryAndReplica(tmp);
  Outcomes o;
  std::vector<ChangeRecord> records;
  {
    StatusOr<std::unique_ptr<LoggedStore>> p =
        OpenLoggedStore(Engine::kSqlite, tmp.Sub("primary"), StoreOptions{});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ((*p)->log().LastSequence(), 0u);
    OnboardingWrites((*p)->store(), o);
    WorkloadWrites((*p)->store(), o);
    // Each successful write is one record; a failed one (which changed
    // nothing) none.
    EXPECT_EQ((*p)->log().LastSequence(), static_cast<uint64_t>(o.ok));
    records = ReadAll((*p)->log());
  }
  EXPECT_GE(o.ok, 25);
  EXPECT_GE(o.conflict, 10);
  EXPECT_GE(o.not_found, 5);
  ASSERT_EQ(records.size(), static_cast<size_t>(o.ok));
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].sequence, i + 1);

  const std::string primary = Contents(tmp.Sub("primary"));
  EXPECT_NE(Contents(tmp.Sub("replica")), primary);  // the test can fail
  {
    StatusOr<std::unique_ptr<LogApplier>> a =
        OpenLogApplier(Engine::kSqlite, tmp.Sub("replica"), StoreOptions{}, 0);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    for (const ChangeRecord& r : records) ASSERT_TRUE((*a)->Apply(r).ok()) << r.sequence;
    EXPECT_EQ((*a)->AppliedSequence(), records.size());
  }
  EXPECT_EQ(Contents(tmp.Sub("replica")), primary);
  EXPECT_TRUE(VerifyStoreFiles(Engine::kSqlite, tmp.Sub("replica")).ok());
}

// One writer thread: applications, decisions and payments of its own, and
// optimistic updates of listing 1, which every writer races for.
void RacingWrites(Store& s, int thread, std::atomic<int>& failures) {
  for (EntityId i = 0; i < 25; ++i) {
    const EntityId id = 1000 + static_cast<EntityId>(thread) * 100 + i;
    if (!s.SubmitApplication(App(id, 1, 1 + i % 3, 1 + i % 2)).ok()) ++failures;
    if (!s.DecideApplication(1, id, i % 3 != 0, 1700050000 + id).ok()) ++failures;
    if (i % 3 != 0 && !s.RecordPayment(Pay(id, 1, id)).ok()) ++failures;
    StatusOr<ListingDetail> d = s.GetListingDetail(1, 1);
    if (!d.ok()) {
      ++failures;
      continue;
    }
    // A Conflict when another writer updated it first: nothing logged.
    ListingUpdate u{1,
                    1,
                    d->listing.version,
                    100000 + static_cast<int64_t>(id),
                    std::nullopt,
                    1700070000 + static_cast<int64_t>(id)};
    const Status st = s.UpdateListing(u).status();
    if (!st.ok() && st.code() != StatusCode::kConflict) ++failures;
  }
}

TEST(SqliteChangeLogTest, ConcurrentWritersShipInCommitOrder) {
  TempDir tmp;
  MakePrimaryAndReplica(tmp);
  {
    StatusOr<std::unique_ptr<LoggedStore>> p =
        OpenLoggedStore(Engine::kSqlite, tmp.Sub("primary"), StoreOptions{});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    StatusOr<std::unique_ptr<LogApplier>> a =
        OpenLogApplier(Engine::kSqlite, tmp.Sub("replica"), StoreOptions{}, 0);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ChangeLog& log = (*p)->log();
    std::atomic<int> failures{0};
    std::atomic<bool> done{false};
    // The replica follows while the writers run.
    std::thread shipper([&] {
      for (;;) {
        const bool last_round = done.load();
        StatusOr<std::vector<ChangeRecord>> rs =
            log.ReadSince((*a)->AppliedSequence(), 16, std::chrono::milliseconds(20));
        if (!rs.ok()) {
          ++failures;
          return;
        }
        for (const ChangeRecord& r : *rs) {
          if (!(*a)->Apply(r).ok()) ++failures;
        }
        if (last_round && (*a)->AppliedSequence() == log.LastSequence()) return;
        if (failures.load() > 0) return;
      }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] { RacingWrites((*p)->store(), t, failures); });
    }
    for (std::thread& w : writers) w.join();
    done = true;
    shipper.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_GE(log.LastSequence(), 4u * 25u * 2u);
    EXPECT_EQ((*a)->AppliedSequence(), log.LastSequence());
  }
  const std::string primary = Contents(tmp.Sub("primary"));
  EXPECT_EQ(Contents(tmp.Sub("replica")), primary);
}

TEST(SqliteChangeLogTest, ReadSinceWaitsForARecord) {
  TempDir tmp;
  MakePrimaryAndReplica(tmp);
  StatusOr<std::unique_ptr<LoggedStore>> p =
      OpenLoggedStore(Engine::kSqlite, tmp.Sub("primary"), StoreOptions{});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ChangeLog& log = (*p)->log();
  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::vector<ChangeRecord>> none = log.ReadSince(0, 10, std::chrono::milliseconds(300));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));

  // A write made while a reader waits wakes it with the record.
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE((*p)->store().SubmitApplication(App(100, 1, 1, 1)).ok());
  });
  StatusOr<std::vector<ChangeRecord>> one = log.ReadSince(0, 10, std::chrono::seconds(30));
  writer.join();
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].sequence, 1u);
  EXPECT_EQ(log.LastSequence(), 1u);
  // Nothing after the last record: none, after the wait.
  StatusOr<std::vector<ChangeRecord>> after = log.ReadSince(1, 10, std::chrono::milliseconds(1));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST(SqliteChangeLogTest, ApplierRefusesOutOfOrderGapsAndConflicts) {
  TempDir tmp;
  MakePrimaryAndReplica(tmp);
  std::vector<ChangeRecord> rs;
  {
    StatusOr<std::unique_ptr<LoggedStore>> p =
        OpenLoggedStore(Engine::kSqlite, tmp.Sub("primary"), StoreOptions{});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ASSERT_TRUE((*p)->store().SubmitApplication(App(100, 1, 1, 1)).ok());
    ASSERT_TRUE((*p)->store().DecideApplication(1, 100, true, 1700050000).ok());
    rs = (*p)->log().ReadSince(0, 10, std::chrono::milliseconds(0)).value();
  }
  ASSERT_EQ(rs.size(), 2u);
  {
    StatusOr<std::unique_ptr<LogApplier>> a =
        OpenLogApplier(Engine::kSqlite, tmp.Sub("replica"), StoreOptions{}, 0);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ((*a)->Apply(rs[1]).code(), StatusCode::kCorruption);  // a gap
    ASSERT_TRUE((*a)->Apply(rs[0]).ok());
    EXPECT_EQ((*a)->Apply(rs[0]).code(), StatusCode::kInvalidArgument);  // again
    EXPECT_EQ((*a)->Apply(ChangeRecord{0, rs[1].bytes}).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ((*a)->Apply(ChangeRecord{2, "not a changeset"}).code(), StatusCode::kCorruption);
    ASSERT_TRUE((*a)->Apply(rs[1]).ok());
    EXPECT_EQ((*a)->AppliedSequence(), 2u);
  }
  {
    // A second applier told the copy is still at 0: record 1's insert
    // conflicts with the row it already holds.
    StatusOr<std::unique_ptr<LogApplier>> a =
        OpenLogApplier(Engine::kSqlite, tmp.Sub("replica"), StoreOptions{}, 0);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    const Status st = (*a)->Apply(rs[0]);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
    EXPECT_NE(st.message().find("record 1"), std::string::npos) << st.ToString();
    EXPECT_EQ((*a)->AppliedSequence(), 0u);
  }
  {
    // Record 2's update of a row the copy holds otherwise: a conflict too.
    StatusOr<std::unique_ptr<LogApplier>> a =
        OpenLogApplier(Engine::kSqlite, tmp.Sub("replica"), StoreOptions{}, 1);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ((*a)->Apply(rs[1]).code(), StatusCode::kCorruption);
  }
  // The refused records changed nothing: the copy is the primary's.
  EXPECT_EQ(Contents(tmp.Sub("replica")), Contents(tmp.Sub("primary")));
}

TEST(SqliteChangeLogTest, LoggedStoreRefusesWritesItCannotShip) {
  TempDir tmp;
  MakePrimaryAndReplica(tmp);
  StatusOr<std::unique_ptr<LoggedStore>> p =
      OpenLoggedStore(Engine::kSqlite, tmp.Sub("primary"), StoreOptions{});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->store().Clear().code(), StatusCode::kNotSupported);
  std::unique_ptr<BulkLoader> loader = (*p)->store().NewBulkLoader();
  EXPECT_EQ(loader->AddTenant({9, "T", "GB", "GBP", "stripe"}).code(), StatusCode::kNotSupported);
  EXPECT_EQ(loader->Finish().code(), StatusCode::kNotSupported);
  EXPECT_EQ((*p)->log().LastSequence(), 0u);
  EXPECT_EQ((*p)->store().Name(), "sqlite");
}

TEST(SqliteChangeLogTest, ApplierNeedsAStore) {
  TempDir tmp;
  StatusOr<std::unique_ptr<LogApplier>> a =
      OpenLogApplier(Engine::kSqlite, tmp.path(), StoreOptions{}, 0);
  EXPECT_EQ(a.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace listbench
