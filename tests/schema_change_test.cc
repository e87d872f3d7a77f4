// The schema change of engine/schema_change.h (listings gain a backfilled
// energy_rating) and its experiment (bench/drivers/schema_change_bench.h): the C++
// and SQL backfill functions agree; every method completes on a small store
// (the SQLite methods on both index profiles) and leaves every listing
// reading back the right value; the lazy SQLite method writes no row and
// reads back what the batched backfill stored; the canonical results the
// engines are compared by do not change; a small concurrent run finishes;
// the report's split of the difference into method and data model adds up.
// No timing assertions: speed belongs in the benchmark.
#include "engine/schema_change.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <set>
#include <sstream>

#include "bench/drivers/schema_change_bench.h"
#include "bench/harness/differential.h"
#include "bench/report/experiments_report.h"
#include "core/canonical.h"
#include "core/store_wrapper.h"
#include "engine/rocks/listing_schema.h"
#include "engine/sqlite/sqlite_store.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"
#include "workloads/dataset.h"
#include "workloads/trace.h"
#include "workloads/workload_spec.h"

namespace listbench {
namespace {

constexpr DatasetSpec kSpec{500, 7};

// ---- The backfill function ------------------------------------------------------

TEST(EnergyRatingTest, SqlExpressionAgreesWithCpp) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  // Dense small ids, ids around every power of two (where a careless
  // product overflows int64 and SQLite would switch to floating point), and
  // ids above INT64_MAX, which the SQLite store binds as negative integers.
  std::set<uint64_t> ids;
  for (uint64_t id = 0; id < 100000; ++id) ids.insert(id);
  for (int bit = 17; bit < 64; ++bit) {
    for (int64_t d = -3; d <= 3; ++d) ids.insert((uint64_t{1} << bit) + static_cast<uint64_t>(d));
  }
  for (uint64_t id : {uint64_t{3474613087}, uint64_t{3474613088}, uint64_t{0x7fffffffffffffff},
                      uint64_t{0xffffffffffffffff}, uint64_t{0xfffffffffffffffe}}) {
    ids.insert(id);
  }
  sqlite3_stmt* ins = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO t(id) VALUES(?1)", -1, &ins, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), SQLITE_OK);
  for (uint64_t id : ids) {
    sqlite3_bind_int64(ins, 1, static_cast<int64_t>(id));  // as the store binds ids
    ASSERT_EQ(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);

  const std::string sql =
      std::string("SELECT id, typeof(") + kEnergyRatingSql + "), " + kEnergyRatingSql + " FROM t";
  sqlite3_stmt* sel = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &sel, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  uint64_t rows = 0, mismatches = 0;
  std::map<char, uint64_t> bands;
  while (sqlite3_step(sel) == SQLITE_ROW) {
    ++rows;
    const auto id = static_cast<uint64_t>(sqlite3_column_int64(sel, 0));
    const std::string type = reinterpret_cast<const char*>(sqlite3_column_text(sel, 1));
    const std::string v = reinterpret_cast<const char*>(sqlite3_column_text(sel, 2));
    const char want = EnergyRatingFor(id);
    ++bands[want];
    if (type != "text" || v.size() != 1 || v[0] != want) {
      if (++mismatches <= 5)
        ADD_FAILURE() << "id " << id << ": SQL " << type << " '" << v << "', C++ '" << want << "'";
    }
  }
  sqlite3_finalize(sel);
  sqlite3_close(db);
  EXPECT_EQ(rows, ids.size());
  EXPECT_EQ(mismatches, 0u);
  // Every band occurs, and nothing else.
  ASSERT_EQ(bands.size(), 7u);
  EXPECT_EQ(bands.begin()->first, 'A');
  EXPECT_EQ(bands.rbegin()->first, 'G');
}

static_assert(EnergyRatingFor(0) >= 'A' && EnergyRatingFor(~uint64_t{0}) <= 'G');

TEST(SchemaChangeMethodTest, NamesRoundTrip) {
  for (SchemaChangeMethod m : kAllSchemaChangeMethods) {
    EXPECT_EQ(ParseSchemaChangeMethod(SchemaChangeMethodName(m)), m);
  }
  EXPECT_EQ(SchemaChangeMethodNames(),
            "sqlite-blocking, sqlite-batched, sqlite-lazy, rocksdb-lazy");
  EXPECT_EQ(SchemaChangeEngine(SchemaChangeMethod::kSqliteLazy), "sqlite");
  EXPECT_EQ(SchemaChangeEngine(SchemaChangeMethod::kRocksLazy), "rocksdb");
  EXPECT_FALSE(ParseSchemaChangeMethod("online").has_value());
  // The suite runs every method by default (the report's suite included).
  const SchemaChangeSuiteSpec spec;
  EXPECT_EQ(spec.methods, std::vector<SchemaChangeMethod>(kAllSchemaChangeMethods.begin(),
                                                          kAllSchemaChangeMethods.end()));
}

// ---- Each method on a small store -----------------------------------------------

class SchemaChangeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(GenerateDataset(kSpec, nullptr, &catalog_).ok()); }

  // A fresh store of `e` holding kSpec, in tmp_/<name>.
  std::unique_ptr<Store> Load(Engine e, const std::string& name, StoreOptions o = {}) {
    auto s = testing::OpenNewStore(e, tmp_.Sub(name), o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    auto loader = (*s)->NewBulkLoader();
    EXPECT_TRUE(GenerateDataset(kSpec, loader.get(), nullptr).ok());
    EXPECT_TRUE(loader->Finish().ok());
    return std::move(*s);
  }

  std::unique_ptr<SchemaChange> Change(Store& store, const std::string& name, SchemaChangeMethod m,
                                       uint64_t batch = 1000) {
    SchemaChangeOptions o;
    o.batch_size = batch;
    auto c = NewSchemaChange(store, tmp_.Sub(name), m, o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Steps `c` to completion; returns the number of steps.
  static uint64_t RunToCompletion(SchemaChange& c) {
    for (uint64_t steps = 1; steps < 100000; ++steps) {
      StatusOr<bool> done = c.Step();
      EXPECT_TRUE(done.ok()) << done.status().ToString();
      if (!done.ok() || *done) return steps;
    }
    ADD_FAILURE() << "the change never completed";
    return 0;
  }

  // A W4 request for a listing that does not exist yet.
  Listing NewListing(EntityId id) const {
    const DatasetCatalog::ListingInfo& first = catalog_.listings[0];
    Listing l;
    l.id = id;
    l.tenant = first.tenant;
    l.landlord = first.landlord;
    l.city = "Testville";
    l.postcode = "T1 1TT";
    l.price = 123400;
    l.bedrooms = 2;
    l.title = "added after the change";
    l.description = "-";
    l.created = l.updated = catalog_.max_time + 1;
    return l;
  }
  ListingUpdate Update(EntityId id) const {
    const DatasetCatalog::ListingInfo& info = catalog_.listings[id - 1];
    ListingUpdate u;
    u.tenant = info.tenant;
    u.listing = id;
    u.expected_version = info.version;
    u.price = info.price + 100;
    u.now = catalog_.max_time + 2;
    return u;
  }

  static void ExpectNoViolations(Store& s) {
    std::vector<std::string> v;
    ASSERT_TRUE(s.CheckInvariants(&v).ok());
    EXPECT_TRUE(v.empty()) << v.front();
  }

  // R1's canonical result for every listing of the catalog.
  std::string CanonicalListings(Store& s) const {
    std::string out;
    for (size_t i = 0; i < catalog_.listings.size(); ++i) {
      out += CanonicalOutcome(s.GetListingDetail(catalog_.listings[i].tenant, i + 1)) + "\n";
    }
    return out;
  }

  testing::TempDir tmp_;
  DatasetCatalog catalog_;
};

// The SQLite methods on each index profile (StoreOptions::sqlite_schema).
class SqliteSchemaChangeTest : public SchemaChangeTest,
                               public ::testing::WithParamInterface<SqliteSchema> {
 protected:
  StoreOptions Options() const {
    StoreOptions o;
    o.sqlite_schema = GetParam();
    return o;
  }
  std::unique_ptr<Store> LoadSqlite(const std::string& name) {
    return Load(Engine::kSqlite, name, Options());
  }

  // Runs `sql` on a connection of its own to the database of tmp_/<name>;
  // returns its rows, one line each, columns separated by '|'.
  std::string Query(const std::string& name, const std::string& sql) const {
    sqlite3* db = nullptr;
    const std::string path = tmp_.Sub(name) + "/" + kSqliteFileName;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    std::string out;
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char* v = sqlite3_column_text(st, i);
        out += (i > 0 ? "|" : "") + std::string(v ? reinterpret_cast<const char*>(v) : "NULL");
      }
      out += "\n";
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }

  // Every listing's energy_rating as a reader of tmp_/<name> sees it.
  std::string Ratings(const std::string& name) const {
    return Query(name, "SELECT id, typeof(energy_rating), energy_rating FROM listings ORDER BY id");
  }
};

INSTANTIATE_TEST_SUITE_P(SqliteSchemas, SqliteSchemaChangeTest,
                         ::testing::Values(SqliteSchema::kTuned, SqliteSchema::kLegacy),
                         [](const ::testing::TestParamInfo<SqliteSchema>& p) {
                           return std::string(SqliteSchemaName(p.param));
                         });

TEST_P(SqliteSchemaChangeTest, SqliteBlockingFillsEveryListingInOneStep) {
  auto store = LoadSqlite("sqlite");
  ASSERT_NE(store, nullptr);
  const std::string before = CanonicalListings(*store);
  auto change = Change(*store, "sqlite", SchemaChangeMethod::kSqliteBlocking);
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(RunToCompletion(*change), 1u);
  EXPECT_EQ(change->stats().rows_upgraded, kSpec.listings);

  // A listing added afterwards through the store gets its value too.
  ASSERT_TRUE(store->AddListing(NewListing(100000), {}).ok());
  StatusOr<SchemaChangeCheck> c = change->Verify(50);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listings, kSpec.listings + 1);
  EXPECT_EQ(c->missing, 0u);
  EXPECT_EQ(c->stored_v2, kSpec.listings + 1);
  EXPECT_EQ(c->wrong, 0u);
  EXPECT_GE(c->sampled, 50u);
  EXPECT_EQ(c->sample_mismatches, 0u);
  EXPECT_EQ(CanonicalListings(*store), before);
  ExpectNoViolations(*store);
}

TEST_P(SqliteSchemaChangeTest, SqliteBatchedFillsInBoundedSteps) {
  auto store = LoadSqlite("sqlite");
  ASSERT_NE(store, nullptr);
  const std::string before = CanonicalListings(*store);
  auto change = Change(*store, "sqlite", SchemaChangeMethod::kSqliteBatched, /*batch=*/64);
  ASSERT_NE(change, nullptr);
  // The ALTER, then a few batches, with writes through the store between
  // steps (as the workload does while the change runs).
  for (int i = 0; i < 4; ++i) {
    StatusOr<bool> done = change->Step();
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    ASSERT_FALSE(*done);
  }
  ASSERT_TRUE(store->AddListing(NewListing(100000), {}).ok());
  ASSERT_TRUE(store->UpdateListing(Update(kSpec.listings)).ok());  // not yet backfilled
  const uint64_t steps = 4 + RunToCompletion(*change);
  // ALTER + ceil(500 / 64) batches + the check.
  EXPECT_EQ(steps, 1 + (kSpec.listings + 63) / 64 + 1);
  EXPECT_EQ(change->stats().rows_upgraded, kSpec.listings);  // the trigger filled the new one
  ASSERT_TRUE(store->AddListing(NewListing(100001), {}).ok());

  StatusOr<SchemaChangeCheck> c = change->Verify(1000);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listings, kSpec.listings + 2);
  EXPECT_EQ(c->missing, 0u);
  EXPECT_EQ(c->wrong, 0u);
  EXPECT_EQ(c->sampled, kSpec.listings + 2);
  EXPECT_EQ(c->sample_mismatches, 0u);
  ExpectNoViolations(*store);
  // R1 of the listings that were not written is what it was.
  std::string after = CanonicalListings(*store);
  EXPECT_EQ(after.substr(0, 200), before.substr(0, 200));
}

TEST_P(SqliteSchemaChangeTest, SqliteLazyWritesNoRowAndDerivesTheField) {
  auto store = LoadSqlite("sqlite");
  ASSERT_NE(store, nullptr);
  const std::string before = CanonicalListings(*store);
  const std::string page_size = Query("sqlite", "PRAGMA page_size");
  auto change = Change(*store, "sqlite", SchemaChangeMethod::kSqliteLazy);
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(RunToCompletion(*change), 1u);
  EXPECT_EQ(change->stats().rows_upgraded, 0u);
  // One short transaction that rewrites the schema row only: a few WAL
  // frames (page + 24-byte header), whatever the number of listings.
  EXPECT_LE(change->stats().write_bytes, 4 * (std::stoull(page_size) + 24));
  // A VIRTUAL generated column (table_xinfo's hidden = 2; STORED is 3), and
  // no trigger.
  EXPECT_EQ(Query("sqlite",
                  "SELECT hidden FROM pragma_table_xinfo('listings') "
                  "WHERE name = 'energy_rating'"),
            "2\n");
  EXPECT_EQ(Query("sqlite", "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"), "0\n");
  EXPECT_EQ(CanonicalListings(*store), before);

  // The store's writes go on (its connections re-read the schema), and a
  // listing added afterwards has the value too.
  ASSERT_TRUE(store->AddListing(NewListing(100000), {}).ok());
  ASSERT_TRUE(store->UpdateListing(Update(1)).ok());
  StatusOr<SchemaChangeCheck> c = change->Verify(50);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listings, kSpec.listings + 1);
  EXPECT_EQ(c->missing, 0u);
  EXPECT_EQ(c->stored_v1, kSpec.listings + 1);  // every value derived on read
  EXPECT_EQ(c->stored_v2, 0u);
  EXPECT_EQ(c->wrong, 0u);
  EXPECT_GE(c->sampled, 50u);
  EXPECT_EQ(c->sample_mismatches, 0u);
  ExpectNoViolations(*store);

  // The column survives reopening the store with its profile.
  change.reset();
  store.reset();
  StoreOptions o = Options();
  o.create_if_missing = false;
  auto reopened = OpenStore(Engine::kSqlite, tmp_.Sub("sqlite"), o);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  ASSERT_TRUE((*reopened)->AddListing(NewListing(100001), {}).ok());
  EXPECT_EQ(Query("sqlite", "SELECT energy_rating FROM listings WHERE id = 100001"),
            std::string(1, EnergyRatingFor(100001)) + "\n");
  ExpectNoViolations(**reopened);
}

// The lazy method and the batched backfill over the same data and the same
// writes (before, between and after the batches): every listing reads back
// the same value of the same type, and every request the same answer.
TEST_P(SqliteSchemaChangeTest, SqliteLazyAnswersAsTheBatchedBackfillDoes) {
  auto batched_store = LoadSqlite("batched");
  auto lazy_store = LoadSqlite("lazy");
  ASSERT_NE(batched_store, nullptr);
  ASSERT_NE(lazy_store, nullptr);
  auto batched = Change(*batched_store, "batched", SchemaChangeMethod::kSqliteBatched, 64);
  auto lazy = Change(*lazy_store, "lazy", SchemaChangeMethod::kSqliteLazy);
  ASSERT_NE(batched, nullptr);
  ASSERT_NE(lazy, nullptr);
  const std::vector<Op> trace = MakeVerifyTrace(catalog_, {3000, 11});
  const std::span<const Op> ops(trace);
  DiffReport d;
  RunDifferential(*batched_store, *lazy_store, ops.subspan(0, 1000), &d);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(batched->Step().ok());  // the ALTER, two batches
  EXPECT_EQ(RunToCompletion(*lazy), 1u);
  RunDifferential(*batched_store, *lazy_store, ops.subspan(1000, 1000), &d);
  RunToCompletion(*batched);
  RunDifferential(*batched_store, *lazy_store, ops.subspan(2000), &d);
  ASSERT_TRUE(CheckInvariantsOfBoth(*batched_store, *lazy_store, &d).ok());
  EXPECT_EQ(d.mismatches, 0u) << d.first_mismatches.front().op;
  EXPECT_TRUE(d.invariant_violations.empty()) << d.invariant_violations.front();

  const std::string want = Ratings("batched");
  EXPECT_EQ(Ratings("lazy"), want);
  EXPECT_GT(std::count(want.begin(), want.end(), '\n'), static_cast<long>(kSpec.listings));
  EXPECT_EQ(want.find("NULL"), std::string::npos);
  EXPECT_EQ(lazy->stats().rows_upgraded, 0u);
  StatusOr<SchemaChangeCheck> a = batched->Verify(100);
  StatusOr<SchemaChangeCheck> b = lazy->Verify(100);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->listings, a->listings);
  EXPECT_EQ(b->listings, b->stored_v1);
  EXPECT_EQ(a->listings, a->stored_v2);
  EXPECT_EQ(a->missing + b->missing + a->wrong + b->wrong, 0u);
  EXPECT_EQ(a->sample_mismatches + b->sample_mismatches, 0u);
}

TEST_F(SchemaChangeTest, RocksLazyRewritesNothingAndDerivesTheField) {
  auto store = Load(Engine::kRocksDb, "rocksdb");
  ASSERT_NE(store, nullptr);
  auto* hooks = dynamic_cast<rocks::ListingSchemaHooks*>(store.get());
  ASSERT_NE(hooks, nullptr);
  const std::string before = CanonicalListings(*store);
  const TenantId t1 = catalog_.listings[0].tenant;

  // Before the change the field does not exist, and W3 writes v1 items.
  EXPECT_EQ(hooks->listing_schema(), 1);
  StatusOr<std::optional<char>> r = hooks->ReadEnergyRating(t1, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  ASSERT_TRUE(store->UpdateListing(Update(1)).ok());
  uint64_t v2 = 0;
  ASSERT_TRUE(hooks
                  ->ForEachListingItem([&](TenantId, const rocks::ListingItem& item) {
                    v2 += item.energy_rating != 0;
                  })
                  .ok());
  EXPECT_EQ(v2, 0u);

  auto change = Change(*store, "rocksdb", SchemaChangeMethod::kRocksLazy);
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(RunToCompletion(*change), 1u);
  EXPECT_EQ(change->stats().rows_upgraded, 0u);
  EXPECT_EQ(hooks->listing_schema(), 2);

  StatusOr<SchemaChangeCheck> c = change->Verify(1000);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listings, kSpec.listings);
  EXPECT_EQ(c->stored_v1, kSpec.listings);  // nothing was rewritten
  EXPECT_EQ(c->stored_v2, 0u);
  EXPECT_EQ(c->missing, 0u);
  EXPECT_EQ(c->wrong, 0u);
  EXPECT_EQ(c->sampled, kSpec.listings);
  EXPECT_EQ(c->sample_mismatches, 0u);

  // W3 and W4 after the change write v2 items with the right value.
  ListingUpdate u = Update(2);
  ASSERT_TRUE(store->UpdateListing(u).ok());
  ASSERT_TRUE(store->AddListing(NewListing(100000), {}).ok());
  std::map<EntityId, char> stored;
  ASSERT_TRUE(hooks
                  ->ForEachListingItem([&](TenantId, const rocks::ListingItem& item) {
                    if (item.energy_rating != 0) stored[item.listing.id] = item.energy_rating;
                  })
                  .ok());
  EXPECT_EQ(stored,
            (std::map<EntityId, char>{{2, EnergyRatingFor(2)}, {100000, EnergyRatingFor(100000)}}));
  // A second W3 of a v2 item keeps it v2.
  u.expected_version += 1;
  ASSERT_TRUE(store->UpdateListing(u).ok());
  c = change->Verify(10);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->stored_v2, 2u);
  EXPECT_EQ(c->stored_v1, kSpec.listings - 1);
  EXPECT_EQ(c->wrong, 0u);
  ExpectNoViolations(*store);

  // R1 of listings not written since loading is byte for byte what it was.
  const std::string after = CanonicalListings(*store);
  const size_t cut = before.find('\n', before.find('\n', before.find('\n') + 1) + 1);
  EXPECT_EQ(after.substr(cut), before.substr(cut));

  // The schema version survives reopening.
  store.reset();
  StoreOptions o;
  o.create_if_missing = false;
  auto reopened = OpenStore(Engine::kRocksDb, tmp_.Sub("rocksdb"), o);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto* h2 = dynamic_cast<rocks::ListingSchemaHooks*>(reopened->get());
  ASSERT_NE(h2, nullptr);
  EXPECT_EQ(h2->listing_schema(), 2);
  EXPECT_EQ((*reopened)->work_stats().queries, 0u);  // reading the version counts no work
  r = h2->ReadEnergyRating(catalog_.listings[9].tenant, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::optional<char>(EnergyRatingFor(10)));
}

// After the change, both engines still answer a seeded stream of every
// pattern byte for byte alike: the field is invisible to the canonical
// results, on v1 and v2 items alike.
TEST_P(SqliteSchemaChangeTest, EnginesStillAgreeAfterTheirChanges) {
  for (SchemaChangeMethod m :
       {SchemaChangeMethod::kSqliteBatched, SchemaChangeMethod::kSqliteLazy}) {
    const std::string name(SchemaChangeMethodName(m));
    SCOPED_TRACE(name);
    auto sqlite = LoadSqlite(name);
    auto rocks = Load(Engine::kRocksDb, name + "-rocksdb");
    ASSERT_NE(sqlite, nullptr);
    ASSERT_NE(rocks, nullptr);
    auto a = Change(*sqlite, name, m, 100);
    auto b = Change(*rocks, name + "-rocksdb", SchemaChangeMethod::kRocksLazy);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    RunToCompletion(*a);
    RunToCompletion(*b);
    const std::vector<Op> trace = MakeVerifyTrace(catalog_, {3000, 7});
    DiffReport d;
    RunDifferential(*sqlite, *rocks, trace, &d);
    ASSERT_TRUE(CheckInvariantsOfBoth(*sqlite, *rocks, &d).ok());
    EXPECT_EQ(d.mismatches, 0u) << d.first_mismatches.front().op;
    EXPECT_TRUE(d.invariant_violations.empty()) << d.invariant_violations.front();
    StatusOr<SchemaChangeCheck> c = b->Verify(0);
    ASSERT_TRUE(c.ok());
    EXPECT_GT(c->stored_v2, 0u);  // the stream's W3/W4 wrote v2 items
    EXPECT_EQ(c->wrong, 0u);
    // Both read back the same value for every listing, new ones included.
    std::map<EntityId, char> from_sqlite, from_rocks;
    std::istringstream rows(Ratings(name));
    for (std::string line; std::getline(rows, line);) {
      const auto id = static_cast<EntityId>(std::stoll(line));
      from_sqlite[id] = line.back();
    }
    auto* hooks = dynamic_cast<rocks::ListingSchemaHooks*>(rocks.get());
    ASSERT_NE(hooks, nullptr);
    std::vector<std::pair<TenantId, EntityId>> ids;
    ASSERT_TRUE(hooks
                    ->ForEachListingItem([&](TenantId t, const rocks::ListingItem& item) {
                      ids.emplace_back(t, item.listing.id);
                    })
                    .ok());
    for (const auto& [tenant, id] : ids) {
      StatusOr<std::optional<char>> r = hooks->ReadEnergyRating(tenant, id);
      ASSERT_TRUE(r.ok()) << id << ": " << r.status().ToString();
      from_rocks[id] = r->value_or('?');
    }
    EXPECT_EQ(from_sqlite, from_rocks);
  }
}

TEST_F(SchemaChangeTest, MethodsOfTheOtherEngineAreNotSupported) {
  auto sqlite = Load(Engine::kSqlite, "sqlite");
  auto rocks = Load(Engine::kRocksDb, "rocksdb");
  ASSERT_NE(sqlite, nullptr);
  ASSERT_NE(rocks, nullptr);
  SchemaChangeOptions o;
  EXPECT_EQ(NewSchemaChange(*sqlite, tmp_.Sub("sqlite"), SchemaChangeMethod::kRocksLazy, o)
                .status()
                .code(),
            StatusCode::kNotSupported);
  for (SchemaChangeMethod m :
       {SchemaChangeMethod::kSqliteBatched, SchemaChangeMethod::kSqliteLazy}) {
    EXPECT_EQ(NewSchemaChange(*rocks, tmp_.Sub("rocksdb"), m, o).status().code(),
              StatusCode::kNotSupported);
  }
  // A decorator is not the engine's store: unwrap it first.
  StoreWrapper wrapped(rocks.get());
  EXPECT_EQ(NewSchemaChange(wrapped, tmp_.Sub("rocksdb"), SchemaChangeMethod::kRocksLazy, o)
                .status()
                .code(),
            StatusCode::kNotSupported);
  o.batch_size = 0;
  EXPECT_EQ(NewSchemaChange(*sqlite, tmp_.Sub("sqlite"), SchemaChangeMethod::kSqliteBatched, o)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

// ---- The concurrent experiment --------------------------------------------------

TEST_P(SqliteSchemaChangeTest, SmallConcurrentRunOfEachMethodFinishes) {
  StatusOr<WorkloadSpec> w =
      ParseWorkloadFile(std::string(LISTBENCH_SOURCE_DIR) + "/workloads/writes.toml");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const std::vector<Op> trace = MakeTrace(catalog_, TraceSpecFor(*w, 5000, kSpec.seed));
  SchemaChangeExperimentOptions eo;
  eo.before_s = 0.2;
  eo.after_s = 0.2;
  eo.change.batch_size = 50;
  eo.verify_sample = 100;
  for (SchemaChangeMethod m : kAllSchemaChangeMethods) {
    const Engine e = m == SchemaChangeMethod::kRocksLazy ? Engine::kRocksDb : Engine::kSqlite;
    if (e == Engine::kRocksDb && GetParam() != SqliteSchema::kTuned) continue;  // once is enough
    SCOPED_TRACE(std::string(SchemaChangeMethodName(m)));
    const std::string name(SchemaChangeMethodName(m));
    auto store = Load(e, name, Options());
    ASSERT_NE(store, nullptr);
    StatusOr<SchemaChangeResult> r =
        RunSchemaChangeExperiment(*store, tmp_.Sub(name), m, trace, /*rate=*/1000, eo);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->completed) << r->change_error;
    EXPECT_GT(r->attempted, 0u);
    EXPECT_GT(r->before.latency_ns.count(), 0u);
    EXPECT_GT(r->after.latency_ns.count(), 0u);
    EXPECT_EQ(r->attempted, r->all.latency_ns.count());
    EXPECT_LE(r->in_flight.latency_ns.max(), r->longest_stall_ns);
    EXPECT_GT(r->longest_stall_ns, 0u);
    EXPECT_GE(r->longest_stall_ns, r->all.latency_ns.Percentile(0.99));
    EXPECT_GE(r->change_seconds, 0.0);
    EXPECT_EQ(r->check.missing, 0u);
    EXPECT_EQ(r->check.wrong, 0u);
    EXPECT_EQ(r->check.sample_mismatches, 0u);
    if (m == SchemaChangeMethod::kRocksLazy || m == SchemaChangeMethod::kSqliteLazy) {
      // One step that writes no listing, and no write of the run blocked
      // past its timeout.
      EXPECT_EQ(r->change.steps, 1u);
      EXPECT_EQ(r->step_failures, 0u) << r->change_error;
      EXPECT_EQ(r->change.rows_upgraded, 0u);
      EXPECT_EQ(r->failed, 0u) << r->first_failure;
      EXPECT_EQ(r->in_flight.failed, 0u);
    } else {
      EXPECT_GE(r->change.rows_upgraded, kSpec.listings);
    }
    const nlohmann::json j = SchemaChangeResultJson(*r);
    EXPECT_EQ(j.at("method"), name);
    EXPECT_EQ(j.at("writes").at("attempted"), r->attempted);
    ExpectNoViolations(*store);
  }
}

// ---- The report's split into method and data model ------------------------------

// A result with the figures the split reads.
SchemaChangeResult Figures(SchemaChangeMethod m, double change_ms, uint64_t in_flight_max_ms,
                           uint64_t rows) {
  SchemaChangeResult r;
  r.method = m;
  r.completed = true;
  r.change_seconds = change_ms / 1e3;
  r.change.steps = 1;
  r.change.longest_step_ns = static_cast<uint64_t>(change_ms * 1e6);
  r.change.rows_upgraded = rows;
  r.in_flight.latency_ns.Add(in_flight_max_ms * 1000000);
  return r;
}

TEST(SchemaChangeSplitTest, TheTwoPartsAddUpToTheGap) {
  SchemaChangeSuiteResult suite;
  suite.methods = {Figures(SchemaChangeMethod::kSqliteBlocking, 100, 90, 20000),
                   Figures(SchemaChangeMethod::kSqliteBatched, 900, 12, 20000),
                   Figures(SchemaChangeMethod::kSqliteLazy, 1, 3, 0),
                   Figures(SchemaChangeMethod::kRocksLazy, 0.5, 1, 0)};
  const std::string text = SchemaChangeSplitText(suite);
  for (const char* want :
       {"Which part is the method and which the data model", "The method's part",
        "The data model's part", "sqlite-blocking minus sqlite-lazy: took +99.000 ms",
        "sqlite-batched minus sqlite-lazy: took +899.000 ms", "listings rewritten +20000",
        "sqlite-lazy minus rocksdb-lazy: took +0.500 ms",
        "sqlite-blocking against rocksdb-lazy: the longest stall in flight differs by +89.0 ms, "
        "of which +87.0 ms is the method",
        "and +2.0 ms the data model",
        "the change's duration by +99.500 ms, of which +99.000 ms is the method and +0.500 "
        "ms the data model"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "lacks: " << want << "\n" << text;
  }
  EXPECT_NE(SchemaChangeTable(suite).find(text), std::string::npos);

  // Without rocksdb-lazy only the method's part; without sqlite-lazy nothing.
  suite.methods.pop_back();
  EXPECT_EQ(SchemaChangeSplitText(suite).find("data model's part"), std::string::npos);
  EXPECT_EQ(SchemaChangeSplitText(suite).find("Which part"), std::string::npos);
  EXPECT_NE(SchemaChangeSplitText(suite).find("method's part"), std::string::npos);
  suite.methods.pop_back();
  EXPECT_EQ(SchemaChangeSplitText(suite), "");
}

TEST_F(SchemaChangeTest, ExperimentRefusesReadsInTheTrace) {
  auto store = Load(Engine::kRocksDb, "rocksdb");
  ASSERT_NE(store, nullptr);
  const std::vector<Op> trace = {ListingDetailOp{1, 1}};
  EXPECT_EQ(RunSchemaChangeExperiment(*store, tmp_.Sub("rocksdb"), SchemaChangeMethod::kRocksLazy,
                                      trace, 100, {})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace listbench
