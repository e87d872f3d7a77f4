// Seeded mutation fuzzing of every parser of an input file (tests/fuzz_util.h
// says what each must do): workload and scenario TOML, summary.json as
// `listbench check` reads it, the store manifest, the migration state file
// and the repair queue log. Each test first runs its regression inputs
// (inputs that once failed), then its valid seeds, then a fixed number of
// mutants; LISTBENCH_FUZZ_ITERATIONS and LISTBENCH_FUZZ_SEED change both
// for a longer or another run (tests/README.md). A failure prints the seed,
// the iteration and the input, escaped.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "tests/fuzz_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// One parse longer than this is a hang, not slowness.
constexpr double kHangSeconds = 2.0;

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(std::string(LISTBENCH_SOURCE_DIR) + "/" + dir)) {
    if (e.path().extension() != ".toml") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

struct Campaign {
  const char* name;
  std::function<std::string(const std::string&)> check;
  std::vector<std::string> seeds;
  std::vector<std::string> regressions;  // inputs that once failed
  uint64_t iterations = 0;               // mutants by default
  // When set, some mutants start from a generated input instead of a seed.
  std::function<std::string(FuzzMutator*)> generate;
};

// Runs one input through the check, timed; "" or the failure.
std::string RunOne(const Campaign& c, const std::string& input) {
  const auto start = std::chrono::steady_clock::now();
  std::string problem;
  try {
    problem = c.check(input);
  } catch (const std::exception& e) {
    problem = std::string("threw: ") + e.what();
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (problem.empty() && s > kHangSeconds) problem = "took " + std::to_string(s) + " s (a hang?)";
  return problem;
}

void RunCampaign(const Campaign& c) {
  ASSERT_FALSE(c.seeds.empty()) << c.name << ": no seeds";
  for (size_t i = 0; i < c.regressions.size(); ++i) {
    const std::string p = RunOne(c, c.regressions[i]);
    EXPECT_EQ(p, "") << c.name << " regression " << i << ": \"" << EscapeBytes(c.regressions[i])
                     << "\"";
  }
  for (size_t i = 0; i < c.seeds.size(); ++i) {
    const std::string p = RunOne(c, c.seeds[i]);
    EXPECT_EQ(p, "") << c.name << " seed " << i;
  }
  const uint64_t seed = FuzzEnvNumber("LISTBENCH_FUZZ_SEED", 1);
  const uint64_t n = FuzzEnvNumber("LISTBENCH_FUZZ_ITERATIONS", c.iterations);
  FuzzMutator m(seed);
  int failures = 0;
  for (uint64_t it = 0; it < n && failures < 5; ++it) {
    std::string base = c.seeds[m.Below(c.seeds.size())];
    if (c.generate && m.Below(2) == 0) base = c.generate(&m);
    const std::string& other = c.seeds[m.Below(c.seeds.size())];
    // A quarter of the mutants are left as generated (when there is a
    // generator) so that valid structures are checked too.
    const std::string input = c.generate && m.Below(4) == 0 ? base : m.Mutate(base, other);
    const std::string p = RunOne(c, input);
    if (!p.empty()) {
      ++failures;
      ADD_FAILURE() << c.name << ": " << p << "\n  reproduce: LISTBENCH_FUZZ_SEED=" << seed
                    << ", iteration " << it << "\n  input (" << input.size() << " bytes): \""
                    << EscapeBytes(input) << "\"";
    }
  }
}

TEST(FuzzTest, WorkloadFiles) {
  RunCampaign({.name = "workload",
               .check = CheckWorkloadInput,
               .seeds = FilesIn("workloads"),
               .regressions =
                   {// Counts far beyond any trace that fits in memory; with both
                    // near 2^63, their sum (the trace length) wrapped.
                    "name = \"w\"\noperations = 4799078372972336358\n[mix]\nsearch = 1\n",
                    "name = \"w\"\noperations = 100000\nwarmup = 9223372036854775807\n"
                    "[mix]\nsearch = 1\n"},
               .iterations = 6000,
               .generate = {}});
}

TEST(FuzzTest, ScenarioFiles) {
  RunCampaign({.name = "scenario",
               .check = CheckScenarioInput,
               .seeds = FilesIn("sim/scenarios"),
               .regressions = {},
               .iterations = 6000,
               .generate = {}});
}

TEST(FuzzTest, CheckSummaries) {
  RunCampaign({.name = "summary",
               .check =
                   [](const std::string& input) {
                     static const nlohmann::json kValid = nlohmann::json::parse(SeedSummary());
                     return CheckSummaryInput(input, kValid);
                   },
               .seeds = {SeedSummary()},
               .regressions =
                   {// A config.sqlite_schema that is not a string threw
                    // nlohmann::json::type_error.
                    R"({"engines": {}, "seed": 1, "listings": 1, "workload": {"name": "w",
                                   "mix": 1, "keys": 1, "operations": 1, "warmup": 0,
                                   "target_rate": 0}, "config": {"sqlite_schema": [1, "a"]}})"},
               .iterations = 2000,
               .generate = {}});
}

TEST(FuzzTest, StoreManifests) {
  RunCampaign({.name = "manifest",
               .check = CheckManifestInput,
               .seeds = SeedManifests(),
               .regressions =
                   {// A field of the wrong type threw nlohmann::json::type_error.
                    R"({"magic": "listbench-store", "engine": 7})",
                    R"({"magic": "listbench-store", "engine": "sqlite", "sqlite_schema": []})",
                    // A float where an int goes: undefined conversion.
                    R"({"magic": "listbench-store", "engine": "rocksdb",
                           "format_version": 1e300})",
                    // A negative count wrapped to a huge one.
                    R"({"magic": "listbench-store", "engine": "rocksdb", "format_version": 2,
                           "listings": -1})"},
               .iterations = 8000,
               .generate = {}});
}

TEST(FuzzTest, MigrationStateFiles) {
  RunCampaign({.name = "migration state",
               .check = CheckMigrationStateInput,
               .seeds = SeedMigrationStates(),
               .regressions =
                   {// Floats and negative numbers where counts go: an undefined
                    // conversion, or a wrap to a huge count.
                    R"({"format": "listbench-migration-state/2", "phase": "legacy",
                           "canary_index": 1e300})",
                    R"({"format": "listbench-migration-state/2", "phase": "legacy",
                           "canary_index": 0, "backfill": {"mode": "checked", "kind": -1e300,
                           "last_key": ""}})"},
               .iterations = 5000,
               .generate = {}});
}

TEST(FuzzTest, RepairQueueLogs) {
  RunCampaign({.name = "repair log",
               .check = CheckRepairLogInput,
               .seeds = SeedRepairLogs(),
               .regressions =
                   {// A header counter of 2^64 - 1 wrapped to 0 on the next
                    // append; a counter of 0 gave an entry sequence 0, which
                    // the next Open refuses.
                    std::string("LBRQLOG\0\x01\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff"
                                "a\x10t`",
                                24),
                    std::string("LBRQLOG\0\x01\0\0\0\0\0\0\0\0\0\0\0\x14\x10\x12$", 24)},
               .iterations = 10000,
               .generate = RandomRepairLog});
}

}  // namespace
}  // namespace listbench
