// The listbench command as a user meets it: bad input gets exactly one line
// on stderr naming the input, a non-zero exit, and leaves every file on disk
// as it was; a good verify run exits 0 and reports in JSON.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

using testing::CliResult;
using testing::ReadFile;

class CliTest : public ::testing::Test {
 protected:
  CliResult Run(const std::string& args) { return testing::RunListbench(args, tmp_); }

  // Expects exit 2 and exactly one stderr line that mentions `needle`.
  void ExpectBadInput(const std::string& args, const std::string& needle) {
    CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\n" << r.err;
  }

  // Every regular file under `dir` with its contents.
  static std::map<std::string, std::string> Files(const std::string& dir) {
    std::map<std::string, std::string> m;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) m[e.path().string()] = ReadFile(e.path());
    }
    return m;
  }

  std::string Data() { return tmp_.Sub("data"); }

  testing::TempDir tmp_;
};

TEST_F(CliTest, UnknownCommandAndFlags) {
  ExpectBadInput("frobnicate", "frobnicate");
  ExpectBadInput("load --bogus 1", "bogus");
  ExpectBadInput("verify --no-such-flag", "no-such-flag");
  ExpectBadInput("load --data-dir " + Data() + " stray", "stray");
  ExpectBadInput("load --engine mysql --data-dir " + Data(), "--engine mysql");
  const std::string workload =
      std::string(" --workload ") + LISTBENCH_SOURCE_DIR + "/workloads/mixed.toml";
  for (const std::string& cmd : {"load --data-dir " + Data(), "verify --work-dir " + Data(),
                                 "compare --work-dir " + Data() + workload,
                                 "sweep --listings 10 --work-dir " + Data() + workload,
                                 "migrate --work-dir " + Data() + workload}) {
    ExpectBadInput(cmd + " --sqlite-schema fast", "--sqlite-schema fast: expected legacy or tuned");
  }
  ExpectBadInput(std::string("drill --scenario ") + LISTBENCH_SOURCE_DIR +
                     "/sim/scenarios/crash-durable.toml --work-dir " + Data() +
                     " --sqlite-schema fast",
                 "--sqlite-schema fast: expected legacy or tuned");
  ExpectBadInput("drill --matrix --work-dir " + Data() + " --sqlite-schema legacy",
                 "--sqlite-schema: the error matrix runs the default (tuned) SQLite indexes only");
  EXPECT_FALSE(fs::exists(fs::path(Data()) / "sqlite"));
}

// --engines takes a name, both, all or a comma list; the drills cannot
// fault PostgreSQL, and verify's comparison needs two engines.
TEST_F(CliTest, RefusesBadEngineLists) {
  const std::string workload =
      std::string(" --workload ") + LISTBENCH_SOURCE_DIR + "/workloads/mixed.toml";
  ExpectBadInput("compare --engines nosuch --work-dir " + Data() + workload, "--engines nosuch");
  ExpectBadInput("compare --engines sqlite,sqlite --work-dir " + Data() + workload,
                 "--engines sqlite,sqlite");
  ExpectBadInput("compare --engines postgres --report --work-dir " + Data() + workload,
                 "--report: needs sqlite and rocksdb");
  ExpectBadInput("verify --engines sqlite,,rocksdb --work-dir " + Data(),
                 "--engines sqlite,,rocksdb");
  ExpectBadInput("verify --engines sqlite --work-dir " + Data(), "two engines or more");
  ExpectBadInput("load --engine sqlite,nosuch --data-dir " + Data(), "--engine sqlite,nosuch");
  for (const char* e : {"postgres", "all", "sqlite,postgres"}) {
    ExpectBadInput(std::string("drill --scenario ") + LISTBENCH_SOURCE_DIR +
                       "/sim/scenarios/crash-durable.toml --work-dir " + Data() + " --engine " + e,
                   "postgres cannot be drilled");
  }
  EXPECT_FALSE(fs::exists(fs::path(Data()) / "sqlite"));
}

// Each index profile has its own pristine load, recorded in its manifest
// and in the result.
TEST_F(CliTest, EachSqliteSchemaLoadsItsOwnStore) {
  const std::string out = fs::path(Data()).parent_path().string();
  for (const char* schema : {"legacy", "tuned"}) {
    CliResult r = Run(std::string("load --engine sqlite --listings 40 --data-dir ") + Data() +
                      " --sqlite-schema " + schema + " --json " + out + "/" + schema + ".json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string dir = EngineDir(Data(), Engine::kSqlite, *ParseSqliteSchema(schema));
    auto m = ReadManifest(dir);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(SqliteSchemaName(m->sqlite_schema), schema);
    EXPECT_NE(ReadFile(out + "/" + schema + ".json")
                  .find(std::string("\"sqlite_schema\": \"") + schema + "\""),
              std::string::npos);
  }
  EXPECT_TRUE(fs::exists(fs::path(Data()) / "sqlite-legacy"));
  EXPECT_TRUE(fs::exists(fs::path(Data()) / "sqlite"));
}

TEST_F(CliTest, BadNumbers) {
  ExpectBadInput("load --listings 0 --data-dir " + Data(), "--listings");
  ExpectBadInput("load --listings -5 --data-dir " + Data(), "--listings");
  ExpectBadInput("load --listings many --data-dir " + Data(), "--listings");
  ExpectBadInput("verify --listings 10 --ops 0 --work-dir " + Data(), "--ops");
  EXPECT_FALSE(fs::exists(fs::path(Data()) / "sqlite"));
}

TEST_F(CliTest, BadThreads) {
  for (const char* cmd : {"run --engine sqlite", "compare"}) {
    for (const char* bad : {"0", "257", "-3", "many"}) {
      ExpectBadInput(fmt::format("{} --listings 10 --workload {}/workloads/mixed.toml --threads {} "
                                 "--work-dir {}",
                                 cmd, LISTBENCH_SOURCE_DIR, bad, Data()),
                     "--threads");
    }
  }
}

TEST_F(CliTest, MissingOrUnwritableDataDir) {
  ExpectBadInput("load --listings 10 --data-dir " + tmp_.Sub("no/such/dir"), "does not exist");
  std::ofstream(tmp_.Sub("a-file")) << "keep me";
  ExpectBadInput("load --listings 10 --data-dir " + tmp_.Sub("a-file"), "not a directory");
  EXPECT_EQ(ReadFile(tmp_.Sub("a-file")), "keep me");
  // /proc refuses new entries even to root, for whom permission bits are no obstacle.
  ExpectBadInput("load --listings 10 --data-dir /proc/listbench-test", "/proc/listbench-test");
  ExpectBadInput("verify --listings 10 --work-dir /proc/listbench-test", "/proc/listbench-test");
  ExpectBadInput(
      "verify --listings 10 --json " + tmp_.Sub("no/dir/out.json") + " --work-dir " + Data(),
      "--json");
}

TEST_F(CliTest, LoadReusesAndRefusesToOverwriteAnotherDataset) {
  CliResult first = Run("load --engine both --listings 60 --seed 3 --data-dir " + Data());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  CliResult again = Run("load --engine both --listings 60 --seed 3 --data-dir " + Data());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("reusing"), std::string::npos) << again.err;

  const auto before = Files(Data());
  ExpectBadInput("load --engine sqlite --listings 61 --seed 3 --data-dir " + Data(), "--replace");
  ExpectBadInput("load --engine rocksdb --listings 60 --seed 4 --data-dir " + Data(), "--replace");
  EXPECT_EQ(Files(Data()), before);
  // An engine directory is not a data directory.
  ExpectBadInput("load --listings 60 --seed 3 --data-dir " + EngineDir(Data(), Engine::kSqlite),
                 "pass its parent");
  EXPECT_EQ(Files(Data()), before);

  CliResult replaced =
      Run("load --engine sqlite --listings 61 --seed 3 --replace --data-dir " + Data());
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
  auto m = ReadManifest(EngineDir(Data(), Engine::kSqlite));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->listings, 61u);
}

TEST_F(CliTest, RefusesAStoreOfTheOtherEngine) {
  ASSERT_EQ(Run("load --engine sqlite --listings 40 --data-dir " + Data()).exit_code, 0);
  // Put the SQLite store where the RocksDB one belongs.
  fs::rename(EngineDir(Data(), Engine::kSqlite), EngineDir(Data(), Engine::kRocksDb));
  const auto before = Files(Data());
  ExpectBadInput("load --engine rocksdb --listings 40 --data-dir " + Data(),
                 "holds a sqlite store");
  ExpectBadInput("load --engine rocksdb --listings 40 --replace --data-dir " + Data(),
                 "holds a sqlite store");
  EXPECT_EQ(Files(Data()), before);
}

TEST_F(CliTest, RefusesAStoreFromAnotherFormatVersion) {
  ASSERT_EQ(Run("load --engine both --listings 40 --data-dir " + Data()).exit_code, 0);
  const std::string dir = EngineDir(Data(), Engine::kRocksDb);
  const fs::path manifest = fs::path(dir) / kManifestFileName;
  nlohmann::json j = nlohmann::json::parse(ReadFile(manifest));
  j["format_version"] = 99;
  j["listbench_version"] = "9.9.9";
  std::ofstream(manifest, std::ios::trunc) << j.dump();
  const auto before = Files(Data());
  ExpectBadInput("load --engine rocksdb --listings 40 --data-dir " + Data(), "format version 99");
  ExpectBadInput("load --engine rocksdb --listings 40 --replace --data-dir " + Data(),
                 "format version 99");
  EXPECT_EQ(Files(Data()), before);
}

TEST_F(CliTest, RefusesADirectoryThatIsNotOurs) {
  fs::create_directories(EngineDir(Data(), Engine::kSqlite));
  std::ofstream(fs::path(EngineDir(Data(), Engine::kSqlite)) / "thesis.txt") << "precious";
  const auto before = Files(Data());
  ExpectBadInput("load --engine sqlite --listings 40 --replace --data-dir " + Data(),
                 "not a listbench store");
  EXPECT_EQ(Files(Data()), before);
}

TEST_F(CliTest, VerifyRunsEndToEndAndReusesItsLoad) {
  const std::string json_path = tmp_.Sub("verify.json");
  const std::string args = "verify --listings 300 --ops 3000 --seed 7 --work-dir " +
                           tmp_.Sub("work") + " --json " + json_path;
  CliResult r = Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json j = nlohmann::json::parse(ReadFile(json_path));
  EXPECT_EQ(j["ops"], 3000);
  EXPECT_EQ(j["mismatches"], 0);
  EXPECT_EQ(j["invariant_violations"], 0);
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["listings"], 300);
  EXPECT_FALSE(j["build"]["git_commit"].get<std::string>().empty());
  // The stream really exercises writes: most submissions succeed on both engines.
  EXPECT_GT(j["outcomes"]["submit_application"].value("ok", 0), 50);

  CliResult again = Run(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("reusing"), std::string::npos);
  nlohmann::json j2 = nlohmann::json::parse(ReadFile(json_path));
  EXPECT_EQ(j2["outcomes"], j["outcomes"]);  // same seed, same results
}

TEST_F(CliTest, DrillRefusesBadScenariosAndFlags) {
  ExpectBadInput("drill --work-dir " + Data(), "--scenario");
  ExpectBadInput("drill --scenario " + tmp_.Sub("none.toml"), "none.toml: no such scenario file");
  std::ofstream(tmp_.Sub("bad.toml")) << "name = \"x\"\nkind = \"crash\"\nspeed = 9\n";
  ExpectBadInput("drill --scenario " + tmp_.Sub("bad.toml"), "bad.toml:3: unknown setting");
  ExpectBadInput("drill --scenario " + std::string(LISTBENCH_SOURCE_DIR) +
                     "/sim/scenarios/io-errors.toml --kill-point-sweep",
                 "not a crash scenario");
  ExpectBadInput("drill --scenario " + std::string(LISTBENCH_SOURCE_DIR) +
                     "/sim/scenarios/crash-durable.toml --engine oracle",
                 "--engine oracle");
  ExpectBadInput("drill --scenario " + std::string(LISTBENCH_SOURCE_DIR) +
                     "/sim/scenarios/io-errors.toml --listings 5",
                 "--listings 5: must be in 10..1000000");
  ExpectBadInput("drill --matrix --scenario " + tmp_.Sub("bad.toml"), "--matrix");
  EXPECT_EQ(ReadFile(tmp_.Sub("bad.toml")), "name = \"x\"\nkind = \"crash\"\nspeed = 9\n");
}

TEST_F(CliTest, MigrateRefusesBadInput) {
  const std::string src = LISTBENCH_SOURCE_DIR;
  const std::string wl = " --workload " + src + "/workloads/mixed.toml";
  ExpectBadInput("migrate --listings 5" + wl, "--listings 5");
  ExpectBadInput("migrate --listings 100 --workload " + tmp_.Sub("none.toml"), "none.toml");
  ExpectBadInput(
      "migrate --listings 100" + wl + " --scenario " + src + "/sim/scenarios/crash-durable.toml",
      "not a migration scenario");
  ExpectBadInput(
      "drill --scenario " + src + "/sim/scenarios/migrate-crash.toml --work-dir " + Data(),
      "a migration scenario");
  ExpectBadInput("migrate --listings 100" + wl + " --gate 1.5", "gate_threshold");
  ExpectBadInput("migrate --listings 100" + wl + " --step-every 0", "--step-every");
  ExpectBadInput("migrate --listings 100" + wl + " --backfill fast", "--backfill fast");
  // A run directory migrate did not make is not touched.
  fs::create_directories(tmp_.Sub("w/migrate/run"));
  std::ofstream(tmp_.Sub("w/migrate/run/mine.txt")) << "keep";
  ExpectBadInput("migrate --listings 100" + wl + " --work-dir " + tmp_.Sub("w"),
                 "not made by listbench migrate");
  EXPECT_EQ(ReadFile(tmp_.Sub("w/migrate/run/mine.txt")), "keep");
}

// A small crash drill end to end through the command: JSON with the drill's
// figures, a plot next to it when gnuplot is there, exit 0. --listings and
// --seed mean the dataset, as in every command.
TEST_F(CliTest, DrillRunsAndWritesItsJson) {
  std::ofstream(tmp_.Sub("s.toml"))
      << "name = \"s\"\nkind = \"crash\"\ndurable = true\nlistings = 40\noperations = 20\n"
      << "workload = \"" << LISTBENCH_SOURCE_DIR << "/workloads/writes.toml\"\ncycles = 4\n"
      << "crash_one_in = 25\n";
  CliResult r = Run("drill --scenario " + tmp_.Sub("s.toml") + " --work-dir " + Data() +
                    " --seed 3 --listings 60 --json " + tmp_.Sub("d.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json j = nlohmann::json::parse(ReadFile(tmp_.Sub("d.json")));
  EXPECT_EQ(j["seed"], 3);
  EXPECT_EQ(j["dataset_seed"], 3);
  EXPECT_EQ(j["listings"], 60);
  for (const char* e : {"sqlite", "rocksdb"}) {
    const nlohmann::json& x = j["engines"][e];
    EXPECT_EQ(x["cycles"], 4) << e;
    EXPECT_GT(x["acknowledged_writes"].get<uint64_t>(), 0u) << e;
    EXPECT_EQ(x["lost_acknowledged_writes"], 0) << e;
    EXPECT_EQ(x["integrity_failures"], 0) << e;
  }
  EXPECT_NE(r.out.find("drill s: passed"), std::string::npos) << r.out;
}

// The lazy SQLite schema change end to end, on the legacy index profile:
// the change completes, rewrites no listing, and no write fails.
TEST_F(CliTest, SchemaChangeRunsTheLazySqliteMethod) {
  ExpectBadInput("schema-change --listings 10 --method online --work-dir " + Data(), "sqlite-lazy");
  CliResult r = Run(fmt::format(
      "schema-change --listings 2000 --method sqlite-lazy --sqlite-schema legacy --rate 500 "
      "--before 0.2 --after 0.2 --max-seconds 4 --workload {}/workloads/writes.toml "
      "--work-dir {} --json {}",
      LISTBENCH_SOURCE_DIR, Data(), tmp_.Sub("sc.json")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("sqlite-lazy "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("rocksdb-lazy "), std::string::npos) << r.out;
  const nlohmann::json j = nlohmann::json::parse(ReadFile(tmp_.Sub("sc.json")));
  EXPECT_EQ(j.at("config").at("sqlite_schema"), "legacy");
  ASSERT_EQ(j.at("methods").size(), 1u);
  const nlohmann::json& m = j.at("methods").at(0);
  EXPECT_EQ(m.at("method"), "sqlite-lazy");
  EXPECT_EQ(m.at("engine"), "sqlite");
  EXPECT_TRUE(m.at("completed").get<bool>()) << m.at("change_error");
  EXPECT_EQ(m.at("change").at("rows_upgraded"), 0u);
  EXPECT_EQ(m.at("change").at("steps"), 1u);
  EXPECT_GT(m.at("end_state").at("listings").get<uint64_t>(), 2000u - 1);
  EXPECT_EQ(m.at("end_state").at("missing"), 0u);
  EXPECT_EQ(m.at("end_state").at("wrong"), 0u);
  EXPECT_EQ(m.at("end_state").at("sample_mismatches"), 0u);
  EXPECT_EQ(m.at("writes").at("failed"), 0u) << m.at("writes").at("first_failure");
}

}  // namespace
}  // namespace listbench
