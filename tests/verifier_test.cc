// The migration verifier (migration/verifier.h) and the entity scan it stands on
// (Store::ScanEntities): both engines loaded with one generated dataset scan
// to byte-identical rows, so the verifier finds no difference between them
// or between the legacy store and a clone of itself (no false positives);
// one record removed, added or altered on the target side -- in every
// entity kind, on either engine -- is reported as exactly that one
// difference in exactly that kind; an interrupted diff resumed from its
// persisted checkpoint ends with the same report.
#include "migration/verifier.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/store_wrapper.h"
#include "engine/postgres/pg_store.h"
#include "engine/rocks/item_access.h"
#include "engine/rocks/items.h"
#include "engine/rocks/rocks_store.h"
#include "engine/sqlite/sqlite_store.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"
#include "workloads/dataset.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

constexpr DatasetSpec kSpec{300, 17};
constexpr EntityId kNewId = 1000000;  // an id no generated entity has
constexpr int32_t kNewPosition = 99;  // an image position no listing has

const EntityKind kAllKinds[] = {
    EntityKind::kTenant,    EntityKind::kLandlord,    EntityKind::kListing, EntityKind::kImage,
    EntityKind::kApplicant, EntityKind::kApplication, EntityKind::kPayment};

uint64_t CountOf(const DatasetCounts& c, EntityKind k) {
  switch (k) {
    case EntityKind::kTenant:
      return c.tenants;
    case EntityKind::kLandlord:
      return c.landlords;
    case EntityKind::kListing:
      return c.listings;
    case EntityKind::kImage:
      return c.images;
    case EntityKind::kApplicant:
      return c.applicants;
    case EntityKind::kApplication:
      return c.applications;
    case EntityKind::kPayment:
      return c.payments;
  }
  return 0;
}

std::unique_ptr<Store> Open(Engine e, const std::string& dir) {
  auto s = OpenStore(e, dir, StoreOptions{});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

Status Clone(Engine e, const std::string& src, const std::string& dst) {
  switch (e) {
    case Engine::kSqlite:
      return CloneSqliteStore(src, dst);
    case Engine::kRocksDb:
      return CloneRocksStore(src, dst);
    case Engine::kPostgres:
      return ClonePgStore(src, dst);
  }
  return Status::InvalidArgument("unknown engine");
}

// Every row of `kind`, read `page` at a time.
std::vector<EntityRow> ScanAll(Store& s, EntityKind kind, size_t page) {
  std::vector<EntityRow> all, rows;
  std::string after;
  for (;;) {
    Status st = s.ScanEntities(kind, after, page, &rows);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok()) return all;
    all.insert(all.end(), rows.begin(), rows.end());
    if (rows.size() < page) return all;
    after = rows.back().key;
  }
}

VerifierReport Diff(Store& source, Store& target, VerifierOptions o = {}) {
  Verifier v(&source, &target, o);
  VerifierCheckpoint cp;
  Status s = v.Run(&cp);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(cp.complete());
  return cp.report;
}

// Both engines loaded once with the generated dataset; each test clones
// what it changes.
class VerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    catalog_ = new DatasetCatalog();
    for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
      const std::string dir = Base(e);
      fs::create_directory(dir);
      std::unique_ptr<Store> s = Open(e, dir);
      ASSERT_NE(s, nullptr);
      auto loader = s->NewBulkLoader();
      StatusOr<DatasetCounts> c = GenerateDataset(kSpec, loader.get(), nullptr);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      ASSERT_TRUE(loader->Finish().ok());
      counts_ = *c;
    }
    ASSERT_TRUE(GenerateDataset(kSpec, nullptr, catalog_).ok());
  }
  static void TearDownTestSuite() {
    delete catalog_;
    delete tmp_;
  }
  static std::string Base(Engine e) { return tmp_->Sub("base-" + std::string(EngineName(e))); }

  // A fresh copy of the engine's loaded store.
  std::string CloneBase(Engine e, const std::string& name) {
    const std::string dir = scratch_.Sub(name);
    Status s = Clone(e, Base(e), dir);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return dir;
  }

  static testing::TempDir* tmp_;
  static DatasetCatalog* catalog_;
  static DatasetCounts counts_;
  testing::TempDir scratch_;
};
testing::TempDir* VerifierTest::tmp_ = nullptr;
DatasetCatalog* VerifierTest::catalog_ = nullptr;
DatasetCounts VerifierTest::counts_;

// ---- The entity scan ------------------------------------------------------------

TEST_F(VerifierTest, EnginesScanByteIdenticalRowsInKeyOrderWhateverThePageSize) {
  std::unique_ptr<Store> sqlite = Open(Engine::kSqlite, Base(Engine::kSqlite));
  std::unique_ptr<Store> rocks = Open(Engine::kRocksDb, Base(Engine::kRocksDb));
  ASSERT_NE(sqlite, nullptr);
  ASSERT_NE(rocks, nullptr);
  for (EntityKind k : kAllKinds) {
    SCOPED_TRACE(EntityKindName(k));
    const std::vector<EntityRow> a = ScanAll(*sqlite, k, 1000);
    const std::vector<EntityRow> b = ScanAll(*rocks, k, 1000);
    EXPECT_EQ(a.size(), CountOf(counts_, k));
    EXPECT_GT(a.size(), 0u);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i], b[i]) << "row " << i << ": " << CanonicalEntity(a[i].entity) << " vs "
                            << CanonicalEntity(b[i].entity);
      if (i > 0) {
        ASSERT_LT(a[i - 1].key, a[i].key);
      }
    }
    // Small pages resume exactly where the previous one ended (keyset
    // paging over composite keys too).
    EXPECT_EQ(ScanAll(*sqlite, k, 7), a);
    EXPECT_EQ(ScanAll(*rocks, k, 7), a);
  }
}

TEST_F(VerifierTest, ScanCountsWorkAndRefusesAMalformedStartKey) {
  for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
    SCOPED_TRACE(EngineName(e));
    std::unique_ptr<Store> s = Open(e, Base(e));
    ASSERT_NE(s, nullptr);
    const WorkStats before = s->work_stats();
    std::vector<EntityRow> rows;
    ASSERT_TRUE(s->ScanEntities(EntityKind::kListing, "", 10, &rows).ok());
    EXPECT_EQ(rows.size(), 10u);
    const WorkStats w = s->work_stats() - before;
    EXPECT_GE(w.queries, 1u);
    EXPECT_GE(w.rows_read, 10u);
    EXPECT_EQ(s->ScanEntities(EntityKind::kListing, "abc", 10, &rows).code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(s->ScanEntities(EntityKind::kImage, EntityKey(1), 10, &rows).code(),
              StatusCode::kInvalidArgument);
    // Past the last key: nothing.
    ASSERT_TRUE(s->ScanEntities(EntityKind::kPayment, PaymentEntityKey(kNewId, 0), 10, &rows).ok());
    EXPECT_TRUE(rows.empty());
  }
}

// ---- No false positives ----------------------------------------------------------

TEST_F(VerifierTest, EnginesLoadedWithTheSameDataHaveNoDifferences) {
  std::unique_ptr<Store> sqlite = Open(Engine::kSqlite, Base(Engine::kSqlite));
  std::unique_ptr<Store> rocks = Open(Engine::kRocksDb, Base(Engine::kRocksDb));
  ASSERT_NE(sqlite, nullptr);
  ASSERT_NE(rocks, nullptr);
  const VerifierReport r = Diff(*sqlite, *rocks, {.page_size = 64});
  for (EntityKind k : kAllKinds) {
    SCOPED_TRACE(EntityKindName(k));
    const KindDiff& d = r.of(k);
    EXPECT_EQ(d.differences(), 0u);
    EXPECT_EQ(d.source_rows, CountOf(counts_, k));
    EXPECT_EQ(d.target_rows, CountOf(counts_, k));
    EXPECT_EQ(d.compared, CountOf(counts_, k));
  }
  EXPECT_EQ(r.differences(), 0u);
}

TEST_F(VerifierTest, LegacyStoreAgainstItsCloneHasNoDifferences) {
  const std::string clone = CloneBase(Engine::kSqlite, "clone");
  std::unique_ptr<Store> source = Open(Engine::kSqlite, Base(Engine::kSqlite));
  std::unique_ptr<Store> target = Open(Engine::kSqlite, clone);
  ASSERT_NE(source, nullptr);
  ASSERT_NE(target, nullptr);
  const VerifierReport r = Diff(*source, *target, {.page_size = 50});
  EXPECT_EQ(r.differences(), 0u);
  for (EntityKind k : kAllKinds) EXPECT_EQ(r.of(k).compared, CountOf(counts_, k));
  // And the same store on both sides.
  EXPECT_EQ(Diff(*source, *source).differences(), 0u);
}

// ---- Mutations -----------------------------------------------------------------

enum class Mutation { kMissing, kExtra, kAltered };
std::string_view MutationName(Mutation m) {
  return m == Mutation::kMissing ? "missing" : m == Mutation::kExtra ? "extra" : "altered";
}

// What a mutation test changes: one record of `kind`, chosen from the
// catalog, and the entity key the verifier must name.
struct Target {
  EntityKind kind;
  TenantId tenant = 0;
  uint64_t a = 0, b = 0;  // entity key parts (ParseEntityKey)
};

// Raw access to a closed store's storage: SQL for SQLite, items for RocksDB.
void WithSqlite(const std::string& dir, const std::function<void(sqlite3*)>& fn) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((fs::path(dir) / kSqliteFileName).string().c_str(), &db), SQLITE_OK);
  fn(db);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
}
void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << sql << ": " << err;
  ASSERT_EQ(sqlite3_changes(db), 1) << sql;
}
void WithRocks(const std::string& dir, const std::function<void(rocksdb::DB*)>& fn) {
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  fn(db.get());
  ASSERT_TRUE(db->Close().ok());
}
template <typename T>
T ReadItem(rocksdb::DB* db, const std::string& key) {
  std::string v;
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), key, &v).ok()) << rocks::KeyToString(key);
  T out;
  EXPECT_TRUE(rocks::Decode(v, &out));
  return out;
}
template <typename T>
void WriteItem(rocksdb::DB* db, const std::string& key, const T& v) {
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, rocks::EncodeToString(v)).ok());
}
// Reads the item at `from`, applies `change`, writes it at `to`.
template <typename T>
void CopyItem(rocksdb::DB* db, const std::string& from, const std::string& to,
              const std::function<void(T&)>& change) {
  T v = ReadItem<T>(db, from);
  change(v);
  WriteItem(db, to, v);
}

// Behind the store's back (it is closed): one row or one primary item.
void MutateSqlite(const std::string& dir, const Target& t, Mutation m) {
  struct Table {
    const char* name;
    const char* where;     // {} = a, {} = b
    const char* alter;     // SET clause
    const char* copy_new;  // SELECT list of a copy with a new key
  };
  static const Table kTables[] = {
      {"tenants", "id = {0}", "name = name || 'x'", ""},
      {"landlords", "id = {0}", "rating = rating + 1", ""},
      {"listings", "id = {0}", "", ""},
      {"listing_images", "listing_id = {0} AND position = {1}", "width = width + 1",
       "listing_id, 99, url, width, height, bytes"},
      {"applicants", "id = {0}", "income = income + 1", "1000000, tenant_id, name, email, income"},
      {"applications", "id = {0}", "", ""},
      {"payments", "id = {1}", "amount = amount + 1",
       "1000000, tenant_id, application_id, amount, currency, gateway, status, created"},
  };
  const Table& tb = kTables[static_cast<int>(t.kind)];
  const std::string where = fmt::format(fmt::runtime(tb.where), t.a, t.b);
  WithSqlite(dir, [&](sqlite3* db) {
    switch (m) {
      case Mutation::kMissing:
        Exec(db, fmt::format("DELETE FROM {} WHERE {}", tb.name, where));
        break;
      case Mutation::kAltered:
        Exec(db, fmt::format("UPDATE {} SET {} WHERE {}", tb.name, tb.alter, where));
        break;
      case Mutation::kExtra:
        Exec(db, fmt::format("INSERT INTO {} SELECT {} FROM {} WHERE {}", tb.name, tb.copy_new,
                             tb.name, where));
        break;
    }
  });
}

void MutateRocks(const std::string& dir, const Target& t, Mutation m) {
  using namespace rocks;  // NOLINT: the item codec
  const TenantId tn = t.tenant;
  std::string key;
  switch (t.kind) {
    case EntityKind::kTenant:
      key = TenantKey(tn);
      break;
    case EntityKind::kLandlord:
      key = LandlordKey(tn, t.a);
      break;
    case EntityKind::kListing:
      key = ListingKey(tn, t.a);
      break;
    case EntityKind::kImage:
      key = ImageKey(tn, t.a, static_cast<int32_t>(t.b));
      break;
    case EntityKind::kApplicant:
      key = ApplicantKey(tn, t.a);
      break;
    case EntityKind::kApplication:
      key = ApplicationKey(tn, t.a);
      break;
    case EntityKind::kPayment:
      key = PaymentKey(tn, t.a, t.b);
      break;
  }
  WithRocks(dir, [&](rocksdb::DB* db) {
    if (m == Mutation::kMissing) {
      std::string v;
      ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &v).ok()) << KeyToString(key);
      ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), key).ok());
      return;
    }
    const bool alter = m == Mutation::kAltered;
    switch (t.kind) {
      case EntityKind::kTenant:
        CopyItem<Tenant>(db, key, key, [](Tenant& v) { v.name += "x"; });
        break;
      case EntityKind::kLandlord:
        CopyItem<Landlord>(db, key, key, [](Landlord& v) { ++v.rating; });
        break;
      case EntityKind::kImage:
        CopyItem<Image>(db, key, alter ? key : ImageKey(tn, t.a, kNewPosition), [&](Image& v) {
          if (alter)
            ++v.width;
          else
            v.position = kNewPosition;
        });
        break;
      case EntityKind::kApplicant:
        CopyItem<Applicant>(db, key, alter ? key : ApplicantKey(tn, kNewId), [&](Applicant& v) {
          if (alter)
            ++v.income;
          else
            v.id = kNewId;
        });
        break;
      case EntityKind::kPayment:
        CopyItem<Payment>(db, key, alter ? key : PaymentKey(tn, t.a, kNewId), [&](Payment& v) {
          if (alter)
            ++v.amount;
          else
            v.id = kNewId;
        });
        break;
      default:
        FAIL() << "mutated through the API";
    }
  });
}

class VerifierMutationTest
    : public VerifierTest,
      public ::testing::WithParamInterface<std::tuple<Engine, EntityKind, Mutation>> {
 protected:
  // A record of `kind` the dataset has, in the middle of the id range; an
  // application still submitted on an active listing (W1/W5 accept it).
  Target Pick(EntityKind kind) {
    const DatasetCatalog& c = *catalog_;
    Target t{kind};
    switch (kind) {
      case EntityKind::kTenant:
        t.a = c.tenants[c.tenants.size() / 2].id;
        t.tenant = static_cast<TenantId>(t.a);
        break;
      case EntityKind::kLandlord:
        t.a = c.landlord_tenant.size() / 2 + 1;
        t.tenant = c.landlord_tenant[t.a - 1];
        break;
      case EntityKind::kListing:
      case EntityKind::kImage: {
        // An active listing with images (the images of the one picked).
        std::unique_ptr<Store> s = Open(Engine::kSqlite, Base(Engine::kSqlite));
        for (t.a = c.listings.size() / 2 + 1; t.a <= c.listings.size(); ++t.a) {
          const auto& l = c.listings[t.a - 1];
          StatusOr<ListingDetail> d = s->GetListingDetail(l.tenant, t.a);
          if (l.status == ListingStatus::kActive && d.ok() && d->images.size() >= 2) break;
        }
        t.tenant = c.listings[t.a - 1].tenant;
        t.b = kind == EntityKind::kImage ? 1 : 0;
        break;
      }
      case EntityKind::kApplicant:
        t.a = c.applicant_tenant.size() / 2 + 1;
        t.tenant = c.applicant_tenant[t.a - 1];
        break;
      case EntityKind::kApplication:
        for (t.a = c.applications.size() / 2 + 1; t.a <= c.applications.size(); ++t.a) {
          const auto& a = c.applications[t.a - 1];
          if (a.status == ApplicationStatus::kSubmitted &&
              c.listings[a.listing - 1].status == ListingStatus::kActive) {
            break;
          }
        }
        t.tenant = c.applications[t.a - 1].tenant;
        break;
      case EntityKind::kPayment: {
        // Payment ids are 1..payments; the key is (applicant, payment).
        std::unique_ptr<Store> s = Open(Engine::kSqlite, Base(Engine::kSqlite));
        const std::vector<EntityRow> rows = ScanAll(*s, kind, 1000);
        EXPECT_FALSE(rows.empty());
        ParseEntityKey(kind, rows[rows.size() / 2].key, &t.a, &t.b);
        t.tenant = c.applicant_tenant[t.a - 1];
        break;
      }
    }
    EXPECT_GE(t.a, 1u);
    return t;
  }

  // The entity key of the record the mutation adds or changes.
  static std::string ExpectedKey(const Target& t, Mutation m) {
    const bool add = m == Mutation::kExtra;
    switch (t.kind) {
      case EntityKind::kImage:
        return ImageEntityKey(t.a, add ? kNewPosition : static_cast<int32_t>(t.b));
      case EntityKind::kPayment:
        return PaymentEntityKey(t.a, add ? kNewId : t.b);
      case EntityKind::kTenant:
        return EntityKey(add ? 1000 : t.a);
      default:
        return EntityKey(add ? kNewId : t.a);
    }
  }

  // Through the store's own writes, where the interface has one that
  // changes exactly this one entity; false if it has none.
  bool MutateThroughApi(Store& s, const Target& t, Mutation m) {
    const DatasetCatalog& c = *catalog_;
    if (m == Mutation::kExtra) {
      switch (t.kind) {
        case EntityKind::kTenant:
          EXPECT_TRUE(s.AddTenant({1000, "Extra Lets", "GB", "GBP", "stripe"}).ok());
          return true;
        case EntityKind::kLandlord:
          EXPECT_TRUE(s.AddLandlord({kNewId, t.tenant, "Extra", "x@y.example", 31, 5}).ok());
          return true;
        case EntityKind::kListing: {
          StatusOr<ListingDetail> d = s.GetListingDetail(t.tenant, t.a);
          EXPECT_TRUE(d.ok());
          Listing l = d->listing;
          l.id = kNewId;
          EXPECT_TRUE(s.AddListing(l, {}).ok());  // without images: one entity
          return true;
        }
        case EntityKind::kApplication: {
          const auto& a = c.applications[t.a - 1];
          EXPECT_TRUE(
              s.SubmitApplication({kNewId, t.tenant, a.listing, a.applicant,
                                   ApplicationStatus::kSubmitted, c.max_time + 1, c.max_time + 1})
                  .ok());
          return true;
        }
        default:
          return false;
      }
    }
    if (m == Mutation::kAltered && t.kind == EntityKind::kListing) {
      const auto& l = c.listings[t.a - 1];
      ListingUpdate u{t.tenant, t.a, l.version, l.price + 1, std::nullopt, c.max_time + 1};
      EXPECT_TRUE(s.UpdateListing(u).ok());
      return true;
    }
    if (m == Mutation::kAltered && t.kind == EntityKind::kApplication) {
      EXPECT_TRUE(s.DecideApplication(t.tenant, t.a, /*approve=*/true, c.max_time + 1).ok());
      return true;
    }
    return false;
  }
};

TEST_P(VerifierMutationTest, ReportsExactlyTheOneChangedRecord) {
  const auto [engine, kind, mutation] = GetParam();
  const Target t = Pick(kind);
  const std::string dir = CloneBase(engine, "target");
  {
    std::unique_ptr<Store> target = Open(engine, dir);
    ASSERT_NE(target, nullptr);
    if (!MutateThroughApi(*target, t, mutation)) {
      target.reset();  // closed: the storage is changed behind its back
      if (engine == Engine::kSqlite) {
        MutateSqlite(dir, t, mutation);
      } else {
        MutateRocks(dir, t, mutation);
      }
    }
  }
  std::unique_ptr<Store> source = Open(Engine::kSqlite, Base(Engine::kSqlite));
  std::unique_ptr<Store> target = Open(engine, dir);
  ASSERT_NE(source, nullptr);
  ASSERT_NE(target, nullptr);
  const VerifierReport r = Diff(*source, *target, {.page_size = 37});

  EXPECT_EQ(r.differences(), 1u) << nlohmann::json(r).dump(1);
  const KindDiff& d = r.of(kind);
  const uint64_t n = CountOf(counts_, kind);
  const std::string key = EntityKeyToString(kind, ExpectedKey(t, mutation));
  EXPECT_EQ(d.source_rows, n);
  switch (mutation) {
    case Mutation::kMissing:
      EXPECT_EQ(d.missing, 1u);
      EXPECT_EQ(d.target_rows, n - 1);
      ASSERT_EQ(d.missing_examples.size(), 1u);
      EXPECT_EQ(d.missing_examples[0].key, key);
      EXPECT_FALSE(d.missing_examples[0].source.empty());
      EXPECT_TRUE(d.missing_examples[0].target.empty());
      break;
    case Mutation::kExtra:
      EXPECT_EQ(d.extra, 1u);
      EXPECT_EQ(d.target_rows, n + 1);
      ASSERT_EQ(d.extra_examples.size(), 1u);
      EXPECT_EQ(d.extra_examples[0].key, key);
      EXPECT_TRUE(d.extra_examples[0].source.empty());
      EXPECT_FALSE(d.extra_examples[0].target.empty());
      break;
    case Mutation::kAltered:
      EXPECT_EQ(d.mismatched, 1u);
      EXPECT_EQ(d.target_rows, n);
      ASSERT_EQ(d.mismatched_examples.size(), 1u);
      EXPECT_EQ(d.mismatched_examples[0].key, key);
      EXPECT_NE(d.mismatched_examples[0].source, d.mismatched_examples[0].target);
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryKindEveryMutation, VerifierMutationTest,
    ::testing::Combine(::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                       ::testing::ValuesIn(kAllKinds),
                       ::testing::Values(Mutation::kMissing, Mutation::kExtra, Mutation::kAltered)),
    [](const ::testing::TestParamInfo<std::tuple<Engine, EntityKind, Mutation>>& p) {
      return std::string(EngineName(std::get<0>(p.param))) + "_" +
             std::string(EntityKindName(std::get<1>(p.param))) + "_" +
             std::string(MutationName(std::get<2>(p.param)));
    });

// ---- Resume --------------------------------------------------------------------

TEST_F(VerifierTest, ResumedFromPersistedCheckpointsGivesTheUninterruptedReport) {
  // A target with a few differences, so the counts carried over matter.
  const std::string dir = CloneBase(Engine::kRocksDb, "target");
  {
    const Target listing{EntityKind::kListing, catalog_->listings[9].tenant, 10, 0};
    const Target applicant{EntityKind::kApplicant, catalog_->applicant_tenant[4], 5, 0};
    const Target tenant{EntityKind::kTenant, 3, 3, 0};
    MutateRocks(dir, listing, Mutation::kMissing);
    MutateRocks(dir, applicant, Mutation::kAltered);
    MutateRocks(dir, tenant, Mutation::kAltered);
  }
  std::unique_ptr<Store> source = Open(Engine::kSqlite, Base(Engine::kSqlite));
  std::unique_ptr<Store> target = Open(Engine::kRocksDb, dir);
  ASSERT_NE(source, nullptr);
  ASSERT_NE(target, nullptr);
  const VerifierOptions o{.page_size = 40, .max_examples = 2};
  const VerifierReport whole = Diff(*source, *target, o);
  EXPECT_EQ(whole.of(EntityKind::kListing).missing, 1u);
  EXPECT_EQ(whole.of(EntityKind::kApplicant).mismatched, 1u);
  EXPECT_EQ(whole.of(EntityKind::kTenant).mismatched, 1u);
  EXPECT_EQ(whole.differences(), 3u);

  // Three pages at a time, each run by a new verifier from the checkpoint
  // the previous one persisted.
  std::string persisted = nlohmann::json(VerifierCheckpoint{}).dump();
  int runs = 0;
  for (;; ++runs) {
    ASSERT_LT(runs, 10000);
    StatusOr<VerifierCheckpoint> cp = ParseVerifierCheckpoint(persisted);
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    if (cp->complete()) {
      EXPECT_EQ(cp->report, whole);
      break;
    }
    Verifier v(source.get(), target.get(), o);
    ASSERT_TRUE(v.Run(&*cp, /*page_budget=*/3).ok());
    EXPECT_LE(v.pages_read(), 4u);  // the budget, or one more to advance
    persisted = nlohmann::json(*cp).dump();
  }
  EXPECT_GT(runs, 10);

  // Even a budget of one page advances every run.
  VerifierCheckpoint cp;
  for (int i = 0; i < 100000 && !cp.complete(); ++i) {
    Verifier v(source.get(), target.get(), o);
    ASSERT_TRUE(v.Run(&cp, 1).ok());
  }
  EXPECT_EQ(cp.report, whole);
}

TEST_F(VerifierTest, CheckpointJsonRoundTripsAndBadOnesAreRefused) {
  VerifierCheckpoint cp;
  cp.kind = static_cast<int>(EntityKind::kImage);
  cp.last_key = ImageEntityKey(42, 3);
  cp.report.kinds[2].missing = 1;
  cp.report.kinds[2].missing_examples.push_back({"7", "listing{...\"x\"}", ""});
  StatusOr<VerifierCheckpoint> back = ParseVerifierCheckpoint(nlohmann::json(cp).dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, cp);
  EXPECT_EQ(nlohmann::json(cp)["report"]["missing"], 1);
  EXPECT_FALSE(ParseVerifierCheckpoint("{").ok());
  nlohmann::json j = cp;
  j["last_key"] = "abc";
  EXPECT_EQ(ParseVerifierCheckpoint(j.dump()).status().code(), StatusCode::kInvalidArgument);
  j["last_key"] = "00";  // not an image key
  EXPECT_FALSE(ParseVerifierCheckpoint(j.dump()).ok());
  j = cp;
  j["kind"] = 9;
  EXPECT_FALSE(ParseVerifierCheckpoint(j.dump()).ok());
}

// Returns each page of its target in reverse order.
class ScansOutOfOrder : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  Status ScanEntities(EntityKind k, std::string_view after, size_t limit,
                      std::vector<EntityRow>* out) override {
    LB_RETURN_IF_ERROR(StoreWrapper::ScanEntities(k, after, limit, out));
    std::reverse(out->begin(), out->end());
    return Status::OK();
  }
};

TEST_F(VerifierTest, AStoreThatBreaksKeyOrderIsCorruption) {
  std::unique_ptr<Store> source = Open(Engine::kSqlite, Base(Engine::kSqlite));
  ASSERT_NE(source, nullptr);
  ScansOutOfOrder broken(source.get());
  Verifier v(source.get(), &broken, {.page_size = 10});
  VerifierCheckpoint cp;
  EXPECT_EQ(v.Run(&cp).code(), StatusCode::kCorruption);
  EXPECT_FALSE(cp.complete());
}

}  // namespace
}  // namespace listbench
