// The SQLite engine's fault seam (engine/sqlite/counting_vfs.h) driven by a
// small fake injector: without faults it changes nothing and reports every
// kind of call; with faults a request fails with IOError, the store keeps
// serving, and once the fault clears the next request succeeds on the same
// connection.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "core/canonical.h"
#include "core/io_fault.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// Records every call; fails the calls matching its one rule.
class FakeInjector final : public IoFaultInjector {
 public:
  // From the `nth` matching call on (1-based, counted from now), fail
  // `times` calls with `verdict` (0 = every one until Clear()). No `kind`
  // matches every file.
  void Fail(IoOp op, std::optional<FileKind> kind, IoVerdict verdict, uint64_t nth = 1,
            uint64_t times = 1) {
    std::lock_guard<std::mutex> l(mu_);
    armed_ = true;
    op_ = op;
    kind_ = kind;
    verdict_ = verdict;
    nth_ = nth;
    times_ = times;
    seen_ = injected_ = 0;
  }
  void Clear() {
    std::lock_guard<std::mutex> l(mu_);
    armed_ = false;
  }

  IoVerdict Before(IoOp op, const std::string& path, uint64_t, uint64_t) override {
    std::lock_guard<std::mutex> l(mu_);
    ++calls_[op];
    if (!armed_ || op != op_ || (kind_.has_value() && ClassifyFile(path) != *kind_)) {
      return IoVerdict::kProceed;
    }
    if (++seen_ < nth_ || (times_ != 0 && injected_ >= times_)) return IoVerdict::kProceed;
    ++injected_;
    return verdict_;
  }
  void Created(const std::string& p) override { Log(created_, p); }
  void Synced(const std::string& p) override { Log(synced_, p); }
  void DirSynced(const std::string& d) override { Log(dir_synced_, d); }
  void Renamed(const std::string&, const std::string& dst) override { Log(renamed_, dst); }
  void Deleted(const std::string& p) override { Log(deleted_, p); }

  uint64_t calls(IoOp op) {
    std::lock_guard<std::mutex> l(mu_);
    return calls_[op];
  }
  uint64_t injected() {
    std::lock_guard<std::mutex> l(mu_);
    return injected_;
  }
  // Whether a report in `log` names a path ending in `suffix`.
  bool Reported(const std::vector<std::string>& log, const std::string& suffix) {
    std::lock_guard<std::mutex> l(mu_);
    return std::any_of(log.begin(), log.end(), [&](const std::string& p) {
      return p.size() >= suffix.size() &&
             p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
  }
  const std::vector<std::string>& created() const { return created_; }
  const std::vector<std::string>& synced() const { return synced_; }
  const std::vector<std::string>& dir_synced() const { return dir_synced_; }
  const std::vector<std::string>& renamed() const { return renamed_; }
  const std::vector<std::string>& deleted() const { return deleted_; }

 private:
  void Log(std::vector<std::string>& log, const std::string& p) {
    std::lock_guard<std::mutex> l(mu_);
    log.push_back(p);
  }

  std::mutex mu_;
  std::map<IoOp, uint64_t> calls_;
  std::vector<std::string> created_, synced_, dir_synced_, renamed_, deleted_;
  bool armed_ = false;
  IoOp op_ = IoOp::kRead;
  std::optional<FileKind> kind_;
  IoVerdict verdict_ = IoVerdict::kProceed;
  uint64_t nth_ = 1, times_ = 1, seen_ = 0, injected_ = 0;
};

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SqliteFaultSeamTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(const std::string& name, IoFaultInjector* faults,
                              bool durable = false, size_t cache_bytes = size_t{64} << 20) {
    const std::string dir = tmp_.Sub(name);
    fs::create_directories(dir);
    StoreOptions o;
    o.faults = faults;
    o.durable = durable;
    o.cache_bytes = cache_bytes;
    auto s = OpenSqliteStore(dir, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::unique_ptr<Store> OpenLoaded(const std::string& name, IoFaultInjector* faults,
                                    bool durable = false, size_t cache_bytes = size_t{64} << 20) {
    std::unique_ptr<Store> store = Open(name, faults, durable, cache_bytes);
    if (store != nullptr) {
      Status s = testing::LoadTiny(*store);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return store;
  }
  std::string DbFile(const std::string& name) const {
    return tmp_.Sub(name) + "/" + kSqliteFileName;
  }

  // Listing 1 (tenant 1)'s version; 0 if it cannot be read.
  static uint64_t Version(Store& s) {
    auto d = s.GetListingDetail(1, 1);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? d->listing.version : 0;
  }
  // Updates listing 1's price, expecting it at `version`.
  static Status Update(Store& s, uint64_t version) {
    ListingUpdate u;
    u.tenant = 1;
    u.listing = 1;
    u.expected_version = version;
    u.price = static_cast<int64_t>(100000 + version);
    u.now = 1000 + static_cast<int64_t>(version);
    return s.UpdateListing(u).status();
  }
  static void ExpectClean(Store& s) {
    std::vector<std::string> violations;
    Status st = s.CheckInvariants(&violations);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_TRUE(violations.empty()) << violations.front();
  }

  testing::TempDir tmp_;
};

// (a) An injector that always proceeds changes nothing: same answers, same
// counted I/O, byte-identical database file; and it saw every kind of call.
TEST_F(SqliteFaultSeamTest, PassThroughIsByteExactAndReportsEveryKindOfCall) {
  FakeInjector rec;
  std::string answers[2];
  IoStats io[2];
  for (int faulted = 0; faulted < 2; ++faulted) {
    std::unique_ptr<Store> store =
        OpenLoaded(faulted ? "faulted" : "plain", faulted ? &rec : nullptr);
    ASSERT_NE(store, nullptr);
    answers[faulted] = testing::TinyAnswers(*store);
    ASSERT_TRUE(Update(*store, 1).ok());
    answers[faulted] += testing::TinyAnswers(*store);
    ExpectClean(*store);
    io[faulted] = store->io_stats();
  }  // closed: the last connection checkpoints and deletes the WAL
  EXPECT_EQ(answers[0], answers[1]);
  EXPECT_EQ(io[0].reads, io[1].reads);
  EXPECT_EQ(io[0].writes, io[1].writes);
  EXPECT_EQ(io[0].write_bytes, io[1].write_bytes);
  EXPECT_EQ(io[0].syncs, io[1].syncs);
  EXPECT_EQ(io[0].opens, io[1].opens);
  EXPECT_EQ(io[0].deletes, io[1].deletes);
  const std::string plain = FileBytes(DbFile("plain"));
  ASSERT_FALSE(plain.empty());
  EXPECT_TRUE(plain == FileBytes(DbFile("faulted"))) << "database files differ";
  EXPECT_FALSE(fs::exists(DbFile("faulted") + "-wal"));

  for (IoOp op : {IoOp::kOpen, IoOp::kRead, IoOp::kWrite, IoOp::kSync, IoOp::kDelete}) {
    EXPECT_GT(rec.calls(op), 0u) << IoOpName(op);
  }
  EXPECT_EQ(rec.calls(IoOp::kRename), 0u);
  EXPECT_EQ(rec.calls(IoOp::kDirSync), 0u);
  const std::string db = std::string("/faulted/") + kSqliteFileName;
  EXPECT_TRUE(rec.Reported(rec.created(), db));
  EXPECT_TRUE(rec.Reported(rec.created(), db + "-wal"));
  EXPECT_TRUE(rec.Reported(rec.synced(), db));  // the load's checkpoint
  EXPECT_TRUE(rec.Reported(rec.synced(), db + "-wal"));
  EXPECT_TRUE(rec.Reported(rec.dir_synced(), "/faulted"));
  EXPECT_TRUE(rec.Reported(rec.deleted(), db + "-wal"));
  EXPECT_TRUE(rec.renamed().empty());
}

// (b) An I/O error on the Nth WAL write of a commit fails that write request
// and changes nothing; reads go on; the next write succeeds on the same
// connection.
TEST_F(SqliteFaultSeamTest, WalWriteErrorFailsTheRequestAndTheNextOneSucceeds) {
  FakeInjector faults;
  std::unique_ptr<Store> store = OpenLoaded("s", &faults);
  ASSERT_NE(store, nullptr);
  for (uint64_t nth = 1; nth <= 3; ++nth) {
    SCOPED_TRACE(nth);
    const uint64_t v = Version(*store);
    const std::string before = testing::TinyAnswers(*store);
    faults.Fail(IoOp::kWrite, FileKind::kWal, IoVerdict::kIoError, nth);
    Status s = Update(*store, v);
    EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
    EXPECT_EQ(faults.injected(), 1u);
    EXPECT_EQ(testing::TinyAnswers(*store), before);  // still serving, nothing changed
    faults.Clear();
    s = Update(*store, v);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Version(*store), v + 1);
  }
  ExpectClean(*store);
}

// (c) A full disk fails every write request with IOError "disk full" while it
// lasts; reads go on; once space returns writes succeed without reopening.
TEST_F(SqliteFaultSeamTest, DiskFullFailsWritesUntilSpaceReturns) {
  FakeInjector faults;
  std::unique_ptr<Store> store = OpenLoaded("s", &faults);
  ASSERT_NE(store, nullptr);
  const uint64_t v = Version(*store);
  const std::string before = testing::TinyAnswers(*store);
  faults.Fail(IoOp::kWrite, std::nullopt, IoVerdict::kNoSpace, 1, /*times=*/0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    Status s = Update(*store, v);
    EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
    EXPECT_NE(s.message().find("disk full"), std::string::npos) << s.ToString();
    EXPECT_EQ(testing::TinyAnswers(*store), before);
  }
  EXPECT_GE(faults.injected(), 2u);
  faults.Clear();
  Status s = Update(*store, v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = Update(*store, v + 1);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Version(*store), v + 2);
  ExpectClean(*store);
}

// A disk-full in the middle of a transaction (a large listing overflows the
// page cache, whose spill writes to the WAL before COMMIT): the request fails
// with "disk full", nothing of it stays, and it succeeds once space returns.
TEST_F(SqliteFaultSeamTest, DiskFullDuringACacheSpillLeavesNoTransactionOpen) {
  FakeInjector faults;
  std::unique_ptr<Store> store = OpenLoaded("s", &faults, false, /*cache_bytes=*/64 << 10);
  ASSERT_NE(store, nullptr);
  Listing l = store->GetListingDetail(1, 1)->listing;
  l.id = 100;
  std::vector<Image> images;
  for (int32_t i = 0; i < 2000; ++i) {
    images.push_back({l.id, i, "https://img.example/" + std::string(200, 'x') + std::to_string(i),
                      640, 480, 1000});
  }
  faults.Fail(IoOp::kWrite, FileKind::kWal, IoVerdict::kNoSpace, 1, /*times=*/0);
  Status s = store->AddListing(l, images);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  EXPECT_NE(s.message().find("disk full"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find("COMMIT"), std::string::npos)
      << "failed at COMMIT, not mid-transaction";
  faults.Clear();
  EXPECT_TRUE(store->GetListingDetail(1, l.id).status().IsNotFound());
  s = store->AddListing(l, images);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto d = store->GetListingDetail(1, l.id);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->images.size(), images.size());
  ExpectClean(*store);
}

// (d) A durable commit whose WAL fsync fails is a failed write request; the
// connection does not see it, and the next write succeeds.
TEST_F(SqliteFaultSeamTest, FailedWalSyncFailsTheWrite) {
  FakeInjector faults;
  std::unique_ptr<Store> store = OpenLoaded("s", &faults, /*durable=*/true);
  ASSERT_NE(store, nullptr);
  const uint64_t v = Version(*store);
  faults.Fail(IoOp::kSync, FileKind::kWal, IoVerdict::kIoError);
  Status s = Update(*store, v);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  EXPECT_EQ(faults.injected(), 1u);
  faults.Clear();
  EXPECT_EQ(Version(*store), v);
  s = Update(*store, v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Version(*store), v + 1);
  ExpectClean(*store);
}

// What a failed commit fsync leaves behind: its frames, commit frame
// included, reached the WAL file; only their fsync failed. The connection
// does not see them (the WAL index was never updated), but a crash before the
// next write that kept those bytes would replay them on recovery: a durable
// write that failed at fsync has an indeterminate outcome. (The first commit
// after a WAL restart fails earlier, at the WAL-header fsync, before any
// frame; hence the write that comes first here.)
TEST_F(SqliteFaultSeamTest, FailedCommitSyncLeavesFramesThatRecoveryReplays) {
  FakeInjector faults;
  std::unique_ptr<Store> store = OpenLoaded("s", &faults, /*durable=*/true);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Update(*store, 1).ok());
  const uint64_t v = Version(*store);
  faults.Fail(IoOp::kSync, FileKind::kWal, IoVerdict::kIoError);
  EXPECT_EQ(Update(*store, v).code(), StatusCode::kIOError);
  faults.Clear();
  EXPECT_EQ(Version(*store), v);
  // "Crash": copy the files as they are (without -shm, so the copy recovers).
  fs::create_directories(tmp_.Sub("crashed"));
  fs::copy_file(DbFile("s"), DbFile("crashed"));
  fs::copy_file(DbFile("s") + "-wal", DbFile("crashed") + "-wal");
  {
    std::unique_ptr<Store> crashed = Open("crashed", nullptr);
    ASSERT_NE(crashed, nullptr);
    EXPECT_EQ(Version(*crashed), v + 1);
  }
  EXPECT_TRUE(Update(*store, v).ok());  // overwrites the orphaned frames
  EXPECT_EQ(Version(*store), v + 1);
}

// A read that fails with an I/O error leaves nothing open: once the fault
// clears, reads and writes work on the same connection.
TEST_F(SqliteFaultSeamTest, ReadErrorFailsTheReadAndTheNextOneSucceeds) {
  std::string expected;
  {
    std::unique_ptr<Store> plain = OpenLoaded("s", nullptr);
    ASSERT_NE(plain, nullptr);
    expected = testing::TinyAnswers(*plain);
  }
  FakeInjector faults;
  std::unique_ptr<Store> store = Open("s", &faults);  // cold page cache
  ASSERT_NE(store, nullptr);
  faults.Fail(IoOp::kRead, FileKind::kTable, IoVerdict::kIoError, 1, /*times=*/0);
  auto d = store->GetListingDetail(1, 1);
  EXPECT_EQ(d.status().code(), StatusCode::kIOError) << d.status().ToString();
  EXPECT_GT(faults.injected(), 0u);
  faults.Clear();
  EXPECT_EQ(testing::TinyAnswers(*store), expected);
  Status s = Update(*store, 1);
  EXPECT_TRUE(s.ok()) << s.ToString();
  ExpectClean(*store);
}

}  // namespace
}  // namespace listbench
