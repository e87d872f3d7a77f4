// What is particular to the PostgreSQL store beyond the shared contract
// (tests/store_contract_test.cc runs that on it): the legacy index profile
// answers as the tuned one, a store of the other profile or with a fault
// plan is refused, COPY carries text that needs escaping, and the full file
// check finds a damaged page. Concurrent writers:
// tests/pg_concurrency_test.cc.
#include "engine/postgres/pg_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/canonical.h"
#include "engine/postgres/pg_server.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgBinDir().ok()) GTEST_SKIP() << "no PostgreSQL server binaries (scripts/setup.sh)";
  }

  std::unique_ptr<Store> Loaded(const std::string& name, SqliteSchema schema) {
    StoreOptions o;
    o.sqlite_schema = schema;
    StatusOr<std::unique_ptr<Store>> s =
        testing::OpenNewStore(Engine::kPostgres, tmp_.Sub(name), o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    EXPECT_TRUE(testing::LoadTiny(**s).ok());
    return std::move(*s);
  }

  testing::TempDir tmp_;
};

TEST_F(PgStoreTest, LegacyProfileAnswersAsTunedAndAsSqlite) {
  std::unique_ptr<Store> legacy = Loaded("legacy", SqliteSchema::kLegacy);
  std::unique_ptr<Store> tuned = Loaded("tuned", SqliteSchema::kTuned);
  ASSERT_NE(legacy, nullptr);
  ASSERT_NE(tuned, nullptr);
  StatusOr<std::unique_ptr<Store>> sqlite = testing::OpenNewStore(Engine::kSqlite, tmp_.Sub("sq"));
  ASSERT_TRUE(sqlite.ok());
  ASSERT_TRUE(testing::LoadTiny(**sqlite).ok());
  const std::string expected = testing::TinyAnswers(**sqlite);
  EXPECT_EQ(testing::TinyAnswers(*legacy), expected);
  EXPECT_EQ(testing::TinyAnswers(*tuned), expected);
  std::vector<std::string> violations;
  ASSERT_TRUE(legacy->CheckInvariants(&violations).ok());
  EXPECT_TRUE(violations.empty()) << violations.front();
}

TEST_F(PgStoreTest, OtherProfileAndFaultPlansAreRefused) {
  ASSERT_NE(Loaded("store", SqliteSchema::kTuned), nullptr);
  StoreOptions o;
  o.create_if_missing = false;
  o.sqlite_schema = SqliteSchema::kLegacy;
  StatusOr<std::unique_ptr<Store>> other = OpenStore(Engine::kPostgres, tmp_.Sub("store"), o);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kNotSupported) << other.status().ToString();
  struct NoFaults final : testing::BeforeOnlyInjector {
    IoVerdict Before(IoOp, const std::string&, uint64_t, uint64_t) override { return {}; }
  } faults;
  o.sqlite_schema = SqliteSchema::kTuned;
  o.faults = &faults;
  StatusOr<std::unique_ptr<Store>> faulted = OpenStore(Engine::kPostgres, tmp_.Sub("store"), o);
  ASSERT_FALSE(faulted.ok());
  EXPECT_EQ(faulted.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PgStoreTest, CopyCarriesTabsNewlinesAndBackslashes) {
  StatusOr<std::unique_ptr<Store>> s = testing::OpenNewStore(Engine::kPostgres, tmp_.Sub("copy"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Tenant t{9, "a\tb\nc\\d\re 'q' \"x\" ünï", "GB", "GBP", "stripe"};
  std::unique_ptr<BulkLoader> loader = (*s)->NewBulkLoader();
  ASSERT_TRUE(loader->AddTenant(t).ok());
  ASSERT_TRUE(loader->Finish().ok());
  StatusOr<Entity> got = (*s)->GetEntity(EntityKind::kTenant, EntityKey(9));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(std::get<Tenant>(*got), t);
}

TEST_F(PgStoreTest, FullCheckFindsADamagedPage) {
  const std::string dir = tmp_.Sub("damaged");
  {
    std::unique_ptr<Store> s = Loaded("damaged", SqliteSchema::kTuned);
    ASSERT_NE(s, nullptr);
  }
  ASSERT_TRUE(VerifyStoreFiles(Engine::kPostgres, dir).ok());
  // Every file of the store's database (the newest database directory
  // under base/) gets 1 KiB of junk in the middle of its first page.
  fs::path db;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / kPgDataDirName / "base")) {
    if (db.empty() ||
        std::stoul(e.path().filename().string()) > std::stoul(db.filename().string())) {
      db = e.path();
    }
  }
  int damaged = 0;
  for (const auto& e : fs::directory_iterator(db)) {
    if (!e.is_regular_file() || e.file_size() < 8192) continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    const std::string junk(1024, 'Z');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    ++damaged;
  }
  ASSERT_GT(damaged, 0);
  Status v = VerifyStoreFiles(Engine::kPostgres, dir);
  EXPECT_TRUE(v.IsStorageError()) << v.ToString();
  EXPECT_NE(v.message().find(dir), std::string::npos) << v.message();
}

}  // namespace
}  // namespace listbench
