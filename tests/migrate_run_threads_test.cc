// `listbench migrate` with four request workers (bench/drivers/migrate_run.h)
// at CI scale ends with no failed request, no lost write and no difference.
// It runs the listbench binary in child processes, so it is not part of the
// ThreadSanitizer stage (the in-process concurrency of the migration is:
// tests/migration_concurrency_test.cc).
#include <gtest/gtest.h>

#include <string>

#include "bench/drivers/migrate_run.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

using testing::TempDir;

constexpr uint64_t kListings = 200;

std::string Workload() { return std::string(LISTBENCH_SOURCE_DIR) + "/workloads/mixed.toml"; }

MigrationOptions SmallOptions() {
  MigrationOptions o;
  o.dual_write_steps = 50;
  o.chunk_rows = 100;
  o.verifier_pages_per_step = 8;
  o.spi = SpiOptions{.window = 100, .target_latency_us = 1e9, .min_samples = 40};
  o.max_hold_steps = 0;
  o.cutover_steps = 100;
  return o;
}

TEST(MigrateRunConcurrency, FourRequestWorkersEndWithNoFailedRequestNoLostWriteNoDifference) {
  TempDir tmp;
  MigrateConfig c;
  c.binary = LISTBENCH_BINARY;
  c.listings = kListings;
  c.workload_file = Workload();
  c.seed = 5;
  c.work_dir = tmp.path();
  c.ops_before = 300;
  c.ops_after = 50;
  c.max_ops = 200000;
  c.step_every = 1;
  c.threads = 4;
  c.migration = SmallOptions();
  StatusOr<MigrateResult> r = RunMigrate(c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->final_phase, "finalized");
  EXPECT_EQ(r->failed_requests, 0u) << (r->failures.empty() ? "" : r->failures.front());
  EXPECT_EQ(r->lost_writes, 0u);
  EXPECT_GT(r->acknowledged_writes, 0u);
  EXPECT_EQ(r->reference_differences, 0u);
  ASSERT_TRUE(r->final_diff.has_value());
  EXPECT_EQ(r->final_diff->differences(), 0u);
  EXPECT_GT(r->backfill.requests, 0u);
  EXPECT_GT(r->before.requests, 0u);
}

}  // namespace
}  // namespace listbench
