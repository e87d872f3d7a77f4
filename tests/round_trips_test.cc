// Round trips per request, pinned: the requests each access pattern R1-R5
// and W1-W5 sends to the database (WorkStats::queries, core/io_stats.h, the
// change around one call; bench/model/storage_profile.h RoundTrips) on both
// engines, for a call that succeeds, one that finds nothing (NotFound), one
// rejected inside its transaction (Conflict) and one that validation
// rejects (InvalidArgument), where the pattern has them.
//
// Every expected number is derived by hand, in the comment of its row, from
// what the engine sends over the tiny dataset (tests/store_test_util.h):
//   SQLite: the SQL of engine/sql/queries.h as sqlite_reads.cc and
//     sqlite_writes.cc run it. A read of several statements runs in BEGIN
//     DEFERRED ... COMMIT; a write in BEGIN IMMEDIATE ... COMMIT; a request
//     that fails inside its transaction ends with the ROLLBACK that Recover
//     runs instead of COMMIT. Each statement counts once, rows or not.
//   RocksDB: engine/rocks/rocks_store.cc -- a read is one seek; a write is
//     its point gets (GetForUpdate; item_updates.cc adds the copies it
//     reads) and one write batch that commits the transaction.
//   Both: a request rejected by validation sends nothing.
// Rows run in order on one freshly loaded store per pattern and engine, so a
// row sees the changes of the rows above it (noted where it matters).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/model/storage_profile.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

constexpr int64_t kNow = 1700000000;

struct Row {
  const char* name;
  StatusCode want;
  uint64_t sqlite;   // round trips on SQLite
  uint64_t rocksdb;  // round trips on RocksDB
  std::function<Status(Store&)> call;
};

template <typename T>
Status StatusOf(const StatusOr<T>& r) {
  return r.status();
}

class RoundTripsTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    auto s = testing::OpenNewStore(GetParam(), tmp_.Sub("store"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(testing::LoadTiny(*store_).ok());
  }

  // Runs each row's call once, in order, checking its outcome and the round
  // trips it cost against the row's literal for this engine.
  void Check(const std::vector<Row>& rows) {
    for (const Row& r : rows) {
      SCOPED_TRACE(r.name);
      const WorkStats before = store_->work_stats();
      const Status s = r.call(*store_);
      const WorkStats spent = store_->work_stats() - before;
      EXPECT_EQ(s.code(), r.want) << s.ToString();
      const uint64_t want = GetParam() == Engine::kSqlite ? r.sqlite : r.rocksdb;
      EXPECT_EQ(spent.queries, want);
      EXPECT_EQ(RoundTrips(spent), want);
    }
  }

  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

constexpr StatusCode kOk = StatusCode::kOk;
constexpr StatusCode kNotFound = StatusCode::kNotFound;
constexpr StatusCode kConflict = StatusCode::kConflict;
constexpr StatusCode kInvalid = StatusCode::kInvalidArgument;

// ---- Reads --------------------------------------------------------------------

TEST_P(RoundTripsTest, R1ListingDetail) {
  Check({
      // SQLite: BEGIN DEFERRED, listing JOIN landlords (a row), images,
      // COMMIT = 4. RocksDB: one seek over the listing's collection = 1.
      {"found", kOk, 4, 1, [](Store& s) { return StatusOf(s.GetListingDetail(1, 1)); }},
      // Listing 1 is tenant 1's. SQLite: BEGIN DEFERRED, the JOIN (no row),
      // ROLLBACK = 3. RocksDB: the seek finds no META = 1.
      {"not found", kNotFound, 3, 1, [](Store& s) { return StatusOf(s.GetListingDetail(2, 1)); }},
  });
}

TEST_P(RoundTripsTest, R2LandlordPortfolio) {
  Check({
      // SQLite: BEGIN DEFERRED, landlord, listings LEFT JOIN applications,
      // COMMIT = 4. RocksDB: one seek over the landlord's collection = 1.
      {"found", kOk, 4, 1, [](Store& s) { return StatusOf(s.GetLandlordPortfolio(1, 1)); }},
      // SQLite: BEGIN DEFERRED, landlord (no row), ROLLBACK = 3. RocksDB: 1.
      {"not found", kNotFound, 3, 1,
       [](Store& s) { return StatusOf(s.GetLandlordPortfolio(2, 1)); }},
  });
}

TEST_P(RoundTripsTest, R3Search) {
  Check({
      // SQLite: one SELECT, no transaction = 1. RocksDB: one seek over the
      // city's index entries = 1.
      {"hits", kOk, 1, 1,
       [](Store& s) {
         return StatusOf(s.Search({1, "London", 0, 1000000, 0, 10}));
       }},
      // Search has no NotFound: no hit is still the one SELECT = 1, one
      // seek = 1.
      {"no hit", kOk, 1, 1,
       [](Store& s) {
         return StatusOf(s.Search({1, "Paris", 0, 1000000, 0, 10}));
       }},
      // limit 0: rejected by ValidateSearch before the store = 0, 0.
      {"invalid", kInvalid, 0, 0,
       [](Store& s) {
         return StatusOf(s.Search({1, "London", 0, 1000000, 0, 0}));
       }},
  });
}

TEST_P(RoundTripsTest, R4ApplicantProfile) {
  Check({
      // SQLite: BEGIN DEFERRED, applicant, applications JOIN listings,
      // payments JOIN applications, COMMIT = 5. RocksDB: one seek = 1.
      {"found", kOk, 5, 1, [](Store& s) { return StatusOf(s.GetApplicantProfile(1, 1)); }},
      // SQLite: BEGIN DEFERRED, applicant (no row), ROLLBACK = 3. RocksDB: 1.
      {"not found", kNotFound, 3, 1,
       [](Store& s) { return StatusOf(s.GetApplicantProfile(2, 1)); }},
  });
}

TEST_P(RoundTripsTest, R5ListingApplications) {
  Check({
      // SQLite: BEGIN DEFERRED, listing state (existence), applications JOIN
      // applicants, COMMIT = 4. RocksDB: one seek from APP# to META = 1.
      {"found", kOk, 4, 1, [](Store& s) { return StatusOf(s.GetListingApplications(1, 1)); }},
      // SQLite: BEGIN DEFERRED, listing state (no row), ROLLBACK = 3.
      // RocksDB: 1.
      {"not found", kNotFound, 3, 1,
       [](Store& s) { return StatusOf(s.GetListingApplications(2, 1)); }},
  });
}

// ---- Writes -------------------------------------------------------------------

Application NewApplication(EntityId id, EntityId listing, EntityId applicant) {
  return {id, 1, listing, applicant, ApplicationStatus::kSubmitted, kNow, kNow};
}

TEST_P(RoundTripsTest, W1SubmitApplication) {
  Check({
      // Listing 2 is active, applicant 2 is tenant 1's. SQLite: BEGIN
      // IMMEDIATE, listing state, applicant exists, application id taken,
      // INSERT application, COMMIT = 6. RocksDB: get listing META, get
      // applicant META, get marker U#A#10, get the LST# copy, write = 5.
      {"submitted", kOk, 6, 5,
       [](Store& s) { return s.SubmitApplication(NewApplication(10, 2, 2)); }},
      // SQLite: BEGIN IMMEDIATE, listing state (no row), ROLLBACK = 3.
      // RocksDB: get listing META (absent) = 1.
      {"no listing", kNotFound, 3, 1,
       [](Store& s) { return s.SubmitApplication(NewApplication(11, 99, 2)); }},
      // Applicant 3 is tenant 2's. SQLite: BEGIN IMMEDIATE, listing state,
      // applicant exists (no row), ROLLBACK = 4. RocksDB: listing META,
      // applicant META (absent) = 2.
      {"no applicant", kNotFound, 4, 2,
       [](Store& s) { return s.SubmitApplication(NewApplication(11, 2, 3)); }},
      // Listing 4 is let. SQLite: BEGIN IMMEDIATE, listing state, applicant
      // exists, ROLLBACK = 4. RocksDB: listing META, applicant META = 2.
      {"listing not active", kConflict, 4, 2,
       [](Store& s) { return s.SubmitApplication(NewApplication(11, 4, 1)); }},
      // Application 1 exists. SQLite: BEGIN IMMEDIATE, listing state,
      // applicant exists, application id taken, ROLLBACK = 5. RocksDB:
      // listing META, applicant META, marker U#A#1 = 3.
      {"id taken", kConflict, 5, 3,
       [](Store& s) { return s.SubmitApplication(NewApplication(1, 2, 2)); }},
  });
}

Payment NewPayment(EntityId id, EntityId application, int64_t amount) {
  return {id, 1, application, amount, "GBP", "stripe", PaymentStatus::kCaptured, kNow};
}

TEST_P(RoundTripsTest, W2RecordPayment) {
  Check({
      // Application 2 is approved. SQLite: BEGIN IMMEDIATE, application
      // status, payment id taken, INSERT payment, UPDATE application, COMMIT
      // = 6. RocksDB: get application META, get marker U#Y#10, get the
      // applicant's and the listing's APP# copies, then (approved -> paid
      // leaves the open set) get listing META and the LST# copy, write = 7.
      {"first payment", kOk, 6, 7,
       [](Store& s) { return s.RecordPayment(NewPayment(10, 2, 50000)); }},
      // Application 3 is already paid. SQLite: as above = 6. RocksDB: as
      // above without listing META and LST# (paid -> paid keeps the open
      // count) = 5.
      {"another payment", kOk, 6, 5,
       [](Store& s) { return s.RecordPayment(NewPayment(11, 3, 50000)); }},
      // SQLite: BEGIN IMMEDIATE, application status (no row), ROLLBACK = 3.
      // RocksDB: application META (absent) = 1.
      {"no application", kNotFound, 3, 1,
       [](Store& s) { return s.RecordPayment(NewPayment(12, 99, 50000)); }},
      // Application 1 is submitted. SQLite: BEGIN IMMEDIATE, application
      // status, ROLLBACK = 3. RocksDB: application META = 1.
      {"not approved", kConflict, 3, 1,
       [](Store& s) { return s.RecordPayment(NewPayment(12, 1, 50000)); }},
      // Payment 1 exists. SQLite: BEGIN IMMEDIATE, application status,
      // payment id taken, ROLLBACK = 4. RocksDB: application META, marker
      // U#Y#1 = 2.
      {"id taken", kConflict, 4, 2,
       [](Store& s) { return s.RecordPayment(NewPayment(1, 3, 50000)); }},
      // Amount 0: rejected by ValidateRecordPayment, no BEGIN = 0, 0.
      {"invalid", kInvalid, 0, 0, [](Store& s) { return s.RecordPayment(NewPayment(12, 2, 0)); }},
  });
}

TEST_P(RoundTripsTest, W3UpdateListing) {
  Check({
      // Listing 1 (active, version 1) gets a new price. SQLite: BEGIN
      // IMMEDIATE, listing state, UPDATE, COMMIT = 4. RocksDB: get listing
      // META, get the LST# copy, get IMG#0 (still active: a new search
      // entry with its first image), write = 4.
      {"new price", kOk, 4, 4,
       [](Store& s) {
         return StatusOf(s.UpdateListing({1, 1, 1, 99000, std::nullopt, kNow}));
       }},
      // Listing 2 is let. SQLite: as above = 4. RocksDB: listing META, LST#
      // copy, write (no search entry, so no IMG#0) = 3.
      {"let", kOk, 4, 3,
       [](Store& s) {
         return StatusOf(s.UpdateListing({1, 2, 1, std::nullopt, ListingStatus::kLet, kNow}));
       }},
      // SQLite: BEGIN IMMEDIATE, listing state (no row), ROLLBACK = 3.
      // RocksDB: listing META (absent) = 1.
      {"no listing", kNotFound, 3, 1,
       [](Store& s) {
         return StatusOf(s.UpdateListing({1, 99, 1, 99000, std::nullopt, kNow}));
       }},
      // Listing 3 is at version 1. SQLite: BEGIN IMMEDIATE, listing state,
      // ROLLBACK = 3. RocksDB: listing META = 1.
      {"stale version", kConflict, 3, 1,
       [](Store& s) {
         return StatusOf(s.UpdateListing({1, 3, 7, 99000, std::nullopt, kNow}));
       }},
      // Neither price nor status: rejected by ValidateUpdateListing = 0, 0.
      {"invalid", kInvalid, 0, 0,
       [](Store& s) {
         return StatusOf(s.UpdateListing({1, 3, 1, std::nullopt, std::nullopt, kNow}));
       }},
  });
}

Listing NewListing(EntityId id, EntityId landlord, int64_t price) {
  Listing l;
  l.id = id;
  l.tenant = 1;
  l.landlord = landlord;
  l.city = "York";
  l.postcode = "YO1";
  l.price = price;
  l.bedrooms = 2;
  l.title = "2-bed in York";
  l.description = "new";
  l.created = l.updated = kNow;
  return l;
}

std::vector<Image> TwoImages(EntityId listing) {
  return {{listing, 0, "https://img.example/a.jpg", 640, 480, 1000},
          {listing, 1, "https://img.example/b.jpg", 640, 480, 1000}};
}

TEST_P(RoundTripsTest, W4AddListing) {
  Check({
      // SQLite: BEGIN IMMEDIATE, landlord exists, listing id taken, INSERT
      // listing, INSERT image x2, COMMIT = 7. RocksDB: get landlord META,
      // get marker U#L#10, write (listing, images, copies, index in one
      // batch) = 3.
      {"two images", kOk, 7, 3,
       [](Store& s) { return s.AddListing(NewListing(10, 1, 90000), TwoImages(10)); }},
      // SQLite: as above without images = 5. RocksDB: as above = 3.
      {"no images", kOk, 5, 3, [](Store& s) { return s.AddListing(NewListing(11, 1, 90000), {}); }},
      // Landlord 3 is tenant 2's. SQLite: BEGIN IMMEDIATE, landlord exists
      // (no row), ROLLBACK = 3. RocksDB: landlord META (absent) = 1.
      {"no landlord", kNotFound, 3, 1,
       [](Store& s) { return s.AddListing(NewListing(12, 3, 90000), {}); }},
      // Listing 1 exists. SQLite: BEGIN IMMEDIATE, landlord exists, listing
      // id taken, ROLLBACK = 4. RocksDB: landlord META, marker U#L#1 = 2.
      {"id taken", kConflict, 4, 2,
       [](Store& s) { return s.AddListing(NewListing(1, 1, 90000), {}); }},
      // Price 0: rejected by ValidateAddListing = 0, 0.
      {"invalid", kInvalid, 0, 0, [](Store& s) { return s.AddListing(NewListing(12, 1, 0), {}); }},
  });
}

TEST_P(RoundTripsTest, W5DecideApplication) {
  // Application 10 (submitted), to reject below; not measured.
  ASSERT_TRUE(store_->SubmitApplication(NewApplication(10, 2, 2)).ok());
  Check({
      // Application 1 is submitted. SQLite: BEGIN IMMEDIATE, application
      // status, UPDATE application, COMMIT = 4. RocksDB: get application
      // META, get the applicant's and the listing's APP# copies, write
      // (submitted -> approved stays open: no LST# change) = 4.
      {"approve", kOk, 4, 4, [](Store& s) { return s.DecideApplication(1, 1, true, kNow); }},
      // SQLite: as above = 4. RocksDB: as above plus listing META and the
      // LST# copy (submitted -> rejected leaves the open set) = 6.
      {"reject", kOk, 4, 6, [](Store& s) { return s.DecideApplication(1, 10, false, kNow); }},
      // SQLite: BEGIN IMMEDIATE, application status (no row), ROLLBACK = 3.
      // RocksDB: application META (absent) = 1.
      {"no application", kNotFound, 3, 1,
       [](Store& s) { return s.DecideApplication(1, 99, true, kNow); }},
      // Application 1 was approved above. SQLite: BEGIN IMMEDIATE,
      // application status, ROLLBACK = 3. RocksDB: application META = 1.
      {"decided twice", kConflict, 3, 1,
       [](Store& s) { return s.DecideApplication(1, 1, true, kNow); }},
  });
}

INSTANTIATE_TEST_SUITE_P(Engines, RoundTripsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                         [](const auto& p) { return std::string(EngineName(p.param)); });

}  // namespace
}  // namespace listbench
