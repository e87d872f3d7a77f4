// Storage errors are never results, end to end: a pristine load damaged on
// disk (4 KiB in the middle of RocksDB's largest SST, a few pages in the
// middle of SQLite's database file) makes `listbench run` exit 3 with a
// line naming the store, instead of printing a latency table; when it gets
// as far as running, its summary records the error for `listbench check`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

using testing::CliResult;

// Overwrites `n` bytes of `file` at `offset` with a fixed non-zero pattern.
void Overwrite(const fs::path& file, uint64_t offset, size_t n) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << file;
  std::vector<char> junk(n);
  for (size_t i = 0; i < n; ++i) junk[i] = static_cast<char>(0x5a ^ (i * 131));
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(junk.data(), static_cast<std::streamsize>(n));
  ASSERT_TRUE(f.good()) << file;
}

// The largest file in `dir` whose name ends in `suffix`.
fs::path Largest(const fs::path& dir, const std::string& suffix) {
  fs::path best;
  uintmax_t best_size = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() < suffix.size() || name.substr(name.size() - suffix.size()) != suffix) {
      continue;
    }
    if (e.file_size() > best_size) {
      best = e.path();
      best_size = e.file_size();
    }
  }
  return best;
}

class StorageErrorCliTest : public ::testing::Test {
 protected:
  std::string Work() const { return tmp_.Sub("work"); }
  // `listbench run` of `engine` at a small scale on the work directory.
  CliResult Run(const std::string& engine, uint64_t ops, const std::string& extra = "") {
    return testing::RunListbench(
        "run --engine " + engine + " --listings 2000 --seed 1 --warmup 0 --ops " +
            std::to_string(ops) + " --work-dir " + Work() + " --workload " + LISTBENCH_SOURCE_DIR +
            "/workloads/mixed.toml " + extra,
        tmp_);
  }
  // Exit 3, and a stderr line naming the store's directory in the work
  // directory; the summary, when the run got that far, records the error.
  void ExpectStopped(const CliResult& r, const std::string& design) {
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    const std::string store = Work() + "/";
    bool named = false;
    size_t from = 0;
    while (from < r.err.size()) {
      const size_t end = r.err.find('\n', from);
      const std::string line = r.err.substr(from, end - from);
      named |= line.find(store) != std::string::npos && line.find(design) != std::string::npos;
      from = end == std::string::npos ? r.err.size() : end + 1;
    }
    EXPECT_TRUE(named) << "no stderr line names a store " << store << "*" << design << ":\n"
                       << r.err;
    const fs::path summary = tmp_.Sub("summary.json");
    if (!fs::exists(summary)) return;  // refused before running
    const nlohmann::json j = nlohmann::json::parse(testing::ReadFile(summary));
    EXPECT_TRUE(j.at("storage_failure").is_string()) << j.dump();
    EXPECT_GE(j.at("engines").at(design).at("storage_errors").get<uint64_t>(), 1u);
    EXPECT_TRUE(j.at("engines").at(design).at("storage_error").is_string());
  }
  testing::TempDir tmp_;
};

TEST_F(StorageErrorCliTest, RunStopsOnACorruptRocksDbTable) {
  const CliResult load = Run("rocksdb", 200);
  ASSERT_EQ(load.exit_code, 0) << load.err;
  const fs::path sst = Largest(Work() + "/base/rocksdb", ".sst");
  ASSERT_FALSE(sst.empty());
  Overwrite(sst, fs::file_size(sst) / 2 / 4096 * 4096, 4096);
  ExpectStopped(Run("rocksdb", 2000, "--json " + tmp_.Sub("summary.json")), "rocksdb");
}

TEST_F(StorageErrorCliTest, RunStopsOnACorruptSqlitePage) {
  const CliResult load = Run("sqlite", 200);
  ASSERT_EQ(load.exit_code, 0) << load.err;
  const fs::path db = fs::path(Work()) / "base/sqlite/listbench.sqlite";
  ASSERT_TRUE(fs::exists(db));
  Overwrite(db, fs::file_size(db) / 2 / 4096 * 4096, 8 * 4096);
  ExpectStopped(Run("sqlite", 2000, "--json " + tmp_.Sub("summary.json")), "sqlite");
}

// schema-change's writer meets the corrupt table: the writer and the change
// stop, exit 3 naming the store.
TEST_F(StorageErrorCliTest, SchemaChangeStopsOnACorruptRocksDbTable) {
  const CliResult load = Run("rocksdb", 200);
  ASSERT_EQ(load.exit_code, 0) << load.err;
  const fs::path sst = Largest(Work() + "/base/rocksdb", ".sst");
  ASSERT_FALSE(sst.empty());
  Overwrite(sst, fs::file_size(sst) / 2 / 4096 * 4096, 4096);
  const CliResult r = testing::RunListbench(
      "schema-change --method rocksdb-lazy --listings 2000 --seed 1 --rate 1000 --max-seconds 10 "
      "--before 1 --after 1 --work-dir " +
          Work() + " --workload " + LISTBENCH_SOURCE_DIR + "/workloads/writes.toml",
      tmp_);
  ExpectStopped(r, "rocksdb");
}

// verify compares the engines op by op: a corrupt SQLite page ends the
// comparison with exit 3 naming the store, not a mismatch (exit 1).
TEST_F(StorageErrorCliTest, VerifyStopsOnACorruptSqlitePage) {
  const std::string verify =
      "verify --listings 2000 --seed 1 --work-dir " + Work() + " --json " + tmp_.Sub("v.json");
  const CliResult load = testing::RunListbench(verify + " --ops 100", tmp_);
  ASSERT_EQ(load.exit_code, 0) << load.err;
  const fs::path db = fs::path(Work()) / "base/sqlite/listbench.sqlite";
  Overwrite(db, fs::file_size(db) / 2 / 4096 * 4096, 8 * 4096);
  fs::remove(tmp_.Sub("v.json"));
  const CliResult r = testing::RunListbench(verify + " --ops 3000", tmp_);
  ExpectStopped(r, "sqlite");
  EXPECT_EQ(r.out.find("mismatches="), std::string::npos) << r.out;
  if (fs::exists(tmp_.Sub("v.json"))) {
    const nlohmann::json j = nlohmann::json::parse(testing::ReadFile(tmp_.Sub("v.json")));
    EXPECT_TRUE(j.at("storage_failure").is_string()) << j.dump();
  }
}

}  // namespace
}  // namespace listbench
