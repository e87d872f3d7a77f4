// The modelled deployed latency: the arithmetic, the round-trip rules, and
// that the timing decorator charges each request exactly its own counted I/O
// and round trips.
#include "bench/model/storage_profile.h"

#include <gtest/gtest.h>

#include <cmath>

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
  // One round trip per request sent to the database, which is what
  // WorkStats::queries counts on both engines (BEGIN, COMMIT and ROLLBACK are
  // among SQLite's when they run): nothing is added or taken away.
  WorkStats w;
  w.queries = 3;
  w.rows_read = 40;
  w.rows_written = 5;
  w.read_units = 7;
  w.write_units = 9;
  EXPECT_EQ(RoundTrips(w), 3u);
  EXPECT_EQ(RoundTrips(WorkStats{}), 0u);  // e.g. a request validation rejected
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
  StoreOptions o;
  o.durable = true;  // writes sync: the sync term is exercised too
  auto s = testing::OpenNewStore(GetParam(), dir, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(testing::LoadTiny(**s).ok());
  const bool sqlite = GetParam() == Engine::kSqlite;
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
    // Hand-derived (as in round_trips_test.cc). R1: SQLite BEGIN DEFERRED,
    // listing JOIN landlords, images, COMMIT = 4; RocksDB one seek = 1. W5
    // approving a submitted application: SQLite BEGIN IMMEDIATE, status,
    // UPDATE, COMMIT = 4; RocksDB application META, two APP# copies, the
    // write = 4.
    const uint64_t trips = write ? 4 : (sqlite ? 4 : 1);
    if (write) {
      EXPECT_GE(st.io.syncs, 1u);
    }
    for (size_t i = 0; i < StorageProfiles().size(); ++i) {
      const StorageProfile& p = StorageProfiles()[i];
      // The header's sum: measured + reads x read_us + writes x write_us +
      // syncs x sync_us + round trips x rtt_us, in ns.
      const double extra_us = static_cast<double>(st.io.reads) * p.read_us +
                              static_cast<double>(st.io.writes) * p.write_us +
                              static_cast<double>(st.io.syncs) * p.sync_us +
                              static_cast<double>(trips) * p.rtt_us;
      EXPECT_EQ(st.modelled_ns[i].max(),
                st.latency_ns.max() + static_cast<uint64_t>(std::llround(extra_us * 1000.0)))
          << p.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, ModelledByDecoratorTest,
                         ::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                         [](const auto& p) { return std::string(EngineName(p.param)); });

}  // namespace
}  // namespace listbench
