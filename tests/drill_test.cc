// Drills at CI size (bench/drivers/drill.h), on both engines: the kill-point sweep
// crashes a small workload at every write/sync call in turn and every crash
// recovers with no acknowledged write lost; relaxed stores lose only a tail
// (and the drill sees the loss, so it can fail); a transient full disk and
// transient I/O errors clear and the store serves again without a restart;
// the same seed replays the same injected faults.
#include "bench/drivers/drill.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/store_test_util.h"

namespace listbench {
namespace {

Scenario Parse(const std::string& text) {
  // Named as if it lived in sim/scenarios/, so "workload" resolves there.
  StatusOr<Scenario> s =
      ParseScenarioText(text, std::string(LISTBENCH_SOURCE_DIR) + "/sim/scenarios/test.toml");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Scenario{};
}

std::string Problems(const DrillResult& r) {
  std::string out;
  for (const CycleRecord& c : r.cycle_records) {
    for (const std::string& p : c.problems) out += fmt::format("cycle {}: {}\n", c.cycle, p);
  }
  return out;
}

class DrillTest : public ::testing::TestWithParam<Engine> {
 protected:
  DrillOptions Options(const testing::TempDir& dir) {
    DrillOptions o;
    o.work_dir = dir.path();
    o.binary = LISTBENCH_BINARY;
    o.seed = 5;
    return o;
  }
};

// Each crash point is one cycle (a child process, a recovery, a replay), so
// the run is kept short: 4 writes still give 20 to 35 crash points, each
// cycle's trace differing by its seed.
TEST_P(DrillTest, KillPointSweepLosesNoAcknowledgedWrite) {
  testing::TempDir dir;
  Scenario sc = Parse(
      "name = \"sweep\"\nkind = \"crash\"\ndurable = true\nlistings = 40\noperations = 4\n"
      "workload = \"writes\"\ncrash = \"power_loss\"\n");
  DrillOptions o = Options(dir);
  o.kill_point_sweep = true;
  StatusOr<DrillResult> r = RunDrill(GetParam(), sc, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->Failed()) << Problems(*r);
  EXPECT_EQ(r->lost_acknowledged_writes, 0u);
  EXPECT_EQ(r->integrity_failures, 0u);
  EXPECT_EQ(r->differential_failures, 0u);
  // Every crash point up to the end was visited: the last cycle ran through.
  EXPECT_EQ(r->runs_without_crash, 1u);
  EXPECT_EQ(r->crashes_power_loss + 1, r->cycles);
  EXPECT_GE(r->cycles, 5u);  // at least a write or sync per operation
  EXPECT_EQ(r->cycle_records.back().crash, "none");
  EXPECT_GT(r->acknowledged_writes, 0u);
}

TEST_P(DrillTest, DurableSurvivesSigkillAndPowerLoss) {
  testing::TempDir dir;
  Scenario sc = Parse(
      "name = \"cd\"\nkind = \"crash\"\ndurable = true\nlistings = 60\noperations = 40\n"
      "workload = \"writes\"\ncrash = \"both\"\ncrash_one_in = 30\ncycles = 6\n");
  StatusOr<DrillResult> r = RunDrill(GetParam(), sc, Options(dir));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->Failed()) << Problems(*r);
  EXPECT_EQ(r->cycles, 6u);
  EXPECT_EQ(r->crashes_sigkill, 3u);
  EXPECT_EQ(r->lost_acknowledged_writes, 0u);
  EXPECT_GT(r->acknowledged_writes, 0u);
  // Every recovered store also had the engine's full check of its files.
  EXPECT_EQ(r->store_file_checks, 6u);
  EXPECT_EQ(r->store_file_check_failures, 0u);
}

// The drill runs on the index profile it is given: its loads, crash
// children, recoveries and references all open the legacy store (a store of
// the other profile would be refused on open, failing the cycles).
TEST(DrillSqliteSchemaTest, DurableLegacyIndexesSurviveSigkillAndPowerLoss) {
  testing::TempDir dir;
  Scenario sc = Parse(
      "name = \"cd\"\nkind = \"crash\"\ndurable = true\nlistings = 60\noperations = 40\n"
      "workload = \"writes\"\ncrash = \"both\"\ncrash_one_in = 30\ncycles = 4\n");
  DrillOptions o;
  o.work_dir = dir.path();
  o.binary = LISTBENCH_BINARY;
  o.seed = 5;
  o.sqlite_schema = SqliteSchema::kLegacy;
  StatusOr<DrillResult> r = RunDrill(Engine::kSqlite, sc, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->Failed()) << Problems(*r);
  EXPECT_EQ(r->cycles, 4u);
  EXPECT_EQ(r->lost_acknowledged_writes, 0u);
  EXPECT_GT(r->acknowledged_writes, 0u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/drill-base/sqlite-legacy"));
}

// Relaxed stores may lose acknowledged writes to power loss: the drill must
// see the loss (a checker that could not would pass anything), and what
// survives must be a prefix (no holes).
TEST_P(DrillTest, RelaxedPowerLossLosesOnlyATail) {
  testing::TempDir dir;
  DrillOptions o = Options(dir);
  Scenario late = Parse(
      "name = \"cr\"\nkind = \"crash\"\ndurable = false\nlistings = 60\noperations = 60\n"
      "workload = \"writes\"\ncrash = \"power_loss\"\ncrash_one_in = 40\ncycles = 4\n");
  StatusOr<DrillResult> r = RunDrill(GetParam(), late, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->lost_acknowledged_writes, 0u)
      << "a relaxed store lost nothing to 4 power losses: is the crash simulated?";
  EXPECT_EQ(r->holes, 0u) << Problems(*r);
  EXPECT_EQ(r->integrity_failures, 0u) << Problems(*r);
  EXPECT_FALSE(r->Failed()) << Problems(*r);  // relaxed: losses are reported, not failures
}

TEST_P(DrillTest, RecoversAfterATransientFullDisk) {
  testing::TempDir dir;
  Scenario sc = Parse(
      "name = \"df\"\nkind = \"errors\"\ndurable = true\nlistings = 60\noperations = 150\n"
      "workload = \"writes\"\ncycles = 1\n[[fault]]\nkind = \"disk_full\"\npersistent = true\n"
      "byte_budget = 4096\nfrom_op = 30\nuntil_op = 90\n");
  StatusOr<DrillResult> r = RunDrill(GetParam(), sc, Options(dir));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->faults_injected, 0u);
  EXPECT_GT(r->outcomes["io_error"], 0u);
  EXPECT_EQ(r->not_recovered, 0u) << Problems(*r);
  EXPECT_EQ(r->wrong_results, 0u) << Problems(*r);
  EXPECT_EQ(r->lost_acknowledged_writes, 0u) << Problems(*r);
  EXPECT_FALSE(r->Failed()) << Problems(*r);
  EXPECT_EQ(r->store_file_checks, 1u);
  EXPECT_EQ(r->store_file_check_failures, 0u) << Problems(*r);
}

TEST_P(DrillTest, TransientIoErrorsSurfaceAndClear) {
  testing::TempDir dir;
  Scenario sc = Parse(
      "name = \"io\"\nkind = \"errors\"\ndurable = true\nlistings = 60\noperations = 200\n"
      "workload = \"mixed\"\ncycles = 2\n"
      "[[fault]]\nkind = \"read_error\"\none_in = 20\nmax_fires = 4\nfrom_op = 10\n"
      "until_op = 100\n"
      "[[fault]]\nkind = \"write_error\"\nnth = 3\nfiles = [\"wal\"]\nfrom_op = 50\n"
      "until_op = 150\n");
  DrillOptions o = Options(dir);
  StatusOr<DrillResult> a = RunDrill(GetParam(), sc, o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_GT(a->faults_injected, 0u);
  EXPECT_FALSE(a->Failed()) << Problems(*a);
  // Replay by seed: the same injected faults, call for call.
  StatusOr<DrillResult> b = RunDrill(GetParam(), sc, o);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(a->first_cycle_faults.size(), b->first_cycle_faults.size());
  for (size_t i = 0; i < a->first_cycle_faults.size(); ++i) {
    EXPECT_EQ(a->first_cycle_faults[i].Describe(), b->first_cycle_faults[i].Describe());
  }
}

// A regression: with the disk full, W5 "approve application 234" failed
// (op 139); 218 ops later the trace approves it again, which succeeds. The
// failed write's probe must not take the second approval for the first one
// landing (it checks the decision's timestamp), or the reference diverges.
TEST(DrillProbeTest, ALaterEqualDecisionIsNotTheFailedOneLanding) {
  testing::TempDir dir;
  StatusOr<Scenario> sc =
      ParseScenarioFile(std::string(LISTBENCH_SOURCE_DIR) + "/sim/scenarios/disk-full.toml");
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  DrillOptions o;
  o.work_dir = dir.path();
  o.seed = 1;
  o.first_cycle = 5;
  o.cycles = 1;
  StatusOr<DrillResult> r = RunDrill(Engine::kSqlite, *sc, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->unknown_outcome_writes, 0u);
  EXPECT_EQ(r->wrong_results, 0u) << Problems(*r);
  EXPECT_FALSE(r->Failed()) << Problems(*r);
}

INSTANTIATE_TEST_SUITE_P(Engines, DrillTest, ::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                         [](const auto& p) { return std::string(EngineName(p.param)); });

}  // namespace
}  // namespace listbench
