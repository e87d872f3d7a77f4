// listbench sweep: the power-law fit, bad flags (exit 2, one line naming the
// flag, nothing written), a failing child named by engine and scale, and a
// tiny end-to-end sweep of both engines run from the test binary.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "bench/cli/commands.h"
#include "bench/model/fit.h"
#include "bench/report/plot.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

TEST(SweepFitTest, RecoversExactPowerLaw) {
  const std::vector<double> x = {25e3, 5e4, 1e5, 2e5, 4e5, 8e5, 1.6e6};
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{
           {3.5, 0.75}, {1200.0, 1.0}, {0.002, 1.3}, {42.0, -0.2}}) {
    std::vector<double> y;
    for (double v : x) y.push_back(a * std::pow(v, b));
    StatusOr<PowerFit> fit = FitPowerLaw(x, y);
    ASSERT_TRUE(fit.ok()) << fit.status().ToString();
    EXPECT_NEAR(fit->b, b, 1e-9);
    EXPECT_NEAR(fit->a / a, 1.0, 1e-9);
    EXPECT_NEAR(fit->r2, 1.0, 1e-12);
    EXPECT_NEAR(fit->At(3e6) / (a * std::pow(3e6, b)), 1.0, 1e-9);
  }
}

TEST(SweepFitTest, FlatAndNoisyData) {
  const std::vector<double> x = {1, 10, 100, 1000};
  StatusOr<PowerFit> flat = FitPowerLaw(x, std::vector<double>{5, 5, 5, 5});
  ASSERT_TRUE(flat.ok());
  EXPECT_NEAR(flat->b, 0.0, 1e-12);
  EXPECT_NEAR(flat->a, 5.0, 1e-9);
  EXPECT_EQ(flat->r2, 1.0);
  StatusOr<PowerFit> noisy = FitPowerLaw(x, std::vector<double>{1, 30, 80, 1500});
  ASSERT_TRUE(noisy.ok());
  EXPECT_GT(noisy->r2, 0.5);
  EXPECT_LT(noisy->r2, 1.0);
}

TEST(SweepFitTest, RejectsBadInput) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  using V = std::vector<double>;
  const std::vector<std::pair<V, V>> bad = {
      {{}, {}},              // no points
      {{10}, {1}},           // one point
      {{10, 20}, {1}},       // lengths differ
      {{10, 20}, {1, 0}},    // zero y
      {{10, 20}, {1, -2}},   // negative y
      {{0, 20}, {1, 2}},     // zero x
      {{10, 20}, {1, nan}},  // not finite
      {{10, 20, 30}, {1, 2, std::numeric_limits<double>::infinity()}},
      {{10, 10, 10}, {1, 2, 3}},  // all x equal
  };
  for (const auto& [x, y] : bad) {
    StatusOr<PowerFit> fit = FitPowerLaw(x, y);
    EXPECT_FALSE(fit.ok()) << x.size() << " " << y.size();
    if (!fit.ok()) {
      EXPECT_TRUE(fit.status().IsInvalidArgument()) << fit.status().ToString();
    }
  }
}

class SweepCliTest : public ::testing::Test {
 protected:
  std::string Workload() const {
    return std::string(" --workload ") + LISTBENCH_SOURCE_DIR + "/workloads/mixed.toml";
  }
  std::string Out() const { return tmp_.Sub("out"); }
  std::string Work() const { return tmp_.Sub("work"); }

  // Expects exit 2, exactly one stderr line that mentions `needle`, and no
  // output or work directory created.
  void ExpectBadInput(const std::string& args, const std::string& needle) {
    testing::CliResult r = testing::RunListbench("sweep " + args + Workload(), tmp_);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("listbench sweep: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(Out())) << args;
    EXPECT_FALSE(fs::exists(Work())) << args;
  }

  testing::TempDir tmp_;
};

TEST_F(SweepCliTest, RejectsBadFlags) {
  const std::string dirs = " --out " + Out() + " --work-dir " + Work();
  ExpectBadInput(dirs, "--listings");
  ExpectBadInput("--listings ''" + dirs, "--listings");
  ExpectBadInput("--listings 300,abc" + dirs, "--listings '300,abc'");
  ExpectBadInput("--listings 300,,600" + dirs, "--listings");
  ExpectBadInput("--listings 300, " + dirs, "--listings");
  ExpectBadInput("--listings -5" + dirs, "--listings");
  ExpectBadInput("--listings 0" + dirs, "--listings");
  ExpectBadInput("--listings 300,600,300" + dirs, "listed twice");
  ExpectBadInput("--listings 300 --bogus 1" + dirs, "bogus");
  ExpectBadInput("--listings 300 stray" + dirs, "stray");
  ExpectBadInput("--listings 300 --engine mysql" + dirs, "--engine mysql");
  ExpectBadInput("--listings 300 --ops 0" + dirs, "--ops");
  ExpectBadInput("--listings 300 --ops lots" + dirs, "--ops");
  ExpectBadInput("--listings 300 --listbench " + tmp_.Sub("no-such-binary") + dirs, "--listbench");
  ExpectBadInput("--listings 300 --threads 0" + dirs, "--threads 0");
  ExpectBadInput("--listings 300 --threads 300" + dirs, "--threads");
  ExpectBadInput("--listings 300 --factor 2" + dirs, "--factor: only with --saturate");
  ExpectBadInput("--listings 300 --slo-p99-ms 3" + dirs, "--slo-p99-ms: only with --saturate");
  ExpectBadInput("--listings 300 --saturate --slo-p99-ms 0" + dirs, "--slo-p99-ms 0");
  ExpectBadInput("--listings 300 --saturate --factor 1" + dirs, "--factor 1");
  ExpectBadInput("--listings 300 --saturate --step-seconds -1" + dirs, "--step-seconds");
  ExpectBadInput("--listings 300 --work-dir " + Work(), "--out");
  // /proc refuses new entries even to root.
  ExpectBadInput("--listings 300 --out /proc/listbench-test --work-dir " + Work(), "--out");
  ExpectBadInput("--listings 300 --out " + Out() + " --work-dir /proc/listbench-test/w",
                 "--work-dir");
  EXPECT_FALSE(fs::exists(Out()));
}

TEST_F(SweepCliTest, RefusesAScaleDirectoryThatExists) {
  fs::create_directories(fs::path(Work()) / "600");
  std::ofstream(fs::path(Work()) / "600" / "mine") << "keep me";
  testing::CliResult r = testing::RunListbench(
      "sweep --listings 300,600 --out " + Out() + " --work-dir " + Work() + Workload(), tmp_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--work-dir"), std::string::npos) << r.err;
  EXPECT_EQ(testing::ReadFile(fs::path(Work()) / "600" / "mine"), "keep me");
  EXPECT_FALSE(fs::exists(Out()));
}

TEST_F(SweepCliTest, FailingChildIsNamedByEngineAndScale) {
  // A stand-in for listbench whose loads fail.
  const std::string fake = tmp_.Sub("fake-listbench");
  std::ofstream(fake) << "#!/bin/sh\n[ \"$1\" = --version ] && exit 0\n"
                         "echo 'loading...' >&2\necho 'listbench load: disk on fire' >&2\nexit 3\n";
  ::chmod(fake.c_str(), 0755);
  testing::CliResult r =
      testing::RunListbench("sweep --listings 300 --engine rocksdb --listbench " + fake +
                                " --out " + Out() + " --work-dir " + Work() + Workload(),
                            tmp_);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("rocksdb at 300 listings: load"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exit 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("disk on fire"), std::string::npos) << r.err;
  // What it has is written, and it says the sweep stopped; nothing is left behind.
  const nlohmann::json j = nlohmann::json::parse(testing::ReadFile(Out() + "/sweep.json"));
  EXPECT_NE(j["outcome"].get<std::string>().find("disk on fire"), std::string::npos);
  EXPECT_TRUE(j["measurements"].empty());
  EXPECT_NE(testing::ReadFile(Out() + "/sweep.log").find("disk on fire"), std::string::npos);
  EXPECT_FALSE(fs::exists(fs::path(Work()) / "300"));
}

TEST_F(SweepCliTest, PassesThreadsToTheRunChild) {
  // A stand-in for listbench that loads for real and records the run's flags.
  const std::string fake = tmp_.Sub("fake-listbench");
  const std::string args = tmp_.Sub("run-args");
  std::ofstream(fake) << "#!/bin/sh\n[ \"$1\" = run ] && { echo \"$@\" > " << args
                      << "; echo 'listbench run: stop here' >&2; exit 3; }\nexec "
                      << LISTBENCH_BINARY << " \"$@\"\n";
  ::chmod(fake.c_str(), 0755);
  testing::CliResult r =
      testing::RunListbench("sweep --listings 300 --engine sqlite --threads 3 --listbench " + fake +
                                " --out " + Out() + " --work-dir " + Work() + Workload(),
                            tmp_);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("sqlite at 300 listings: run"), std::string::npos) << r.err;
  EXPECT_NE(testing::ReadFile(args).find("--threads 3"), std::string::npos)
      << testing::ReadFile(args);
  const nlohmann::json j = nlohmann::json::parse(testing::ReadFile(Out() + "/sweep.json"));
  EXPECT_EQ(j["config"]["threads"], 3);
  EXPECT_EQ(j["workload"]["threads"], 3);
}

TEST_F(SweepCliTest, SaturateAddsTheSloRatePerScale) {
  std::vector<std::string> args = {"sweep",
                                   "--listings",
                                   "300",
                                   "--ops",
                                   "100",
                                   "--warmup",
                                   "20",
                                   "--engine",
                                   "rocksdb",
                                   "--saturate",
                                   "--slo-p99-ms",
                                   "1000",
                                   "--start-rate",
                                   "200",
                                   "--factor",
                                   "2",
                                   "--step-seconds",
                                   "0.1",
                                   "--max-steps",
                                   "2",
                                   "--out",
                                   Out(),
                                   "--work-dir",
                                   Work(),
                                   "--workload",
                                   std::string(LISTBENCH_SOURCE_DIR) + "/workloads/mixed.toml",
                                   "--listbench",
                                   LISTBENCH_BINARY};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ASSERT_EQ(SweepCommand(static_cast<int>(args.size()), argv.data()), kExitOk);

  const nlohmann::json j = nlohmann::json::parse(testing::ReadFile(Out() + "/sweep.json"));
  EXPECT_EQ(j["config"]["saturate"]["slo_p99_ms"], 1000.0);
  EXPECT_EQ(j["config"]["saturate"]["max_steps"], 2);
  ASSERT_EQ(j["measurements"].size(), 1u);
  const nlohmann::json& sat = j["measurements"][0]["saturate"];
  for (const char* key : {"slo_rate", "knee_achieved", "max_achieved", "stop", "peak_rss_kib"}) {
    EXPECT_TRUE(sat.contains(key)) << key << " " << sat.dump();
  }
  EXPECT_GT(sat["max_achieved"].get<double>(), 0);
  EXPECT_GT(sat["peak_rss_kib"].get<uint64_t>(), 0u);
  const std::string csv = testing::ReadFile(Out() + "/sweep.csv");
  EXPECT_NE(csv.find(",throughput,slo_rate,saturate_max_achieved\n"), std::string::npos) << csv;
  const std::string md = testing::ReadFile(Out() + "/sweep.md");
  EXPECT_NE(md.find("ops/s at p99 <= 1000 ms"), std::string::npos) << md;
  EXPECT_NE(testing::ReadFile(Out() + "/sweep.log").find("rocksdb at 300 listings: saturate"),
            std::string::npos);
  // The saturate child's outputs went with the stores.
  EXPECT_TRUE(fs::is_empty(Work())) << fs::directory_iterator(Work())->path();
}

TEST_F(SweepCliTest, TinySweepOfBothEngines) {
  std::vector<std::string> args = {
      "sweep",       "--listings",    "300,600",
      "--ops",       "200",           "--warmup",
      "50",          "--engine",      "both",
      "--out",       Out(),           "--work-dir",
      Work(),        "--workload",    std::string(LISTBENCH_SOURCE_DIR) + "/workloads/mixed.toml",
      "--listbench", LISTBENCH_BINARY};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ASSERT_EQ(SweepCommand(static_cast<int>(args.size()), argv.data()), kExitOk);

  const nlohmann::json j = nlohmann::json::parse(testing::ReadFile(Out() + "/sweep.json"));
  EXPECT_EQ(j["outcome"], "ok");
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["workload"]["operations"], 200);
  EXPECT_EQ(j["workload"]["warmup"], 50);
  EXPECT_TRUE(j["build"].contains("git_commit"));
  EXPECT_GT(j["floor_rss_kib"].get<uint64_t>(), 0u);
  ASSERT_EQ(j["measurements"].size(), 4u);
  std::map<std::string, std::vector<uint64_t>> scales;
  for (const auto& m : j["measurements"]) {
    SCOPED_TRACE(m.dump());
    scales[m["engine"].get<std::string>()].push_back(m["listings"].get<uint64_t>());
    EXPECT_GT(m["load"]["seconds"].get<double>(), 0);
    EXPECT_GT(m["load"]["disk_bytes"].get<uint64_t>(), 0u);
    EXPECT_GT(m["load"]["engine_writes_per_second"].get<double>(), 0);
    EXPECT_GT(m["load"]["peak_rss_kib"].get<uint64_t>(), 0u);
    EXPECT_GT(m["load"]["cpu_seconds"].get<double>(), 0);
    EXPECT_GT(m["run"]["peak_rss_kib"].get<uint64_t>(), 0u);
    EXPECT_EQ(m["run"]["ops"]["all"]["count"], 200);
    EXPECT_GT(m["run"]["ops"]["all"]["mean_us"].get<double>(), 0);
    EXPECT_TRUE(m["run"]["ops"].contains("R1"));
  }
  const std::vector<uint64_t> both = {300, 600};
  EXPECT_EQ(scales["sqlite"], both);
  EXPECT_EQ(scales["rocksdb"], both);
  for (const char* e : {"sqlite", "rocksdb"}) {
    const nlohmann::json& f = j["fits"]["engines"][e];
    for (const char* metric : {"load_seconds", "disk_bytes", "load_peak_rss_kib",
                               "run_peak_rss_kib", "all.mean_us", "all.p99_us", "R1.mean_us"}) {
      ASSERT_TRUE(f.contains(metric)) << e << " " << metric;
      EXPECT_EQ(f[metric]["points"], 2) << e << " " << metric;
      EXPECT_TRUE(f[metric].contains("b")) << e << " " << metric << " " << f[metric].dump();
    }
    // Twice the listings is more data on disk.
    EXPECT_GT(f["disk_bytes"]["b"].get<double>(), 0.3) << e;
  }
  const std::string csv = testing::ReadFile(Out() + "/sweep.csv");
  EXPECT_EQ(csv.rfind("engine,listings,op,", 0), 0u);
  EXPECT_NE(csv.find("rocksdb,600,all,200,"), std::string::npos) << csv;
  const std::string md = testing::ReadFile(Out() + "/sweep.md");
  EXPECT_NE(md.find("disk size"), std::string::npos);
  EXPECT_NE(md.find("∝ N^"), std::string::npos);
  if (HaveGnuplot()) {
    EXPECT_GT(fs::file_size(Out() + "/sweep_latency.png"), 1000u);
    EXPECT_GT(fs::file_size(Out() + "/sweep_size.png"), 1000u);
    EXPECT_NE(md.find("sweep_latency.png"), std::string::npos);
  }
  // The stores were deleted after each scale; the work directory is empty.
  EXPECT_TRUE(fs::is_empty(Work())) << fs::directory_iterator(Work())->path();
}

}  // namespace
}  // namespace listbench
