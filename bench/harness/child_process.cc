#include "bench/harness/child_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "util/posix_file.h"

extern char** environ;

namespace listbench {
namespace {

double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

// Owns a posix_spawn_file_actions_t.
class FileActions {
 public:
  FileActions() { ok_ = ::posix_spawn_file_actions_init(&fa_) == 0; }
  ~FileActions() {
    if (ok_) ::posix_spawn_file_actions_destroy(&fa_);
  }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;

  // Returns 0 or an errno value.
  int Open(int fd, const std::string& path, int flags) {
    if (!ok_) return ENOMEM;
    return ::posix_spawn_file_actions_addopen(&fa_, fd, path.c_str(), flags, 0644);
  }
  const posix_spawn_file_actions_t* get() const { return &fa_; }

 private:
  posix_spawn_file_actions_t fa_;
  bool ok_ = false;
};

}  // namespace

std::string ChildResult::Describe() const {
  if (term_signal != 0) {
    return "killed by signal " + std::to_string(term_signal) + " (" + ::strsignal(term_signal) +
           ")";
  }
  return "exit " + std::to_string(exit_code);
}

StatusOr<ChildResult> RunChild(const std::string& binary, const std::vector<std::string>& args,
                               const std::string& stdout_path, const std::string& stderr_path) {
  FileActions fa;
  int rc = fa.Open(STDIN_FILENO, "/dev/null", O_RDONLY);
  if (rc == 0) rc = fa.Open(STDOUT_FILENO, stdout_path, O_WRONLY | O_CREAT | O_TRUNC);
  if (rc == 0) rc = fa.Open(STDERR_FILENO, stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
  if (rc != 0) return PosixError(binary + ": cannot set up the child", rc);

  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  rc = ::posix_spawn(&pid, binary.c_str(), fa.get(), nullptr, argv.data(), environ);
  if (rc != 0) return PosixError(binary + ": cannot start", rc);

  int status = 0;
  rusage usage{};
  pid_t got;
  do {
    got = ::wait4(pid, &status, 0, &usage);
  } while (got < 0 && errno == EINTR);
  if (got != pid) {
    return PosixError(binary + ": cannot wait for child " + std::to_string(pid), errno);
  }
  ChildResult r;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
  r.max_rss_kib = usage.ru_maxrss > 0 ? static_cast<uint64_t>(usage.ru_maxrss) : 0;
  r.user_seconds = Seconds(usage.ru_utime);
  r.system_seconds = Seconds(usage.ru_stime);
  return r;
}

StatusOr<PipedChild> SpawnPiped(const std::string& binary, const std::vector<std::string>& args,
                                const std::string& stderr_path) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::IOError("cannot make a pipe for " + binary);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Status::IOError("cannot fork to run " + binary);
  }
  if (pid == 0) {
    ::dup2(fds[1], 1);
    int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err >= 0) ::dup2(err, 2);
    int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, 0);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  return PipedChild{pid, ::fdopen(fds[0], "r")};
}

}  // namespace listbench
