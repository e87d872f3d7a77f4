// The seeded fault plan (sim/fault_plan.h): each fault kind fires as planned
// (Nth call, 1-in-K chance, file-kind scope, transient vs persistent, disk
// budget, latency, crash), the same seed replays the same log -- on a real
// store too -- and a simulated power loss keeps exactly what was synced.
// Scenario files (sim/scenario.h) reject what they do not understand with
// file:line.
#include "sim/fault_plan.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "engine/store_dir.h"
#include "sim/scenario.h"
#include "tests/store_test_util.h"
#include "workloads/op.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

FaultRule Rule(FaultKind kind, uint64_t nth, uint64_t one_in = 0) {
  FaultRule r;
  r.kind = kind;
  r.nth = nth;
  r.one_in = one_in;
  return r;
}

std::vector<std::string> Described(const std::vector<FaultEvent>& log) {
  std::vector<std::string> out;
  for (const FaultEvent& e : log) out.push_back(e.Describe());
  return out;
}

TEST(FaultPlanTest, NthFiresOnceOnTheNthMatchingCallOnly) {
  FaultPlan plan(1);
  ASSERT_TRUE(plan.AddRule(Rule(FaultKind::kWriteError, 3)).ok());
  std::vector<IoVerdict> v;
  for (int i = 0; i < 6; ++i) {
    // Reads do not match a write rule and do not count towards its N.
    EXPECT_EQ(plan.Before(IoOp::kRead, "/d/000001.log", 0, 10), IoVerdict::kProceed);
    v.push_back(plan.Before(IoOp::kWrite, "/d/000001.log", 0, 10));
  }
  EXPECT_EQ(
      v, (std::vector<IoVerdict>{IoVerdict::kProceed, IoVerdict::kProceed, IoVerdict::kIoError,
                                 IoVerdict::kProceed, IoVerdict::kProceed, IoVerdict::kProceed}));
  ASSERT_EQ(plan.Log().size(), 1u);
  EXPECT_EQ(plan.Log()[0].call, 6u);  // the 6th seam call overall
  EXPECT_EQ(plan.Log()[0].Describe(),
            "rule 0 match 3: write_error on write 000001.log @0+10 (wal)");
}

TEST(FaultPlanTest, PersistentFiresUntilClearedTransientIsSpent) {
  FaultPlan plan(1);
  FaultRule p = Rule(FaultKind::kSyncError, 2);
  p.persistent = true;
  const size_t pi = *plan.AddRule(p);
  FaultRule t = Rule(FaultKind::kReadError, 1);
  t.max_fires = 2;
  t.one_in = 0;
  ASSERT_TRUE(plan.AddRule(t).ok());
  EXPECT_EQ(plan.Before(IoOp::kSync, "/d/x.sst", 0, 0), IoVerdict::kProceed);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(plan.Before(IoOp::kSync, "/d/x.sst", 0, 0), IoVerdict::kIoError);
  plan.Clear(pi);
  EXPECT_EQ(plan.Before(IoOp::kSync, "/d/x.sst", 0, 0), IoVerdict::kProceed);
  // nth = 1, max_fires = 2: fires on the 1st call only (nth names one call).
  EXPECT_EQ(plan.Before(IoOp::kRead, "/d/x.sst", 0, 1), IoVerdict::kIoError);
  EXPECT_EQ(plan.Before(IoOp::kRead, "/d/x.sst", 0, 1), IoVerdict::kProceed);
}

TEST(FaultPlanTest, ChanceRulesReplayBySeedAndDifferAcrossSeeds) {
  auto run = [](uint64_t seed) {
    FaultPlan plan(seed);
    FaultRule r = Rule(FaultKind::kWriteError, 0, 7);
    r.max_fires = 1000;
    EXPECT_TRUE(plan.AddRule(r).ok());
    for (int i = 0; i < 700; ++i) (void)plan.Before(IoOp::kWrite, "/d/a.sqlite", i * 4096, 4096);
    return Described(plan.Log());
  };
  const auto a = run(42), b = run(42), c = run(43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_GT(a.size(), 60u);  // about 1 in 7 of 700
  EXPECT_LT(a.size(), 150u);
}

TEST(FaultPlanTest, FileKindScopeAndMetadataOps) {
  FaultPlan plan(1);
  FaultRule r = Rule(FaultKind::kWriteError, 0, 1);
  r.persistent = true;
  r.file_kinds = 1u << static_cast<int>(FileKind::kWal);
  ASSERT_TRUE(plan.AddRule(r).ok());
  ASSERT_TRUE(plan.AddRule(Rule(FaultKind::kMetadataError, 2)).ok());
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/000007.sst", 0, 1), IoVerdict::kProceed);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/listbench.sqlite", 0, 1), IoVerdict::kProceed);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/listbench.sqlite-wal", 0, 1), IoVerdict::kIoError);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/000009.log", 0, 1), IoVerdict::kIoError);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/LOG", 0, 1), IoVerdict::kProceed);
  // Metadata rule: rename, delete, dir sync all count; the 2nd one fails.
  EXPECT_EQ(plan.Before(IoOp::kRename, "/d/CURRENT", 0, 0), IoVerdict::kProceed);
  EXPECT_EQ(plan.Before(IoOp::kDirSync, "/d", 0, 0), IoVerdict::kIoError);
  EXPECT_EQ(plan.Before(IoOp::kDelete, "/d/000003.log", 0, 0), IoVerdict::kProceed);
}

TEST(FaultPlanTest, DiskFullAfterBudgetUntilSpaceComesBack) {
  FaultPlan plan(1);
  FaultRule r;
  r.kind = FaultKind::kDiskFull;
  r.byte_budget = 10000;
  r.persistent = true;
  const size_t i = *plan.AddRule(r);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/a.sqlite-wal", 0, 6000), IoVerdict::kProceed);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/a.sqlite-wal", 6000, 3000), IoVerdict::kProceed);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/a.sqlite-wal", 9000, 3000), IoVerdict::kNoSpace);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/a.sqlite-wal", 9000, 10), IoVerdict::kNoSpace);
  EXPECT_EQ(plan.Before(IoOp::kRead, "/d/a.sqlite-wal", 0, 10), IoVerdict::kProceed);
  plan.Clear(i);
  EXPECT_EQ(plan.Before(IoOp::kWrite, "/d/a.sqlite-wal", 9000, 3000), IoVerdict::kProceed);
  // Malformed rules name the problem.
  FaultRule bad = r;
  bad.nth = 3;
  EXPECT_EQ(plan.AddRule(bad).status().code(), StatusCode::kInvalidArgument);
  FaultRule lat;
  lat.kind = FaultKind::kLatency;
  lat.nth = 1;
  EXPECT_NE(plan.AddRule(lat).status().message().find("latency_us"), std::string::npos);
}

TEST(FaultPlanTest, LatencySleepsAndProceeds) {
  FaultPlan plan(1);
  FaultRule r = Rule(FaultKind::kLatency, 1);
  r.latency_us = 20000;
  ASSERT_TRUE(plan.AddRule(r).ok());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(plan.Before(IoOp::kSync, "/d/x.log", 0, 0), IoVerdict::kProceed);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(20));
  EXPECT_EQ(plan.Log().size(), 1u);
}

// Power loss, driven by hand the way the seams drive it.
TEST(FaultPlanTest, PowerLossKeepsExactlyWhatWasSynced) {
  testing::TempDir dir;
  const std::string durable = dir.Sub("old.sqlite"), fresh = dir.Sub("000010.log"),
                    kept = dir.Sub("000011.log");
  WriteAll(durable, std::string(8192, 'a'));
  FaultPlan plan(1);
  ASSERT_TRUE(plan.AddRule(Rule(FaultKind::kCrash, 4)).ok());

  // Overwrite a synced region, sync, overwrite again and append (unsynced).
  auto pwrite = [&](const std::string& path, uint64_t off, const std::string& data) {
    ASSERT_EQ(plan.Before(IoOp::kWrite, path, off, data.size()), IoVerdict::kProceed);
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(off));
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
  };
  pwrite(durable, 0, std::string(100, 'b'));
  plan.Synced(durable);
  // A new file, synced and its directory synced: survives.
  plan.Created(kept);
  WriteAll(kept, "");
  pwrite(kept, 0, "kept-data");
  plan.Synced(kept);
  plan.DirSynced(dir.path());
  // A new file no directory sync covered: gone.
  plan.Created(fresh);
  WriteAll(fresh, "");
  pwrite(durable, 50, std::string(100, 'c'));                              // 3rd write: lands
  EXPECT_EQ(plan.Before(IoOp::kWrite, fresh, 0, 5), IoVerdict::kCrashed);  // 4th: power off
  EXPECT_TRUE(plan.crashed());
  EXPECT_EQ(plan.Before(IoOp::kRead, durable, 0, 1), IoVerdict::kCrashed);
  StatusOr<PowerLossReport> rep = plan.SimulatePowerLoss();
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_FALSE(plan.crashed());
  std::string want = std::string(100, 'b') + std::string(8092, 'a');
  EXPECT_EQ(ReadAll(durable), want);
  EXPECT_FALSE(fs::exists(fresh));
  EXPECT_EQ(ReadAll(kept), "kept-data");
  EXPECT_EQ(rep->files_deleted, 1u);
  EXPECT_GE(rep->regions_restored, 1u);
}

// A power cut at an instant of the caller's choosing (a failover's primary):
// no rule, every later call fails, and the unsynced append is dropped.
TEST(FaultPlanTest, CrashNowCutsThePowerWithoutARule) {
  testing::TempDir dir;
  const std::string wal = dir.Sub("000005.log");
  WriteAll(wal, "synced");
  FaultPlan plan(1);
  ASSERT_EQ(plan.Before(IoOp::kWrite, wal, 6, 8), IoVerdict::kProceed);
  {
    std::ofstream f(wal, std::ios::app | std::ios::binary);
    f << "unsynced";
  }
  EXPECT_FALSE(plan.crashed());
  plan.CrashNow();
  EXPECT_TRUE(plan.crashed());
  EXPECT_EQ(plan.Before(IoOp::kSync, wal, 0, 0), IoVerdict::kCrashed);
  EXPECT_EQ(plan.Before(IoOp::kRead, wal, 0, 1), IoVerdict::kCrashed);
  StatusOr<PowerLossReport> rep = plan.SimulatePowerLoss();
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(ReadAll(wal), "synced");
  EXPECT_EQ(rep->bytes_dropped, 8u);
  EXPECT_EQ(rep->files_truncated, 1u);
  EXPECT_EQ(rep->files, std::vector<std::string>{"000005.log"});
  EXPECT_TRUE(plan.Log().empty());  // no rule fired
}

TEST(FaultPlanTest, UnsyncedRenameOverCurrentIsUndone) {
  testing::TempDir dir;
  const std::string current = dir.Sub("CURRENT"), tmp = dir.Sub("000012.dbtmp");
  WriteAll(current, "MANIFEST-000001\n");
  FaultPlan plan(1);
  plan.Created(tmp);
  WriteAll(tmp, "MANIFEST-000012\n");
  plan.Synced(tmp);
  ASSERT_EQ(plan.Before(IoOp::kRename, current, 0, 0), IoVerdict::kProceed);
  fs::rename(tmp, current);
  plan.Renamed(tmp, current);
  ASSERT_TRUE(plan.SimulatePowerLoss().ok());
  EXPECT_EQ(ReadAll(current), "MANIFEST-000001\n");
  // Once the directory is synced the rename is durable.
  plan.Created(tmp);
  WriteAll(tmp, "MANIFEST-000013\n");
  plan.Synced(tmp);
  ASSERT_EQ(plan.Before(IoOp::kRename, current, 0, 0), IoVerdict::kProceed);
  fs::rename(tmp, current);
  plan.Renamed(tmp, current);
  plan.DirSynced(dir.path());
  ASSERT_TRUE(plan.SimulatePowerLoss().ok());
  EXPECT_EQ(ReadAll(current), "MANIFEST-000013\n");
}

// Replay by seed on real stores: the same seed and operations give the same
// injected-fault log. SQLite calls its VFS from the request thread only, so
// every file kind replays; RocksDB's WAL is written by the request thread.
class FaultReplayTest : public ::testing::TestWithParam<Engine> {};

std::vector<std::string> RunWithPlan(Engine engine, const std::string& dir, uint64_t seed) {
  FaultPlan plan(seed);
  FaultRule r = Rule(FaultKind::kWriteError, 0, 5);
  // At most 3 faults: each RocksDB recovery flushes an L0 file, and a 4th
  // would start a background compaction whose file numbers race the WAL's.
  r.max_fires = 3;
  if (engine == Engine::kRocksDb) r.file_kinds = 1u << static_cast<int>(FileKind::kWal);
  StoreOptions o;
  o.durable = true;
  o.faults = &plan;
  fs::create_directories(dir);
  StatusOr<std::unique_ptr<Store>> s = OpenStore(engine, dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return {};
  EXPECT_TRUE(testing::LoadTiny(**s).ok());
  EXPECT_TRUE(plan.AddRule(r).ok());  // armed once the store is made
  // Listing 1 price updates, each with the version it expects (failed ones
  // leave it unchanged, so the next request expects the same version).
  uint64_t version = 1;
  for (int i = 0; i < 40; ++i) {
    ListingUpdate u;
    u.tenant = 1;
    u.listing = 1;
    u.expected_version = version;
    u.price = 100000 + i;
    u.now = 1800000000 + i;
    StatusOr<uint64_t> v = (*s)->UpdateListing(u);
    if (v.ok()) version = *v;
    if (!v.ok()) {
      StatusOr<ListingDetail> d = (*s)->GetListingDetail(1, 1);
      if (d.ok()) version = d->listing.version;
    }
  }
  s->reset();
  return Described(plan.Log());
}

TEST_P(FaultReplayTest, SameSeedSameFaultLog) {
  testing::TempDir dir;
  const auto a = RunWithPlan(GetParam(), dir.Sub("a"), 9);
  const auto b = RunWithPlan(GetParam(), dir.Sub("b"), 9);
  ASSERT_FALSE(a.empty());
  // Logs name files without their directory and count each rule's own
  // matching calls (RocksDB's background compactions, started by the
  // in-place recoveries, add calls in between), so the two runs compare.
  EXPECT_EQ(a, b);
}

INSTANTIATE_TEST_SUITE_P(Engines, FaultReplayTest,
                         ::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                         [](const auto& p) { return std::string(EngineName(p.param)); });

TEST(ScenarioTest, ShippedScenariosParse) {
  for (const char* name :
       {"crash-durable", "crash-relaxed", "io-errors", "disk-full", "slow-disk"}) {
    const std::string path = std::string(LISTBENCH_SOURCE_DIR) + "/sim/scenarios/" + name + ".toml";
    StatusOr<Scenario> s = ParseScenarioFile(path);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->name, name);
    EXPECT_TRUE(fs::exists(ScenarioWorkloadPath(*s))) << ScenarioWorkloadPath(*s);
  }
}

TEST(ScenarioTest, BadScenariosNameFileAndLine) {
  auto err = [](const std::string& text) {
    StatusOr<Scenario> s = ParseScenarioText(text, "x.toml");
    EXPECT_FALSE(s.ok());
    return s.ok() ? std::string() : s.status().message();
  };
  EXPECT_EQ(err("name = \"a\"\nkind = \"crash\"\nbogus = 1\n"),
            "x.toml:3: unknown setting \"bogus\" (known: name, description, kind, durable, "
            "listings, operations, workload, cycles, crash, crash_one_in, crashes, cache_kib, "
            "reopen_at_op, [[fault]])");
  EXPECT_NE(err("name = \"a\"\n").find("missing kind"), std::string::npos);
  EXPECT_NE(err("name = \"a\"\nkind = \"errors\"\n[[fault]]\nkind = \"melt\"\nnth = 1\n")
                .find("x.toml:4: unknown fault kind 'melt'"),
            std::string::npos);
  EXPECT_NE(err("name = \"a\"\nkind = \"errors\"\n[[fault]]\nkind = \"read_error\"\n")
                .find("give exactly one of nth, one_in"),
            std::string::npos);
  EXPECT_NE(err("name = \"a\"\nkind = \"errors\"\n[[fault]]\nkind = \"read_error\"\nnth = 1\n"
                "files = [\"floppy\"]\n")
                .find("x.toml:6: unknown file kind \"floppy\""),
            std::string::npos);
  EXPECT_NE(err("name = \"a\"\nkind = \"crash\"\n[[fault]]\nkind = \"read_error\"\nnth = 1\n")
                .find("belong to kind = \"errors\""),
            std::string::npos);
  EXPECT_NE(err("name = \"a\"\nkind = \"crash\"\nlistings = \"many\"\n").find("x.toml:3"),
            std::string::npos);
  EXPECT_NE(err("name = [").find("x.toml:1"), std::string::npos);
}

}  // namespace
}  // namespace listbench
