#include "engine/postgres/pg_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "engine/postgres/pg_statement.h"
#include "util/child_wait.h"
#include "util/posix_file.h"
#include "util/socket_dir.h"

extern char** environ;

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kDbUser[] = "listbench";
constexpr char kServerUser[] = "postgres";
constexpr auto kReadyTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(60);
constexpr auto kQuitTimeout = std::chrono::seconds(10);
constexpr auto kOrphanTimeout = std::chrono::seconds(10);
constexpr int kPortAttempts = 5;

// Who the server runs as: this process's user, or (as root) the postgres
// system user, looked up before any fork.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, for setgroups
};

StatusOr<RunAs> ServerUser() {
  RunAs as;
  if (::geteuid() != 0) return as;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  const int rc = ::getpwnam_r(kServerUser, &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || found == nullptr) {
    return Status::NotFound(
        "running as root, PostgreSQL needs the unprivileged system user `postgres` to run as, "
        "and there is none (Debian's postgresql package creates it; run scripts/setup.sh)");
  }
  as.switch_user = true;
  as.uid = pw.pw_uid;
  as.gid = pw.pw_gid;
  int n = 64;
  as.groups.resize(n);
  if (::getgrouplist(kServerUser, as.gid, as.groups.data(), &n) < 0) {
    as.groups.resize(n);
    ::getgrouplist(kServerUser, as.gid, as.groups.data(), &n);
  }
  as.groups.resize(std::max(n, 0));
  return as;
}

// Whether `as` may search directory `st` (owner, group, other bits; ACLs
// are not consulted).
bool CanTraverse(const RunAs& as, const struct stat& st) {
  if (st.st_uid == as.uid) return (st.st_mode & S_IXUSR) != 0;
  const bool in_group = st.st_gid == as.gid ||
                        std::find(as.groups.begin(), as.groups.end(), st.st_gid) != as.groups.end();
  if (in_group) return (st.st_mode & S_IXGRP) != 0;
  return (st.st_mode & S_IXOTH) != 0;
}

// InvalidArgument naming the first of `dir` and its ancestors the server
// user cannot traverse (a no-op when not switching users).
Status CheckTraversable(const RunAs& as, const fs::path& dir, const std::string& pgdata) {
  if (!as.switch_user) return Status::OK();
  fs::path p;
  for (const fs::path& part : dir) {
    p /= part;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return PosixError(p.string() + ": cannot stat", errno);
    if (!CanTraverse(as, st)) {
      return Status::InvalidArgument(p.string() + ": the postgres user (uid " +
                                     std::to_string(as.uid) + ") cannot traverse this directory, " +
                                     "an ancestor of the cluster " + pgdata +
                                     " (chmod o+x it, or put the cluster elsewhere)");
    }
  }
  return Status::OK();
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `path` absolute and normal, without a trailing slash.
fs::path Normalize(const std::string& path) {
  fs::path p = fs::absolute(path).lexically_normal();
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p;
}

// What was written to `path` after byte `from`.
std::string LogSince(const std::string& path, off_t from) {
  std::ifstream in(path, std::ios::binary);
  if (!in || !in.seekg(std::max<off_t>(from, 0))) return "";
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The last `lines` non-empty lines of `text`, joined by " | " into one line.
std::string Tail(const std::string& text, size_t lines) {
  std::vector<std::string> all;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) all.push_back(line);
  }
  if (all.empty()) return "(nothing)";
  std::string out;
  const size_t first = all.size() > lines ? all.size() - lines : 0;
  for (size_t i = first; i < all.size(); ++i) out += (i == first ? "" : " | ") + all[i];
  return out;
}

std::string DescribeWait(int wstatus) {
  if (WIFEXITED(wstatus)) return "exit " + std::to_string(WEXITSTATUS(wstatus));
  if (WIFSIGNALED(wstatus)) return "killed by signal " + std::to_string(WTERMSIG(wstatus));
  return "status " + std::to_string(wstatus);
}

// What a forked child does before exec; everything in it is prepared before
// the fork.
struct ChildSpec {
  std::vector<std::string> args;  // args[0]: the binary's path
  std::string dir;                // the child's working directory
  int log_fd = -1;                // stdout and stderr
  RunAs as;
};

// Writes `msg` to stderr and exits: async-signal-safe.
[[noreturn]] void ChildDie(const char* msg) {
  const ssize_t ignored = ::write(STDERR_FILENO, msg, std::strlen(msg));
  (void)ignored;
  ::_exit(127);
}

// The child between fork and exec: only async-signal-safe calls. The uid
// change comes before PR_SET_PDEATHSIG, which a uid change clears.
[[noreturn]] void ChildMain(const ChildSpec& spec, char* const* argv, pid_t parent,
                            const sigset_t& no_signals) {
  const int null_in = ::open("/dev/null", O_RDONLY);
  if (null_in < 0 || ::dup2(null_in, STDIN_FILENO) < 0) ChildDie("listbench: no /dev/null\n");
  if (::dup2(spec.log_fd, STDOUT_FILENO) < 0 || ::dup2(spec.log_fd, STDERR_FILENO) < 0) {
    ChildDie("listbench: cannot redirect output\n");
  }
  if (spec.as.switch_user && (::setgroups(spec.as.groups.size(), spec.as.groups.data()) != 0 ||
                              ::setgid(spec.as.gid) != 0 || ::setuid(spec.as.uid) != 0)) {
    ChildDie("listbench: cannot switch to the postgres user\n");
  }
  if (::prctl(PR_SET_PDEATHSIG, SIGINT) != 0) ChildDie("listbench: prctl failed\n");
  if (::getppid() != parent) ::_exit(1);  // listbench died before prctl
  ::close_range(3, ~0U, 0);
  ::sigprocmask(SIG_SETMASK, &no_signals, nullptr);
  if (::chdir(spec.dir.c_str()) != 0) ChildDie("listbench: cannot chdir for postgres\n");
  ::execve(argv[0], argv, environ);
  ChildDie("listbench: cannot exec the PostgreSQL binary\n");
}

// Forks and execs `spec`; returns the child's pid.
StatusOr<pid_t> Spawn(const ChildSpec& spec) {
  std::vector<char*> argv;
  for (const std::string& a : spec.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return PosixError("cannot fork to run " + spec.args[0], errno);
  if (pid == 0) ChildMain(spec, argv.data(), parent, no_signals);
  return pid;
}

// Sends `sig` to `pid` and waits for it to exit, at most `timeout`.
bool SignalAndWait(pid_t pid, int sig, Clock::duration timeout, int* wstatus) {
  ::kill(pid, sig);
  return WaitChildExit(pid, timeout, wstatus);
}

// A process by pid and start time (field 22 of /proc/<pid>/stat), so that a
// reused pid is not mistaken for it.
struct Proc {
  pid_t pid;
  unsigned long long start;
};

// Parent pid, state and start time of `pid`; false when it is gone.
bool ReadStat(pid_t pid, pid_t* ppid, char* state, unsigned long long* start) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s;
  if (!std::getline(in, s)) return false;
  const size_t close = s.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return false;
  std::istringstream rest(s.substr(close + 2));
  std::string field;
  rest >> *state >> *ppid;
  for (int i = 5; i < 22 && rest >> field; ++i) {
  }
  return static_cast<bool>(rest >> *start);
}

// The live children of `parent`.
std::vector<Proc> ChildrenOf(pid_t parent) {
  std::vector<Proc> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (!AllDigits(name)) continue;
    Proc p{static_cast<pid_t>(std::stol(name)), 0};
    pid_t ppid = 0;
    char state = 0;
    if (ReadStat(p.pid, &ppid, &state, &p.start) && ppid == parent) out.push_back(p);
  }
  return out;
}

bool Alive(const Proc& p) {
  pid_t ppid = 0;
  char state = 0;
  unsigned long long start = 0;
  return ReadStat(p.pid, &ppid, &state, &start) && start == p.start && state != 'Z' && state != 'X';
}

// Waits (bounded) for the orphaned children of a killed postmaster to exit,
// then SIGKILLs any left.
void AwaitOrphans(const std::vector<Proc>& procs) {
  const auto deadline = Clock::now() + kOrphanTimeout;
  auto any_alive = [&] { return std::any_of(procs.begin(), procs.end(), Alive); };
  while (any_alive() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (const Proc& p : procs) {
    if (Alive(p)) ::kill(p.pid, SIGKILL);
  }
  while (any_alive() && Clock::now() < deadline + kOrphanTimeout) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// A free TCP port of 127.0.0.1, as the kernel picks one for a bind to port 0.
StatusOr<int> FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return PosixError("cannot make a socket to find a free port", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return PosixError("cannot bind 127.0.0.1:0 to find a free port", err);
  return static_cast<int>(ntohs(addr.sin_port));
}

StatusOr<int> OpenLog(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return PosixError(path.string() + ": cannot open the log", errno);
  return fd;
}

}  // namespace

StatusOr<std::string> PgBinDir() {
  const char* env = std::getenv("LISTBENCH_PG_BINDIR");
  if (env != nullptr && *env != '\0') {
    if (::access((std::string(env) + "/postgres").c_str(), X_OK) == 0) return std::string(env);
    return Status::NotFound("$LISTBENCH_PG_BINDIR=" + std::string(env) +
                            " holds no executable `postgres`; fix it, or unset it and run "
                            "scripts/setup.sh");
  }
  int best = -1;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = e.path().filename().string();
    if (!AllDigits(name) || name.size() > 6) continue;
    if (::access((e.path() / "bin" / "postgres").c_str(), X_OK) != 0) continue;
    best = std::max(best, std::stoi(name));
  }
  if (best < 0) {
    return Status::NotFound(
        "no PostgreSQL server binaries: $LISTBENCH_PG_BINDIR is unset and no "
        "/usr/lib/postgresql/<N>/bin/postgres exists; run scripts/setup.sh");
  }
  return "/usr/lib/postgresql/" + std::to_string(best) + "/bin";
}

namespace {

// Checks that a new cluster can go to `path`, and makes its directory (owned
// by the server user).
Status MakeClusterDir(const fs::path& path, const RunAs& as) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) {
    return Status::InvalidArgument(path.string() +
                                   ": already exists; a new PostgreSQL cluster needs a new "
                                   "directory");
  }
  if (!fs::is_directory(path.parent_path(), ec)) {
    return Status::InvalidArgument(path.parent_path().string() +
                                   ": no such directory (the parent of the new cluster " +
                                   path.string() + ")");
  }
  LB_RETURN_IF_ERROR(CheckTraversable(as, path.parent_path(), path.string()));
  if (::mkdir(path.c_str(), 0700) != 0) return PosixError(path.string() + ": cannot create", errno);
  if (as.switch_user && ::chown(path.c_str(), as.uid, as.gid) != 0) {
    return PosixError(path.string() + ": cannot chown to the postgres user", errno);
  }
  return Status::OK();
}

}  // namespace

Status InitPgCluster(const std::string& pgdata, const PgInitOptions& options) {
  StatusOr<std::string> bin = PgBinDir();
  if (!bin.ok()) return bin.status();
  StatusOr<RunAs> as = ServerUser();
  if (!as.ok()) return as.status();
  const fs::path path = Normalize(pgdata);
  LB_RETURN_IF_ERROR(MakeClusterDir(path, *as));
  const fs::path log = path.parent_path() / "initdb.log";
  StatusOr<int> fd = OpenLog(log);
  if (!fd.ok()) return fd.status();
  const off_t from = ::lseek(*fd, 0, SEEK_END);
  ChildSpec spec{{*bin + "/initdb", "-D", path.string(), "-E", "UTF8", "--locale=C",
                  std::string("--username=") + kDbUser, "--auth=trust", "--data-checksums",
                  "--no-instructions"},
                 path.string(),
                 *fd,
                 *as};
  if (!options.sync_files) spec.args.push_back("--no-sync");
  StatusOr<pid_t> pid = Spawn(spec);
  ::close(*fd);
  if (!pid.ok()) return pid.status();
  int wstatus = 0;
  WaitChildExit(*pid, Clock::duration(-1), &wstatus);
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::OK();
  std::error_code ec;
  fs::remove_all(path, ec);
  return Status::IOError("initdb of " + path.string() + " failed (" + DescribeWait(wstatus) +
                         "); " + log.string() + " ends: " + Tail(LogSince(log, from), 4));
}

Status ChownPgCluster(const std::string& pgdata) {
  StatusOr<RunAs> as = ServerUser();
  if (!as.ok()) return as.status();
  if (!as->switch_user) return Status::OK();
  const fs::path root = Normalize(pgdata);
  auto chown_one = [&](const fs::path& p) -> Status {
    if (::lchown(p.c_str(), as->uid, as->gid) != 0) {
      return PosixError(p.string() + ": cannot chown to the postgres user", errno);
    }
    return Status::OK();
  };
  LB_RETURN_IF_ERROR(chown_one(root));
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    LB_RETURN_IF_ERROR(chown_one(it->path()));
  }
  if (ec) return Status::IOError(root.string() + ": cannot list: " + ec.message());
  return Status::OK();
}

Status RunPgTool(const std::string& tool, const std::vector<std::string>& args,
                 const std::string& log_path) {
  StatusOr<std::string> bin = PgBinDir();
  if (!bin.ok()) return bin.status();
  StatusOr<RunAs> as = ServerUser();
  if (!as.ok()) return as.status();
  StatusOr<int> fd = OpenLog(log_path);
  if (!fd.ok()) return fd.status();
  const off_t from = ::lseek(*fd, 0, SEEK_END);
  ChildSpec spec{{*bin + "/" + tool}, "/", *fd, *as};
  spec.args.insert(spec.args.end(), args.begin(), args.end());
  StatusOr<pid_t> pid = Spawn(spec);
  ::close(*fd);
  if (!pid.ok()) return pid.status();
  int wstatus = 0;
  WaitChildExit(*pid, Clock::duration(-1), &wstatus);
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::OK();
  return Status::IOError(tool + " failed (" + DescribeWait(wstatus) + "); " + log_path +
                         " ends: " + Tail(LogSince(log_path, from), 4));
}

namespace {

// The postgres command line.
std::vector<std::string> ServerArgs(const std::string& bin, const fs::path& pgdata,
                                    const std::string& socket_dir, int port,
                                    const PgServerOptions& o) {
  std::vector<std::string> args = {bin + "/postgres", "-D", pgdata.string(),     "-k",
                                   socket_dir,        "-p", std::to_string(port)};
  std::vector<std::pair<std::string, std::string>> settings = {
      {"listen_addresses", "127.0.0.1"},
      {"shared_buffers", std::to_string(o.shared_buffers_bytes / 1024) + "kB"},
      {"fsync", "on"},
      {"synchronous_commit", o.durable ? "on" : "off"},
      {"max_connections", std::to_string(o.max_connections)},
      {"logging_collector", "off"}};
  settings.insert(settings.end(), o.extra_settings.begin(), o.extra_settings.end());
  for (const auto& [name, value] : settings) {
    args.push_back("-c");
    args.push_back(name + "=" + value);
  }
  return args;
}

enum class Ready { kYes, kExited, kTimedOut };

// Polls the server until it answers PQping, exits, or the time runs out.
Ready AwaitReady(pid_t pid, const std::string& conninfo, int* wstatus) {
  const auto deadline = Clock::now() + kReadyTimeout;
  for (;;) {
    if (WaitChildExit(pid, Clock::duration::zero(), wstatus)) return Ready::kExited;
    if (::PQping(conninfo.c_str()) == PQPING_OK) return Ready::kYes;
    if (Clock::now() >= deadline) return Ready::kTimedOut;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Makes the fresh socket directory under /tmp (short: socket paths are
// limited to 107 bytes), owned by the server user. One left by a starter
// that died is removed by the next start.
StatusOr<std::string> MakeServerSocketDir(const RunAs& as) {
  StatusOr<std::string> dir = MakeSocketDir("pg");
  if (!dir.ok()) return dir.status();
  if (as.switch_user && ::chown(dir->c_str(), as.uid, as.gid) != 0) {
    const int err = errno;
    ::rmdir(dir->c_str());
    return PosixError(*dir + ": cannot chown to the postgres user", err);
  }
  return dir;
}

void RemoveDir(const std::string& dir) {
  std::error_code ec;
  if (!dir.empty()) fs::remove_all(dir, ec);
}

// Checks that `pgdata` holds a cluster the server user can reach.
Status CheckCluster(const fs::path& pgdata, const RunAs& as) {
  std::error_code ec;
  if (!fs::exists(pgdata / "PG_VERSION", ec)) {
    return Status::InvalidArgument(pgdata.string() +
                                   ": not a PostgreSQL cluster (no PG_VERSION; InitPgCluster "
                                   "makes one)");
  }
  return CheckTraversable(as, pgdata.parent_path(), pgdata.string());
}

}  // namespace

StatusOr<std::unique_ptr<PgServer>> PgServer::Start(const std::string& pgdata_in,
                                                    const PgServerOptions& options) {
  StatusOr<std::string> bin = PgBinDir();
  if (!bin.ok()) return bin.status();
  StatusOr<RunAs> as = ServerUser();
  if (!as.ok()) return as.status();
  const fs::path pgdata = Normalize(pgdata_in);
  LB_RETURN_IF_ERROR(CheckCluster(pgdata, *as));
  StatusOr<std::string> socket_dir = MakeServerSocketDir(*as);
  if (!socket_dir.ok()) return socket_dir.status();
  const fs::path log = pgdata.parent_path() / "postgres.log";
  StatusOr<int> fd = OpenLog(log);
  if (!fd.ok()) {
    RemoveDir(*socket_dir);
    return fd.status();
  }
  Status last;
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    StatusOr<int> port = FreePort();
    if (!port.ok()) {
      last = port.status();
      break;
    }
    const off_t from = ::lseek(*fd, 0, SEEK_END);
    ChildSpec spec{ServerArgs(*bin, pgdata, *socket_dir, *port, options), pgdata.string(), *fd,
                   *as};
    StatusOr<pid_t> pid = Spawn(spec);
    if (!pid.ok()) {
      last = pid.status();
      break;
    }
    std::unique_ptr<PgServer> server(new PgServer(pgdata.string(), *socket_dir, *port, *pid));
    int wstatus = 0;
    const Ready ready = AwaitReady(*pid, server->ConnInfo("postgres"), &wstatus);
    if (ready == Ready::kYes) {
      ::close(*fd);
      return server;
    }
    const std::string since = LogSince(log.string(), from);
    const std::string tail = Tail(since, 4);
    if (ready == Ready::kTimedOut) {
      server->socket_dir_.clear();  // removed below
      (void)server->Stop();
      last = Status::IOError("postgres on " + pgdata.string() + " was not ready in " +
                             std::to_string(kReadyTimeout.count()) + " s; " + log.string() +
                             " ends: " + tail);
      break;
    }
    server->pid_ = -1;
    server->socket_dir_.clear();
    last = Status::IOError("postgres on " + pgdata.string() + " exited at start (" +
                           DescribeWait(wstatus) + "); " + log.string() + " ends: " + tail);
    // Another process took the port between FreePort and the server's bind.
    const bool port_taken = since.find("Address already in use") != std::string::npos;
    if (!port_taken) break;
  }
  ::close(*fd);
  RemoveDir(*socket_dir);
  return last;
}

PgServer::~PgServer() { (void)Stop(); }

Status PgServer::Stop() {
  if (pid_ < 0) return Status::OK();
  const std::vector<Proc> children = ChildrenOf(pid_);
  Status s;
  int wstatus = 0;
  if (!SignalAndWait(pid_, SIGINT, kStopTimeout, &wstatus)) {
    s = Status::IOError("postgres on " + pgdata_ + " did not stop in " +
                        std::to_string(kStopTimeout.count()) + " s; sent SIGQUIT");
    if (!SignalAndWait(pid_, SIGQUIT, kQuitTimeout, &wstatus)) {
      s = Status::IOError("postgres on " + pgdata_ + " did not stop on SIGINT nor SIGQUIT; killed");
      SignalAndWait(pid_, SIGKILL, Clock::duration(-1), &wstatus);
    }
  } else if (!(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)) {
    s = Status::IOError("postgres on " + pgdata_ + " stopped with " + DescribeWait(wstatus) +
                        "; see " + (Normalize(pgdata_).parent_path() / "postgres.log").string());
  }
  AwaitOrphans(children);
  pid_ = -1;
  RemoveDir(socket_dir_);
  socket_dir_.clear();
  return s;
}

Status PgServer::Kill(Clock::time_point* killed_at) {
  if (pid_ < 0) return Status::OK();
  // Listing the processes takes milliseconds, so it comes first, while they
  // all still run; then, within microseconds, the postmaster is stopped
  // (it forks no one more) and each of them gets SIGKILL, as on a machine
  // that stops. One forked since the listing is found and killed after.
  std::vector<Proc> children = ChildrenOf(pid_);
  if (killed_at != nullptr) *killed_at = Clock::now();
  ::kill(pid_, SIGSTOP);
  for (const Proc& p : children) ::kill(p.pid, SIGKILL);
  for (const Proc& p : ChildrenOf(pid_)) {
    ::kill(p.pid, SIGKILL);
    children.push_back(p);
  }
  int wstatus = 0;
  SignalAndWait(pid_, SIGKILL, Clock::duration(-1), &wstatus);
  AwaitOrphans(children);
  pid_ = -1;
  RemoveDir(socket_dir_);
  socket_dir_.clear();
  return Status::OK();
}

std::string PgServer::ConnInfo(const std::string& dbname) const {
  return "host=" + PgConnValue(socket_dir_) + " port=" + std::to_string(port_) +
         " user=" + kDbUser + " dbname=" + PgConnValue(dbname);
}

std::string PgServer::TcpConnInfo(const std::string& dbname) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + kDbUser +
         " dbname=" + PgConnValue(dbname);
}

namespace {

struct PqFinish {
  void operator()(PGconn* c) const { ::PQfinish(c); }
};
struct PqClear {
  void operator()(PGresult* r) const { ::PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PqFinish>;

// The first line of a libpq message, without trailing blanks.
std::string FirstLine(const char* msg) {
  std::string s = msg == nullptr ? "" : msg;
  s = s.substr(0, s.find('\n'));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s.empty() ? "(no message)" : s;
}

// The one place a libpq failure becomes a Status: Corruption for SQLSTATE
// class XX (internal errors: data_corrupted, index_corrupted), else IOError.
Status FromPq(const std::string& context, PGconn* conn, const PGresult* res) {
  const char* state = res == nullptr ? nullptr : ::PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const std::string msg =
      FirstLine(res == nullptr ? ::PQerrorMessage(conn) : ::PQresultErrorMessage(res));
  std::string text = context + ": " + msg;
  if (state != nullptr) text += " (SQLSTATE " + std::string(state) + ")";
  if (state != nullptr && std::strncmp(state, "XX", 2) == 0) return Status::Corruption(text);
  return Status::IOError(text);
}

StatusOr<PgConn> Connect(const std::string& conninfo) {
  PgConn conn(::PQconnectdb(conninfo.c_str()));
  if (conn == nullptr) return Status::IOError("cannot connect to " + conninfo + ": out of memory");
  if (::PQstatus(conn.get()) != CONNECTION_OK) {
    return FromPq("cannot connect to " + conninfo, conn.get(), nullptr);
  }
  // The server's notices (DROP ... IF EXISTS of a missing database) are not
  // errors: libpq would print them to stderr.
  ::PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

StatusOr<std::string> QuoteIdent(PGconn* conn, const std::string& name) {
  char* q = ::PQescapeIdentifier(conn, name.data(), name.size());
  if (q == nullptr) return FromPq("cannot quote the name " + name, conn, nullptr);
  std::string out = q;
  ::PQfreemem(q);
  return out;
}

Status Exec(PGconn* conn, const std::string& sql) {
  std::unique_ptr<PGresult, PqClear> res(::PQexec(conn, sql.c_str()));
  if (res == nullptr) return FromPq(sql, conn, nullptr);
  const ExecStatusType st = ::PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return FromPq(sql, conn, res.get());
  return Status::OK();
}

}  // namespace

Status CreatePgDatabase(const std::string& conninfo, const std::string& name,
                        const std::string& template_name) {
  StatusOr<PgConn> conn = Connect(conninfo);
  if (!conn.ok()) return conn.status();
  StatusOr<std::string> quoted = QuoteIdent(conn->get(), name);
  if (!quoted.ok()) return quoted.status();
  std::string sql = "CREATE DATABASE " + *quoted;
  if (!template_name.empty()) {
    StatusOr<std::string> tmpl = QuoteIdent(conn->get(), template_name);
    if (!tmpl.ok()) return tmpl.status();
    sql += " TEMPLATE " + *tmpl;
  }
  return Exec(conn->get(), sql);
}

Status DropPgDatabase(const std::string& conninfo, const std::string& name) {
  StatusOr<PgConn> conn = Connect(conninfo);
  if (!conn.ok()) return conn.status();
  StatusOr<std::string> quoted = QuoteIdent(conn->get(), name);
  if (!quoted.ok()) return quoted.status();
  return Exec(conn->get(), "DROP DATABASE IF EXISTS " + *quoted + " WITH (FORCE)");
}

}  // namespace listbench
