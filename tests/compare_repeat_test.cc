// `listbench compare --repeat N`: every engine replays the identical trace N
// times, each on a fresh clone, the engines' order alternating; summary.json
// keeps every repetition and, per pattern, the median, min and max of the
// mean, p50 and p99 over them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/drivers/compare.h"
#include "bench/report/summary.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

using nlohmann::json;

// The sorted values of `figure` of pattern `op` ("all" or an op name) over
// an engine block's repetitions.
std::vector<double> RepeatFigures(const json& engine, const std::string& op,
                                  const std::string& figure) {
  std::vector<double> v;
  for (const json& rep : engine.at("repeats")) {
    const json& stats = op == "all" ? rep.at("all") : rep.at("ops").at(op);
    v.push_back(stats.at(figure).get<double>());
  }
  std::sort(v.begin(), v.end());
  return v;
}

void ExpectSpreadOf(const json& spread, const std::vector<double>& sorted,
                    const std::string& what) {
  ASSERT_EQ(sorted.size(), 3u) << what;
  EXPECT_EQ(spread.at("n").get<size_t>(), 3u) << what;
  EXPECT_NEAR(spread.at("min").get<double>(), sorted[0], 1e-3) << what;
  EXPECT_NEAR(spread.at("median").get<double>(), sorted[1], 1e-3) << what;
  EXPECT_NEAR(spread.at("max").get<double>(), sorted[2], 1e-3) << what;
}

TEST(CompareRepeatTest, WritesEveryRunAndTheSpreadPerPattern) {
  testing::TempDir tmp;
  testing::CliResult r = testing::RunListbench(
      "compare --listings 300 --seed 4 --ops 600 --warmup 100 --repeat 3 --work-dir " +
          tmp.Sub("work") + " --out " + tmp.Sub("out") + " --workload " + LISTBENCH_SOURCE_DIR +
          "/workloads/mixed.toml",
      tmp);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("3 repetitions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" ["), std::string::npos) << r.out;  // median [min–max]
  const json j = json::parse(testing::ReadFile(tmp.Sub("out/summary.json")));
  EXPECT_EQ(j.at("repeat").get<int>(), 3);
  // The order alternates: sqlite first in repetitions 0 and 2, rocksdb in 1.
  const std::map<std::string, std::vector<int>> positions = {{"sqlite", {0, 1, 0}},
                                                             {"rocksdb", {1, 0, 1}}};
  for (const auto& [engine, want] : positions) {
    const json& e = j.at("engines").at(engine);
    const json& reps = e.at("repeats");
    ASSERT_EQ(reps.size(), 3u) << engine;
    for (size_t i = 0; i < reps.size(); ++i) {
      EXPECT_EQ(reps[i].at("repeat").get<size_t>(), i) << engine;
      EXPECT_EQ(reps[i].at("position").get<int>(), want[i]) << engine << " repetition " << i;
      // The identical trace each time: the same requests per pattern.
      EXPECT_EQ(reps[i].at("measured_ops"), 600) << engine;
      for (const auto& [op, stats] : reps[0].at("ops").items()) {
        EXPECT_EQ(reps[i].at("ops").at(op).at("count"), stats.at("count")) << engine << " " << op;
      }
    }
    // The engine's one-run figures are its median repetition's.
    const size_t median = e.at("median_repeat").get<size_t>();
    ASSERT_LT(median, 3u);
    EXPECT_EQ(e.at("all").at("mean_us"), reps[median].at("all").at("mean_us")) << engine;
    EXPECT_EQ(e.at("all").at("mean_us").get<double>(), RepeatFigures(e, "all", "mean_us")[1]);
    // Per pattern, the spread of each timing over the repetitions.
    const json& spread = e.at("spread");
    ASSERT_EQ(spread.at("ops").size(), reps[0].at("ops").size()) << engine;
    for (const auto& [op, unused] : reps[0].at("ops").items()) {
      (void)unused;
      for (const char* figure : {"mean_us", "p50_us", "p99_us"}) {
        ExpectSpreadOf(spread.at("ops").at(op).at(figure), RepeatFigures(e, op, figure),
                       engine + " " + op + " " + figure);
      }
    }
    for (const char* figure : {"mean_us", "p50_us", "p99_us"}) {
      ExpectSpreadOf(spread.at("all").at(figure), RepeatFigures(e, "all", figure),
                     engine + " all " + figure);
    }
    EXPECT_EQ(spread.at("throughput").at("n"), 3) << engine;
  }
  // The headline ratio: SQLite's mean over RocksDB's, per repetition.
  const json& sq = j.at("engines").at("sqlite").at("repeats");
  const json& rk = j.at("engines").at("rocksdb").at("repeats");
  std::vector<double> ratios;
  for (size_t i = 0; i < 3; ++i) {
    ratios.push_back(sq[i].at("all").at("mean_us").get<double>() /
                     rk[i].at("all").at("mean_us").get<double>());
  }
  std::sort(ratios.begin(), ratios.end());
  const json& ratio = j.at("mean_ratio").at("all");
  EXPECT_EQ(ratio.at("n"), 3);
  EXPECT_NEAR(ratio.at("median").get<double>(), ratios[1], 1e-3 * ratios[1]);
  EXPECT_NEAR(ratio.at("min").get<double>(), ratios[0], 1e-3 * ratios[0]);
  EXPECT_NEAR(ratio.at("max").get<double>(), ratios[2], 1e-3 * ratios[2]);
}

TEST(CompareRepeatTest, ABadRepeatCountIsOneLineAndWritesNothing) {
  testing::TempDir tmp;
  for (const char* bad : {"0", "101", "-2", "many"}) {
    testing::CliResult r =
        testing::RunListbench(std::string("compare --listings 10 --repeat ") + bad +
                                  " --work-dir " + tmp.Sub("work") + " --out " + tmp.Sub("out") +
                                  " --workload " + LISTBENCH_SOURCE_DIR + "/workloads/mixed.toml",
                              tmp);
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << bad << "\n" << r.err;
    EXPECT_NE(r.err.find("--repeat"), std::string::npos) << bad << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(tmp.Sub("out"))) << bad;
  }
}

// One repetition whose requests (all of one pattern) took `latency_ns`, and
// whose modelled latency under profile 0 was `modelled_ns` (none: the
// repetition modelled nothing).
EngineRepeat RepeatOf(std::vector<uint64_t> latency_ns, std::vector<uint64_t> modelled_ns) {
  EngineRepeat rep;
  for (uint64_t v : latency_ns) rep.run.all.latency_ns.Add(v);
  if (!modelled_ns.empty()) {
    rep.run.all.modelled_ns.resize(1);
    for (uint64_t v : modelled_ns) rep.run.all.modelled_ns[0].Add(v);
  }
  return rep;
}

TEST(CompareRepeatTest, FigureSpreadsPairRepetitionsAndSkipMissingFigures) {
  EngineRun a, b;
  // Means of a: 0.2, 0.4, 0.6 µs; modelled: 1, 3 µs, then none.
  a.repeats = {RepeatOf({100, 300}, {1000}), RepeatOf({400}, {2000, 4000}), RepeatOf({600}, {})};
  // Means of b: 0.1, 0.2 µs, then no request at all; modelled 0.5, 1 µs.
  b.repeats = {RepeatOf({100}, {500}), RepeatOf({200}, {1000}), RepeatOf({}, {})};

  const Spread mean = FigureSpread(a, kAllOps, MeanLatencyUs);
  EXPECT_EQ(mean.n, 3u);
  EXPECT_DOUBLE_EQ(mean.min, 0.2);
  EXPECT_DOUBLE_EQ(mean.median, 0.4);
  EXPECT_DOUBLE_EQ(mean.max, 0.6);

  // Repetition 3 is left out: b served nothing there.
  const Spread ratio = MeanRatioSpread(a, b, kAllOps);
  EXPECT_EQ(ratio.n, 2u);
  EXPECT_DOUBLE_EQ(ratio.min, 2.0);
  EXPECT_DOUBLE_EQ(ratio.max, 2.0);

  // Modelled: repetition 3 of a has no profile 0; an even count's median is
  // the mean of the middle two.
  const Spread modelled = FigureSpread(a, kAllOps, ModelledMeanUs(0));
  EXPECT_EQ(modelled.n, 2u);
  EXPECT_DOUBLE_EQ(modelled.median, 2.0);
  const Spread modelled_ratio = FigureRatioSpread(a, b, kAllOps, ModelledMeanUs(0));
  EXPECT_EQ(modelled_ratio.n, 2u);
  EXPECT_DOUBLE_EQ(modelled_ratio.min, 2.0);
  EXPECT_DOUBLE_EQ(modelled_ratio.median, 2.5);
  EXPECT_DOUBLE_EQ(modelled_ratio.max, 3.0);
  // A profile nothing modelled has no figures.
  EXPECT_EQ(FigureSpread(a, kAllOps, ModelledMeanUs(1)).n, 0u);
}

// A comparison of three engines: the console table has a column group per
// engine and the SQLite/RocksDB ratio; summary.json has a block per engine,
// PostgreSQL's with its index profile, and the ratio of the pair.
TEST(CompareRepeatTest, ThreeEnginesArePrintedAndSummarized) {
  CompareSetup setup;
  setup.spec = {.listings = 100, .seed = 1};
  setup.engines = {Engine::kSqlite, Engine::kRocksDb, Engine::kPostgres};
  setup.store_options.sqlite_schema = SqliteSchema::kLegacy;
  CompareResult result;
  const std::pair<Engine, uint64_t> engines[] = {
      {Engine::kSqlite, 300}, {Engine::kRocksDb, 100}, {Engine::kPostgres, 900}};
  for (const auto& [e, ns] : engines) {
    EngineRun& er = result.engines[std::string(EngineName(e))];
    er.load.engine = e;
    er.sqlite_schema = SqliteSchema::kLegacy;
    er.repeats = {RepeatOf({ns, ns}, {})};
    er.repeats[0].run.ops[0] = er.repeats[0].run.all;
    er.repeats[0].run.measured = 2;
  }
  const json j = SummaryJson("compare", setup, result);
  for (const char* e : {"sqlite", "rocksdb", "postgres"}) {
    EXPECT_TRUE(j.at("engines").contains(e)) << e;
  }
  EXPECT_EQ(j.at("engines").at("postgres").at("sqlite_schema"), "legacy");
  EXPECT_FALSE(j.at("engines").at("rocksdb").contains("sqlite_schema"));
  EXPECT_TRUE(j.at("config").contains("postgres"));
  EXPECT_NEAR(j.at("mean_ratio").at("all").at("median").get<double>(), 3.0, 1e-9);

  ::testing::internal::CaptureStdout();
  PrintComparison(result);
  std::fflush(stdout);
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string header = out.substr(0, out.find('\n'));
  for (const char* want : {"postgres", "rocksdb", "sqlite", "sqlite/rocksdb"}) {
    EXPECT_NE(header.find(want), std::string::npos) << want << "\n" << out;
  }
  EXPECT_NE(out.find("postgres: 2 ops"), std::string::npos) << out;
}

}  // namespace
}  // namespace listbench
