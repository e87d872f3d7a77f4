// The RocksDB engine's fault seam (engine/rocks/counting_fs.h): with an
// injector that always proceeds nothing changes; injected errors reach
// RocksDB as the IOStatus they name; a store stopped by a failed WAL write
// serves reads and takes writes again once the fault clears, without a
// reopen (table.h ResumeAfterWriteError). A small recording fake stands in
// for the seeded plan (sim/fault_plan.h).
#include <gtest/gtest.h>
#include <rocksdb/file_system.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/canonical.h"
#include "core/io_fault.h"
#include "engine/rocks/counting_fs.h"
#include "engine/rocks/rocks_store.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

// Records every call; fails the calls a rule selects.
class FakeInjector : public IoFaultInjector {
 public:
  struct Call {
    IoOp op;
    std::string path;
    uint64_t offset, bytes;
  };

  // From the `nth` (1-based) call of `op` on a file of `kind` (nullopt: any)
  // seen from now on, fail `times` such calls (0 = every one) with `verdict`.
  void Fail(IoOp op, std::optional<FileKind> kind, int nth, IoVerdict verdict, int times = 1) {
    std::lock_guard<std::mutex> l(mu_);
    rule_ = Rule{op, kind, nth, verdict, times, 0, 0};
  }
  // Every later call fails with kCrashed.
  void Crash() {
    std::lock_guard<std::mutex> l(mu_);
    crashed_ = true;
  }
  void Heal() {
    std::lock_guard<std::mutex> l(mu_);
    rule_.reset();
    crashed_ = false;
  }
  int injected() const {
    std::lock_guard<std::mutex> l(mu_);
    return injected_;
  }

  IoVerdict Before(IoOp op, const std::string& path, uint64_t offset, uint64_t bytes) override {
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back({op, path, offset, bytes});
    IoVerdict v = IoVerdict::kProceed;
    if (crashed_) {
      v = IoVerdict::kCrashed;
    } else if (rule_ && rule_->op == op && (!rule_->kind || *rule_->kind == ClassifyFile(path)) &&
               ++rule_->seen >= rule_->nth && (rule_->times == 0 || rule_->done < rule_->times)) {
      ++rule_->done;
      v = rule_->verdict;
    }
    if (v != IoVerdict::kProceed) ++injected_;
    return v;
  }
  void Created(const std::string& p) override { Event("created " + p); }
  void Synced(const std::string& p) override { Event("synced " + p); }
  void DirSynced(const std::string& d) override { Event("dirsynced " + d); }
  void Renamed(const std::string& s, const std::string& d) override {
    Event("renamed " + s + " " + d);
  }
  void Deleted(const std::string& p) override { Event("deleted " + p); }

  std::vector<Call> calls() const {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }
  std::vector<std::string> events() const {
    std::lock_guard<std::mutex> l(mu_);
    return events_;
  }
  uint64_t Count(IoOp op) const {
    std::lock_guard<std::mutex> l(mu_);
    uint64_t n = 0;
    for (const Call& c : calls_) n += c.op == op;
    return n;
  }
  // Events starting with `prefix` ("created ", "synced ", ...).
  uint64_t CountEvents(const std::string& prefix) const {
    std::lock_guard<std::mutex> l(mu_);
    uint64_t n = 0;
    for (const std::string& e : events_) n += e.rfind(prefix, 0) == 0;
    return n;
  }

 private:
  struct Rule {
    IoOp op;
    std::optional<FileKind> kind;
    int nth;
    IoVerdict verdict;
    int times;
    int seen, done;
  };
  void Event(std::string e) {
    std::lock_guard<std::mutex> l(mu_);
    events_.push_back(std::move(e));
  }

  mutable std::mutex mu_;
  std::vector<Call> calls_;
  std::vector<std::string> events_;
  std::optional<Rule> rule_;
  bool crashed_ = false;
  int injected_ = 0;
};

std::unique_ptr<Store> OpenStore(const std::string& dir, IoFaultInjector* faults,
                                 bool durable = false) {
  StoreOptions o;
  o.faults = faults;
  o.durable = durable;
  o.cache_bytes = size_t{1} << 20;
  StatusOr<std::unique_ptr<Store>> s = OpenRocksStore(dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

// A store loaded with the tiny dataset that then takes two writes; returns
// the answers after them and after a reopen.
std::pair<std::string, std::string> LoadWriteReopen(const std::string& dir, IoFaultInjector* faults,
                                                    IoStats* stats) {
  std::string live, reopened;
  {
    std::unique_ptr<Store> s = OpenStore(dir, faults);
    if (s == nullptr) return {};
    EXPECT_TRUE(testing::LoadTiny(*s).ok());
    EXPECT_TRUE(s->DecideApplication(1, 1, true, 1700000000).ok());
    EXPECT_TRUE(s->UpdateListing({1, 3, 1, 123456, std::nullopt, 1700000001}).ok());
    live = testing::TinyAnswers(*s);
    *stats = s->io_stats();
  }
  std::unique_ptr<Store> s = OpenStore(dir, faults);
  if (s != nullptr) reopened = testing::TinyAnswers(*s);
  return {live, reopened};
}

// ---- (a) Pass-through ----------------------------------------------------------

TEST(RocksFaultSeamTest, ProceedingInjectorChangesNothingAndSeesEveryKindOfCall) {
  testing::TempDir tmp;
  std::filesystem::create_directory(tmp.Sub("plain"));
  std::filesystem::create_directory(tmp.Sub("faulted"));
  FakeInjector fake;
  IoStats plain_io, faulted_io;
  const auto plain = LoadWriteReopen(tmp.Sub("plain"), nullptr, &plain_io);
  const auto faulted = LoadWriteReopen(tmp.Sub("faulted"), &fake, &faulted_io);
  ASSERT_FALSE(plain.first.empty());
  EXPECT_EQ(faulted.first, plain.first);
  EXPECT_EQ(faulted.second, plain.second);
  EXPECT_EQ(faulted.second, faulted.first);  // the writes survived the reopen
  EXPECT_EQ(fake.injected(), 0);

  for (IoOp op :
       {IoOp::kRead, IoOp::kWrite, IoOp::kSync, IoOp::kOpen, IoOp::kRename, IoOp::kDirSync}) {
    EXPECT_GT(fake.Count(op), 0u) << IoOpName(op);
  }
  for (const char* e : {"created ", "synced ", "dirsynced ", "renamed "}) {
    EXPECT_GT(fake.CountEvents(e), 0u) << e;
  }
  // Every counted call was consulted (the injector also saw the reopened
  // store's calls, the counters only the first store's), and only files of
  // the store were.
  uint64_t reads = 0, writes = 0, syncs = 0, opens = 0;
  const std::string first = tmp.Sub("faulted");
  const std::vector<FakeInjector::Call> calls = fake.calls();
  for (const FakeInjector::Call& c : calls) {
    EXPECT_EQ(c.path.rfind(first, 0), 0u) << c.path;
    reads += c.op == IoOp::kRead;
    writes += c.op == IoOp::kWrite;
    syncs += c.op == IoOp::kSync || c.op == IoOp::kDirSync;
    opens += c.op == IoOp::kOpen;
  }
  EXPECT_GE(reads, faulted_io.reads);
  EXPECT_GE(writes, faulted_io.writes);
  EXPECT_GE(syncs, faulted_io.syncs);
  EXPECT_GE(opens, faulted_io.opens);
  // Directory syncs name the store directory itself.
  for (const std::string& e : fake.events()) {
    if (e.rfind("dirsynced ", 0) == 0) {
      EXPECT_EQ(e, "dirsynced " + first);
    }
  }
}

TEST(RocksFaultSeamTest, CountersAreTheSameWithAProceedingInjector) {
  testing::TempDir tmp;
  FakeInjector fake;
  IoCounters plain_c, faulted_c;
  auto plain = listbench::rocks::NewCountingFileSystem(&plain_c);
  auto faulted = listbench::rocks::NewCountingFileSystem(&faulted_c, &fake);
  for (auto* fs : {plain.get(), faulted.get()}) {
    const std::string path = tmp.Sub(fs == plain.get() ? "plain.dat" : "faulted.dat");
    std::unique_ptr<rocksdb::FSWritableFile> w;
    ASSERT_TRUE(fs->NewWritableFile(path, {}, &w, nullptr).ok());
    ASSERT_TRUE(w->Append("hello", {}, nullptr).ok());
    ASSERT_TRUE(w->Append(" world", {}, nullptr).ok());
    ASSERT_TRUE(w->Sync({}, nullptr).ok());
    ASSERT_TRUE(w->Close({}, nullptr).ok());
    std::unique_ptr<rocksdb::FSRandomAccessFile> r;
    ASSERT_TRUE(fs->NewRandomAccessFile(path, {}, &r, nullptr).ok());
    char scratch[16];
    rocksdb::Slice got;
    ASSERT_TRUE(r->Read(6, 5, {}, &got, scratch, nullptr).ok());
    EXPECT_EQ(got.ToString(), "world");
    std::unique_ptr<rocksdb::FSSequentialFile> seq;
    ASSERT_TRUE(fs->NewSequentialFile(path, {}, &seq, nullptr).ok());
    ASSERT_TRUE(seq->Read(sizeof scratch, {}, &got, scratch, nullptr).ok());
    EXPECT_EQ(got.ToString(), "hello world");
    EXPECT_EQ(testing::ReadFile(path), "hello world");  // byte-exact on disk
    std::unique_ptr<rocksdb::FSDirectory> d;
    ASSERT_TRUE(fs->NewDirectory(tmp.path() + "/", {}, &d, nullptr).ok());
    ASSERT_TRUE(d->Fsync({}, nullptr).ok());
    ASSERT_TRUE(fs->RenameFile(path, path + ".2", {}, nullptr).ok());
    ASSERT_TRUE(fs->DeleteFile(path + ".2", {}, nullptr).ok());
  }
  const IoStats p = plain_c.Snapshot(), f = faulted_c.Snapshot();
  EXPECT_EQ(f.reads, p.reads);
  EXPECT_EQ(f.read_bytes, p.read_bytes);
  EXPECT_EQ(f.writes, p.writes);
  EXPECT_EQ(f.write_bytes, p.write_bytes);
  EXPECT_EQ(f.syncs, p.syncs);
  EXPECT_EQ(f.opens, p.opens);
  EXPECT_EQ(f.deletes, p.deletes);
  EXPECT_EQ(f.renames, p.renames);

  // What the injector was told, in order, for the faulted file.
  const std::string path = tmp.Sub("faulted.dat");
  std::vector<std::string> calls;
  for (const FakeInjector::Call& c : fake.calls()) {
    calls.push_back(std::string(IoOpName(c.op)) + " " + c.path + " " + std::to_string(c.offset) +
                    " " + std::to_string(c.bytes));
  }
  const std::vector<std::string> want = {
      "open " + path + " 0 0",     "write " + path + " 0 5",   "write " + path + " 5 6",
      "sync " + path + " 0 0",     "open " + path + " 0 0",    "read " + path + " 6 5",
      "open " + path + " 0 0",     "read " + path + " 0 16",   "dir_sync " + tmp.path() + " 0 0",
      "rename " + path + ".2 0 0", "delete " + path + ".2 0 0"};
  EXPECT_EQ(calls, want);
  const std::vector<std::string> events = {
      "created " + path, "synced " + path, "dirsynced " + tmp.path(),
      "renamed " + path + " " + path + ".2", "deleted " + path + ".2"};
  EXPECT_EQ(fake.events(), events);
}

// ---- (b) A failed WAL write stops the store; it serves reads meanwhile ----------

// No space on the WAL: RocksDB stops the DB with a "hard" background error;
// once space is back, the next write resumes it in place (DB::Resume, which
// flushes the memtable and starts a new WAL).
TEST(RocksFaultSeamTest, NoSpaceOnTheWalStopsWritesAndTheNextWriteResumesInPlace) {
  testing::TempDir tmp;
  FakeInjector fake;
  std::unique_ptr<Store> s = OpenStore(tmp.path(), &fake);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(testing::LoadTiny(*s).ok());
  ASSERT_TRUE(s->UpdateListing({1, 4, 1, 777, std::nullopt, 1}).ok());  // memtable not empty
  const std::string before = testing::TinyAnswers(*s);

  fake.Fail(IoOp::kWrite, FileKind::kWal, /*nth=*/1, IoVerdict::kNoSpace);
  const Status failed = s->DecideApplication(1, 1, true, 1700000000);
  ASSERT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
  EXPECT_NE(failed.message().find("No space left on device: injected fault: write"),
            std::string::npos)
      << failed.message();
  EXPECT_EQ(fake.injected(), 1);
  EXPECT_EQ(testing::TinyAnswers(*s), before);  // reads go on; the failed write had no effect

  fake.Heal();
  const Status again = s->DecideApplication(1, 1, true, 1700000000);
  ASSERT_TRUE(again.ok()) << again.ToString();
  StatusOr<uint64_t> v = s->UpdateListing({1, 3, 1, 123456, std::nullopt, 1700000001});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  std::vector<std::string> violations;
  ASSERT_TRUE(s->CheckInvariants(&violations).ok());
  EXPECT_TRUE(violations.empty());
  const std::string after = testing::TinyAnswers(*s);
  EXPECT_NE(after, before);
  s.reset();
  s = OpenStore(tmp.path(), nullptr);  // all three writes are on disk
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(testing::TinyAnswers(*s), after);
}

// The same fault on the first record of a fresh WAL (the memtable is empty,
// as after a flush): DB::Resume would keep the WAL that failed, and
// librocksdb 7.8 aborts on an assertion when appending to it again. The
// store reopens its DB in place instead.
TEST(RocksFaultSeamTest, NoSpaceOnAFreshWalRecoversByReopeningInPlace) {
  testing::TempDir tmp;
  FakeInjector fake;
  std::unique_ptr<Store> s = OpenStore(tmp.path(), &fake);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(testing::LoadTiny(*s).ok());  // ends with a flush: empty memtable
  const std::string before = testing::TinyAnswers(*s);
  fake.Fail(IoOp::kWrite, FileKind::kWal, 1, IoVerdict::kNoSpace);
  ASSERT_EQ(s->DecideApplication(1, 1, true, 1).code(), StatusCode::kIOError);
  EXPECT_EQ(testing::TinyAnswers(*s), before);
  fake.Heal();
  const Status again = s->DecideApplication(1, 1, true, 1);
  ASSERT_TRUE(again.ok()) << again.ToString();
  const std::string after = testing::TinyAnswers(*s);
  EXPECT_NE(after, before);
  s.reset();
  s = OpenStore(tmp.path(), nullptr);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(testing::TinyAnswers(*s), after);
}

// While the disk stays full, resuming (which flushes the memtable) fails too,
// and every write says why the store stopped and why it could not resume;
// once space is back the store takes writes again, still without a reopen.
TEST(RocksFaultSeamTest, PersistentNoSpaceKeepsTheStoreStoppedWithAPreciseMessage) {
  testing::TempDir tmp;
  FakeInjector fake;
  std::unique_ptr<Store> s = OpenStore(tmp.path(), &fake);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(testing::LoadTiny(*s).ok());
  ASSERT_TRUE(s->UpdateListing({1, 3, 1, 123456, std::nullopt, 1}).ok());  // in the memtable
  const std::string before = testing::TinyAnswers(*s);
  fake.Fail(IoOp::kWrite, std::nullopt, 1, IoVerdict::kNoSpace, /*times=*/0);
  ASSERT_EQ(s->DecideApplication(1, 1, true, 1).code(), StatusCode::kIOError);
  for (int i = 0; i < 2; ++i) {
    const Status again = s->DecideApplication(1, 1, true, 1);
    ASSERT_EQ(again.code(), StatusCode::kIOError);
    EXPECT_EQ(again.message().rfind("rocksdb: store stopped after an I/O error (IO error: No "
                                    "space left on device: injected fault: write ",
                                    0),
              0u)
        << again.message();
    EXPECT_NE(again.message().find("); resume failed: "), std::string::npos) << again.message();
    std::vector<std::string> v;
    EXPECT_EQ(s->CheckInvariants(&v).code(), StatusCode::kIOError);
  }
  EXPECT_EQ(testing::TinyAnswers(*s), before);
  fake.Heal();
  const Status healed = s->DecideApplication(1, 1, true, 1);
  EXPECT_TRUE(healed.ok()) << healed.ToString();
  std::vector<std::string> violations;
  EXPECT_TRUE(s->CheckInvariants(&violations).ok());
  EXPECT_TRUE(violations.empty());
}

// A plain I/O error on the WAL is a FATAL background error in RocksDB 7.8:
// DB::Resume refuses it for good. The store serves reads meanwhile and, once
// the fault clears, its next write reopens the DB in place and succeeds.
TEST(RocksFaultSeamTest, IoErrorOnTheWalIsFatalAndTheNextWriteReopensInPlace) {
  testing::TempDir tmp;
  FakeInjector fake;
  std::unique_ptr<Store> s = OpenStore(tmp.path(), &fake);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(testing::LoadTiny(*s).ok());
  ASSERT_TRUE(s->UpdateListing({1, 4, 1, 777, std::nullopt, 1}).ok());
  const std::string before = testing::TinyAnswers(*s);

  fake.Fail(IoOp::kWrite, FileKind::kWal, 1, IoVerdict::kIoError);
  const Status failed = s->DecideApplication(1, 1, true, 1700000000);
  ASSERT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
  EXPECT_NE(failed.message().find("IO error: injected fault: write " + tmp.path() + "/"),
            std::string::npos)
      << failed.message();
  EXPECT_EQ(testing::TinyAnswers(*s), before);  // reads go on

  fake.Heal();
  const Status again = s->DecideApplication(1, 1, true, 1700000000);
  ASSERT_TRUE(again.ok()) << again.ToString();
  std::vector<std::string> violations;
  ASSERT_TRUE(s->CheckInvariants(&violations).ok());
  EXPECT_TRUE(violations.empty());
  const std::string after = testing::TinyAnswers(*s);
  EXPECT_NE(after, before);
  s.reset();
  s = OpenStore(tmp.path(), nullptr);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(testing::TinyAnswers(*s),
            after);  // the earlier write survived, the failed one is not there
}

// A persistent I/O error on every write: the reopen fails too, which leaves
// the DB closed, so reads fail as well, saying why; the first call after the
// fault clears (a read) reopens the DB and the store serves everything again.
TEST(RocksFaultSeamTest, PersistentIoErrorClosesTheDbUntilAReopenSucceeds) {
  testing::TempDir tmp;
  FakeInjector fake;
  std::unique_ptr<Store> s = OpenStore(tmp.path(), &fake);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(testing::LoadTiny(*s).ok());
  const std::string before = testing::TinyAnswers(*s);
  fake.Fail(IoOp::kWrite, std::nullopt, 1, IoVerdict::kIoError, /*times=*/0);
  ASSERT_EQ(s->DecideApplication(1, 1, true, 1).code(), StatusCode::kIOError);
  const Status second = s->DecideApplication(1, 1, true, 1);
  ASSERT_EQ(second.code(), StatusCode::kIOError);
  const std::string& m = second.message();
  EXPECT_EQ(
      m.rfind("rocksdb: store stopped after an I/O error (IO error: injected fault: write ", 0), 0u)
      << m;
  EXPECT_NE(m.find("; reopen failed: IO error: injected fault: write "), std::string::npos) << m;
  const StatusOr<ListingDetail> read = s->GetListingDetail(1, 1);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("closed after a failed reopen"), std::string::npos)
      << read.status().message();
  fake.Heal();
  EXPECT_EQ(testing::TinyAnswers(*s), before);
  EXPECT_TRUE(s->DecideApplication(1, 1, true, 1).ok());
}

// A failed WAL sync (durable store) fails the write, but its record is
// already in the WAL file: RocksDB replays it when the store is reopened.
// An IOError from a write thus means "outcome unknown", not "no effect".
TEST(RocksFaultSeamTest, WriteWhoseWalSyncFailedMayStillBeAppliedAfterReopen) {
  testing::TempDir tmp;
  FakeInjector fake;
  std::unique_ptr<Store> s = OpenStore(tmp.path(), &fake, /*durable=*/true);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(testing::LoadTiny(*s).ok());
  const std::string before = testing::TinyAnswers(*s);
  fake.Fail(IoOp::kSync, FileKind::kWal, 1, IoVerdict::kIoError);
  const Status failed = s->DecideApplication(1, 1, true, 1);
  ASSERT_EQ(failed.code(), StatusCode::kIOError);
  EXPECT_NE(failed.message().find("injected fault: sync"), std::string::npos) << failed.message();
  EXPECT_EQ(testing::TinyAnswers(*s), before);  // not applied to the memtable
  fake.Heal();
  s.reset();
  s = OpenStore(tmp.path(), &fake);
  ASSERT_NE(s, nullptr);
  EXPECT_NE(testing::TinyAnswers(*s), before);  // replayed from the WAL
  EXPECT_TRUE(s->DecideApplication(1, 1, true, 1).IsConflict());
}

// ---- (c) NoSpace at the file-system level --------------------------------------------

TEST(RocksFaultSeamTest, NoSpaceVerdictIsRocksNoSpaceAndLeavesTheFileUntouched) {
  testing::TempDir tmp;
  FakeInjector fake;
  IoCounters c;
  auto fs = listbench::rocks::NewCountingFileSystem(&c, &fake);
  const std::string path = tmp.Sub("000007.log");
  std::unique_ptr<rocksdb::FSWritableFile> w;
  ASSERT_TRUE(fs->NewWritableFile(path, {}, &w, nullptr).ok());
  ASSERT_TRUE(w->Append("abc", {}, nullptr).ok());
  fake.Fail(IoOp::kWrite, FileKind::kWal, 1, IoVerdict::kNoSpace);
  const rocksdb::IOStatus s = w->Append("defg", {}, nullptr);
  EXPECT_TRUE(s.IsNoSpace()) << s.ToString();
  EXPECT_TRUE(s.IsIOError());
  EXPECT_FALSE(s.GetRetryable());
  EXPECT_FALSE(s.GetDataLoss());
  EXPECT_NE(s.ToString().find("injected fault: write " + path), std::string::npos);
  EXPECT_EQ(c.Snapshot().writes, 1u);  // the failed append was not counted
  // The next append lands where the failed one would have.
  ASSERT_TRUE(w->Append("xy", {}, nullptr).ok());
  ASSERT_TRUE(w->Close({}, nullptr).ok());
  EXPECT_EQ(testing::ReadFile(path), "abcxy");
  const std::vector<FakeInjector::Call> calls = fake.calls();
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[2].offset, 3u);
  EXPECT_EQ(calls[3].offset, 3u);
  EXPECT_EQ(calls[3].bytes, 2u);
}

// ---- (d) Power loss -----------------------------------------------------------------

TEST(RocksFaultSeamTest, CrashedVerdictFailsEveryConsultedCall) {
  testing::TempDir tmp;
  FakeInjector fake;
  IoCounters c;
  auto fs = listbench::rocks::NewCountingFileSystem(&c, &fake);
  const std::string path = tmp.Sub("MANIFEST-000001");
  std::unique_ptr<rocksdb::FSWritableFile> w;
  ASSERT_TRUE(fs->NewWritableFile(path, {}, &w, nullptr).ok());
  ASSERT_TRUE(w->Append("abc", {}, nullptr).ok());
  fake.Crash();
  auto is_power_loss = [](const rocksdb::IOStatus& s) {
    return s.IsIOError() && !s.IsNoSpace() &&
           s.ToString().find("injected power loss") != std::string::npos;
  };
  EXPECT_TRUE(is_power_loss(w->Append("d", {}, nullptr)));
  EXPECT_TRUE(is_power_loss(w->Sync({}, nullptr)));
  EXPECT_TRUE(is_power_loss(w->RangeSync(0, 3, {}, nullptr)));
  std::unique_ptr<rocksdb::FSWritableFile> w2;
  EXPECT_TRUE(is_power_loss(fs->NewWritableFile(tmp.Sub("other"), {}, &w2, nullptr)));
  std::unique_ptr<rocksdb::FSRandomAccessFile> r;
  EXPECT_TRUE(is_power_loss(fs->NewRandomAccessFile(path, {}, &r, nullptr)));
  EXPECT_TRUE(is_power_loss(fs->RenameFile(path, path + "x", {}, nullptr)));
  EXPECT_TRUE(is_power_loss(fs->DeleteFile(path, {}, nullptr)));
  std::unique_ptr<rocksdb::FSDirectory> d;
  ASSERT_TRUE(fs->NewDirectory(tmp.path(), {}, &d, nullptr).ok());
  EXPECT_TRUE(is_power_loss(d->Fsync({}, nullptr)));
  ASSERT_TRUE(w->Close({}, nullptr).ok());
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("other")));
  EXPECT_EQ(testing::ReadFile(path), "abc");
  // Only the open, the append and the creation were reported.
  EXPECT_EQ(fake.events(), std::vector<std::string>{"created " + path});
}

TEST(RocksFaultSeamTest, StoreFailsWritesAfterACrashAndReopensWithItsSyncedData) {
  testing::TempDir tmp;
  FakeInjector fake;
  std::string before;
  {
    std::unique_ptr<Store> s = OpenStore(tmp.path(), &fake, /*durable=*/true);
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(testing::LoadTiny(*s).ok());
    before = testing::TinyAnswers(*s);
    fake.Crash();
    const Status w = s->DecideApplication(1, 1, true, 1);
    EXPECT_EQ(w.code(), StatusCode::kIOError);
    EXPECT_NE(w.message().find("injected power loss"), std::string::npos) << w.message();
    std::vector<std::string> v;
    EXPECT_EQ(s->CheckInvariants(&v).code(), StatusCode::kIOError);  // resume fails too
  }  // closing on a dead disk must neither hang nor crash
  fake.Heal();
  std::unique_ptr<Store> s = OpenStore(tmp.path(), &fake);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(testing::TinyAnswers(*s), before);
}

}  // namespace
}  // namespace listbench
