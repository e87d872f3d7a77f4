// listbench check: counted work is compared tightly, seam reads with a
// tolerance, timing loosely; a run with a starved cache fails the check
// against a normal run, and summaries of different runs (seed, scale,
// workload, client threads, durability) are refused.
#include "bench/drivers/check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

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
  return {
      {"seed", 1},
      {"listings", 1000},
      {"workload",
       {{"name", "w"},
        {"mix", {{"search", 1}}},
        {"keys", {{"distribution", "uniform"}}},
        {"operations", 100},
        {"warmup", 10},
        {"target_rate", 0}}},
      {"engines",
       {{"sqlite",
         {{"ops", {{"search", op(sqlite_us)}}}, {"storage_errors", 0}, {"storage_error", nullptr}}},
        {"rocksdb",
         {{"ops", {{"search", op(rocks_us)}}},
          {"storage_errors", 0},
          {"storage_error", nullptr}}}}}};
}

size_t Regressions(const json& b, const json& c) {
  StatusOr<CheckResult> f = CheckSummaries(b, c, CheckTolerances{});
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  if (!f.ok()) return 0;
  size_t n = 0;
  for (const CheckFinding& x : f->findings) n += x.regression;
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
  StatusOr<CheckResult> f = CheckSummaries(base, four, {});
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
  StatusOr<CheckResult> f = CheckSummaries(Summary(10, 0, 30, 10), lacking, {});
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("current engines.rocksdb.ops.search.work.read_units"),
            std::string::npos)
      << f.status().ToString();
  json no_warmup = Summary(10, 0, 30, 10);
  no_warmup["workload"].erase("warmup");
  EXPECT_EQ(CheckSummaries(no_warmup, no_warmup, {}).status().code(), StatusCode::kInvalidArgument);
}

// A storage error recorded in the current run fails the check before
// anything is compared, even against a baseline it could not be compared
// with; the baseline's storage errors are not read.
TEST(CheckTest, StorageErrorsInTheCurrentRunFail) {
  const json base = Summary(10, 0, 30, 10);
  json failed = base;
  failed["engines"]["rocksdb"]["storage_errors"] = 2;
  failed["engines"]["rocksdb"]["storage_error"] =
      "R1 listing_detail tenant=1 listing=7: corruption: block checksum mismatch";
  StatusOr<CheckResult> f = CheckSummaries(base, failed, {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->storage_errors.size(), 1u);
  EXPECT_NE(f->storage_errors[0].find("rocksdb: 2 storage errors"), std::string::npos)
      << f->storage_errors[0];
  EXPECT_NE(f->storage_errors[0].find("R1 listing_detail tenant=1 listing=7: corruption"),
            std::string::npos)
      << f->storage_errors[0];
  EXPECT_TRUE(f->findings.empty());
  // The failed run stopped early: its counts differ, and it still fails as
  // a storage error rather than being refused as not comparable.
  failed["engines"]["rocksdb"]["ops"]["search"]["count"] = 40;
  f = CheckSummaries(base, failed, {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->storage_errors.size(), 1u);

  // A baseline without the key (written before it existed) is fine; a
  // current summary without it is not.
  json old = base;
  for (const char* e : {"sqlite", "rocksdb"}) {
    old["engines"][e].erase("storage_errors");
    old["engines"][e].erase("storage_error");
  }
  f = CheckSummaries(old, base, {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->storage_errors.empty());
  f = CheckSummaries(base, old, {});
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("current engines.rocksdb.storage_errors"), std::string::npos)
      << f.status().ToString();
}

// Through the binary: exit 1 with a line naming the engine and the error.
TEST(CheckTest, CheckFailsOnAStorageErrorInTheCurrentSummary) {
  testing::TempDir tmp;
  const json base = Summary(10, 0, 30, 10);
  json failed = base;
  failed["engines"]["sqlite"]["storage_errors"] = 1;
  failed["engines"]["sqlite"]["storage_error"] =
      "R3 search tenant=2 city=\"Leeds\": corruption: database disk image is malformed";
  std::ofstream(tmp.Sub("base.json")) << base.dump();
  std::ofstream(tmp.Sub("failed.json")) << failed.dump();
  testing::CliResult r = testing::RunListbench(
      "check --baseline " + tmp.Sub("base.json") + " --current " + tmp.Sub("failed.json"), tmp);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("check: sqlite: 1 storage error (IOError or Corruption), the first: R3 "
                       "search tenant=2"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("FAILED: " + tmp.Sub("failed.json") + " recorded storage errors"),
            std::string::npos)
      << r.out;
  testing::CliResult ok = testing::RunListbench(
      "check --baseline " + tmp.Sub("base.json") + " --current " + tmp.Sub("base.json"), tmp);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

// `summary` with one repetition per entry of `sqlite_p50` and `rocks_p50`
// (the search op's p50 in each), as `compare --repeat N` writes them.
json WithRepeats(json summary, const std::vector<double>& sqlite_p50,
                 const std::vector<double>& rocks_p50) {
  summary["repeat"] = sqlite_p50.size();
  for (const auto& [engine, p50s] :
       {std::pair{"sqlite", sqlite_p50}, std::pair{"rocksdb", rocks_p50}}) {
    json reps = json::array();
    for (size_t i = 0; i < p50s.size(); ++i) {
      reps.push_back({{"repeat", i}, {"ops", {{"search", {{"p50_us", p50s[i]}}}}}});
    }
    summary["engines"][engine]["repeats"] = reps;
  }
  return summary;
}

std::vector<double> Times(std::vector<double> v, double f) {
  for (double& x : v) x *= f;
  return v;
}

const std::vector<double> kSqliteP50 = {30, 31, 29, 30.5, 29.5};
const std::vector<double> kRocksP50 = {10, 10.2, 9.9, 10.1, 9.8};

CheckResult Checked(const json& b, const json& c) {
  StatusOr<CheckResult> f = CheckSummaries(b, c, CheckTolerances{});
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : CheckResult{};
}

TEST(CheckTest, RepeatedRunsAreJudgedByTheUTest) {
  const json base = WithRepeats(Summary(10, 0, 30, 10), kSqliteP50, kRocksP50);
  CheckResult same = Checked(base, base);
  EXPECT_EQ(same.timing, TimingMethod::kUTest);
  EXPECT_EQ(same.baseline_repeats, 5);
  EXPECT_TRUE(same.findings.empty());

  // SQLite 2x slower in every repetition: its p50, and the ratio, fail.
  CheckResult slow =
      Checked(base, WithRepeats(Summary(10, 0, 30, 10), Times(kSqliteP50, 2), kRocksP50));
  ASSERT_EQ(slow.findings.size(), 2u);
  for (const CheckFinding& f : slow.findings) {
    EXPECT_TRUE(f.regression) << f.engine << " " << f.metric;
    ASSERT_TRUE(f.p_value.has_value());
    EXPECT_NEAR(*f.p_value, 2.0 / 252, 1e-12);  // complete separation of 5 and 5
  }
  EXPECT_EQ(slow.findings[0].engine, "sqlite");
  EXPECT_EQ(slow.findings[0].baseline, 30);  // the medians
  EXPECT_EQ(slow.findings[0].current, 60);
  EXPECT_EQ(slow.findings[1].metric, "p50_ratio");

  // Both 2x slower: each engine fails, the ratio holds.
  EXPECT_EQ(Regressions(base, WithRepeats(Summary(10, 0, 30, 10), Times(kSqliteP50, 2),
                                          Times(kRocksP50, 2))),
            2u);
  // 2x faster: reported, not failed.
  CheckResult fast =
      Checked(base, WithRepeats(Summary(10, 0, 30, 10), kSqliteP50, Times(kRocksP50, 0.5)));
  ASSERT_FALSE(fast.findings.empty());
  EXPECT_FALSE(fast.findings[0].regression);  // rocksdb faster
  EXPECT_TRUE(fast.findings[1].regression);   // the ratio moved 2x
}

TEST(CheckTest, TheUTestNeedsSignificanceAndASizeableChange) {
  const json base = WithRepeats(Summary(10, 0, 30, 10), kSqliteP50, kRocksP50);
  // 2x slower in only one of 5 repetitions: not significant.
  std::vector<double> one = kSqliteP50, both = kRocksP50;
  one[2] *= 2;
  both[2] *= 2;
  EXPECT_EQ(Regressions(base, WithRepeats(Summary(10, 0, 30, 10), one, both)), 0u);
  // Every repetition 3% slower: significant, but below the 5% minimum change.
  EXPECT_EQ(Regressions(base, WithRepeats(Summary(10, 0, 30, 10), Times(kSqliteP50, 1.03),
                                          Times(kRocksP50, 1.03))),
            0u);
  // The single-run figures are not what decides: a 10x p50 in the median
  // run's block alone passes.
  EXPECT_EQ(Regressions(base, WithRepeats(Summary(10, 0, 300, 100), kSqliteP50, kRocksP50)), 0u);
}

TEST(CheckTest, FewerRepetitionsFallBackToTheTolerances) {
  // A baseline from before repetitions against a current run with 5.
  const json current = WithRepeats(Summary(10, 0, 30, 10), kSqliteP50, kRocksP50);
  CheckResult r = Checked(Summary(10, 0, 30, 10), current);
  EXPECT_EQ(r.timing, TimingMethod::kTolerance);
  EXPECT_EQ(r.baseline_repeats, 1);
  EXPECT_EQ(r.current_repeats, 5);
  EXPECT_TRUE(r.findings.empty());
  // The tolerances then judge the median runs: only RocksDB 3x slower moves
  // the ratio.
  EXPECT_EQ(Regressions(Summary(10, 0, 30, 10),
                        WithRepeats(Summary(10, 0, 30, 30), kSqliteP50, kRocksP50)),
            1u);
  // 3 and 3 repetitions: the U test could not reach p < 0.05.
  const json three = WithRepeats(Summary(10, 0, 30, 10), {30, 31, 29}, {10, 10.2, 9.9});
  EXPECT_EQ(Checked(three, three).timing, TimingMethod::kTolerance);
  // Counted work is compared exactly as without repetitions.
  EXPECT_EQ(Regressions(current, WithRepeats(Summary(11, 0, 30, 10), kSqliteP50, kRocksP50)), 2u);
}

TEST(CheckTest, AShortRepetitionListIsAnErrorNamingIt) {
  const json base = WithRepeats(Summary(10, 0, 30, 10), kSqliteP50, kRocksP50);
  json short_list = base;
  short_list["engines"]["rocksdb"]["repeats"].erase(4);
  StatusOr<CheckResult> f = CheckSummaries(base, short_list, {});
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("current engines.rocksdb.repeats (4 entries"),
            std::string::npos)
      << f.status().ToString();
  json lacking = base;
  lacking["engines"]["sqlite"]["repeats"][1]["ops"]["search"].erase("p50_us");
  f = CheckSummaries(base, lacking, {});
  EXPECT_NE(f.status().message().find("current engines.sqlite.repeats[1].ops.search.p50_us"),
            std::string::npos)
      << f.status().ToString();
}

// A summary of 6 patterns with 5 repetitions each: pattern i's p50s are
// kSqliteP50 and kRocksP50 times (1 + i / 10), times sqlite_f[i] and
// rocks_f[i] (a machine's speed and a change's effect).
json SixPatterns(const std::vector<double>& sqlite_f, const std::vector<double>& rocks_f) {
  json s = Summary(10, 0, 30, 10);
  s["repeat"] = kSqliteP50.size();
  for (const auto& [engine, base, f] :
       {std::tuple{"sqlite", kSqliteP50, sqlite_f}, std::tuple{"rocksdb", kRocksP50, rocks_f}}) {
    const json op = s["engines"][engine]["ops"]["search"];
    s["engines"][engine]["ops"] = json::object();
    json reps = json::array();
    for (size_t r = 0; r < base.size(); ++r)
      reps.push_back({{"repeat", r}, {"ops", json::object()}});
    for (size_t i = 0; i < f.size(); ++i) {
      const std::string name = "p" + std::to_string(i);
      s["engines"][engine]["ops"][name] = op;
      for (size_t r = 0; r < base.size(); ++r) {
        reps[r]["ops"][name] = {{"p50_us", base[r] * (1 + i / 10.0) * f[i]}};
      }
    }
    s["engines"][engine]["repeats"] = reps;
  }
  return s;
}

CheckResult CheckedAcrossMachines(const json& b, const json& c, CheckTolerances tol = {}) {
  tol.across_machines = true;
  StatusOr<CheckResult> f = CheckSummaries(b, c, tol);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : CheckResult{};
}

const std::vector<double> kSame(6, 1.0);

TEST(CheckTest, AcrossMachinesAWholeMachineSlowerPasses) {
  const json base = SixPatterns(kSame, kSame);
  const json slower = SixPatterns(std::vector<double>(6, 1.5), std::vector<double>(6, 1.5));
  // Judged on the same machine, every pattern of both engines regressed.
  EXPECT_EQ(Regressions(base, slower), 12u);
  CheckResult r = CheckedAcrossMachines(base, slower);
  EXPECT_EQ(r.timing, TimingMethod::kUTest);
  ASSERT_TRUE(r.drift.has_value());
  EXPECT_NEAR(*r.drift, 1.5, 1e-9);
  EXPECT_TRUE(r.findings.empty());
  // Without across_machines there is no drift.
  EXPECT_FALSE(Checked(base, slower).drift.has_value());
}

TEST(CheckTest, AcrossMachinesAPatternSlowerThanTheMachineFails) {
  const json base = SixPatterns(kSame, kSame);
  std::vector<double> rocks(6, 1.5);
  rocks[3] = 1.5 * 1.3;  // RocksDB's p3: 30% beyond the machine's 1.5x
  CheckResult r = CheckedAcrossMachines(base, SixPatterns(std::vector<double>(6, 1.5), rocks));
  EXPECT_NEAR(*r.drift, 1.5, 1e-9);  // the median of 11 moves of 1.5x and one of 1.95x
  ASSERT_EQ(r.findings.size(), 1u);
  const CheckFinding& f = r.findings[0];
  EXPECT_EQ(f.engine, "rocksdb");
  EXPECT_EQ(f.op, "p3");
  EXPECT_EQ(f.metric, "p50_us");
  EXPECT_TRUE(f.regression);
  EXPECT_NEAR(f.baseline, 10 * 1.3, 1e-9);            // the baseline's own median
  EXPECT_NEAR(f.current, 10 * 1.3 * 1.95, 1e-9);      // ... and the current one
  EXPECT_NEAR(f.limit, 10 * 1.3 * 1.5 * 1.05, 1e-9);  // baseline x drift x (1 + 5%)
  EXPECT_NEAR(*f.p_value, 2.0 / 252, 1e-12);
  // The ratio of p3 moved 1.3x: under the 50% ratio tolerance across
  // machines, where on one machine the 5% minimum change would fail it.
  std::vector<double> one_machine(6, 1.0);
  one_machine[3] = 1.3;
  EXPECT_EQ(Regressions(base, SixPatterns(kSame, one_machine)), 2u);
}

TEST(CheckTest, AcrossMachinesTheRatioMovesByItsTolerance) {
  const json base = SixPatterns(kSame, kSame);
  // p1: SQLite 1.4x slower and RocksDB 1.4x faster than the machine; each
  // under a 50% minimum change, the ratio moved 1.96x.
  std::vector<double> sqlite(6, 1.2), rocks(6, 1.2);
  sqlite[1] *= 1.4;
  rocks[1] /= 1.4;
  CheckTolerances tol;
  tol.min_change = 0.5;
  CheckResult r = CheckedAcrossMachines(base, SixPatterns(sqlite, rocks), tol);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].engine, "sqlite/rocksdb");
  EXPECT_EQ(r.findings[0].op, "p1");
  EXPECT_TRUE(r.findings[0].regression);
  EXPECT_NEAR(r.findings[0].current / r.findings[0].baseline, 1.96, 1e-9);
  // With a 2x ratio tolerance it holds.
  tol.ratio = 1.0;
  EXPECT_TRUE(CheckedAcrossMachines(base, SixPatterns(sqlite, rocks), tol).findings.empty());
}

TEST(CheckTest, AcrossMachinesADriftPastItsLimitFails) {
  const json base = SixPatterns(kSame, kSame);
  CheckResult slow = CheckedAcrossMachines(
      base, SixPatterns(std::vector<double>(6, 3.5), std::vector<double>(6, 3.5)));
  ASSERT_EQ(slow.findings.size(), 1u);
  EXPECT_EQ(slow.findings[0].metric, "drift");
  EXPECT_EQ(slow.findings[0].engine, "all");
  EXPECT_NEAR(slow.findings[0].current, 3.5, 1e-9);
  EXPECT_NEAR(slow.findings[0].limit, 3.0, 1e-9);  // 1 + max_drift
  EXPECT_TRUE(slow.findings[0].regression);
  // A machine 4x faster is reported, not failed.
  CheckResult fast = CheckedAcrossMachines(
      base, SixPatterns(std::vector<double>(6, 0.25), std::vector<double>(6, 0.25)));
  ASSERT_EQ(fast.findings.size(), 1u);
  EXPECT_EQ(fast.findings[0].metric, "drift");
  EXPECT_FALSE(fast.findings[0].regression);
  // Within a wider limit, the same slow machine passes.
  CheckTolerances wide;
  wide.max_drift = 3.0;
  EXPECT_TRUE(CheckedAcrossMachines(
                  base, SixPatterns(std::vector<double>(6, 3.5), std::vector<double>(6, 3.5)), wide)
                  .findings.empty());
}

// The timings of every engine's repetitions in a summary written by
// compare, scaled by `f` (all repetitions, or only repetition `only`).
void ScaleRepeats(json* summary, double f, int only = -1) {
  for (auto& [engine, e] : (*summary)["engines"].items()) {
    (void)engine;
    json& reps = e["repeats"];
    for (size_t i = 0; i < reps.size(); ++i) {
      if (only >= 0 && i != static_cast<size_t>(only)) continue;
      auto scale = [f](json& stats) {
        for (const char* k : {"mean_us", "p50_us", "p90_us", "p99_us", "p999_us", "max_us"}) {
          stats[k] = stats[k].get<double>() * f;
        }
      };
      scale(reps[i]["all"]);
      for (auto& [op, stats] : reps[i]["ops"].items()) {
        (void)op;
        scale(stats);
      }
    }
  }
}

// End to end: `compare --repeat 5`, checked against itself, against a copy
// 2x slower in every repetition and in only one, and a summary without
// repetitions against it.
TEST(CheckTest, RepeatedCompareIsCheckedByTheUTest) {
  testing::TempDir tmp;
  testing::CliResult run = testing::RunListbench(
      "compare --listings 400 --seed 3 --ops 1500 --warmup 200 --repeat 5 --work-dir " +
          tmp.Sub("work") + " --workload " + LISTBENCH_SOURCE_DIR + "/workloads/mixed.toml --out " +
          tmp.Sub("out"),
      tmp);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string base = tmp.Sub("out/summary.json");
  const json j = json::parse(testing::ReadFile(base));
  const auto check = [&](const std::string& name, const json& current) {
    std::ofstream(tmp.Sub(name)) << current.dump();
    return testing::RunListbench("check --baseline " + base + " --current " + tmp.Sub(name), tmp);
  };
  testing::CliResult self = check("self.json", j);
  EXPECT_EQ(self.exit_code, 0) << self.out;
  EXPECT_NE(self.out.find("timing decided by the Mann-Whitney U test"), std::string::npos)
      << self.out;

  json slow = j;
  ScaleRepeats(&slow, 2);
  testing::CliResult bad = check("slow.json", slow);
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("REGRESSED"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("p50_us"), std::string::npos) << bad.out;

  // The same 2x, across machines: the machine's drift, within its limit.
  testing::CliResult across = testing::RunListbench(
      "check --across-machines --baseline " + base + " --current " + tmp.Sub("slow.json"), tmp);
  EXPECT_EQ(across.exit_code, 0) << across.out;
  EXPECT_NE(across.out.find("across machines: every pattern's median p50 moved by a median 2.00x"),
            std::string::npos)
      << across.out;
  testing::CliResult drift = testing::RunListbench(
      "check --across-machines --max-drift 0.5 "
      "--baseline " +
          base + " --current " + tmp.Sub("slow.json"),
      tmp);
  EXPECT_EQ(drift.exit_code, 1) << drift.out;
  EXPECT_NE(drift.out.find("drift"), std::string::npos) << drift.out;

  json one = j;
  ScaleRepeats(&one, 2, /*only=*/2);
  testing::CliResult fine = check("one.json", one);
  EXPECT_EQ(fine.exit_code, 0) << fine.out;

  // A baseline without repetitions (as written before them): the tolerances.
  json single = j;
  single.erase("repeat");
  for (auto& [engine, e] : single["engines"].items()) {
    (void)engine;
    e.erase("repeats");
    e.erase("spread");
    e.erase("median_repeat");
  }
  std::ofstream(tmp.Sub("single.json")) << single.dump();
  testing::CliResult old = testing::RunListbench(
      "check --baseline " + tmp.Sub("single.json") + " --current " + base, tmp);
  EXPECT_EQ(old.exit_code, 0) << old.out;
  EXPECT_NE(old.out.find("timing decided by the tolerances (1 baseline, 5 current"),
            std::string::npos)
      << old.out;
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
