// A full disk, on either engine: every write that cannot land fails with a
// Status and every command exits 3 with one line, never a signal; the store
// closes cleanly, and once there is space again the same store (or a new
// command) works. Two ways to fill the disk:
//   * a real small file system: a tmpfs the test mounts (root only; the
//     tests skip, saying why, where mounting is not allowed) and a filler
//     file that leaves a chosen number of bytes free;
//   * the disk_full fault of the seeded plan (sim/fault_plan.h) at each
//     engine's I/O seam, which needs no mount and covers the same paths.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/space_estimate.h"
#include "engine/store_dir.h"
#include "sim/fault_plan.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// A tmpfs of `mib` MiB mounted on a fresh directory, unmounted (lazily, so
// that a store left open by a failed assertion cannot keep it) before the
// directory is removed.
class SmallFs {
 public:
  explicit SmallFs(int mib) : path_(tmp_.Sub("mnt")) {
    fs::create_directory(path_);
    const std::string opts = "size=" + std::to_string(mib) + "m";
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    if (!mounted_) why_ = std::strerror(errno);
  }
  ~SmallFs() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallFs(const SmallFs&) = delete;
  SmallFs& operator=(const SmallFs&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

  uint64_t FreeBytes() const {
    struct statvfs v;
    return ::statvfs(path_.c_str(), &v) == 0 ? uint64_t{v.f_bavail} * v.f_frsize : 0;
  }
  // Takes all but about `leave` bytes with the file "filler".
  void Fill(uint64_t leave) {
    const uint64_t free = FreeBytes();
    ASSERT_GT(free, leave);
    const int fd = ::open(Sub("filler").c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::posix_fallocate(fd, 0, static_cast<off_t>(free - leave)), 0);
    ::close(fd);
  }
  void Unfill() { fs::remove(Sub("filler")); }

 private:
  testing::TempDir tmp_;
  std::string path_;
  bool mounted_ = false;
  std::string why_;
};

#define MOUNT_OR_SKIP(small)                                                           \
  if (!(small).mounted()) {                                                            \
    GTEST_SKIP() << "cannot mount a tmpfs here (" << (small).why() << "; needs root)"; \
  }

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// A new listing of the tiny dataset's tenant 1 and landlord 1, with images.
Status AddBigListing(Store& s, EntityId id) {
  Listing l = testing::Tiny().listing(1);
  l.id = id;
  l.description = std::string(2000, 'd');
  std::vector<Image> images = testing::Tiny().images_of(1);
  for (Image& i : images) i.listing = id;
  return s.AddListing(l, images);
}

// Adds listings from `first` until one fails (at most `limit`), then tries
// `more` further writes: each is OK or an IOError. Returns the first failure.
Status WriteUntilFull(Store& s, EntityId first, int limit, int more) {
  Status failed;
  EntityId id = first;
  for (int i = 0; i < limit && failed.ok(); ++i) failed = AddBigListing(s, id++);
  for (int i = 0; i < more; ++i) {
    const Status again = AddBigListing(s, id++);
    EXPECT_TRUE(again.ok() || again.code() == StatusCode::kIOError) << again.ToString();
  }
  return failed;
}

class DiskFullTest : public ::testing::TestWithParam<Engine> {
 protected:
  std::string Name() const { return std::string(EngineName(GetParam())); }
  std::string Dataset() const { return " --engine " + Name() + " --listings 2000"; }
  // Loads the dataset into `work`/base (a work directory for `run`).
  void LoadWork(const std::string& work, const testing::TempDir& scratch) {
    fs::create_directory(work);
    ASSERT_EQ(testing::RunListbench("load" + Dataset() + " --data-dir " + work + "/base", scratch)
                  .exit_code,
              0);
  }
  // `run` of `ops` operations of workloads/writes.toml over `work`.
  std::string RunWrites(const std::string& work, int ops) const {
    return "run" + Dataset() + " --ops " + std::to_string(ops) + " --workload " +
           std::string(LISTBENCH_SOURCE_DIR) + "/workloads/writes.toml --work-dir " + work;
  }
};

// ---- A real small file system ------------------------------------------------

TEST_P(DiskFullTest, LoadTooBigForTheFileSystemExitsThreeWithOneLine) {
  SmallFs small(8);
  MOUNT_OR_SKIP(small);
  testing::TempDir scratch;
  const std::string data = small.Sub("d");
  const testing::CliResult r = testing::RunListbench(
      "load --engine " + Name() + " --listings 200000 --data-dir " + data, scratch);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(data + ": loading 200,000 listings into " + Name() + " needs about"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("MiB free"), std::string::npos) << r.err;
  std::error_code ec;
  EXPECT_FALSE(fs::exists(data + "/" + Name(), ec)) << "nothing written before the check";
}

TEST_P(DiskFullTest, LoadRefusedForAFillerLoadsOnceTheFillerIsGone) {
  SmallFs small(48);
  MOUNT_OR_SKIP(small);
  testing::TempDir scratch;
  const std::string args =
      "load --engine " + Name() + " --listings 2000 --data-dir " + small.Sub("d");
  small.Fill(4 << 20);
  const testing::CliResult full = testing::RunListbench(args, scratch);
  EXPECT_EQ(full.exit_code, 3) << full.err;
  small.Unfill();
  const testing::CliResult ok = testing::RunListbench(args, scratch);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  StatusOr<Manifest> m = CheckStoreDir(small.Sub("d/" + Name()), GetParam());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
}

// A run whose clone does not fit (the filler leaves 1 MiB): exit 3 with one
// line naming the run directory, no signal; the pristine load is intact and,
// with the filler gone, the same run succeeds. (A disk that fills during the
// run's writes is the engine-level tests' below.)
TEST_P(DiskFullTest, RunOnAFullDiskExitsThreeAndSucceedsWithSpace) {
  SmallFs small(64);
  MOUNT_OR_SKIP(small);
  testing::TempDir scratch;
  const std::string work = small.Sub("w");
  LoadWork(work, scratch);
  if (HasFatalFailure()) return;
  small.Fill(1 << 20);
  const std::string run = RunWrites(work, 200);
  const testing::CliResult full = testing::RunListbench(run, scratch);
  EXPECT_EQ(full.exit_code, 3) << full.err;
  EXPECT_NE(full.err.find("listbench run: " + work + "/run: cloning " + work + "/base/" + Name() +
                          " needs about"),
            std::string::npos)
      << full.err;
  const std::string base = work + "/base/" + Name();
  EXPECT_TRUE(CheckStoreDir(base, GetParam()).ok());
  EXPECT_TRUE(VerifyStoreFiles(GetParam(), base).ok());
  small.Unfill();
  const testing::CliResult ok = testing::RunListbench(run, scratch);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// A run whose clone fits but whose writes fill the disk: the first write
// that fails ends the run with exit 3 (a storage error, never a result and
// never a signal) and one line naming the run's store; with the filler gone
// the same run succeeds.
TEST_P(DiskFullTest, RunWhoseWritesFillTheDiskExitsThree) {
  SmallFs small(64);
  MOUNT_OR_SKIP(small);
  testing::TempDir scratch;
  const std::string work = small.Sub("w");
  LoadWork(work, scratch);
  if (HasFatalFailure()) return;
  uint64_t store_bytes = 0;
  for (const auto& e : fs::directory_iterator(work + "/base/" + Name())) {
    if (e.is_regular_file()) store_bytes += e.file_size();
  }
  // Room for the clone and 256 KiB more: the writes' log fills the rest.
  small.Fill(EstimateCloneBytes(GetParam(), store_bytes, /*same_filesystem=*/true) + (256 << 10));
  const std::string run = RunWrites(work, 10000);
  const testing::CliResult full = testing::RunListbench(run, scratch);
  EXPECT_EQ(full.exit_code, 3) << full.err;
  EXPECT_NE(full.err.find("store " + work + "/run/" + Name()), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("storage error on W"), std::string::npos) << full.err;
  small.Unfill();
  const testing::CliResult ok = testing::RunListbench(run, scratch);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// At the engine: writes into a store whose file system fills fail with an
// IOError (and go on failing, or succeed, without a signal); the store
// closes; with space back it opens and takes writes.
TEST_P(DiskFullTest, StoreOnAFullFileSystemFailsWritesAndClosesCleanly) {
  SmallFs small(16);
  MOUNT_OR_SKIP(small);
  const std::string dir = small.Sub("store");
  {
    StatusOr<std::unique_ptr<Store>> s = testing::OpenNewStore(GetParam(), dir);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(testing::LoadTiny(**s).ok());
    small.Fill(256 << 10);
    const Status failed = WriteUntilFull(**s, 1000, 200000, 50);
    EXPECT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
  }
  small.Unfill();
  StoreOptions o;
  StatusOr<std::unique_ptr<Store>> s = OpenStore(GetParam(), dir, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const Status written = AddBigListing(**s, 900000);
  EXPECT_TRUE(written.ok()) << written.ToString();
}

// ---- The same through the fault seam (no mount) --------------------------------

TEST_P(DiskFullTest, InjectedDiskFullFailsWritesAndTheStoreClosesCleanly) {
  testing::TempDir tmp;
  FaultPlan plan(1);
  StoreOptions o;
  o.faults = &plan;
  const std::string dir = tmp.Sub("store");
  {
    StatusOr<std::unique_ptr<Store>> s = testing::OpenNewStore(GetParam(), dir, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(testing::LoadTiny(**s).ok());
    FaultRule full;
    full.kind = FaultKind::kDiskFull;
    full.persistent = true;
    full.byte_budget = 256 << 10;  // every file kind: the WAL, tables, the info log
    ASSERT_TRUE(plan.AddRule(full).ok());
    const Status failed = WriteUntilFull(**s, 1000, 20000, 50);
    EXPECT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
    EXPECT_FALSE(plan.Log().empty());
  }
  plan.ClearAll();
  StatusOr<std::unique_ptr<Store>> s = OpenStore(GetParam(), dir, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const Status written = AddBigListing(**s, 900000);
  EXPECT_TRUE(written.ok()) << written.ToString();
}

INSTANTIATE_TEST_SUITE_P(Engines, DiskFullTest,
                         ::testing::Values(Engine::kRocksDb, Engine::kSqlite),
                         [](const ::testing::TestParamInfo<Engine>& i) {
                           return std::string(EngineName(i.param));
                         });

}  // namespace
}  // namespace listbench
