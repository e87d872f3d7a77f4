// listbench check: counted work is compared tightly, seam reads with a
// tolerance, timing loosely; a run with a starved cache fails the check
// against a normal run, and summaries of different runs (seed, scale,
// workload, client threads, durability) are refused.
#include "bench/drivers/check.h"

#include <gtest/gtest.h>

#include "tests/store_test_util.h"

namespace listbench {
namespace {

using nlohmann::json;

json Summary(double rows_read, double io_reads, double sqlite_us, double rocks_us) {
  auto op = [&](double us) {
    return json{{"count", 100},
                {"mean_us", us},
                {"p50_us", us},
                {"work",
                 {{"queries", 2},
                  {"rows_read", rows_read},
                  {"rows_written", 0},
                  {"read_units", 1},
                  {"write_units", 0},
                  {"io_reads", io_reads},
                  {"io_read_bytes", io_reads * 4096}}}};
  };
  return {{"seed", 1},
          {"listings", 1000},
          {"workload",
           {{"name", "w"},
            {"mix", {{"search", 1}}},
            {"keys", {{"distribution", "uniform"}}},
            {"operations", 100},
            {"warmup", 10},
            {"target_rate", 0}}},
          {"engines",
           {{"sqlite", {{"ops", {{"search", op(sqlite_us)}}}}},
            {"rocksdb", {{"ops", {{"search", op(rocks_us)}}}}}}}};
}

size_t Regressions(const json& b, const json& c) {
  StatusOr<std::vector<CheckFinding>> f = CheckSummaries(b, c, CheckTolerances{});
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  size_t n = 0;
  for (const CheckFinding& x : *f) n += x.regression;
  return n;
}

TEST(CheckTest, IdenticalPasses) {
  EXPECT_EQ(Regressions(Summary(10, 0, 30, 10), Summary(10, 0, 30, 10)), 0u);
}

TEST(CheckTest, MoreCountedWorkFails) {
  EXPECT_EQ(Regressions(Summary(10, 0, 30, 10), Summary(10.1, 0, 30, 10)), 0u);  // within 2%
  EXPECT_EQ(Regressions(Summary(10, 0, 30, 10), Summary(11, 0, 30, 10)), 2u);    // both engines
  EXPECT_EQ(Regressions(Summary(10, 0, 30, 10), Summary(9, 0, 30, 10)), 0u);     // less is fine
}

TEST(CheckTest, SeamReadsHaveATolerance) {
  EXPECT_EQ(Regressions(Summary(10, 1, 30, 10), Summary(10, 1.4, 30, 10)), 0u);
  EXPECT_GT(Regressions(Summary(10, 1, 30, 10), Summary(10, 3, 30, 10)), 0u);
}

TEST(CheckTest, TimingIsLooseButTheRatioIsWatched) {
  // The whole machine is 2x slower: not a regression.
  EXPECT_EQ(Regressions(Summary(10, 0, 30, 10), Summary(10, 0, 60, 20)), 0u);
  // Only RocksDB got 3x slower: the ratio moved.
  EXPECT_EQ(Regressions(Summary(10, 0, 30, 10), Summary(10, 0, 30, 30)), 1u);
}

TEST(CheckTest, RefusesSummariesOfDifferentRuns) {
  json other = Summary(10, 0, 30, 10);
  other["seed"] = 2;
  EXPECT_EQ(CheckSummaries(Summary(10, 0, 30, 10), other, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckSummaries(Summary(10, 0, 30, 10), json{{"x", 1}}, {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(CheckTest, RefusesRunsWithOtherClientThreadsOrDurability) {
  const json base = Summary(10, 0, 30, 10);
  json four = base;
  four["workload"]["threads"] = 4;
  StatusOr<std::vector<CheckFinding>> f = CheckSummaries(base, four, {});
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("workload threads differs (1 vs 4)"), std::string::npos)
      << f.status().ToString();
  json one = base;  // a summary without threads ran one client
  one["workload"]["threads"] = 1;
  EXPECT_TRUE(CheckSummaries(base, one, {}).ok());

  json relaxed = base, durable = base;
  relaxed["config"] = {{"durable", false}, {"rocksdb_wal", true}, {"cache_mb", 64}};
  durable["config"] = {{"durable", true}, {"rocksdb_wal", true}, {"cache_mb", 64}};
  f = CheckSummaries(relaxed, durable, {});
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("config durable differs (false vs true)"), std::string::npos)
      << f.status().ToString();
  json no_wal = relaxed;
  no_wal["config"]["rocksdb_wal"] = false;
  EXPECT_EQ(CheckSummaries(relaxed, no_wal, {}).status().code(), StatusCode::kInvalidArgument);
  json malformed = base;  // one clean error, not an exception
  malformed["workload"]["threads"] = "four";
  f = CheckSummaries(base, malformed, {});
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("current workload.threads (not an integer)"),
            std::string::npos)
      << f.status().ToString();
  malformed = base;
  malformed["config"] = 3;
  EXPECT_EQ(CheckSummaries(base, malformed, {}).status().code(), StatusCode::kInvalidArgument);
  json cached = relaxed;  // another cache size is compared, not refused
  cached["config"]["cache_mb"] = 1024;
  EXPECT_TRUE(CheckSummaries(relaxed, cached, {}).ok());
}

TEST(CheckTest, AMissingFieldIsAnErrorNamingIt) {
  json lacking = Summary(10, 0, 30, 10);
  lacking["engines"]["rocksdb"]["ops"]["search"]["work"].erase("read_units");
  StatusOr<std::vector<CheckFinding>> f = CheckSummaries(Summary(10, 0, 30, 10), lacking, {});
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("current engines.rocksdb.ops.search.work.read_units"),
            std::string::npos)
      << f.status().ToString();
  json no_warmup = Summary(10, 0, 30, 10);
  no_warmup["workload"].erase("warmup");
  EXPECT_EQ(CheckSummaries(no_warmup, no_warmup, {}).status().code(), StatusCode::kInvalidArgument);
}

// End to end through the binary: a 1 MiB cache run against a normal run.
TEST(CheckTest, StarvedCacheRunFailsTheCheck) {
  testing::TempDir tmp;
  const std::string common = "--listings 3000 --seed 3 --ops 3000 --warmup 500 --work-dir " +
                             tmp.Sub("work") + " --workload " + LISTBENCH_SOURCE_DIR +
                             "/workloads/mixed.toml";
  testing::CliResult normal =
      testing::RunListbench("compare " + common + " --out " + tmp.Sub("normal"), tmp);
  ASSERT_EQ(normal.exit_code, 0) << normal.err;
  testing::CliResult starved =
      testing::RunListbench("compare " + common + " --cache-mb 1 --out " + tmp.Sub("starved"), tmp);
  ASSERT_EQ(starved.exit_code, 0) << starved.err;
  const std::string base = tmp.Sub("normal/summary.json");
  testing::CliResult self =
      testing::RunListbench("check --baseline " + base + " --current " + base, tmp);
  EXPECT_EQ(self.exit_code, 0) << self.out;
  testing::CliResult bad = testing::RunListbench(
      "check --baseline " + base + " --current " + tmp.Sub("starved/summary.json"), tmp);
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("REGRESSED"), std::string::npos);
  EXPECT_NE(bad.out.find("io_reads"), std::string::npos);
}

TEST(CheckTest, BadFilesAreOneLineErrors) {
  testing::TempDir tmp;
  testing::CliResult r =
      testing::RunListbench("check --baseline /nonexistent.json --current /x.json", tmp);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--baseline /nonexistent.json: no such file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace listbench
