// The migration's entity access (Store::GetEntity, Store::PutEntity) on both
// engines: copying every entity of a loaded SQLite store, kind by kind in
// dependency order, into an empty store of either engine yields a store
// that scans byte-identically, keeps its invariants and answers every read
// and write of a seeded stream as the source does (so the derived data --
// copies, index entries, open counts -- is what the workload would have
// written); copies never make an entity older and a repeated copy is a
// no-op; a missing parent is NotFound and writes nothing; an I/O error
// leaves the store serving and a retry completes the copy; GetEntity returns
// exactly what ScanEntities returns. PutEntities copies as PutEntity does,
// as one all-or-nothing write.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/harness/differential.h"
#include "core/canonical.h"
#include "core/io_fault.h"
#include "engine/sqlite/sqlite_store.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"
#include "workloads/dataset.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using testing::Tiny;
using testing::TinyAnswers;

constexpr DatasetSpec kSpec{200, 23};
constexpr Engine kEngines[] = {Engine::kSqlite, Engine::kRocksDb};
// Dependency order: every entity's parents come in an earlier kind.
constexpr EntityKind kKinds[] = {
    EntityKind::kTenant,    EntityKind::kLandlord,    EntityKind::kListing, EntityKind::kImage,
    EntityKind::kApplicant, EntityKind::kApplication, EntityKind::kPayment};

std::unique_ptr<Store> OpenIn(Engine e, const std::string& dir, IoFaultInjector* faults = nullptr) {
  fs::create_directories(dir);
  StoreOptions o;
  o.faults = faults;
  auto s = OpenStore(e, dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

std::vector<EntityRow> ScanAll(Store& s, EntityKind kind) {
  constexpr size_t kPage = 256;
  std::vector<EntityRow> all, rows;
  std::string after;
  for (;;) {
    const Status st = s.ScanEntities(kind, after, kPage, &rows);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok()) return all;
    all.insert(all.end(), rows.begin(), rows.end());
    if (rows.size() < kPage) return all;
    after = rows.back().key;
  }
}

// Every kind's scan, one after the other.
std::vector<std::vector<EntityRow>> ScanEverything(Store& s) {
  std::vector<std::vector<EntityRow>> out;
  for (EntityKind k : kKinds) out.push_back(ScanAll(s, k));
  return out;
}

std::vector<std::string> Violations(Store& s) {
  std::vector<std::string> v;
  const Status st = s.CheckInvariants(&v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

// Puts every entity `from` scans into `to`, in dependency order; returns
// how many were applied.
size_t CopyAll(Store& from, Store& to) {
  size_t applied_count = 0;
  for (EntityKind k : kKinds) {
    for (const EntityRow& row : ScanAll(from, k)) {
      bool applied = false;
      const Status st = to.PutEntity(row.entity, &applied);
      EXPECT_TRUE(st.ok()) << EntityKindName(k) << " " << EntityKeyToString(k, row.key) << ": "
                           << st.ToString();
      if (applied) ++applied_count;
    }
  }
  return applied_count;
}

// Fails the first write to a WAL (either engine's) after Arm() with an I/O
// error, once.
class FailOneWalWrite final : public testing::BeforeOnlyInjector {
 public:
  void Arm() { armed_ = true; }
  bool fired() const { return fired_; }
  IoVerdict Before(IoOp op, const std::string& path, uint64_t, uint64_t) override {
    if (op != IoOp::kWrite || ClassifyFile(path) != FileKind::kWal || !armed_.exchange(false)) {
      return IoVerdict::kProceed;
    }
    fired_ = true;
    return IoVerdict::kIoError;
  }

 private:
  std::atomic<bool> armed_{false}, fired_{false};
};

// Puts `e` and returns whether it was applied (failing the test on an error).
bool Put(Store& s, const Entity& e) {
  bool applied = true;
  const Status st = s.PutEntity(e, &applied);
  EXPECT_TRUE(st.ok()) << CanonicalEntity(e) << ": " << st.ToString();
  return applied;
}

// The SQLite source, generated once; each test clones what it changes.
class EntityPutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    catalog_ = new DatasetCatalog();
    for (Engine e : kEngines) {
      std::unique_ptr<Store> s = OpenIn(e, Base(e));
      ASSERT_NE(s, nullptr);
      auto loader = s->NewBulkLoader();
      ASSERT_TRUE(GenerateDataset(kSpec, loader.get(), nullptr).ok());
      ASSERT_TRUE(loader->Finish().ok());
    }
    ASSERT_TRUE(GenerateDataset(kSpec, nullptr, catalog_).ok());
  }
  static void TearDownTestSuite() {
    delete catalog_;
    delete tmp_;
  }
  // The generated dataset, bulk-loaded into engine e.
  static std::string Base(Engine e) { return tmp_->Sub("base-" + std::string(EngineName(e))); }

  // Both engines with the tiny dataset, bulk-loaded.
  void LoadTinyIntoBoth(std::unique_ptr<Store> (&stores)[2], IoFaultInjector* faults = nullptr) {
    for (int i = 0; i < 2; ++i) {
      stores[i] =
          OpenIn(kEngines[i], scratch_.Sub("tiny-" + std::string(EngineName(kEngines[i]))), faults);
      ASSERT_NE(stores[i], nullptr);
      ASSERT_TRUE(testing::LoadTiny(*stores[i]).ok());
    }
  }

  static testing::TempDir* tmp_;
  static DatasetCatalog* catalog_;
  testing::TempDir scratch_;
};
testing::TempDir* EntityPutTest::tmp_ = nullptr;
DatasetCatalog* EntityPutTest::catalog_ = nullptr;

// ---- Copying a whole store ---------------------------------------------------------

TEST_F(EntityPutTest, CopyIntoAnEmptyStoreOfEitherEngineAnswersAsTheSource) {
  for (Engine e : kEngines) {
    SCOPED_TRACE(EngineName(e));
    const std::string source_dir =
        scratch_.Sub(std::string("source-") + std::string(EngineName(e)));
    ASSERT_TRUE(CloneSqliteStore(Base(Engine::kSqlite), source_dir).ok());
    std::unique_ptr<Store> source = OpenIn(Engine::kSqlite, source_dir);
    std::unique_ptr<Store> target = OpenIn(e, scratch_.Sub("copy-" + std::string(EngineName(e))));
    ASSERT_NE(source, nullptr);
    ASSERT_NE(target, nullptr);

    const std::vector<std::vector<EntityRow>> want = ScanEverything(*source);
    size_t total = 0;
    for (const auto& rows : want) total += rows.size();
    const WorkStats before = target->work_stats();
    EXPECT_EQ(CopyAll(*source, *target), total);
    EXPECT_GE(target->work_stats().rows_written - before.rows_written, total);
    ASSERT_EQ(ScanEverything(*target), want);  // keys, canonical forms and entities
    EXPECT_EQ(Violations(*target), std::vector<std::string>{});
    // The same copies again: all held at their versions, nothing written.
    EXPECT_EQ(CopyAll(*source, *target), 0u);
    EXPECT_EQ(ScanEverything(*target), want);

    // R1-R5 as the source answers them...
    TraceSpec reads;
    for (OpKind k : {OpKind::kListingDetail, OpKind::kLandlordPortfolio, OpKind::kSearch,
                     OpKind::kApplicantProfile, OpKind::kListingApplications}) {
      reads.mix[static_cast<int>(k)] = 1;
    }
    reads.ops = 1500;
    reads.seed = 5;
    DiffReport d;
    RunDifferential(*source, *target, MakeTrace(*catalog_, reads), &d);
    EXPECT_EQ(d.mismatches, 0u) << d.first_mismatches.front().op
                                << "\n source: " << d.first_mismatches.front().a
                                << "\n copy:   " << d.first_mismatches.front().b;
    // ...and every write too, in lockstep, with reads of what they changed
    // (open counts, index entries and copies derived from copied entities).
    DiffReport w;
    RunDifferential(*source, *target, MakeVerifyTrace(*catalog_, {3000, 6}), &w);
    ASSERT_TRUE(CheckInvariantsOfBoth(*source, *target, &w).ok());
    EXPECT_EQ(w.mismatches, 0u) << w.first_mismatches.front().op
                                << "\n source: " << w.first_mismatches.front().a
                                << "\n copy:   " << w.first_mismatches.front().b;
    EXPECT_EQ(w.invariant_violations, std::vector<std::string>{});
    for (int k = 0; k < kNumOpKinds; ++k) {
      EXPECT_GT(w.outcomes[k]["ok"], 0u) << OpKindName(static_cast<OpKind>(k));
    }
    EXPECT_EQ(ScanEverything(*target), ScanEverything(*source));
  }
}

// ---- Copying many entities as one write ------------------------------------------------

// Puts every entity `from` scans into `to` with PutEntities: each kind in
// chunks of `chunk` entities, or (chunk 0) everything in ONE call, kinds in
// dependency order, so that a listing's images and an application's open
// count are written after their listing within the same write. Returns how
// many were applied.
size_t CopyAllBatched(Store& from, Store& to, size_t chunk) {
  std::vector<Entity> all;
  for (EntityKind k : kKinds) {
    for (const EntityRow& row : ScanAll(from, k)) all.push_back(row.entity);
  }
  const size_t step = chunk == 0 ? all.size() : chunk;
  size_t applied_count = 0;
  for (size_t at = 0; at < all.size(); at += step) {
    const std::span<const Entity> part(all.data() + at, std::min(step, all.size() - at));
    std::vector<uint8_t> applied{7};  // resized and overwritten by the call
    const Status st = to.PutEntities(part, &applied);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(applied.size(), part.size());
    for (uint8_t a : applied) applied_count += a == 1 ? 1 : 0;
  }
  return applied_count;
}

TEST_F(EntityPutTest, PutEntitiesCopiesAsPutEntityDoesInChunksOrInOneWrite) {
  for (size_t chunk : {size_t{37}, size_t{0}}) {
    for (Engine e : kEngines) {
      SCOPED_TRACE(std::string(EngineName(e)) + " chunk " + std::to_string(chunk));
      std::unique_ptr<Store> source = OpenIn(Engine::kSqlite, Base(Engine::kSqlite));
      const std::string dir = scratch_.Sub(fmt::format("batched-{}-{}", EngineName(e), chunk));
      std::unique_ptr<Store> target = OpenIn(e, dir);
      ASSERT_NE(source, nullptr);
      ASSERT_NE(target, nullptr);
      const std::vector<std::vector<EntityRow>> want = ScanEverything(*source);
      size_t total = 0;
      for (const auto& rows : want) total += rows.size();
      EXPECT_EQ(CopyAllBatched(*source, *target, chunk), total);
      ASSERT_EQ(ScanEverything(*target), want);
      EXPECT_EQ(Violations(*target), std::vector<std::string>{});
      EXPECT_EQ(CopyAllBatched(*source, *target, chunk), 0u);  // all held: nothing written
      // The copy answers the reads and writes of a seeded stream as the source.
      DiffReport w;
      RunDifferential(*source, *target, MakeVerifyTrace(*catalog_, {1500, 8}), &w);
      EXPECT_EQ(w.mismatches, 0u) << w.first_mismatches.front().op
                                  << "\n source: " << w.first_mismatches.front().a
                                  << "\n copy:   " << w.first_mismatches.front().b;
      ASSERT_TRUE(CheckInvariantsOfBoth(*source, *target, &w).ok());
      EXPECT_EQ(w.invariant_violations, std::vector<std::string>{});
    }
  }
}

TEST_F(EntityPutTest, PutEntitiesIsOneWriteAllOrNothing) {
  std::unique_ptr<Store> stores[2];
  LoadTinyIntoBoth(stores);
  const Tenant third{3, "Third", "FR", "EUR", "adyen"};
  const Landlord of_third{9, 3, "Nobody", "n@example.com", 10, 1};
  const Landlord of_missing{10, 4, "Nobody", "m@example.com", 10, 1};  // no tenant 4
  for (auto& s : stores) {
    SCOPED_TRACE(s->Name());
    const auto everything = ScanEverything(*s);
    // A missing parent anywhere in the batch: NotFound, nothing written --
    // not even the entities before it.
    const Entity bad[] = {third, of_third, of_missing};
    std::vector<uint8_t> applied;
    EXPECT_EQ(s->PutEntities(bad, &applied).code(), StatusCode::kNotFound);
    EXPECT_EQ(applied, (std::vector<uint8_t>{0, 0, 0}));
    EXPECT_EQ(ScanEverything(*s), everything);
    EXPECT_EQ(Violations(*s), std::vector<std::string>{});
    // A parent earlier in the same batch is enough; an entity already held
    // at its version is left alone.
    const Entity good[] = {Tiny().listing(1), third, of_third};
    ASSERT_TRUE(s->PutEntities(good, &applied).ok());
    EXPECT_EQ(applied, (std::vector<uint8_t>{0, 1, 1}));
    EXPECT_TRUE(s->GetEntity(EntityKind::kLandlord, EntityKey(of_third.id)).ok());
    EXPECT_EQ(Violations(*s), std::vector<std::string>{});
    // Nothing to write: OK, all false.
    ASSERT_TRUE(s->PutEntities(good, &applied).ok());
    EXPECT_EQ(applied, (std::vector<uint8_t>{0, 0, 0}));
  }
}

// ---- Reading one entity ------------------------------------------------------------

TEST_F(EntityPutTest, GetEntityReturnsWhatTheScanReturnsOnBothEngines) {
  for (Engine e : kEngines) {
    SCOPED_TRACE(EngineName(e));
    std::unique_ptr<Store> s = OpenIn(e, Base(e));
    ASSERT_NE(s, nullptr);
    for (EntityKind k : kKinds) {
      SCOPED_TRACE(EntityKindName(k));
      const std::vector<EntityRow> rows = ScanAll(*s, k);
      EXPECT_GT(rows.size(), 0u);
      for (const EntityRow& row : rows) {
        ASSERT_EQ(KindOf(row.entity), k);
        StatusOr<Entity> got = s->GetEntity(k, row.key);
        ASSERT_TRUE(got.ok()) << EntityKeyToString(k, row.key) << ": " << got.status().ToString();
        ASSERT_EQ(*got, row.entity) << EntityKeyToString(k, row.key);
      }
    }
  }
}

TEST_F(EntityPutTest, GetEntityOfAnAbsentOrMalformedKey) {
  std::unique_ptr<Store> stores[2];
  LoadTinyIntoBoth(stores);
  for (auto& s : stores) {
    SCOPED_TRACE(s->Name());
    const std::pair<EntityKind, std::string> absent[] = {
        {EntityKind::kTenant, EntityKey(3)},
        {EntityKind::kTenant, EntityKey(uint64_t{1} << 32 | 1)},  // beyond 32-bit tenant ids
        {EntityKind::kLandlord, EntityKey(99)},
        {EntityKind::kListing, EntityKey(7)},
        {EntityKind::kImage, ImageEntityKey(1, 2)},  // listing 1 has images 0 and 1
        {EntityKind::kImage, ImageEntityKey(99, 0)},
        {EntityKind::kApplicant, EntityKey(4)},
        {EntityKind::kApplication, EntityKey(6)},
        {EntityKind::kPayment, PaymentEntityKey(1, 3)},
        {EntityKind::kPayment, PaymentEntityKey(2, 1)},  // payment 1 is applicant 1's
    };
    for (const auto& [kind, key] : absent) {
      EXPECT_EQ(s->GetEntity(kind, key).status().code(), StatusCode::kNotFound)
          << EntityKindName(kind) << " " << EntityKeyToString(kind, key);
    }
    // Present, in both tenants.
    EXPECT_EQ(*s->GetEntity(EntityKind::kApplicant, EntityKey(3)), Entity(Tiny().applicant(3)));
    EXPECT_EQ(*s->GetEntity(EntityKind::kPayment, PaymentEntityKey(1, 2)),
              Entity(Tiny().payment(2)));
    EXPECT_EQ(*s->GetEntity(EntityKind::kImage, ImageEntityKey(5, 2)),
              Entity(Tiny().images_of(5)[2]));
    EXPECT_EQ(*s->GetEntity(EntityKind::kTenant, EntityKey(2)), Entity(Tiny().tenants[1]));
    // Malformed: not a key of the kind.
    EXPECT_EQ(s->GetEntity(EntityKind::kListing, "abc").status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(s->GetEntity(EntityKind::kImage, EntityKey(1)).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(s->GetEntity(EntityKind::kListing, ImageEntityKey(1, 0)).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(s->GetEntity(EntityKind::kPayment, "").status().code(), StatusCode::kInvalidArgument);
  }
}

// ---- Versions ------------------------------------------------------------------------

TEST_F(EntityPutTest, OlderCopiesAreNotAppliedNewerOnesAreWithTheirDerivedData) {
  std::unique_ptr<Store> stores[2];
  LoadTinyIntoBoth(stores);
  const std::string tiny_answers = TinyAnswers(*stores[0]);
  ASSERT_EQ(TinyAnswers(*stores[1]), tiny_answers);
  // Open applications of listing `l` in its landlord's portfolio (R2).
  auto open_count = [](Store& s, EntityId landlord, EntityId listing) -> int64_t {
    StatusOr<LandlordPortfolio> p = s.GetLandlordPortfolio(1, landlord);
    EXPECT_TRUE(p.ok());
    for (const PortfolioEntry& e : p->listings) {
      if (e.listing.id == listing) return e.open_applications;
    }
    return -1;
  };
  auto london = [](Store& s) {
    StatusOr<SearchResult> r = s.Search({1, "London", 0, 1000000, 0, 100});
    EXPECT_TRUE(r.ok());
    return *r;
  };

  for (auto& s : stores) {
    SCOPED_TRACE(s->Name());
    // Listings: only a greater version replaces the held one (v1).
    Listing l1 = Tiny().listing(1);
    l1.price = 99000;
    EXPECT_FALSE(Put(*s, l1));  // same version, other content: still not applied
    EXPECT_EQ(TinyAnswers(*s), tiny_answers);
    l1.version = 3;
    l1.updated += 500;
    EXPECT_TRUE(Put(*s, l1));
    EXPECT_EQ(*s->GetEntity(EntityKind::kListing, EntityKey(1)), Entity(l1));
    SearchResult r = london(*s);
    ASSERT_FALSE(r.hits.empty());
    EXPECT_EQ(r.hits[0].listing.id, 1u);  // now the cheapest, at its new price
    EXPECT_EQ(r.hits[0].listing.price, 99000);
    EXPECT_EQ(r.hits[0].first_image, Tiny().images_of(1)[0]);
    EXPECT_FALSE(Put(*s, l1));  // the same copy twice
    Listing stale = l1;
    stale.version = 2;
    stale.status = ListingStatus::kLet;
    EXPECT_FALSE(Put(*s, stale));
    EXPECT_EQ(*s->GetEntity(EntityKind::kListing, EntityKey(1)), Entity(l1));

    // A status change takes the listing out of the search index and back.
    Listing l2 = Tiny().listing(2);
    l2.version = 2;
    l2.status = ListingStatus::kLet;
    EXPECT_TRUE(Put(*s, l2));
    for (const SearchHit& h : london(*s).hits) EXPECT_NE(h.listing.id, 2u);
    l2.version = 3;
    l2.status = ListingStatus::kActive;
    l2.price = 130000;
    EXPECT_TRUE(Put(*s, l2));
    bool back = false;
    for (const SearchHit& h : london(*s).hits) {
      if (h.listing.id != 2) continue;
      back = true;
      EXPECT_EQ(h.listing.price, 130000);
      EXPECT_EQ(h.first_image, Tiny().images_of(2)[0]);
    }
    EXPECT_TRUE(back);

    // Applications: submitted < approved = rejected = withdrawn < paid.
    // Listing 1 has two open applications: 1 (submitted), 2 (approved).
    EXPECT_EQ(open_count(*s, 1, 1), 2);
    Application a1 = Tiny().application(1);
    a1.status = ApplicationStatus::kApproved;
    a1.updated += 100;
    EXPECT_TRUE(Put(*s, a1));
    EXPECT_EQ(open_count(*s, 1, 1), 2);  // still open
    Application rejected = a1;
    rejected.status = ApplicationStatus::kRejected;
    EXPECT_FALSE(Put(*s, rejected));  // same rank
    a1.status = ApplicationStatus::kPaid;
    a1.updated += 100;
    EXPECT_TRUE(Put(*s, a1));
    EXPECT_EQ(open_count(*s, 1, 1), 1);  // left the open state
    EXPECT_EQ(*s->GetEntity(EntityKind::kApplication, EntityKey(1)), Entity(a1));
    EXPECT_FALSE(Put(*s, Tiny().application(1)));  // submitted: older
    EXPECT_FALSE(Put(*s, a1));
    // A further payment on a paid application moves only its updated time:
    // a later one is newer, an earlier one older.
    Application paid_again = a1;
    paid_again.updated += 50;
    EXPECT_TRUE(Put(*s, paid_again));
    EXPECT_EQ(*s->GetEntity(EntityKind::kApplication, EntityKey(1)), Entity(paid_again));
    EXPECT_FALSE(Put(*s, a1));
    a1 = paid_again;
    Application a2 = Tiny().application(2);  // approved -> rejected: same rank
    a2.status = ApplicationStatus::kRejected;
    EXPECT_FALSE(Put(*s, a2));
    EXPECT_EQ(open_count(*s, 1, 1), 1);

    // Immutable kinds: a held copy is never replaced.
    Landlord ll = Tiny().landlord(1);
    ll.name = "Someone Else";
    EXPECT_FALSE(Put(*s, ll));
    Image img = Tiny().images_of(1)[0];
    img.url = "https://img.example/other.jpg";
    EXPECT_FALSE(Put(*s, img));
    for (const Entity& held :
         {Entity(Tiny().tenants[0]), Entity(Tiny().applicant(1)), Entity(Tiny().payment(1))}) {
      EXPECT_FALSE(Put(*s, held));
    }

    // New entities with their derived data: a listing, its first image (the
    // search entry gains it), an open application (the open count), a payment.
    Listing l7 = Tiny().listing(3);
    l7.id = 7;
    l7.landlord = 2;
    l7.price = 50000;
    l7.version = 4;
    EXPECT_TRUE(Put(*s, l7));
    EXPECT_EQ(london(*s).hits[0].first_image, std::nullopt);
    Image i7{7, 0, "https://img.example/7/0.jpg", 640, 480, 1234};
    EXPECT_TRUE(Put(*s, i7));
    EXPECT_EQ(london(*s).hits[0].first_image, i7);
    EXPECT_TRUE(Put(*s, Image{7, 1, "https://img.example/7/1.jpg", 640, 480, 1235}));
    Application a6{6, 1, 7, 2, ApplicationStatus::kSubmitted, 1630000000, 1630000000};
    EXPECT_TRUE(Put(*s, a6));
    EXPECT_EQ(open_count(*s, 2, 7), 1);
    Application a7{7, 1, 7, 1, ApplicationStatus::kPaid, 1630000001, 1630000100};
    EXPECT_TRUE(Put(*s, a7));
    EXPECT_EQ(open_count(*s, 2, 7), 1);  // paid: not open
    EXPECT_TRUE(
        Put(*s, Payment{3, 1, 7, 50000, "GBP", "stripe", PaymentStatus::kCaptured, 1630000100}));
    EXPECT_EQ(
        *s->GetEntity(EntityKind::kPayment, PaymentEntityKey(1, 3)),
        Entity(Payment{3, 1, 7, 50000, "GBP", "stripe", PaymentStatus::kCaptured, 1630000100}));
    EXPECT_EQ(Violations(*s), std::vector<std::string>{});
  }
  // Both engines did the same: every read (TinyAnswers covers listing 7)
  // and every entity agree.
  EXPECT_EQ(TinyAnswers(*stores[0]), TinyAnswers(*stores[1]));
  EXPECT_EQ(ScanEverything(*stores[0]), ScanEverything(*stores[1]));
}

// ---- Missing parents -------------------------------------------------------------

TEST_F(EntityPutTest, AMissingParentIsNotFoundAndNothingIsWritten) {
  std::unique_ptr<Store> stores[2];
  LoadTinyIntoBoth(stores);
  Landlord ll{9, 3, "Nobody", "n@example.com", 10, 1};  // tenant 3 does not exist
  Listing by_missing_landlord = Tiny().listing(1);
  by_missing_landlord.id = 8;
  by_missing_landlord.landlord = 99;
  Listing by_other_tenants_landlord = by_missing_landlord;
  by_other_tenants_landlord.landlord = 3;  // tenant 2's
  Applicant ap{9, 3, "Nobody", "n@example.com", 1};
  Application to_missing_listing{9, 1, 99, 1, ApplicationStatus::kSubmitted, 1, 1};
  Application by_missing_applicant{9, 1, 1, 99, ApplicationStatus::kSubmitted, 1, 1};
  Application across_tenants{9, 1, 1, 3, ApplicationStatus::kSubmitted, 1, 1};
  Payment for_missing_application{9, 1, 99, 100, "GBP", "stripe", PaymentStatus::kCaptured, 1};
  Payment for_other_tenants_application{9, 1, 5, 100, "GBP", "stripe", PaymentStatus::kCaptured, 1};
  const Entity orphans[] = {ll,
                            by_missing_landlord,
                            by_other_tenants_landlord,
                            Image{99, 0, "u", 1, 1, 1},
                            ap,
                            to_missing_listing,
                            by_missing_applicant,
                            across_tenants,
                            for_missing_application,
                            for_other_tenants_application};
  for (auto& s : stores) {
    SCOPED_TRACE(s->Name());
    const auto everything = ScanEverything(*s);
    const std::string answers = TinyAnswers(*s);
    for (const Entity& e : orphans) {
      bool applied = true;
      EXPECT_EQ(s->PutEntity(e, &applied).code(), StatusCode::kNotFound) << CanonicalEntity(e);
      EXPECT_FALSE(applied);
    }
    EXPECT_EQ(ScanEverything(*s), everything);
    EXPECT_EQ(TinyAnswers(*s), answers);
    // Nothing half-written either: no orphan copy, index entry or marker.
    EXPECT_EQ(Violations(*s), std::vector<std::string>{});
    // The store still takes writes (the failed transactions left nothing open).
    EXPECT_TRUE(Put(*s, Tenant{3, "Third", "FR", "EUR", "adyen"}));
    EXPECT_TRUE(Put(*s, ll));
  }
}

// ---- I/O errors --------------------------------------------------------------------

TEST_F(EntityPutTest, AnIoErrorLeavesTheStoreServingAndARetryCompletesTheCopy) {
  FailOneWalWrite faults;
  std::unique_ptr<Store> stores[2];
  LoadTinyIntoBoth(stores, &faults);
  // A new open application: its items, its copies and listing 1's open count.
  const Application a6{6, 1, 1, 2, ApplicationStatus::kSubmitted, 1630000000, 1630000000};
  for (auto& s : stores) {
    SCOPED_TRACE(s->Name());
    const std::string before = TinyAnswers(*s);
    faults.Arm();
    bool applied = true;
    const Status failed = s->PutEntity(a6, &applied);
    ASSERT_TRUE(faults.fired());
    EXPECT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
    EXPECT_FALSE(applied);
    EXPECT_EQ(TinyAnswers(*s), before);  // reads go on; nothing changed
    // The retry recovers the store (SQLite: the rolled-back transaction;
    // RocksDB: the stopped DB, reopened in place) and writes the copy.
    EXPECT_TRUE(Put(*s, a6));
    EXPECT_FALSE(Put(*s, a6));
    EXPECT_EQ(*s->GetEntity(EntityKind::kApplication, EntityKey(6)), Entity(a6));
    EXPECT_EQ(Violations(*s), std::vector<std::string>{});
  }
  EXPECT_EQ(TinyAnswers(*stores[0]), TinyAnswers(*stores[1]));
}

}  // namespace
}  // namespace listbench
