// Crash drills with concurrent writers (bench/drivers/drill.h,
// drill_oracle.h): with 4 writer threads, durable stores lose no
// acknowledged write on either engine; the checker reports an
// acknowledgment for a write that is not in the store as lost, and a
// real-time hole as a hole; the oracle lines of many threads arrive whole.
// (Not a *_concurrency_test: the drills run the listbench binary in child
// processes, which the ThreadSanitizer binary does not build.)
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench/drivers/drill.h"
#include "bench/drivers/drill_oracle.h"
#include "bench/harness/store_setup.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

std::string WorkloadPath(const char* name) {
  return fmt::format("{}/workloads/{}.toml", LISTBENCH_SOURCE_DIR, name);
}

std::string Problems(const DrillResult& r) {
  std::string out;
  for (const CycleRecord& c : r.cycle_records) {
    for (const std::string& p : c.problems) out += fmt::format("cycle {}: {}\n", c.cycle, p);
  }
  return out;
}

class ConcurrentDrillTest : public ::testing::TestWithParam<Engine> {};

TEST_P(ConcurrentDrillTest, FourDurableWritersLoseNoAcknowledgedWrite) {
  testing::TempDir dir;
  StatusOr<Scenario> sc = ParseScenarioText(
      "name = \"c4\"\nkind = \"crash\"\ndurable = true\nlistings = 2000\noperations = 160\n"
      "workload = \"writes\"\ncrash = \"both\"\ncrash_one_in = 150\ncycles = 4\n",
      std::string(LISTBENCH_SOURCE_DIR) + "/sim/scenarios/test.toml");
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  DrillOptions o;
  o.work_dir = dir.path();
  o.binary = LISTBENCH_BINARY;
  o.seed = 3;
  o.threads = 4;
  StatusOr<DrillResult> r = RunDrill(GetParam(), *sc, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->threads, 4);
  EXPECT_EQ(r->cycles, 4u);
  EXPECT_EQ(r->crashes_sigkill, 2u);
  EXPECT_GT(r->acknowledged_writes, 0u);
  EXPECT_EQ(r->lost_acknowledged_writes, 0u) << Problems(*r);
  EXPECT_EQ(r->holes, 0u) << Problems(*r);
  EXPECT_EQ(r->integrity_failures, 0u) << Problems(*r);
  EXPECT_EQ(r->differential_failures, 0u) << Problems(*r);
  EXPECT_FALSE(r->Failed()) << Problems(*r);
}

INSTANTIATE_TEST_SUITE_P(Engines, ConcurrentDrillTest,
                         ::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                         [](const auto& p) { return std::string(EngineName(p.param)); });

// The first write of `kind` in the trace, or the trace's size.
size_t FirstOf(const WorkloadData& d, OpKind kind) {
  for (size_t i = 0; i < d.trace.size(); ++i) {
    if (KindOf(d.trace[i]) == kind) return i;
  }
  return d.trace.size();
}

WriteRecord Ok(const std::string& outcome, uint64_t began, uint64_t answered) {
  WriteRecord w;
  w.outcome = outcome;
  w.answered = true;
  w.began_line = began;
  w.answered_line = answered;
  return w;
}

// The checker must be able to fail: an "ok" for a write the store never saw
// is a lost write; once the write is applied, it is not.
TEST(DrillOracleTest, AnAckForAWriteNotInTheStoreIsLost) {
  testing::TempDir dir;
  const DatasetSpec spec{200, 4};
  StatusOr<LoadReport> base = PrepareStore(Engine::kSqlite, dir.Sub("base"), spec, StoreOptions{},
                                           {ExistingLoad::kReplace}, false);
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  StatusOr<std::unique_ptr<Store>> store = OpenStore(Engine::kSqlite, base->dir, StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  StatusOr<WorkloadData> d = MakeWorkloadData(spec, WorkloadPath("writes"), 200, 9);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const size_t add = FirstOf(*d, OpKind::kAddListing);
  const size_t submit = FirstOf(*d, OpKind::kSubmitApplication);
  ASSERT_LT(add, d->trace.size());
  ASSERT_LT(submit, d->trace.size());

  ChildOracle oracle;
  oracle.writes[add] = Ok("ok", 1, 2);
  oracle.writes[submit] = Ok("ok", 3, 4);
  OracleCheck before = CheckOracle(**store, *d, oracle);
  EXPECT_EQ(before.acknowledged, 2u);
  EXPECT_EQ(before.lost, 2u);
  EXPECT_TRUE(before.present.empty());

  ASSERT_EQ(ExecuteOp(**store, d->trace[add]).substr(0, 2), "ok");
  OracleCheck after = CheckOracle(**store, *d, oracle);
  EXPECT_EQ(after.lost, 1u);
  ASSERT_EQ(after.lost_writes.size(), 1u);
  EXPECT_EQ(after.lost_writes[0], submit);
  EXPECT_EQ(after.present, std::vector<uint64_t>{add});
}

// Rejected writes changed nothing: counted by outcome, never probed or lost;
// unanswered writes are unknown outcome.
TEST(DrillOracleTest, RejectedAndUnansweredWritesAreNotLost) {
  testing::TempDir dir;
  const DatasetSpec spec{200, 4};
  StatusOr<LoadReport> base = PrepareStore(Engine::kSqlite, dir.Sub("base"), spec, StoreOptions{},
                                           {ExistingLoad::kReplace}, false);
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  StatusOr<std::unique_ptr<Store>> store = OpenStore(Engine::kSqlite, base->dir, StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  StatusOr<WorkloadData> d = MakeWorkloadData(spec, WorkloadPath("writes"), 200, 9);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const size_t add = FirstOf(*d, OpKind::kAddListing);
  const size_t submit = FirstOf(*d, OpKind::kSubmitApplication);
  ASSERT_LT(add, d->trace.size());
  ASSERT_LT(submit, d->trace.size());
  ChildOracle oracle;
  oracle.writes[add] = Ok("conflict", 1, 2);
  oracle.writes[submit].began_line = 3;  // no answer: the crash came
  OracleCheck c = CheckOracle(**store, *d, oracle);
  EXPECT_EQ(c.acknowledged, 0u);
  EXPECT_EQ(c.lost, 0u);
  EXPECT_EQ(c.unknown, 1u);
  EXPECT_EQ(c.unknown_present, 0u);
  EXPECT_EQ(c.outcomes["conflict"], 1u);
  EXPECT_EQ(c.outcomes["no_outcome"], 1u);
}

// A write acknowledged before another began, lost while that one survived,
// is a hole; writes that overlapped in time may survive in either order.
TEST(DrillOracleTest, RealTimeHoles) {
  ChildOracle sequenced;
  sequenced.writes[7] = Ok("ok", 1, 2);  // acknowledged at line 2
  sequenced.writes[3] = Ok("ok", 3, 4);  // began at line 3, after 7's ack
  sequenced.writes[5].began_line = 5;    // in flight at the crash
  auto holes = RealTimeHoles(sequenced, {3});
  ASSERT_EQ(holes.size(), 1u);
  EXPECT_EQ(holes[0], (std::pair<uint64_t, uint64_t>{7, 3}));
  EXPECT_TRUE(RealTimeHoles(sequenced, {3, 7}).empty());
  EXPECT_TRUE(RealTimeHoles(sequenced, {7}).empty());

  ChildOracle overlapped;
  overlapped.writes[7] = Ok("ok", 2, 3);
  overlapped.writes[3] = Ok("ok", 1, 4);  // began before 7 was acknowledged
  EXPECT_TRUE(RealTimeHoles(overlapped, {3}).empty());
}

TEST(DrillOracleTest, ParsesTheChildsLines) {
  ChildOracle o;
  uint64_t i = 0;
  EXPECT_EQ(ParseOracleLine("B 12\n", &o, &i), OracleLineKind::kBegan);
  EXPECT_EQ(i, 12u);
  EXPECT_EQ(ParseOracleLine("A 12 ok 7\n", &o, &i), OracleLineKind::kAnswered);
  EXPECT_EQ(ParseOracleLine("S 40", &o, &i), OracleLineKind::kOther);
  EXPECT_EQ(o.writes[12].outcome, "ok 7");
  EXPECT_EQ(o.writes[12].began_line, 1u);
  EXPECT_EQ(o.writes[12].answered_line, 2u);
  EXPECT_EQ(o.started, 40u);
  EXPECT_EQ(VersionOf(o.writes[12].outcome), 7u);
}

// Many writers, one pipe: every line arrives whole.
TEST(DrillOracleTest, AckLogLinesFromManyThreadsArriveWhole) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  constexpr int kThreads = 4, kPerThread = 500;
  ChildOracle o;
  std::thread reader([&] {
    FILE* in = ::fdopen(fds[0], "r");
    char* line = nullptr;
    size_t cap = 0;
    uint64_t i = 0;
    while (::getline(&line, &cap, in) > 0) ParseOracleLine(line, &o, &i);
    std::free(line);
    std::fclose(in);
  });
  {
    AckLog log(fds[1]);
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&log, t] {
        for (int k = 0; k < kPerThread; ++k) {
          const uint64_t i = static_cast<uint64_t>(k * kThreads + t);
          log.Began(i);
          log.Answered(i, fmt::format("ok {}", i));
        }
      });
    }
    for (std::thread& w : writers) w.join();
  }
  ::close(fds[1]);
  reader.join();
  ASSERT_EQ(o.writes.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(o.lines, static_cast<uint64_t>(2 * kThreads * kPerThread));
  for (const auto& [i, w] : o.writes) {
    ASSERT_TRUE(w.answered) << i;
    EXPECT_EQ(w.outcome, fmt::format("ok {}", i));
    EXPECT_LT(w.began_line, w.answered_line);
  }
}

// Bad --threads: one line naming the flag, exit 2, nothing written.
TEST(DrillThreadsFlagTest, RejectsBadThreadCounts) {
  testing::TempDir tmp;
  const std::string work = tmp.Sub("work");
  const std::string scenarios = std::string(LISTBENCH_SOURCE_DIR) + "/sim/scenarios/";
  for (const std::string& args :
       {"drill --scenario " + scenarios + "crash-durable.toml --threads 0 --work-dir " + work,
        "drill --scenario " + scenarios + "crash-durable.toml --threads 100000 --work-dir " + work,
        "drill --scenario " + scenarios + "io-errors.toml --threads 4 --work-dir " + work}) {
    testing::CliResult r = testing::RunListbench(args, tmp);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("--threads"), std::string::npos) << args << "\n" << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(work));
}

}  // namespace
}  // namespace listbench
