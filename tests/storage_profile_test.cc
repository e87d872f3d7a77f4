// The modelled deployed latency: the arithmetic, the round-trip rules, and
// that the timing decorator charges each request exactly its own counted I/O
// and round trips.
#include "bench/model/storage_profile.h"

#include <gtest/gtest.h>

#include "bench/harness/measured_store.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

TEST(StorageProfileTest, Arithmetic) {
  const StorageProfile p{"p", 100, 7, 50, 300, "test"};
  IoStats io;
  io.reads = 3;
  io.writes = 2;
  io.syncs = 1;
  // 3x100 + 2x7 + 1x50 + 4x300 = 1564 us on top of the measured 2,000 ns.
  EXPECT_EQ(ModelledNs(p, 2000, io, 4), 2000u + 1564000u);
  EXPECT_EQ(ModelledNs(p, 2000, IoStats{}, 0), 2000u);
}

TEST(StorageProfileTest, RoundTrips) {
  WorkStats w;
  w.queries = 3;
  EXPECT_EQ(RoundTrips("rocksdb", OpKind::kListingDetail, w), 3u);
  EXPECT_EQ(RoundTrips("rocksdb", OpKind::kSubmitApplication, w), 3u);
  EXPECT_EQ(RoundTrips("sqlite", OpKind::kListingDetail, w), 3u);
  EXPECT_EQ(RoundTrips("sqlite", OpKind::kSubmitApplication, w), 5u);  // + BEGIN, COMMIT
}

TEST(StorageProfileTest, ProfilesHaveSources) {
  ASSERT_GE(StorageProfiles().size(), 2u);
  for (const StorageProfile& p : StorageProfiles()) {
    EXPECT_FALSE(p.source.empty()) << p.name;
    EXPECT_GT(p.read_us, 0) << p.name;
  }
}

class ModelledByDecoratorTest : public ::testing::TestWithParam<Engine> {};

TEST_P(ModelledByDecoratorTest, EachRequestIsChargedItsOwnIoAndRoundTrips) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("s");
  std::filesystem::create_directory(dir);
  StoreOptions o;
  o.durable = true;  // writes sync: the sync term is exercised too
  auto s = OpenStore(GetParam(), dir, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(testing::LoadTiny(**s).ok());
  for (int write = 0; write < 2; ++write) {
    MeasuredStore m(s->get());
    if (write) {
      ASSERT_TRUE(m.DecideApplication(1, 1, true, 1700000000).ok());
    } else {
      ASSERT_TRUE(m.GetListingDetail(1, 1).ok());
    }
    const OpKind kind = write ? OpKind::kDecideApplication : OpKind::kListingDetail;
    const OpStats& st = m.stats()[static_cast<int>(kind)];
    ASSERT_EQ(st.count(), 1u);
    const uint64_t trips = RoundTrips((*s)->Name(), kind, st.work);
    EXPECT_GE(trips, 1u);
    if (write) {
      EXPECT_GE(st.io.syncs, 1u);
    }
    for (size_t i = 0; i < StorageProfiles().size(); ++i) {
      const StorageProfile& p = StorageProfiles()[i];
      EXPECT_EQ(st.modelled_ns[i].max(), ModelledNs(p, st.latency_ns.max(), st.io, trips))
          << p.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, ModelledByDecoratorTest,
                         ::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                         [](const auto& p) { return std::string(EngineName(p.param)); });

}  // namespace
}  // namespace listbench
