// util/socket_dir.h: a socket directory is named for its maker; when the
// maker is killed, its watcher removes its directories (and holds none of
// its descriptors); what a dead process left without a watcher is swept by
// the next; nothing else in /tmp is touched.
#include "util/socket_dir.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "util/unix_socket.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// A pid that was a process and is no longer one: a child that exited and
// was reaped.
pid_t DeadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  return child;
}

bool GoneWithin(const std::string& path, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (fs::exists(path) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !fs::exists(path);
}

TEST(SocketDirTest, NamedForItsMakerAndPrivate) {
  StatusOr<std::string> d = MakeSocketDir("test");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const std::string stem = "/tmp/listbench-test-" + std::to_string(::getpid()) + "-";
  EXPECT_EQ(d->rfind(stem, 0), 0u) << *d;
  EXPECT_EQ(d->size(), stem.size() + 6) << *d;
  struct stat st;
  ASSERT_EQ(::stat(d->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  fs::remove_all(*d);
  for (const char* bad : {"", "Pg", "pg-1", "ninechars"}) {
    StatusOr<std::string> b = MakeSocketDir(bad);
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_TRUE(b.status().IsInvalidArgument()) << b.status().ToString();
  }
}

// The maker: makes two directories, one holding a listening socket, the
// other a file and a subdirectory with a file; reports their paths through
// `out`; waits to be killed. It runs with stdin closed, so that its
// watcher's pipe may take descriptor 0.
[[noreturn]] void Maker(int out) {
  ::close(STDIN_FILENO);
  StatusOr<std::string> a = MakeSocketDir("test");
  StatusOr<std::string> b = MakeSocketDir("test");
  if (!a.ok() || !b.ok()) ::_exit(1);
  StatusOr<std::unique_ptr<UnixListener>> l = UnixListener::Listen(*a + "/s");
  fs::create_directory(*b + "/sub");
  std::ofstream(*b + "/sub/.s.PGSQL.5432.lock") << "x";
  std::ofstream(*b + "/f") << "x";
  const std::string paths = *a + "\n" + *b + "\n";
  if (!l.ok() || ::write(out, paths.data(), paths.size()) != static_cast<ssize_t>(paths.size())) {
    ::_exit(1);
  }
  for (;;) ::pause();
}

TEST(SocketDirTest, AKilledMakersDirectoriesAreRemovedByItsWatcher) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t maker = ::fork();
  ASSERT_GE(maker, 0);
  if (maker == 0) {
    ::close(fds[0]);
    Maker(fds[1]);
  }
  ::close(fds[1]);
  std::string paths;
  char buf[256];
  while (std::count(paths.begin(), paths.end(), '\n') < 2) {
    const ssize_t n = ::read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;
    paths.append(buf, static_cast<size_t>(n));
  }
  ::kill(maker, SIGKILL);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(maker, &wstatus, 0), maker);
  const size_t nl = paths.find('\n');
  ASSERT_NE(nl, std::string::npos) << "the maker failed: " << paths;
  const std::string a = paths.substr(0, nl);
  const std::string b = paths.substr(nl + 1, paths.size() - nl - 2);
  EXPECT_TRUE(GoneWithin(a, std::chrono::seconds(10))) << a;
  EXPECT_TRUE(GoneWithin(b, std::chrono::seconds(10))) << b;
  // The watcher holds none of the maker's descriptors: the pipe's write
  // end died with the maker.
  pollfd p{fds[0], POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  EXPECT_EQ(::read(fds[0], buf, sizeof(buf)), 0);
  ::close(fds[0]);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(SocketDirTest, AForkedChildsExitLeavesItsParentsDirectories) {
  StatusOr<std::string> d = MakeSocketDir("test");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  DeadPid();  // a child with a copy of this process's watcher pipe exits
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(fs::exists(*d));
  fs::remove_all(*d);
}

TEST(SocketDirTest, TheSweepRemovesWhatDeadMakersLeftAndNothingElse) {
  const pid_t dead = DeadPid();
  ASSERT_GT(dead, 0);
  const std::string d = std::to_string(dead);
  const std::string stale = "/tmp/listbench-test-" + d + "-AbC123";
  ASSERT_TRUE(fs::create_directories(stale + "/sub"));
  std::ofstream(stale + "/sub/.s.PGSQL.5432.lock") << "x";
  std::ofstream(stale + "/f") << "x";
  // Not this sweep's: a live maker (this process, init), other names, and a
  // symbolic link with a dead maker's name (its target is left alone).
  const std::string target = "/tmp/listbench-test-target-" + d;
  const std::vector<std::string> kept = {
      "/tmp/listbench-test-" + std::to_string(::getpid()) + "-AbC123",
      "/tmp/listbench-test-1-AbC123",
      "/tmp/listbanch-test-" + d + "-AbC123",
      "/tmp/listbench-Test-" + d + "-AbC123",
      "/tmp/listbench-test-" + d + "-AbC1234",
      "/tmp/listbench-test-" + d,
      target};
  for (const std::string& k : kept) ASSERT_TRUE(fs::create_directory(k)) << k;
  std::ofstream(target + "/f") << "x";
  const std::string link = "/tmp/listbench-test-" + d + "-LiNk12";
  fs::create_directory_symlink(target, link);
  EXPECT_GE(RemoveStaleSocketDirs(), 1);
  EXPECT_FALSE(fs::exists(stale));
  for (const std::string& k : kept) EXPECT_TRUE(fs::exists(k)) << k;
  EXPECT_TRUE(fs::exists(target + "/f"));
  EXPECT_TRUE(fs::is_symlink(link));
  for (const std::string& k : kept) fs::remove_all(k);
  fs::remove(link);
}

}  // namespace
}  // namespace listbench
