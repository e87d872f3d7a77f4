// The differential check itself: both engines loaded with the same seeded
// dataset answer the same seeded operation stream identically, and the check
// does catch a store that answers differently (it is not a test that cannot
// fail).
#include "bench/harness/differential.h"

#include <gtest/gtest.h>

#include "core/store_wrapper.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"
#include "workloads/dataset.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

// Parameter: the SQLite store's index profile; the answers must be
// byte-identical to RocksDB's with either.
class DifferentialTest : public ::testing::TestWithParam<SqliteSchema> {
 protected:
  static constexpr DatasetSpec kSpec{1500, 11};

  void SetUp() override {
    for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
      const std::string dir = tmp_.Sub(std::string(EngineName(e)));
      StoreOptions o;
      o.sqlite_schema = GetParam();
      auto s = testing::OpenNewStore(e, dir, o);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      auto loader = (*s)->NewBulkLoader();
      ASSERT_TRUE(GenerateDataset(kSpec, loader.get(), nullptr).ok());
      ASSERT_TRUE(loader->Finish().ok());
      (e == Engine::kSqlite ? sqlite_ : rocks_) = std::move(*s);
    }
    ASSERT_TRUE(GenerateDataset(kSpec, nullptr, &catalog_).ok());
  }

  testing::TempDir tmp_;
  std::unique_ptr<Store> sqlite_, rocks_;
  DatasetCatalog catalog_;
};

TEST_P(DifferentialTest, EnginesAgreeOnASeededStream) {
  const std::vector<Op> trace = MakeVerifyTrace(catalog_, {6000, 11});
  DiffReport d;
  RunDifferential(*sqlite_, *rocks_, trace, &d);
  ASSERT_TRUE(CheckInvariantsOfBoth(*sqlite_, *rocks_, &d).ok());
  EXPECT_EQ(d.ops, 6000u);
  EXPECT_EQ(d.mismatches, 0u) << d.first_mismatches.front().op
                              << "\n sqlite:  " << d.first_mismatches.front().a
                              << "\n rocksdb: " << d.first_mismatches.front().b;
  EXPECT_TRUE(d.invariant_violations.empty()) << d.invariant_violations.front();
  // Every kind ran, and every kind had successes and failures both.
  for (int k = 0; k < kNumOpKinds; ++k) {
    EXPECT_GT(d.outcomes[k]["ok"], 0u) << OpKindName(static_cast<OpKind>(k));
    EXPECT_GT(d.outcomes[k].size(), 1u) << OpKindName(static_cast<OpKind>(k));
  }
}

// Answers like its target, except that R1 loses a listing's last image.
class LosesAnImage : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  StatusOr<ListingDetail> GetListingDetail(TenantId t, EntityId l) override {
    StatusOr<ListingDetail> r = StoreWrapper::GetListingDetail(t, l);
    if (r.ok() && !r->images.empty()) r->images.pop_back();
    return r;
  }
};

TEST_P(DifferentialTest, CatchesAStoreThatAnswersDifferently) {
  const std::vector<Op> trace = MakeVerifyTrace(catalog_, {2000, 12});
  LosesAnImage broken(rocks_.get());
  DiffReport d;
  RunDifferential(*sqlite_, broken, trace, &d);
  EXPECT_GT(d.mismatches, 0u);
  ASSERT_FALSE(d.first_mismatches.empty());
  EXPECT_NE(d.first_mismatches[0].op.find("listing_detail"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(SqliteSchemas, DifferentialTest,
                         ::testing::Values(SqliteSchema::kTuned, SqliteSchema::kLegacy),
                         [](const ::testing::TestParamInfo<SqliteSchema>& p) {
                           return std::string(SqliteSchemaName(p.param));
                         });

}  // namespace
}  // namespace listbench
