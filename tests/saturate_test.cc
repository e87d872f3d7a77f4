// listbench saturate: the stepping, stop, knee and SLO-point rules over step
// results the tests make up, a tiny real run of both engines writing
// saturate.json and saturate.csv, and bad flags (exit 2, one line naming the
// flag, nothing written).
#include "bench/drivers/saturate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "bench/cli/commands.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

SaturateStep Step(double offered, double achieved, double p99_ms, double p50_ms = 0) {
  SaturateStep s;
  s.offered = offered;
  s.achieved = achieved;
  s.p99_ms = p99_ms;
  s.p50_ms = p50_ms;
  return s;
}

SaturateOptions Options(double slo_p99_ms, int max_steps) {
  SaturateOptions o;
  o.start_rate = 100;
  o.factor = 2;
  o.step_seconds = 3;
  o.max_steps = max_steps;
  o.slo_p99_ms = slo_p99_ms;
  return o;
}

TEST(SaturateStepsTest, RatesOpsAndTraceLength) {
  SaturateOptions o;
  o.start_rate = 250;
  o.factor = 1.5;
  o.step_seconds = 2;
  o.max_steps = 4;
  o.warmup = 7;
  EXPECT_DOUBLE_EQ(StepRate(o, 0), 250);
  EXPECT_DOUBLE_EQ(StepRate(o, 3), 843.75);
  EXPECT_EQ(StepOps(o, 0), 500u);
  EXPECT_EQ(StepOps(o, 1), 750u);
  EXPECT_EQ(StepOps(o, 2), 1125u);
  EXPECT_EQ(StepOps(o, 3), 1688u);  // ceil(1687.5)
  EXPECT_EQ(SaturateTraceLength(o), 7u + 500 + 750 + 1125 + 1688);
  o.step_seconds = 0.001;
  EXPECT_EQ(StepOps(o, 0), 1u);  // never an empty step
}

TEST(SaturateStepsTest, StopRulesInOrder) {
  const SaturateOptions o = Options(/*slo_p99_ms=*/5, /*max_steps=*/4);
  using V = std::vector<SaturateStep>;
  EXPECT_EQ(StopAfter(o, V{Step(100, 100, 1)}), SaturateStop::kContinue);
  EXPECT_EQ(StopAfter(o, V{Step(100, 100, 5.01)}), SaturateStop::kSlo);
  // Over the SLO and not keeping up: the SLO is named first.
  EXPECT_EQ(StopAfter(o, V{Step(100, 50, 9)}), SaturateStop::kSlo);
  EXPECT_EQ(StopAfter(o, V{Step(100, 89.9, 1)}), SaturateStop::kSaturated);
  EXPECT_EQ(StopAfter(o, V{Step(100, 90, 1)}), SaturateStop::kContinue);
  // Kept up (1040 >= 0.9 x 1100) but rose less than 5% over 1000.
  EXPECT_EQ(StopAfter(o, V{Step(1000, 1000, 1), Step(1100, 1040, 1)}), SaturateStop::kPlateau);
  EXPECT_EQ(StopAfter(o, V{Step(1000, 1000, 1), Step(1100, 1050, 1)}), SaturateStop::kContinue);
  EXPECT_EQ(
      StopAfter(o, V{Step(100, 100, 1), Step(200, 200, 1), Step(400, 400, 1), Step(800, 800, 1)}),
      SaturateStop::kMaxSteps);
}

TEST(SaturateStepsTest, KneeRules) {
  using V = std::vector<SaturateStep>;
  bool reached = true;
  // Every step scaled: no knee yet.
  EXPECT_EQ(KneeOf(V{Step(100, 100, 1), Step(200, 200, 1.9)}, &reached), std::nullopt);
  EXPECT_FALSE(reached);
  // Step 3 fell below 90% of offered: the knee is step 2 (index 1).
  EXPECT_EQ(KneeOf(V{Step(100, 100, 1), Step(200, 199, 1.5), Step(400, 300, 1.6)}, &reached),
            std::optional<size_t>(1));
  EXPECT_TRUE(reached);
  // Step 3 kept up but its p50 passed the first step's p99.
  EXPECT_EQ(
      KneeOf(V{Step(100, 100, 1, 0.1), Step(200, 200, 1.5, 0.9), Step(400, 400, 2, 1.1)}, &reached),
      std::optional<size_t>(1));
  // A p99 spike with a steady p50 is not the knee.
  EXPECT_EQ(KneeOf(V{Step(100, 100, 1, 0.1), Step(200, 200, 9, 0.1)}, &reached), std::nullopt);
  EXPECT_FALSE(reached);
  // Step 2 plateaued.
  EXPECT_EQ(KneeOf(V{Step(100, 100, 1), Step(110, 102, 1)}, &reached), std::optional<size_t>(0));
  // The first step could not keep up: no knee, but it was reached.
  EXPECT_EQ(KneeOf(V{Step(100, 80, 1), Step(200, 90, 1)}, &reached), std::nullopt);
  EXPECT_TRUE(reached);
}

TEST(SaturateStepsTest, SloPoint) {
  using V = std::vector<SaturateStep>;
  EXPECT_EQ(SloPointOf(V{Step(100, 100, 1), Step(200, 200, 4), Step(400, 400, 6)}, 5),
            std::optional<size_t>(1));
  // A step under the SLO that did not keep up does not count.
  EXPECT_EQ(SloPointOf(V{Step(100, 100, 1), Step(200, 100, 2)}, 5), std::optional<size_t>(0));
  EXPECT_EQ(SloPointOf(V{Step(100, 100, 7)}, 5), std::nullopt);
  EXPECT_EQ(SloPointOf(V{}, 5), std::nullopt);
}

// A made-up server: serves up to `capacity` ops/s, p99 grows as it fills.
class FakeServer {
 public:
  explicit FakeServer(double capacity) : capacity_(capacity) {}
  StatusOr<SaturateStep> operator()(int k, double offered) {
    calls.emplace_back(k, offered);
    const double achieved = std::min(offered, capacity_);
    const double p99 = offered < 0.5 * capacity_ ? 1.0 : offered < capacity_ ? 3.0 : 40.0;
    const double p50 = offered < 0.5 * capacity_ ? 0.1 : offered < capacity_ ? 0.5 : 30.0;
    return Step(offered, achieved, p99, p50);
  }
  std::vector<std::pair<int, double>> calls;

 private:
  double capacity_;
};

TEST(SaturateStepsTest, RunStepsStepsUntilTheSloBreaks) {
  FakeServer server(1000);
  SaturateEngineResult r;
  ASSERT_TRUE(RunSteps(Options(/*slo_p99_ms=*/5, /*max_steps=*/10), std::ref(server), &r).ok());
  // 100, 200, 400, 800 ops/s are served; 1600 exceeds the capacity and the SLO.
  const std::vector<std::pair<int, double>> want = {
      {0, 100}, {1, 200}, {2, 400}, {3, 800}, {4, 1600}};
  EXPECT_EQ(server.calls, want);
  ASSERT_EQ(r.steps.size(), 5u);
  EXPECT_EQ(r.stop, SaturateStop::kSlo);
  // 1600 ops/s did not keep up: the knee is 800 ops/s (index 3), whose p50
  // 0.5 ms stayed under the first step's p99 1 ms.
  EXPECT_TRUE(r.knee_reached);
  EXPECT_EQ(r.knee, std::optional<size_t>(3));
  EXPECT_EQ(r.slo_step, std::optional<size_t>(3));  // 800 ops/s at p99 3 ms
}

TEST(SaturateStepsTest, RunStepsStopsAtMaxStepsAndOnError) {
  FakeServer server(1e9);
  SaturateEngineResult r;
  ASSERT_TRUE(RunSteps(Options(5, 3), std::ref(server), &r).ok());
  EXPECT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.stop, SaturateStop::kMaxSteps);
  EXPECT_FALSE(r.knee_reached);
  EXPECT_EQ(r.slo_step, std::optional<size_t>(2));

  int calls = 0;
  const StepRunner failing = [&](int, double) -> StatusOr<SaturateStep> {
    if (++calls == 2) return Status::IOError("disk on fire");
    return Step(100, 100, 1);
  };
  Status s = RunSteps(Options(5, 10), failing, &r);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  EXPECT_EQ(calls, 2);
}

class SaturateCliTest : public ::testing::Test {
 protected:
  std::string Out() const { return tmp_.Sub("out"); }
  std::string Work() const { return tmp_.Sub("work"); }
  std::string Common() const {
    return " --listings 1000 --threads 1 --out " + Out() + " --work-dir " + Work() +
           " --workload " + LISTBENCH_SOURCE_DIR + "/workloads/mixed.toml";
  }

  void ExpectBadInput(const std::string& args, const std::string& needle) {
    testing::CliResult r = testing::RunListbench("saturate" + Common() + " " + args, tmp_);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("listbench saturate: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(Out())) << args;
    EXPECT_FALSE(fs::exists(Work())) << args;
  }

  testing::TempDir tmp_;
};

TEST_F(SaturateCliTest, RejectsBadFlags) {
  ExpectBadInput("--factor 1", "--factor 1");
  ExpectBadInput("--factor 0.5", "--factor");
  ExpectBadInput("--slo-p99-ms 0", "--slo-p99-ms 0");
  ExpectBadInput("--slo-p99-ms -3", "--slo-p99-ms");
  ExpectBadInput("--slo-p99-ms fast", "--slo-p99-ms");
  ExpectBadInput("--start-rate 0", "--start-rate");
  ExpectBadInput("--step-seconds 0", "--step-seconds");
  ExpectBadInput("--threads 0", "--threads 0");
  ExpectBadInput("--threads 257", "--threads");
  ExpectBadInput("--max-steps 0", "--max-steps");
  ExpectBadInput("--factor 4 --max-steps 30", "--max-steps 30");
  ExpectBadInput("--engine mysql", "--engine mysql");
  ExpectBadInput("--cache-mb 0", "--cache-mb");
  ExpectBadInput("--bogus 1", "bogus");
}

TEST_F(SaturateCliTest, TinyRunWritesJsonAndCsv) {
  testing::CliResult r = testing::RunListbench(
      "saturate" + Common() +
          " --engine both --start-rate 200 --factor 2 --step-seconds 0.2 --max-steps 2 "
          "--slo-p99-ms 1000 --warmup 50",
      tmp_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("highest offered rate"), std::string::npos) << r.out;
  const nlohmann::json j = nlohmann::json::parse(testing::ReadFile(Out() + "/saturate.json"));
  EXPECT_EQ(j["command"], "saturate");
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["listings"], 1000);
  EXPECT_EQ(j["config"]["threads"], 1);
  EXPECT_EQ(j["config"]["max_steps"], 2);
  EXPECT_EQ(j["config"]["slo_p99_ms"], 1000.0);
  EXPECT_TRUE(j["build"].contains("git_commit"));
  EXPECT_EQ(j["workload"]["name"], "mixed");
  size_t rows = 0;
  for (const char* e : {"sqlite", "rocksdb"}) {
    SCOPED_TRACE(e);
    const nlohmann::json& en = j["engines"][e];
    for (const char* key : {"load", "cache_bytes", "stop", "knee_reached", "knee", "slo_rate",
                            "slo_step", "max_achieved", "steps"}) {
      EXPECT_TRUE(en.contains(key)) << key;
    }
    const nlohmann::json& steps = en["steps"];
    ASSERT_GE(steps.size(), 1u);
    ASSERT_LE(steps.size(), 2u);
    rows += steps.size();
    // 200 ops/s for 0.2 s, then 400 ops/s.
    EXPECT_EQ(steps[0]["ops"], 40);
    EXPECT_EQ(steps[0]["offered"], 200.0);
    if (steps.size() == 2) {
      EXPECT_EQ(steps[1]["ops"], 80);
      EXPECT_EQ(en["stop"], "max_steps");
    }
    for (const char* key : {"step", "offered", "achieved", "p50_ms", "p95_ms", "p99_ms", "max_ms",
                            "errors", "lock_wait_share", "retries", "kept_up", "meets_slo"}) {
      EXPECT_TRUE(steps[0].contains(key)) << key;
    }
  }
  const std::string csv = testing::ReadFile(Out() + "/saturate.csv");
  EXPECT_EQ(csv.rfind("engine,step,offered,achieved,ops,seconds,p50_ms,p95_ms,p99_ms,", 0), 0u);
  EXPECT_EQ(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')), rows + 1) << csv;
  EXPECT_NE(csv.find("\nsqlite,1,200.0,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nrocksdb,1,200.0,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace listbench
