// Engine-specific checks of the SQLite store: its schema and settings as seen
// from a separate raw connection, the counting VFS, the format check that
// refuses foreign files without touching them, and cloning.
#include "engine/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>

#include "core/canonical.h"
#include "core/io_fault.h"
#include "engine/sqlite/schema.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// A raw connection for looking at (or tampering with) a store's file.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  // The first column of every result row, as text.
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(s) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(s, 0);
      out.emplace_back(t == nullptr ? "" : reinterpret_cast<const char*>(t));
    }
    sqlite3_finalize(s);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

uint64_t ListingVersionOf(Store& s) {
  StatusOr<ListingDetail> d = s.GetListingDetail(1, 1);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? d->listing.version : 0;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.Sub("sqlite");
    fs::create_directory(dir_);
  }

  std::unique_ptr<Store> Open(const std::string& dir, StoreOptions o = {}) {
    auto s = OpenSqliteStore(dir, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::unique_ptr<Store> OpenLoaded(StoreOptions o = {}) {
    std::unique_ptr<Store> store = Open(dir_, o);
    if (store != nullptr) {
      EXPECT_TRUE(testing::LoadTiny(*store).ok());
    }
    return store;
  }
  std::string DbFile(const std::string& dir) const { return dir + "/" + kSqliteFileName; }

  testing::TempDir tmp_;
  std::string dir_;
};

TEST_F(SqliteStoreTest, NameIsSqlite) {
  auto store = Open(dir_);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Name(), "sqlite");
}

TEST_F(SqliteStoreTest, SevenTablesWithDeclaredForeignKeysAndIndexes) {
  auto store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  RawDb raw(DbFile(dir_));
  auto tables = raw.Column(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  EXPECT_EQ(tables,
            (std::vector<std::string>{"applicants", "applications", "landlords", "listing_images",
                                      "listings", "payments", "tenants"}));
  // Every table but tenants references its parents.
  auto fks = raw.Column(
      "SELECT m.name || '.' || f.\"from\" || '->' || f.\"table\" FROM sqlite_schema m, "
      "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1");
  EXPECT_EQ(fks.size(), 10u);
  // The secondary indexes of the default (tuned) profile exist after a bulk
  // load (built in Finish).
  auto indexes = raw.Column(
      "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  EXPECT_EQ(indexes,
            (std::vector<std::string>{"applications_by_applicant_cover",
                                      "applications_by_listing_cover", "listings_by_landlord_cover",
                                      "listings_search_cover", "payments_by_application"}));
  // An orphan row is refused once foreign keys are enforced.
  ASSERT_EQ(raw.Exec("PRAGMA foreign_keys = ON"), SQLITE_OK);
  EXPECT_EQ(raw.Exec("INSERT INTO landlords VALUES(99, 42, 'x', 'x', 1, 1)"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("INSERT INTO listing_images VALUES(99, 0, 'u', 1, 1, 1)"), SQLITE_CONSTRAINT);
}

TEST_F(SqliteStoreTest, TheLegacyProfileHasOneNarrowIndexPerLookup) {
  StoreOptions o;
  o.sqlite_schema = SqliteSchema::kLegacy;
  auto store = OpenLoaded(o);
  ASSERT_NE(store, nullptr);
  RawDb raw(DbFile(dir_));
  auto indexes = raw.Column(
      "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  EXPECT_EQ(indexes, (std::vector<std::string>{"applications_by_applicant",
                                               "applications_by_listing", "listings_by_landlord",
                                               "listings_search", "payments_by_application"}));
}

// A store is opened only with the index profile it holds: the other is one
// clear error naming the file and both profiles, and changes nothing.
TEST_F(SqliteStoreTest, AStoreOfTheOtherIndexProfileIsRefused) {
  StoreOptions legacy;
  legacy.sqlite_schema = SqliteSchema::kLegacy;
  {
    auto store = OpenLoaded(legacy);
    ASSERT_NE(store, nullptr);
  }
  const std::string before = FileBytes(DbFile(dir_));
  StoreOptions tuned;
  tuned.create_if_missing = false;
  auto s = OpenSqliteStore(dir_, tuned);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(s.status().message().find(DbFile(dir_)), std::string::npos) << s.status().ToString();
  EXPECT_NE(s.status().message().find("holds the legacy SQLite index profile, and this run asks "
                                      "for tuned"),
            std::string::npos)
      << s.status().ToString();
  EXPECT_EQ(FileBytes(DbFile(dir_)), before);
  legacy.create_if_missing = false;
  EXPECT_TRUE(OpenSqliteStore(dir_, legacy).ok());
}

TEST_F(SqliteStoreTest, WalModeAndFormatMarks) {
  auto store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  RawDb raw(DbFile(dir_));
  EXPECT_EQ(raw.Column("PRAGMA journal_mode"), (std::vector<std::string>{"wal"}));
  EXPECT_EQ(raw.Column("PRAGMA application_id"),
            (std::vector<std::string>{std::to_string(kSqliteApplicationId)}));
  EXPECT_EQ(raw.Column("PRAGMA user_version"),
            (std::vector<std::string>{std::to_string(kSqliteSchemaVersion)}));
}

// synchronous=FULL syncs the WAL at every commit; NORMAL (relaxed) does not.
TEST_F(SqliteStoreTest, DurableCommitsSyncAndRelaxedOnesDoNot) {
  for (bool durable : {true, false}) {
    SCOPED_TRACE(durable ? "durable" : "relaxed");
    testing::TempDir tmp;
    StoreOptions o;
    o.durable = durable;
    auto s = OpenSqliteStore(tmp.path(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Store& store = **s;
    ASSERT_TRUE(testing::LoadTiny(store).ok());
    // The first commit after the load's checkpoint starts a new WAL.
    ASSERT_TRUE(store.DecideApplication(1, 1, true, 1700000000).ok());
    const IoStats before = store.io_stats();
    ASSERT_TRUE(store.UpdateListing({1, 1, 1, 99000, std::nullopt, 1700000001}).ok());
    const IoStats d = store.io_stats() - before;
    EXPECT_GT(d.writes, 0u);
    EXPECT_GT(d.write_bytes, 0u);
    if (durable) {
      EXPECT_GT(d.syncs, 0u);
    } else {
      EXPECT_EQ(d.syncs, 0u);
    }
  }
}

// Records which threads wrote to the database file itself (not its WAL):
// in WAL mode only a checkpoint does. Never injects a fault. Thread-safe.
class DatabaseWriters : public testing::BeforeOnlyInjector {
 public:
  void Record(bool on) { recording_.store(on); }
  std::set<std::thread::id> writers() {
    std::lock_guard<std::mutex> lock(mu_);
    return writers_;
  }
  IoVerdict Before(IoOp op, const std::string& path, uint64_t, uint64_t) override {
    if (recording_.load() && op == IoOp::kWrite && path.ends_with(kSqliteFileName)) {
      std::lock_guard<std::mutex> lock(mu_);
      writers_.insert(std::this_thread::get_id());
    }
    return IoVerdict::kProceed;
  }

 private:
  std::atomic<bool> recording_{false};
  std::mutex mu_;
  std::set<std::thread::id> writers_;
};

// Checkpoints run on the store's own thread (engine/sqlite/checkpointer.h):
// under a loop of writes on this thread, the database file is written by
// another thread only, and the WAL stays bounded even though the writes never
// pause long enough for a passive checkpoint to finish before the next one.
TEST_F(SqliteStoreTest, CheckpointsRunOffTheRequestPathAndKeepTheWalBounded) {
  DatabaseWriters writers;
  StoreOptions o;
  o.faults = &writers;
  auto store = OpenLoaded(o);
  ASSERT_NE(store, nullptr);
  const BackgroundWork loaded = store->background_work();
  writers.Record(true);
  const SqliteWalSettings& w = kSqliteWalSettings;
  // Frames of the WAL at most: the restart threshold, plus what writes add
  // while a checkpoint catches up (generously).
  const uintmax_t bound = uintmax_t{2} * static_cast<uintmax_t>(w.restart_frames) * (4096 + 24);
  uintmax_t longest = 0;
  constexpr uint64_t kWrites = 12000;
  for (uint64_t v = 1; v <= kWrites; ++v) {
    const ListingUpdate u{1, 1, v, 1000 + static_cast<int64_t>(v), std::nullopt, 1700000000};
    ASSERT_TRUE(store->UpdateListing(u).ok()) << v;
    if (v % 500 == 0) {
      std::error_code ec;
      longest = std::max(longest, fs::file_size(DbFile(dir_) + "-wal", ec));
    }
  }
  // The writes woke the checkpointer; wait (bounded) until it has run.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((store->background_work() - loaded).checkpoints == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  writers.Record(false);
  const BackgroundWork done = store->background_work() - loaded;
  EXPECT_GE(done.checkpoints, 1u);
  EXPECT_GT(done.checkpoint_pages, 0u);
  const std::set<std::thread::id> who = writers.writers();
  EXPECT_FALSE(who.empty());
  EXPECT_FALSE(who.contains(std::this_thread::get_id()));
  EXPECT_LT(longest, bound);
  EXPECT_EQ(ListingVersionOf(*store), kWrites + 1);
}

TEST_F(SqliteStoreTest, IoStatsCountOnlyTheStoresOwnFiles) {
  auto a = OpenLoaded();
  ASSERT_NE(a, nullptr);
  const std::string other = tmp_.Sub("other");
  fs::create_directory(other);
  auto b = Open(other);
  ASSERT_NE(b, nullptr);
  EXPECT_GT(a->io_stats().opens, 0u);
  EXPECT_GT(a->io_stats().syncs, 0u);  // the load's checkpoint
  const IoStats b0 = b->io_stats();
  const IoStats a0 = a->io_stats();
  ASSERT_TRUE(a->SubmitApplication({10, 1, 2, 2, ApplicationStatus::kSubmitted, 5, 5}).ok());
  EXPECT_GT(a->io_stats().writes, a0.writes);
  const IoStats b1 = b->io_stats();
  EXPECT_EQ(b1.writes, b0.writes);
  EXPECT_EQ(b1.reads, b0.reads);
  EXPECT_EQ(b1.syncs, b0.syncs);
}

TEST_F(SqliteStoreTest, WorkStatsCountStatementsRowsAndChanges) {
  auto store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  WorkStats w0 = store->work_stats();
  ASSERT_TRUE(store->GetListingDetail(1, 1).ok());  // listing row + 2 image rows
  WorkStats d = store->work_stats() - w0;
  EXPECT_EQ(d.rows_read, 3u);
  EXPECT_EQ(d.rows_written, 0u);
  w0 = store->work_stats();
  ASSERT_TRUE(
      store->RecordPayment({10, 1, 2, 500, "GBP", "stripe", PaymentStatus::kCaptured, 1700000000})
          .ok());
  d = store->work_stats() - w0;
  EXPECT_EQ(d.rows_written, 2u);  // the payment and the application
  w0 = store->work_stats();
  EXPECT_TRUE(store->DecideApplication(1, 2, true, 1).IsConflict());
  EXPECT_EQ((store->work_stats() - w0).rows_written, 0u);
}

TEST_F(SqliteStoreTest, RefusesForeignDatabaseAndLeavesItUnchanged) {
  const std::string path = DbFile(dir_);
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("PRAGMA journal_mode = WAL; PRAGMA application_id = 42; "
                       "CREATE TABLE t(x); INSERT INTO t VALUES(1);"),
              SQLITE_OK);
  }
  const std::string before = FileBytes(path);
  auto s = OpenSqliteStore(dir_, StoreOptions{});
  EXPECT_EQ(s.status().code(), StatusCode::kNotSupported) << s.status().ToString();
  EXPECT_NE(s.status().message().find(path), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("0x2a"), std::string::npos) << s.status().message();
  EXPECT_EQ(FileBytes(path), before);
  EXPECT_FALSE(fs::exists(path + "-wal"));
}

TEST_F(SqliteStoreTest, RefusesOtherSchemaVersionAndLeavesItUnchanged) {
  { ASSERT_NE(OpenLoaded(), nullptr); }
  const std::string path = DbFile(dir_);
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("PRAGMA user_version = 99"), SQLITE_OK);
  }
  const std::string before = FileBytes(path);
  StoreOptions o;
  o.create_if_missing = false;
  auto s = OpenSqliteStore(dir_, o);
  EXPECT_EQ(s.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(s.status().message().find("99"), std::string::npos) << s.status().message();
  EXPECT_EQ(FileBytes(path), before);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotSqlite) {
  const std::string path = DbFile(dir_);
  {
    std::ofstream(path) << "this is not a database, but it is long enough to look like one..."
                           ".......................................................";
  }
  const std::string before = FileBytes(path);
  auto s = OpenSqliteStore(dir_, StoreOptions{});
  EXPECT_EQ(s.status().code(), StatusCode::kNotSupported) << s.status().ToString();
  EXPECT_EQ(FileBytes(path), before);
}

TEST_F(SqliteStoreTest, OpenWithoutCreateOnMissingDirectoryIsNotFound) {
  StoreOptions o;
  o.create_if_missing = false;
  EXPECT_TRUE(OpenSqliteStore(tmp_.Sub("nope"), o).status().IsNotFound());
}

TEST_F(SqliteStoreTest, CheckInvariantsReportsViolations) {
  auto store = OpenLoaded();
  ASSERT_NE(store, nullptr);
  {
    RawDb raw(DbFile(dir_));  // foreign keys off: the orphan gets in
    ASSERT_EQ(raw.Exec("INSERT INTO listing_images VALUES(99, 0, 'u', 1, 1, 1); "
                       "INSERT INTO listing_images VALUES(3, 1, 'u', 1, 1, 1);"),
              SQLITE_OK);
  }
  std::vector<std::string> v;
  ASSERT_TRUE(store->CheckInvariants(&v).ok());
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NE(v[0].find("foreign_key_check"), std::string::npos) << v[0];
  EXPECT_NE(v[1].find("listing 3"), std::string::npos) << v[1];
}

TEST_F(SqliteStoreTest, CloneGivesAnOpenableCopyWithTheSameAnswers) {
  std::string want;
  {
    auto store = OpenLoaded();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->UpdateListing({1, 2, 1, 125000, std::nullopt, 1700000000}).ok());
    want = testing::TinyAnswers(*store);
  }
  { std::ofstream(dir_ + "/LISTBENCH.json") << "{}"; }
  const std::string dst = tmp_.Sub("clone");
  ASSERT_TRUE(CloneSqliteStore(dir_, dst).ok());
  EXPECT_TRUE(fs::exists(dst + "/LISTBENCH.json"));
  StoreOptions o;
  o.create_if_missing = false;
  auto clone = Open(dst, o);
  ASSERT_NE(clone, nullptr);
  EXPECT_EQ(testing::TinyAnswers(*clone), want);
  std::vector<std::string> v;
  ASSERT_TRUE(clone->CheckInvariants(&v).ok());
  EXPECT_TRUE(v.empty());
  // The clone is independent of its source.
  ASSERT_TRUE(clone->DecideApplication(1, 1, true, 1700000001).ok());
  clone.reset();
  auto src = Open(dir_, o);
  ASSERT_NE(src, nullptr);
  EXPECT_EQ(testing::TinyAnswers(*src), want);
}

TEST_F(SqliteStoreTest, CloneRefusesAnExistingDestination) {
  { ASSERT_NE(OpenLoaded(), nullptr); }
  const std::string dst = tmp_.Sub("taken");
  fs::create_directory(dst);
  EXPECT_FALSE(CloneSqliteStore(dir_, dst).ok());
  EXPECT_TRUE(fs::is_empty(dst));
  EXPECT_TRUE(CloneSqliteStore(tmp_.Sub("missing"), tmp_.Sub("x")).IsNotFound());
}

}  // namespace
}  // namespace listbench
