// Reusing a pristine load: the fingerprint of its data files survives the
// reuse cycle (clones from the base), a load whose files changed gets the
// engine's full check and is refused when damaged (or loaded again with
// --replace), --verify-store finds damage the fingerprint cannot see, and an
// unfinished load of the same dataset is loaded again while one of another
// dataset is still refused.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness/store_setup.h"
#include "engine/sqlite/sqlite_store.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr uint64_t kListings = 1000;
const Engine kEngines[] = {Engine::kSqlite, Engine::kRocksDb};

DatasetSpec Spec(uint64_t listings = kListings, uint64_t seed = 1) {
  DatasetSpec spec;
  spec.listings = listings;
  spec.seed = seed;
  return spec;
}

StatusOr<LoadReport> Prepare(Engine e, const std::string& base, LoadReuse reuse,
                             const DatasetSpec& spec = Spec()) {
  return PrepareStore(e, base, spec, StoreOptions{}, reuse, /*progress=*/false);
}

// Overwrites 4 KiB of `path` with 0x5A at `offset`; with `keep_mtime` its
// modification time is set back to what it was.
void Scribble(const std::string& path, uint64_t offset, bool keep_mtime) {
  std::error_code ec;
  const fs::file_time_type mtime = fs::last_write_time(path, ec);
  ASSERT_FALSE(ec) << path;
  // Modification times are kept in ns, but the clock can be coarse: make
  // sure the write lands on a later tick than the load.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.is_open()) << path;
    f.seekp(static_cast<std::streamoff>(offset));
    const std::string junk(4096, '\x5A');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    ASSERT_TRUE(f.good()) << path;
  }
  if (keep_mtime) {
    fs::last_write_time(path, mtime, ec);
    ASSERT_FALSE(ec) << path;
  }
}

// The file whose bytes a test damages: the largest SST file, or the SQLite
// database.
std::string DataFileToDamage(Engine e, const std::string& dir) {
  if (e == Engine::kSqlite) return dir + "/" + kSqliteFileName;
  std::string best;
  uintmax_t best_size = 0;
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().extension() != ".sst" || f.file_size() <= best_size) continue;
    best = f.path().string();
    best_size = f.file_size();
  }
  return best;
}

// Damages the load in `dir`: 4 KiB in the middle of the largest SST file,
// or SQLite's third page onwards (b-tree pages of the schema's tables).
void Damage(Engine e, const std::string& dir, bool keep_mtime) {
  const std::string file = DataFileToDamage(e, dir);
  ASSERT_FALSE(file.empty()) << dir;
  const uint64_t size = fs::file_size(file);
  ASSERT_GT(size, 3 * 4096u) << file;
  const uint64_t offset = e == Engine::kSqlite ? 2 * 4096 + 8 : size / 2 - 2048;
  Scribble(file, offset, keep_mtime);
}

StoreFingerprint Recorded(const std::string& dir) {
  StatusOr<Manifest> m = ReadManifest(dir);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok() || !m->fingerprint) return {};
  return *m->fingerprint;
}

TEST(StoreReuse, FingerprintSurvivesClones) {
  for (Engine e : kEngines) {
    SCOPED_TRACE(EngineName(e));
    TempDir tmp;
    const std::string base = tmp.Sub("base"), dir = EngineDir(base, e);
    StatusOr<LoadReport> load = Prepare(e, base, {});
    ASSERT_TRUE(load.ok()) << load.status().ToString();
    const StoreFingerprint loaded = Recorded(dir);
    ASSERT_FALSE(loaded.empty());
    for (const DataFileStamp& f : loaded) {
      EXPECT_TRUE(e == Engine::kSqlite ? f.name == kSqliteFileName
                                       : fs::path(f.name).extension() == ".sst")
          << f.name;
    }
    for (int i = 0; i < 3; ++i) {
      StatusOr<std::unique_ptr<Store>> clone = OpenRunClone(tmp.path(), e, StoreOptions{});
      ASSERT_TRUE(clone.ok()) << clone.status().ToString();
      clone->reset();
      StatusOr<StoreFingerprint> now = FingerprintStoreFiles(e, dir);
      ASSERT_TRUE(now.ok()) << now.status().ToString();
      EXPECT_EQ(*now, loaded) << "after clone " << i + 1;
    }
    StatusOr<LoadReport> again = Prepare(e, base, {});
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_TRUE(again->reused);
    EXPECT_FALSE(again->verified) << "an unchanged load needs no full check";
  }
}

TEST(StoreReuse, ManifestWithoutFingerprintIsCheckedThenRecorded) {
  for (Engine e : kEngines) {
    SCOPED_TRACE(EngineName(e));
    TempDir tmp;
    const std::string base = tmp.Sub("base"), dir = EngineDir(base, e);
    ASSERT_TRUE(Prepare(e, base, {}).ok());
    StatusOr<Manifest> m = ReadManifest(dir);
    ASSERT_TRUE(m.ok());
    const StoreFingerprint loaded = *m->fingerprint;
    m->fingerprint.reset();  // as written before fingerprints existed
    ASSERT_TRUE(WriteManifest(dir, *m).ok());
    ASSERT_FALSE(ReadManifest(dir)->fingerprint.has_value());

    StatusOr<LoadReport> first = Prepare(e, base, {});
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_TRUE(first->reused);
    EXPECT_TRUE(first->verified);
    EXPECT_EQ(Recorded(dir), loaded);
    StatusOr<LoadReport> second = Prepare(e, base, {});
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    EXPECT_FALSE(second->verified);
  }
}

TEST(StoreReuse, ChangedButHealthyLoadIsCheckedAndRecorded) {
  TempDir tmp;
  const Engine e = Engine::kSqlite;
  const std::string base = tmp.Sub("base"), dir = EngineDir(base, e);
  ASSERT_TRUE(Prepare(e, base, {}).ok());
  const std::string db = dir + "/" + kSqliteFileName;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  fs::last_write_time(db, fs::file_time_type::clock::now());  // touched, not changed
  StatusOr<LoadReport> r = Prepare(e, base, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->verified);
  StatusOr<StoreFingerprint> now = FingerprintStoreFiles(e, dir);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(Recorded(dir), *now);
}

TEST(StoreReuse, DamagedLoadIsRefusedThenReplaced) {
  for (Engine e : kEngines) {
    SCOPED_TRACE(EngineName(e));
    TempDir tmp;
    const std::string base = tmp.Sub("base"), dir = EngineDir(base, e);
    ASSERT_TRUE(Prepare(e, base, {}).ok());
    Damage(e, dir, /*keep_mtime=*/false);
    for (ExistingLoad existing : {ExistingLoad::kRefuse, ExistingLoad::kReplaceOther}) {
      StatusOr<LoadReport> r = Prepare(e, base, {existing});
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
      EXPECT_NE(r.status().message().find(dir + ": the pristine load is damaged ("),
                std::string::npos)
          << r.status().ToString();
      EXPECT_NE(r.status().message().find("--replace"), std::string::npos);
    }
    StatusOr<LoadReport> replaced = Prepare(e, base, {ExistingLoad::kReplace});
    ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
    EXPECT_FALSE(replaced->reused);
    EXPECT_TRUE(VerifyStoreFiles(e, dir).ok());
    StatusOr<LoadReport> reused = Prepare(e, base, {});
    ASSERT_TRUE(reused.ok()) << reused.status().ToString();
    EXPECT_TRUE(reused->reused);
  }
}

TEST(StoreReuse, VerifyStoreFindsDamageTheFingerprintMisses) {
  for (Engine e : kEngines) {
    SCOPED_TRACE(EngineName(e));
    TempDir tmp;
    const std::string base = tmp.Sub("base"), dir = EngineDir(base, e);
    ASSERT_TRUE(Prepare(e, base, {}).ok());
    const StoreFingerprint loaded = Recorded(dir);
    Damage(e, dir, /*keep_mtime=*/true);
    StatusOr<StoreFingerprint> now = FingerprintStoreFiles(e, dir);
    ASSERT_TRUE(now.ok());
    ASSERT_EQ(*now, loaded) << "the damage was meant to keep sizes and times";

    StatusOr<LoadReport> unchecked = Prepare(e, base, {ExistingLoad::kReplaceOther});
    ASSERT_TRUE(unchecked.ok()) << unchecked.status().ToString();
    EXPECT_FALSE(unchecked->verified);
    StatusOr<LoadReport> checked = Prepare(e, base, {ExistingLoad::kReplaceOther, /*verify=*/true});
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.status().code(), StatusCode::kCorruption) << checked.status().ToString();
    EXPECT_NE(checked.status().message().find(dir), std::string::npos);
  }
}

// Marks the complete load in `dir` unfinished, as a load stopped midway
// leaves its manifest.
void MarkUnfinished(const std::string& dir) {
  StatusOr<Manifest> m = ReadManifest(dir);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  m->complete = false;
  m->fingerprint.reset();
  ASSERT_TRUE(WriteManifest(dir, *m).ok());
}

TEST(StoreReuse, UnfinishedLoadOfTheSameDatasetIsLoadedAgain) {
  for (Engine e : kEngines) {
    SCOPED_TRACE(EngineName(e));
    TempDir tmp;
    const std::string base = tmp.Sub("base"), dir = EngineDir(base, e);
    ASSERT_TRUE(Prepare(e, base, {}).ok());
    MarkUnfinished(dir);
    StatusOr<LoadReport> r = Prepare(e, base, {ExistingLoad::kRefuse});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->reused);
    StatusOr<Manifest> m = ReadManifest(dir);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m->complete);
    EXPECT_TRUE(m->fingerprint.has_value());

    // Another dataset's unfinished load still needs --replace.
    MarkUnfinished(dir);
    for (const DatasetSpec& other : {Spec(kListings + 1), Spec(kListings, 2)}) {
      StatusOr<LoadReport> refused = Prepare(e, base, {ExistingLoad::kRefuse}, other);
      ASSERT_FALSE(refused.ok());
      EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(refused.status().message().find("an incomplete load of another dataset"),
                std::string::npos)
          << refused.status().ToString();
    }
  }
}

class StoreReuseCli : public ::testing::Test {
 protected:
  testing::CliResult Run(const std::string& args) { return testing::RunListbench(args, tmp_); }
  std::string RunArgs(Engine e) const {
    return "run --engine " + std::string(EngineName(e)) + " --work-dir " + work_ +
           " --listings 1000 --ops 200 --warmup 0 --workload " + LISTBENCH_SOURCE_DIR +
           "/workloads/mixed.toml";
  }
  TempDir tmp_;
  const std::string work_ = tmp_.Sub("work");
};

// The error line of a command that failed: its last line on stderr, after
// any progress lines.
std::string ErrorLine(const std::string& err) {
  if (err.empty() || err.back() != '\n') return "";
  const size_t start = err.rfind('\n', err.size() - 2);
  return err.substr(start == std::string::npos ? 0 : start + 1);
}

// Exactly one line of `err` is an error line of `command`, and it is the last.
bool OneErrorLine(const std::string& err, const std::string& command) {
  const std::string prefix = "listbench " + command + ": ";
  size_t count = 0;
  for (size_t at = err.find(prefix); at != std::string::npos; at = err.find(prefix, at + 1)) {
    count += at == 0 || err[at - 1] == '\n';
  }
  return count == 1 && ErrorLine(err).rfind(prefix, 0) == 0;
}

TEST_F(StoreReuseCli, RunRefusesADamagedLoadUntilReplace) {
  for (Engine e : kEngines) {
    SCOPED_TRACE(EngineName(e));
    const std::string dir = EngineDir(work_ + "/base", e);
    testing::CliResult first = Run(RunArgs(e));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    Damage(e, dir, /*keep_mtime=*/false);
    testing::CliResult refused = Run(RunArgs(e));
    EXPECT_EQ(refused.exit_code, 3) << refused.err;
    EXPECT_TRUE(OneErrorLine(refused.err, "run")) << refused.err;
    const std::string line = ErrorLine(refused.err);
    EXPECT_EQ(line.rfind("listbench run: " + dir + ": the pristine load is damaged (", 0), 0u)
        << refused.err;
    EXPECT_NE(line.find("); rerun with --replace to load it again\n"), std::string::npos)
        << refused.err;
    testing::CliResult replaced = Run(RunArgs(e) + " --replace");
    EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
    EXPECT_NE(replaced.err.find("loading it again"), std::string::npos) << replaced.err;
  }
}

TEST_F(StoreReuseCli, VerifyStoreFlagChecksAnUnchangedLoad) {
  const Engine e = Engine::kRocksDb;
  const std::string dir = EngineDir(work_ + "/base", e);
  ASSERT_EQ(Run(RunArgs(e)).exit_code, 0);
  testing::CliResult checked = Run(RunArgs(e) + " --verify-store");
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_NE(checked.err.find("checking the rocksdb store in " + dir + " (--verify-store)"),
            std::string::npos)
      << checked.err;
  Damage(e, dir, /*keep_mtime=*/true);
  testing::CliResult refused = Run(RunArgs(e) + " --verify-store");
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find(dir + ": the pristine load is damaged ("), std::string::npos)
      << refused.err;
}

TEST_F(StoreReuseCli, KilledLoadIsLoadedAgainOnlyForTheSameDataset) {
  const std::string data = tmp_.Sub("data"), dir = EngineDir(data, Engine::kRocksDb);
  // A load far too big to finish, killed half a second after its manifest
  // appears.
  const std::string cmd = "( " + std::string(LISTBENCH_BINARY) +
                          " load --engine rocksdb --listings 5000000 --data-dir " + data +
                          " >/dev/null 2>&1 & pid=$!; i=0; while [ ! -f " + dir +
                          "/LISTBENCH.json ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; "
                          "sleep 0.5; kill -9 $pid; wait $pid ) 2>/dev/null";
  ASSERT_NE(std::system(cmd.c_str()), -1);
  StatusOr<Manifest> m = ReadManifest(dir);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_FALSE(m->complete);
  ASSERT_EQ(m->listings, 5000000u);

  for (const char* other : {"--listings 1000", "--listings 5000000 --seed 2"}) {
    testing::CliResult refused =
        Run("load --engine rocksdb " + std::string(other) + " --data-dir " + data);
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_TRUE(OneErrorLine(refused.err, "load")) << refused.err;
    EXPECT_NE(refused.err.find("an incomplete load of another dataset"), std::string::npos)
        << refused.err;
  }
  // The killed load's files, as if it had been a load of a test's scale.
  m->listings = 1000;
  ASSERT_TRUE(WriteManifest(dir, *m).ok());
  testing::CliResult again = Run("load --engine rocksdb --listings 1000 --data-dir " + data);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(
      again.err.find(dir + ": holds an unfinished load of the same dataset; loading it again"),
      std::string::npos)
      << again.err;
  m = ReadManifest(dir);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->complete);
  EXPECT_TRUE(VerifyStoreFiles(Engine::kRocksDb, dir).ok());
}

// --engines and --engine: a name, "both", "all" or a comma list of names,
// each once.
TEST(StoreDir, ParseEngineList) {
  using V = std::vector<Engine>;
  EXPECT_EQ(ParseEngineList("both"), (V{Engine::kSqlite, Engine::kRocksDb}));
  EXPECT_EQ(ParseEngineList("all"), (V{Engine::kSqlite, Engine::kRocksDb, Engine::kPostgres}));
  EXPECT_EQ(ParseEngineList("postgres"), (V{Engine::kPostgres}));
  EXPECT_EQ(ParseEngineList("sqlite,rocksdb,postgres"),
            (V{Engine::kSqlite, Engine::kRocksDb, Engine::kPostgres}));
  EXPECT_EQ(ParseEngineList("postgres,sqlite"), (V{Engine::kPostgres, Engine::kSqlite}));
  for (const char* bad : {"", "nosuch", "sqlite,,rocksdb", "sqlite,", ",sqlite", "sqlite,sqlite",
                          "both,postgres", "all,sqlite", "SQLite", "sqlite, rocksdb"}) {
    EXPECT_EQ(ParseEngineList(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseEngine("postgres"), Engine::kPostgres);
  EXPECT_EQ(EngineName(Engine::kPostgres), "postgres");
}

TEST(StoreDir, PostgresHasBothIndexProfiles) {
  EXPECT_EQ(DesignName(Engine::kPostgres, SqliteSchema::kTuned), "postgres");
  EXPECT_EQ(DesignName(Engine::kPostgres, SqliteSchema::kLegacy), "postgres-legacy");
  EXPECT_EQ(DesignName(Engine::kSqlite, SqliteSchema::kLegacy), "sqlite-legacy");
  EXPECT_EQ(DesignName(Engine::kRocksDb, SqliteSchema::kLegacy), "rocksdb");
  EXPECT_EQ(EngineDir("/d", Engine::kPostgres), "/d/postgres");
  EXPECT_EQ(EngineDir("/d", Engine::kPostgres, SqliteSchema::kLegacy), "/d/postgres-legacy");
  EXPECT_TRUE(HasIndexProfiles(Engine::kPostgres));
  EXPECT_FALSE(HasIndexProfiles(Engine::kRocksDb));
}

// A PostgreSQL manifest records its index profile; one without is not ours
// (only SQLite manifests predate the profiles).
TEST(StoreDir, PostgresManifestRecordsItsIndexProfile) {
  Manifest m;
  m.engine = Engine::kPostgres;
  m.listings = 10;
  m.sqlite_schema = SqliteSchema::kLegacy;
  const std::string text = ManifestText(m);
  EXPECT_NE(text.find("\"sqlite_schema\": \"legacy\""), std::string::npos) << text;
  StatusOr<Manifest> back = ParseManifestText(text, "LISTBENCH.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  nlohmann::json without = nlohmann::json::parse(text);
  without.erase("sqlite_schema");
  StatusOr<Manifest> old = ParseManifestText(without.dump(), "LISTBENCH.json");
  EXPECT_EQ(old.status().code(), StatusCode::kCorruption) << without.dump();
}

// A PostgreSQL store's fingerprint is its relation files under
// pgdata/base, named from the store directory; nothing else.
TEST(StoreDir, PostgresFingerprintIsItsRelationFiles) {
  TempDir tmp;
  const std::string dir = tmp.Sub("postgres");
  const fs::path base = fs::path(dir) / "pgdata" / "base";
  fs::create_directories(base / "1");
  fs::create_directories(base / "16384");
  fs::create_directories(fs::path(dir) / "pgdata" / "pg_wal");
  std::ofstream(base / "1" / "1259") << "pg_class";
  std::ofstream(base / "16384" / "2619") << "stats";
  std::ofstream(base / "16384" / "16390_fsm") << "f";
  std::ofstream(base / "16384" / "pg_internal.init") << "relcache";
  fs::create_directories(base / "pgsql_tmp");
  std::ofstream(base / "pgsql_tmp" / "pgsql_tmp123.0") << "sort";
  std::ofstream(fs::path(dir) / "pgdata" / "pg_wal" / "000000010000000000000001") << "wal";
  std::ofstream(fs::path(dir) / "pgdata" / "postmaster.opts") << "opts";
  std::ofstream(fs::path(dir) / kManifestFileName) << "{}";
  StatusOr<StoreFingerprint> f = FingerprintStoreFiles(Engine::kPostgres, dir);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  std::vector<std::string> names;
  for (const DataFileStamp& d : *f) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"pgdata/base/1/1259", "pgdata/base/16384/16390_fsm",
                                             "pgdata/base/16384/2619"}));
  EXPECT_EQ((*f)[2].bytes, 5u);
  EXPECT_FALSE(FingerprintStoreFiles(Engine::kPostgres, tmp.Sub("none")).ok());
}

}  // namespace
}  // namespace listbench
