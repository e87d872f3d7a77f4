// VerifyStoreFiles: each engine's full check passes on a healthy store and
// reports Corruption, naming the directory, once bytes of its data are
// overwritten.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/sqlite/sqlite_store.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Makes `dir` hold the tiny dataset, closed.
void MakeTinyStore(Engine engine, const std::string& dir) {
  StatusOr<std::unique_ptr<Store>> store = testing::OpenNewStore(engine, dir);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE(testing::LoadTiny(**store).ok());
}

// Overwrites `n` bytes of `path` at `offset` with 0x5A.
void Scribble(const std::string& path, uint64_t offset, size_t n) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.is_open()) << path;
  f.seekp(static_cast<std::streamoff>(offset));
  const std::string junk(n, '\x5A');
  f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  ASSERT_TRUE(f.good()) << path;
}

std::string LargestSst(const std::string& dir) {
  std::string best;
  uintmax_t best_size = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".sst" || e.file_size() <= best_size) continue;
    best = e.path().string();
    best_size = e.file_size();
  }
  return best;
}

TEST(StoreVerify, HealthyStoresPass) {
  TempDir tmp;
  for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
    const std::string dir = tmp.Sub(std::string(EngineName(e)));
    MakeTinyStore(e, dir);
    Status s = VerifyStoreFiles(e, dir);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
}

TEST(StoreVerify, RocksDbDamagedSstIsCorruption) {
  TempDir tmp;
  const std::string dir = tmp.Sub("rocksdb");
  MakeTinyStore(Engine::kRocksDb, dir);
  const std::string sst = LargestSst(dir);
  ASSERT_FALSE(sst.empty()) << "the tiny load left no SST file in " << dir;
  Scribble(sst, 16, 64);  // inside the first data block
  Status s = VerifyStoreFiles(Engine::kRocksDb, dir);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(dir), std::string::npos) << s.ToString();
}

TEST(StoreVerify, SqliteDamagedPageIsCorruption) {
  TempDir tmp;
  const std::string dir = tmp.Sub("sqlite");
  MakeTinyStore(Engine::kSqlite, dir);
  const std::string db = dir + "/" + kSqliteFileName;
  ASSERT_GT(fs::file_size(db), 4 * 4096u);
  // Page 3 onwards: b-tree pages of the schema's tables, not the header.
  Scribble(db, 2 * 4096 + 8, 1024);
  Status s = VerifyStoreFiles(Engine::kSqlite, dir);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(dir), std::string::npos) << s.ToString();
}

TEST(StoreVerify, MissingStoreIsNotFound) {
  TempDir tmp;
  for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
    fs::create_directory(tmp.Sub(std::string(EngineName(e))));
    EXPECT_EQ(VerifyStoreFiles(e, tmp.Sub(std::string(EngineName(e)))).code(),
              StatusCode::kNotFound);
  }
}

}  // namespace
}  // namespace listbench
