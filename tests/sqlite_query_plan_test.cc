// The query plan of every statement an access pattern runs on the SQLite
// store, pinned per index profile (SqliteSchema): what EXPLAIN QUERY PLAN
// says on a loaded, ANALYZEd store of 2,000 listings. The tuned profile's
// reads of R2-R5 must say USING COVERING INDEX where the legacy one fetches
// a table row per index entry; a change of index, query or SQLite version
// that changes a plan fails here, naming the statement.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/sql/queries.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/store_test_util.h"
#include "workloads/dataset.h"

namespace listbench {
namespace {

// The statements of the access patterns (engine/sql/queries.h), by the
// pattern that runs them.
struct Query {
  const char* name;
  const char* sql;
};
const Query kQueries[] = {
    {"R1 detail", kListingDetailSql},
    {"R1 images", kListingImagesSql},
    {"R2 landlord", kLandlordSql},
    {"R2 portfolio", kPortfolioSql},
    {"R3 search", kSearchSql},
    {"R4 applicant", kApplicantSql},
    {"R4 applications", kApplicantApplicationsSql},
    {"R4 payments", kApplicantPaymentsSql},
    {"R5 listing", kListingStateSql},
    {"R5 applications", kListingApplicationsSql},
    {"W1/W3 listing state", kListingStateSql},
    {"W1 applicant exists", kApplicantExistsSql},
    {"W2/W5 application status", kApplicationStatusSql},
    {"W4 landlord exists", kLandlordExistsSql},
};

// EXPLAIN QUERY PLAN of `sql` on `db`: its lines' details joined by " / ".
std::string Plan(sqlite3* db, const char* sql) {
  const std::string explain = std::string("EXPLAIN QUERY PLAN ") + sql;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, explain.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    return std::string("prepare failed: ") + sqlite3_errmsg(db);
  }
  std::string out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    if (!out.empty()) out += " / ";
    out += reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
  }
  sqlite3_finalize(s);
  return out;
}

// The plans of kQueries on a store of `schema`, by query name.
std::vector<std::string> PlansFor(SqliteSchema schema) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("sqlite");
  std::filesystem::create_directory(dir);
  StoreOptions o;
  o.sqlite_schema = schema;
  {
    auto store = OpenSqliteStore(dir, o);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return {};
    std::unique_ptr<BulkLoader> loader = (*store)->NewBulkLoader();
    EXPECT_TRUE(GenerateDataset({2000, 1}, loader.get(), nullptr).ok());
    EXPECT_TRUE(loader->Finish().ok());
  }
  sqlite3* db = nullptr;
  EXPECT_EQ(
      sqlite3_open_v2((dir + "/" + kSqliteFileName).c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
      SQLITE_OK);
  std::vector<std::string> plans;
  for (const Query& q : kQueries) plans.push_back(Plan(db, q.sql));
  sqlite3_close(db);
  return plans;
}

void ExpectPlans(SqliteSchema schema, const std::vector<std::string>& expected) {
  const std::vector<std::string> plans = PlansFor(schema);
  ASSERT_EQ(plans.size(), std::size(kQueries));
  ASSERT_EQ(expected.size(), std::size(kQueries));
  for (size_t i = 0; i < plans.size(); ++i) {
    EXPECT_EQ(plans[i], expected[i]) << kQueries[i].name;
  }
}

// Primary-key lookups are the same in both profiles.
const char* const kListingByPk = "SEARCH l USING INTEGER PRIMARY KEY (rowid=?)";
const char* const kDetailPlan =
    "SEARCH l USING INTEGER PRIMARY KEY (rowid=?) / SEARCH ll USING INTEGER PRIMARY KEY (rowid=?)";
const char* const kImagesPlan = "SEARCH listing_images USING PRIMARY KEY (listing_id=?)";
const char* const kLandlordPlan = "SEARCH landlords USING INTEGER PRIMARY KEY (rowid=?)";
const char* const kApplicantPlan = "SEARCH applicants USING INTEGER PRIMARY KEY (rowid=?)";
const char* const kListingStatePlan = "SEARCH listings USING INTEGER PRIMARY KEY (rowid=?)";
const char* const kApplicationStatusPlan =
    "SEARCH applications USING INTEGER PRIMARY KEY (rowid=?)";

TEST(SqliteQueryPlanTest, LegacyFetchesATableRowPerIndexEntry) {
  (void)kListingByPk;
  ExpectPlans(SqliteSchema::kLegacy,
              {
                  kDetailPlan,
                  kImagesPlan,
                  kLandlordPlan,
                  // A row per listing of the landlord.
                  "SEARCH l USING INDEX listings_by_landlord (landlord_id=?) / "
                  "SEARCH a USING COVERING INDEX applications_by_listing (listing_id=? AND "
                  "status=?) LEFT-JOIN",
                  // A row per candidate in the price range, to test bedrooms.
                  "SEARCH l USING INDEX listings_search (tenant_id=? AND city=? AND status=? AND "
                  "price>? AND price<?) / SEARCH i USING PRIMARY KEY (listing_id=? AND "
                  "position=?) LEFT-JOIN",
                  kApplicantPlan,
                  "SEARCH a USING INDEX applications_by_applicant (applicant_id=?) / "
                  "SEARCH l USING INTEGER PRIMARY KEY (rowid=?)",
                  "SEARCH a USING INDEX applications_by_applicant (applicant_id=?) / "
                  "SEARCH p USING INDEX payments_by_application (application_id=?) / "
                  "USE TEMP B-TREE FOR ORDER BY",
                  kListingStatePlan,
                  "SEARCH a USING INDEX applications_by_listing (listing_id=?) / "
                  "SEARCH ap USING INTEGER PRIMARY KEY (rowid=?) / USE TEMP B-TREE FOR ORDER BY",
                  kListingStatePlan,
                  kApplicantPlan,
                  kApplicationStatusPlan,
                  kLandlordPlan,
              });
}

TEST(SqliteQueryPlanTest, TunedCoversR2ToR5) {
  ExpectPlans(SqliteSchema::kTuned,
              {
                  kDetailPlan,
                  kImagesPlan,
                  kLandlordPlan,
                  "SEARCH l USING COVERING INDEX listings_by_landlord_cover (landlord_id=? AND "
                  "tenant_id=?) / SEARCH a USING COVERING INDEX applications_by_listing_cover "
                  "(listing_id=?) LEFT-JOIN",
                  // Only the first image of each hit is fetched: the join of
                  // the normalized model.
                  "SEARCH l USING COVERING INDEX listings_search_cover (tenant_id=? AND city=? "
                  "AND status=? AND price>? AND price<?) / SEARCH i USING PRIMARY KEY "
                  "(listing_id=? AND position=?) LEFT-JOIN",
                  kApplicantPlan,
                  // The listing title still comes from the listing's row.
                  "SEARCH a USING COVERING INDEX applications_by_applicant_cover (applicant_id=? "
                  "AND tenant_id=?) / SEARCH l USING INTEGER PRIMARY KEY (rowid=?)",
                  // Payments keep a narrow index (a covering one would copy
                  // the table).
                  "SEARCH a USING COVERING INDEX applications_by_applicant_cover (applicant_id=? "
                  "AND tenant_id=?) / SEARCH p USING INDEX payments_by_application "
                  "(application_id=?) / USE TEMP B-TREE FOR ORDER BY",
                  kListingStatePlan,
                  "SEARCH a USING COVERING INDEX applications_by_listing_cover (listing_id=? AND "
                  "tenant_id=?) / SEARCH ap USING INTEGER PRIMARY KEY (rowid=?)",
                  kListingStatePlan,
                  kApplicantPlan,
                  kApplicationStatusPlan,
                  kLandlordPlan,
              });
}

}  // namespace
}  // namespace listbench
