// listbench failover on PostgreSQL, CI-sized: a replicated pair on a small
// load, the primary killed under four clients, the replica promoted, the
// clients redirected, the old primary rewound back in as a replica. The
// oracle probes every acknowledged write on the new primary.
#include "bench/drivers/failover.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/postgres/pg_server.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

bool HavePostgres() { return PgBinDir().ok(); }

FailoverOptions SmallFailover(const testing::TempDir& tmp, PgReplication mode) {
  FailoverOptions o;
  o.spec.listings = 500;
  o.spec.seed = 7;
  StatusOr<WorkloadSpec> w =
      ParseWorkloadFile(std::string(LISTBENCH_SOURCE_DIR) + "/workloads/mixed.toml");
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (w.ok()) o.workload = *w;
  o.work_dir = tmp.Sub("work");
  std::filesystem::create_directory(o.work_dir);
  o.replication = mode;
  o.threads = 4;
  o.heartbeat_ms = 50;
  o.timeout_ms = 300;
  o.before_s = 1;
  o.after_s = 0.3;
  return o;
}

TEST(FailoverTest, SyncReplicationLosesNoAcknowledgedWrite) {
  if (!HavePostgres()) GTEST_SKIP() << "no PostgreSQL server binaries (scripts/setup.sh)";
  testing::TempDir tmp;
  StatusOr<FailoverResult> r = RunFailover(SmallFailover(tmp, PgReplication::kSync), {300}, 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->runs.size(), 1u);
  for (const FailoverRun& run : r->runs) {
    EXPECT_GT(run.writes_acknowledged_before_failure, 0u);
    EXPECT_GT(run.writes_acknowledged, run.writes_acknowledged_before_failure);
    EXPECT_TRUE(run.lost.empty()) << run.lost.size() << " lost, first op " << run.lost[0].op_index;
    EXPECT_GE(run.rto_ms, run.detection_ms + run.promotion_ms);
    EXPECT_TRUE(run.rejoined);
    EXPECT_TRUE(run.rejoined_identical);
    EXPECT_LE(run.failure_at_ms, run.detected_at_ms);
    EXPECT_LE(run.detected_at_ms, run.promoted_at_ms);
    EXPECT_LE(run.promoted_at_ms, run.first_write_at_ms);
  }
}

TEST(FailoverTest, AsyncReplicationLosesAtMostATailAndSaysWhich) {
  if (!HavePostgres()) GTEST_SKIP() << "no PostgreSQL server binaries (scripts/setup.sh)";
  testing::TempDir tmp;
  StatusOr<FailoverResult> r = RunFailover(SmallFailover(tmp, PgReplication::kAsync), {300}, 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const FailoverRun& run = r->runs.at(0);
  EXPECT_GT(run.writes_acknowledged, 0u);
  double oldest = 0;
  for (const LostWrite& w : run.lost) {
    // Only writes the old primary acknowledged can be missing: each before
    // the replica was promoted (some while the kill was under way, so just
    // after the failure began).
    EXPECT_LT(run.failure_at_ms - w.acked_before_failure_ms, run.promoted_at_ms);
    oldest = std::max(oldest, w.acked_before_failure_ms);
  }
  EXPECT_EQ(run.rpo_ms, oldest);
  EXPECT_TRUE(run.rejoined_identical);
}

TEST(FailoverTest, EmbeddedEnginesAndBadFlagsAreOneLineErrors) {
  testing::TempDir tmp;
  const std::string dirs = " --work-dir " + tmp.Sub("work") + " --out " + tmp.Sub("out");
  for (const char* args :
       {"failover --engine rocksdb --listings 100", "failover --replication maybe",
        "failover --timeout-ms 10,,20", "failover --threads 0"}) {
    testing::CliResult r = testing::RunListbench(args + dirs, tmp);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
  }
  // Bad input leaves nothing behind.
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("work")));
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("out")));
}

}  // namespace
}  // namespace listbench
