// The interleaving check (bench/harness/interleaving.h): hand-made histories
// over the tiny dataset show that each check catches its anomaly -- a lost
// update, a wrong version, a stale final version, an unjustified rejection,
// a missing acknowledged write -- and accepts a consistent history; then one
// real run of a seeded trace with four clients passes on every engine.
#include <gtest/gtest.h>

#include "bench/harness/interleaving.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"
#include "workloads/dataset.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

Op W3(EntityId listing, uint64_t expected) {
  ListingUpdate u;
  u.tenant = 1;
  u.listing = listing;
  u.expected_version = expected;
  u.price = 99000;
  u.now = 1700000000;
  return UpdateListingOp{u};
}

OpRecord Rec(int64_t start, int64_t end, StatusCode code, uint64_t new_version = 0) {
  OpRecord r;
  r.start_ns = start;
  r.end_ns = end;
  r.code = code;
  r.new_version = new_version;
  return r;
}

constexpr StatusCode kOk = StatusCode::kOk;
constexpr StatusCode kConflict = StatusCode::kConflict;

class InterleavingCheckTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    auto s = OpenStore(GetParam(), tmp_.path(), StoreOptions{});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(testing::LoadTiny(*store_).ok());
  }

  // Really updates listing 1 of the store from `expected`.
  void Update(uint64_t expected) {
    StatusOr<uint64_t> v = store_->UpdateListing(std::get<UpdateListingOp>(W3(1, expected)).update);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }

  // Checks the hand-made history against the store; listing 1 starts at
  // version 1 (the tiny dataset's).
  InterleavingReport Check(const std::vector<Op>& trace, const std::vector<OpRecord>& records) {
    InterleavingReport r;
    const InitialVersions initial = {{1, {1, INT64_MIN}}};
    Status s = CheckInterleaving(*store_, trace, records, initial, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }

  static bool HasDetail(const InterleavingReport& r, InterleavingCheck c, const std::string& text) {
    for (const InterleavingViolation& v : r.first_violations) {
      if (v.check == c && v.detail.find(text) != std::string::npos) return true;
    }
    return false;
  }

  uint64_t Violations(const InterleavingReport& r, InterleavingCheck c) {
    return r.violations[static_cast<int>(c)];
  }

  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_P(InterleavingCheckTest, AcceptsAConsistentHistory) {
  Update(1);
  Update(2);
  Application a = testing::Tiny().application(1);
  a.id = 40;
  a.applicant = 2;
  ASSERT_TRUE(store_->SubmitApplication(a).ok());
  // Op 1 lost to op 0 (overlapping); op 2 ran after op 0 had moved the
  // listing on; op 3 is accepted from the version op 0 made.
  const std::vector<Op> trace = {W3(1, 1), W3(1, 1), W3(1, 1), W3(1, 2), SubmitApplicationOp{a}};
  const InterleavingReport r =
      Check(trace, {Rec(0, 10, kOk, 2), Rec(5, 15, kConflict), Rec(20, 30, kConflict),
                    Rec(40, 50, kOk, 3), Rec(60, 70, kOk)});
  EXPECT_EQ(r.total_violations(), 0u) << r.first_violations.front().detail;
  EXPECT_EQ(r.w3_accepted, 2u);
  EXPECT_EQ(r.w3_rejected, 2u);
  EXPECT_EQ(r.w3_listings, 1u);
  EXPECT_EQ(r.acked_writes_checked, 1u);
}

TEST_P(InterleavingCheckTest, CatchesALostUpdate) {
  Update(1);  // the store holds one update; two were acknowledged from version 1
  const InterleavingReport r =
      Check({W3(1, 1), W3(1, 1)}, {Rec(0, 10, kOk, 2), Rec(5, 15, kOk, 2)});
  EXPECT_TRUE(HasDetail(r, InterleavingCheck::kVersions, "lost update: ops 0 and 1"));
  EXPECT_EQ(Violations(r, InterleavingCheck::kRejections), 0u);
}

TEST_P(InterleavingCheckTest, CatchesAWrongReturnedVersion) {
  Update(1);
  const InterleavingReport r = Check({W3(1, 1)}, {Rec(0, 10, kOk, 3)});
  EXPECT_TRUE(HasDetail(r, InterleavingCheck::kVersions, "at version 1 returned version 3"));
}

TEST_P(InterleavingCheckTest, CatchesAnAcceptedUpdateTheStoreLacks) {
  // Acknowledged twice, stored once: the chain 2..3 does not end at version 2.
  Update(1);
  const InterleavingReport r =
      Check({W3(1, 1), W3(1, 2)}, {Rec(0, 10, kOk, 2), Rec(20, 30, kOk, 3)});
  EXPECT_EQ(Violations(r, InterleavingCheck::kVersions), 1u);
  EXPECT_TRUE(HasDetail(r, InterleavingCheck::kVersions, "version 2 at the end"));
}

TEST_P(InterleavingCheckTest, CatchesAnUnjustifiedRejection) {
  // Nothing updated listing 1: a rejection at its version 1 lost to nobody.
  InterleavingReport r = Check({W3(1, 1)}, {Rec(10, 20, kConflict)});
  EXPECT_EQ(Violations(r, InterleavingCheck::kRejections), 1u);
  EXPECT_TRUE(
      HasDetail(r, InterleavingCheck::kRejections, "op 0: update of listing 1 at version 1"));

  // An update from version 1 that started only after the rejection ended
  // does not justify it either.
  Update(1);
  r = Check({W3(1, 1), W3(1, 1)}, {Rec(10, 20, kConflict), Rec(25, 30, kOk, 2)});
  EXPECT_EQ(Violations(r, InterleavingCheck::kRejections), 1u);
  EXPECT_EQ(Violations(r, InterleavingCheck::kVersions), 0u);

  // One that started before it ended does.
  r = Check({W3(1, 1), W3(1, 1)}, {Rec(10, 20, kConflict), Rec(15, 30, kOk, 2)});
  EXPECT_EQ(r.total_violations(), 0u);

  // A rejection at version 2 while the update that made version 2 was still
  // running is not certain to have seen version 2.
  r = Check({W3(1, 1), W3(1, 2)}, {Rec(10, 30, kOk, 2), Rec(20, 40, kConflict)});
  EXPECT_EQ(r.total_violations(), 0u);
  // Once that update had ended, it is.
  r = Check({W3(1, 1), W3(1, 2)}, {Rec(10, 15, kOk, 2), Rec(20, 40, kConflict)});
  EXPECT_EQ(Violations(r, InterleavingCheck::kRejections), 1u);
}

TEST_P(InterleavingCheckTest, CatchesMissingAcknowledgedWrites) {
  Application a = testing::Tiny().application(1);
  a.id = 99;  // never written
  Payment p = testing::Tiny().payment(1);
  p.id = 77;  // application 3 exists and is paid, but payment 77 does not
  Listing l = testing::Tiny().listing(1);
  l.id = 78;  // never written
  const std::vector<Op> trace = {
      SubmitApplicationOp{a}, RecordPaymentOp{p}, AddListingOp{l, {}},
      DecideApplicationOp{1, 1, true, 1700000000},  // application 1 is still submitted
      DecideApplicationOp{1, 99, true, 1700000000}};
  InterleavingReport r = Check(trace, {Rec(0, 1, kOk), Rec(0, 1, kOk), Rec(0, 1, kOk),
                                       Rec(0, 1, kOk), Rec(0, 1, StatusCode::kNotFound)});
  EXPECT_EQ(r.acked_writes_checked, 4u);
  EXPECT_EQ(Violations(r, InterleavingCheck::kAckedWrites), 4u);
  EXPECT_TRUE(HasDetail(r, InterleavingCheck::kAckedWrites, "application 99 is absent"));
  EXPECT_TRUE(HasDetail(r, InterleavingCheck::kAckedWrites, "payment 77 is absent"));
  EXPECT_TRUE(HasDetail(r, InterleavingCheck::kAckedWrites, "listing 78 is absent"));
  EXPECT_TRUE(HasDetail(r, InterleavingCheck::kAckedWrites, "application 1 is still submitted"));
}

// One real run: a seeded verify trace dealt to four clients, checked.
TEST_P(InterleavingCheckTest, ASeededRunWithFourClientsPasses) {
  constexpr DatasetSpec kSpec{2000, 5};
  testing::TempDir dir;
  auto s = OpenStore(GetParam(), dir.path(), StoreOptions{});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto loader = (*s)->NewBulkLoader();
  ASSERT_TRUE(GenerateDataset(kSpec, loader.get(), nullptr).ok());
  ASSERT_TRUE(loader->Finish().ok());
  DatasetCatalog catalog;
  ASSERT_TRUE(GenerateDataset(kSpec, nullptr, &catalog).ok());
  const std::vector<Op> trace = MakeVerifyTrace(catalog, {4000, 5});

  // Every store is safe for concurrent use: the four clients drive it directly.
  InterleavingReport r;
  Status st = VerifyInterleaved(**s, trace, 4, &r);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(r.ops, 4000u);
  EXPECT_EQ(r.total_violations(), 0u) << InterleavingCheckName(r.first_violations.front().check)
                                      << ": " << r.first_violations.front().detail;
  EXPECT_GT(r.acked_writes_checked, 100u);
  EXPECT_GT(r.w3_accepted, 10u);
  EXPECT_GT(r.w3_rejected, 0u);  // the trace's stale versions at least
}

INSTANTIATE_TEST_SUITE_P(Engines, InterleavingCheckTest,
                         ::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                         [](const ::testing::TestParamInfo<Engine>& p) {
                           return std::string(EngineName(p.param));
                         });

}  // namespace
}  // namespace listbench
