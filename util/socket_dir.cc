#include "util/socket_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

#include "util/posix_file.h"

namespace listbench {
namespace {

// Everything up to StartWatcher also runs in the watcher, a child forked
// from a process that may have other threads: async-signal-safe calls only,
// no allocation.

constexpr char kParent[] = "/tmp";
constexpr char kStem[] = "listbench-";
constexpr size_t kStemLen = sizeof(kStem) - 1;
constexpr size_t kSuffixLen = 6;  // mkdtemp's XXXXXX
constexpr int kMaxKindLen = 8;
// How deep a socket directory's own entries go: sockets, lock files, and
// one level of subdirectories (a proxy where a client looks for a socket).
constexpr int kDepth = 3;

// The maker's pid in "listbench-<kind>-<pid>-XXXXXX", or -1 for any other
// name.
pid_t MakerPid(const char* name) {
  if (std::strncmp(name, kStem, kStemLen) != 0) return -1;
  const char* p = name + kStemLen;
  const char* kind = p;
  while (*p >= 'a' && *p <= 'z') ++p;
  if (p == kind || p - kind > kMaxKindLen || *p != '-') return -1;
  const char* digits = ++p;
  pid_t pid = 0;
  while (*p >= '0' && *p <= '9' && p - digits < 9) pid = pid * 10 + (*p++ - '0');
  if (p == digits || *p != '-' || pid <= 0) return -1;
  return std::strlen(p + 1) == kSuffixLen ? pid : -1;
}

bool IsGone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

bool IsDots(const char* name) {
  return std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0;
}

// Calls f(name) for each entry of the directory `fd`.
template <typename F>
void ForEachEntry(int fd, F f) {
  alignas(dirent64) char buf[2048];
  for (;;) {
    const ssize_t n = ::getdents64(fd, buf, sizeof(buf));
    if (n <= 0) return;
    for (ssize_t off = 0; off < n;) {
      const auto* e = reinterpret_cast<const dirent64*>(buf + off);
      off += e->d_reclen;
      if (!IsDots(e->d_name)) f(e->d_name);
    }
  }
}

// Removes the entry `name` of the directory `dirfd`: a file, or a directory
// with what it holds, down to `depth` levels. True when it is gone.
bool RemoveEntry(int dirfd, const char* name, int depth) {
  if (::unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) return true;
  if (errno != EISDIR || depth == 0) return false;
  const int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT;
  ForEachEntry(fd, [&](const char* entry) { RemoveEntry(fd, entry, depth - 1); });
  ::close(fd);
  return ::unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT;
}

// Calls f(name, maker pid) for each socket directory in kParent (not a
// symbolic link).
template <typename F>
void ForEachSocketDir(int parent, F f) {
  ForEachEntry(parent, [&](const char* name) {
    const pid_t pid = MakerPid(name);
    struct stat st;
    if (pid > 0 && ::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
      f(name, pid);
    }
  });
}

// The names of the maker's socket directories, taken once it is gone (so
// that a later process given the same pid keeps its own).
struct Names {
  static constexpr int kMax = 64;
  static constexpr size_t kLen = 64;
  char name[kMax][kLen];
  bool gone[kMax];
  int n = 0;
};

// The watcher: waits for the end of the pipe (the maker has exited, however)
// and removes the maker's socket directories, trying again for a while if
// a server still shutting down holds one.
[[noreturn]] void WatchAndClean(int read_fd, pid_t maker, unsigned max_fd) {
  ::setsid();  // out of the maker's session: a Ctrl-C there is not for us
  // A copy of the maker's sockets or pipes here would hide its death from
  // their peers.
  // (read_fd may be 0 when this process runs with stdin closed.)
  if ((read_fd > 0 && ::close_range(0, read_fd - 1, 0) != 0) ||
      ::close_range(read_fd + 1, ~0U, 0) != 0) {
    for (unsigned fd = 0; fd < max_fd; ++fd) {
      if (static_cast<int>(fd) != read_fd) ::close(static_cast<int>(fd));
    }
  }
  char c;
  for (;;) {
    const ssize_t n = ::read(read_fd, &c, 1);
    if (n == 0) break;                        // the maker is gone
    if (n < 0 && errno != EINTR) ::_exit(1);  // not a death: leave it to the sweep
  }
  const int parent = ::open(kParent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0) ::_exit(1);
  Names names;
  ForEachSocketDir(parent, [&](const char* name, pid_t pid) {
    if (pid != maker || names.n == Names::kMax || std::strlen(name) >= Names::kLen) return;
    std::strcpy(names.name[names.n], name);
    names.gone[names.n++] = false;
  });
  for (int attempt = 0; attempt < 100; ++attempt) {  // 10 s at most
    bool all = true;
    for (int i = 0; i < names.n; ++i) {
      if (!names.gone[i]) names.gone[i] = RemoveEntry(parent, names.name[i], kDepth);
      all = all && names.gone[i];
    }
    if (all) break;
    const timespec pause{0, 100 * 1000 * 1000};
    ::nanosleep(&pause, nullptr);
  }
  ::_exit(0);
}

std::mutex watcher_mu;
pid_t watched = 0;    // the process whose watcher holds watch_pipe's read end
int watch_pipe = -1;  // its write end, held open until this process ends

// Starts this process's watcher unless it has one. Best effort.
void StartWatcher() {
  std::lock_guard<std::mutex> lock(watcher_mu);
  const pid_t me = ::getpid();
  if (watched == me) return;
  // A child forked without exec has a copy of its parent's end: the
  // parent's watcher must not wait for this process too.
  if (watch_pipe >= 0) ::close(watch_pipe);
  watch_pipe = -1;
  watched = 0;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  rlimit limit{};
  const unsigned max_fd = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                              ? static_cast<unsigned>(limit.rlim_cur)
                              : 1024u;
  const pid_t pid = ::fork();
  if (pid == 0) WatchAndClean(fds[0], me, max_fd);
  ::close(fds[0]);
  if (pid < 0) {
    ::close(fds[1]);
    return;
  }
  watch_pipe = fds[1];
  watched = me;
}

}  // namespace

int RemoveStaleSocketDirs() {
  const int parent = ::open(kParent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0) return 0;
  int removed = 0;
  ForEachSocketDir(parent, [&](const char* name, pid_t pid) {
    if (IsGone(pid) && RemoveEntry(parent, name, kDepth)) ++removed;
  });
  ::close(parent);
  return removed;
}

StatusOr<std::string> MakeSocketDir(const std::string& kind) {
  const bool lower =
      std::all_of(kind.begin(), kind.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (kind.empty() || kind.size() > kMaxKindLen || !lower) {
    return Status::InvalidArgument("socket directory kind '" + kind +
                                   "': 1 to 8 lowercase letters");
  }
  RemoveStaleSocketDirs();
  StartWatcher();
  std::string dir =
      fmt::format("{}/{}{}-{}-XXXXXX", kParent, kStem, kind, static_cast<long>(::getpid()));
  if (::mkdtemp(dir.data()) == nullptr) return PosixError(dir + ": mkdtemp", errno);
  return dir;
}

}  // namespace listbench
