// The throwaway PostgreSQL server (engine/postgres/pg_server.h): a cluster
// made in a temp dir, started, queried over the socket and TCP, stopped or
// killed and started again; as root, run as the postgres user. Skipped when
// the PostgreSQL binaries are not installed.
#include "engine/postgres/pg_server.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// The one value `sql` returns on `conninfo`, or "error: <message>".
std::string PgQueryValue(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    out = std::string("error: ") + PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    const ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK && PQntuples(res) == 1) {
      out = PQgetvalue(res, 0, 0);
    } else if (st == PGRES_COMMAND_OK) {
      out = "ok";
    } else {
      out = std::string("error: ") + PQresultErrorMessage(res);
    }
    PQclear(res);
  }
  PQfinish(conn);
  return out;
}

bool ProcessExists(int pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

class PgServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::string> bin = PgBinDir();
    if (!bin.ok()) GTEST_SKIP() << bin.status().ToString();
    // mkdtemp makes the temp dir 0700: as root, the postgres user must
    // traverse it to reach the cluster.
    ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
  }

  // A new cluster in <tmp>/<name>/data (its logs in <tmp>/<name>).
  std::string NewCluster(const std::string& name) {
    fs::create_directory(tmp_.Sub(name));
    const std::string pgdata = tmp_.Sub(name) + "/data";
    Status s = InitPgCluster(pgdata, {.sync_files = false});
    EXPECT_TRUE(s.ok()) << s.ToString();
    return pgdata;
  }

  static PgServerOptions SmallOptions() {
    PgServerOptions o;
    o.shared_buffers_bytes = 16 << 20;
    o.max_connections = 20;
    return o;
  }

  testing::TempDir tmp_;
};

TEST_F(PgServerTest, StartsAnswersCreatesDropsAndStops) {
  const std::string pgdata = NewCluster("a");
  StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(pgdata, SmallOptions());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  PgServer& pg = **server;
  EXPECT_GT(pg.port(), 0);
  EXPECT_TRUE(ProcessExists(pg.pid()));
  EXPECT_LT(pg.socket_dir().size(), 40u);
  EXPECT_EQ(PgQueryValue(pg.ConnInfo("postgres"), "SELECT 1"), "1");
  EXPECT_EQ(PgQueryValue(pg.TcpConnInfo("postgres"), "SELECT 1"), "1");
  EXPECT_EQ(PgQueryValue(pg.ConnInfo("postgres"), "SHOW lc_collate"), "C");
  EXPECT_EQ(PgQueryValue(pg.ConnInfo("postgres"), "SHOW server_encoding"), "UTF8");
  EXPECT_EQ(PgQueryValue(pg.ConnInfo("postgres"), "SHOW synchronous_commit"), "on");
  EXPECT_EQ(PgQueryValue(pg.ConnInfo("postgres"), "SHOW max_connections"), "20");

  // A name that needs quoting, from an explicit template.
  const std::string db = "bench db\"1";
  Status s = CreatePgDatabase(pg.ConnInfo("postgres"), db, "template0");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(PgQueryValue(pg.ConnInfo(db), "SELECT current_database()"), db);
  s = CreatePgDatabase(pg.ConnInfo("postgres"), db, "");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("already exists"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.ToString();
  s = DropPgDatabase(pg.ConnInfo("postgres"), db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(PgQueryValue(pg.ConnInfo(db), "SELECT 1").rfind("error: ", 0), 0u);
  s = DropPgDatabase(pg.ConnInfo("postgres"), db);  // IF EXISTS
  EXPECT_TRUE(s.ok()) << s.ToString();

  const int pid = pg.pid();
  const std::string socket_dir = pg.socket_dir();
  s = pg.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(fs::exists(socket_dir));
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_EQ(pg.pid(), -1);
  EXPECT_TRUE(pg.Stop().ok());  // idempotent
  EXPECT_FALSE(fs::exists(pgdata + "/postmaster.pid"));
}

TEST_F(PgServerTest, KillLeavesAStalePidFileThatTheNextStartRecoversFrom) {
  const std::string pgdata = NewCluster("a");
  PgServerOptions relaxed = SmallOptions();
  relaxed.durable = false;
  StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(pgdata, relaxed);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string conninfo = (*server)->ConnInfo("postgres");
  EXPECT_EQ(PgQueryValue(conninfo, "SHOW synchronous_commit"), "off");
  EXPECT_EQ(PgQueryValue(conninfo, "SHOW fsync"), "on");
  EXPECT_EQ(PgQueryValue(conninfo, "CREATE TABLE t (v int)"), "ok");
  EXPECT_EQ(PgQueryValue(conninfo, "INSERT INTO t VALUES (7)"), "ok");
  EXPECT_EQ(PgQueryValue(conninfo, "CHECKPOINT"), "ok");  // relaxed commits: make it durable

  const int pid = (*server)->pid();
  const std::string socket_dir = (*server)->socket_dir();
  ASSERT_TRUE((*server)->Kill().ok());
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_FALSE(fs::exists(socket_dir));
  EXPECT_TRUE(fs::exists(pgdata + "/postmaster.pid"));  // stale
  EXPECT_TRUE((*server)->Stop().ok());

  server = PgServer::Start(pgdata, SmallOptions());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_EQ(PgQueryValue((*server)->ConnInfo("postgres"), "SELECT v FROM t"), "7");
  EXPECT_TRUE((*server)->Stop().ok());
}

// Whether `pid` is gone or a zombie (an orphan whose new parent has not reaped it yet).
bool ProcessGone(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return true;
  const size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

// What the starter process of TheServerStopsWhenItsStarterDies reports.
struct Started {
  int pid;
  char socket_dir[64];
};

TEST_F(PgServerTest, TheServerStopsWhenItsStarterDies) {
  const std::string pgdata = NewCluster("a");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t starter = ::fork();
  ASSERT_GE(starter, 0);
  if (starter == 0) {  // the starter: starts the server, reports its pid, waits to be killed
    StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(pgdata, SmallOptions());
    Started started{server.ok() ? (*server)->pid() : -1, {}};
    if (server.ok()) {
      (*server)->socket_dir().copy(started.socket_dir, sizeof(started.socket_dir) - 1);
    }
    if (::write(fds[1], &started, sizeof(started)) != sizeof(started)) ::_exit(1);
    for (;;) ::pause();
  }
  ::close(fds[1]);
  Started from_starter{-1, {}};
  const ssize_t got = ::read(fds[0], &from_starter, sizeof(from_starter));
  ::close(fds[0]);
  const int pid = from_starter.pid;
  const bool started =
      got == static_cast<ssize_t>(sizeof(from_starter)) && pid > 0 && !ProcessGone(pid);
  ::kill(starter, SIGKILL);  // before any assertion: the starter never ends by itself
  int wstatus = 0;
  ASSERT_EQ(::waitpid(starter, &wstatus, 0), starter);
  ASSERT_TRUE(started) << "the starter could not start the server (see " << tmp_.Sub("a") << ")";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!ProcessGone(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(ProcessGone(pid));
  EXPECT_FALSE(fs::exists(pgdata + "/postmaster.pid"));  // a clean (fast) shutdown
  // The starter died before removing its socket directory: the server
  // removed its socket, and the starter's watcher the directory.
  const std::string socket_dir = from_starter.socket_dir;
  ASSERT_EQ(socket_dir.rfind("/tmp/listbench-pg-", 0), 0u) << socket_dir;
  const auto removed_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fs::exists(socket_dir) && std::chrono::steady_clock::now() < removed_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(fs::exists(socket_dir)) << socket_dir;
  fs::remove_all(socket_dir);
}

TEST_F(PgServerTest, TwoServersAtOnceGetDifferentPorts) {
  const std::string a = NewCluster("a");
  const std::string b = NewCluster("b");
  StatusOr<std::unique_ptr<PgServer>> sa = PgServer::Start(a, SmallOptions());
  ASSERT_TRUE(sa.ok()) << sa.status().ToString();
  StatusOr<std::unique_ptr<PgServer>> sb = PgServer::Start(b, SmallOptions());
  ASSERT_TRUE(sb.ok()) << sb.status().ToString();
  EXPECT_NE((*sa)->port(), (*sb)->port());
  EXPECT_NE((*sa)->socket_dir(), (*sb)->socket_dir());
  EXPECT_EQ(PgQueryValue((*sa)->TcpConnInfo("postgres"), "SELECT 1"), "1");
  EXPECT_EQ(PgQueryValue((*sb)->TcpConnInfo("postgres"), "SELECT 1"), "1");
  EXPECT_EQ(PgQueryValue((*sa)->ConnInfo("postgres"), "SHOW data_directory"), a);
  EXPECT_EQ(PgQueryValue((*sb)->ConnInfo("postgres"), "SHOW data_directory"), b);
  const int pid_a = (*sa)->pid();
  sa->reset();  // the destructor stops it
  EXPECT_FALSE(ProcessExists(pid_a));
  EXPECT_EQ(PgQueryValue((*sb)->TcpConnInfo("postgres"), "SELECT 2"), "2");
}

TEST_F(PgServerTest, InitOnAnExistingOrOrphanDirectoryFailsCleanly) {
  const std::string existing = tmp_.Sub("existing");
  fs::create_directory(existing);
  Status s = InitPgCluster(existing);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(existing), std::string::npos) << s.ToString();
  EXPECT_TRUE(fs::is_empty(existing));

  s = InitPgCluster(tmp_.Sub("missing/data"));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(tmp_.Sub("missing")), std::string::npos) << s.ToString();

  StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(existing, SmallOptions());
  EXPECT_EQ(server.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(server.status().message().find("not a PostgreSQL cluster"), std::string::npos);
}

TEST_F(PgServerTest, BinDirFromTheEnvironmentAndAFailedInitdb) {
  const std::string bin = tmp_.Sub("bin");
  fs::create_directory(bin);
  ::setenv("LISTBENCH_PG_BINDIR", bin.c_str(), 1);
  StatusOr<std::string> dir = PgBinDir();
  EXPECT_EQ(dir.status().code(), StatusCode::kNotFound);
  EXPECT_NE(dir.status().message().find(bin), std::string::npos) << dir.status().ToString();
  for (const char* name : {"postgres", "initdb"}) {
    std::ofstream(bin + "/" + name) << "#!/bin/sh\necho \"initdb: cannot go on\" >&2\nexit 1\n";
    fs::permissions(bin + "/" + name, fs::perms::owner_all | fs::perms::group_exec |
                                          fs::perms::group_read | fs::perms::others_exec |
                                          fs::perms::others_read);
  }
  dir = PgBinDir();
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(*dir, bin);
  const std::string pgdata = tmp_.Sub("data");
  Status s = InitPgCluster(pgdata);
  ::unsetenv("LISTBENCH_PG_BINDIR");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("cannot go on"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find(tmp_.Sub("initdb.log")), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.ToString();
  EXPECT_FALSE(fs::exists(pgdata));
}

TEST_F(PgServerTest, StartFailureReportsTheLog) {
  const std::string pgdata = NewCluster("a");
  PgServerOptions bad = SmallOptions();
  bad.extra_settings.push_back({"no_such_setting", "1"});
  StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(pgdata, bad);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), StatusCode::kIOError);
  EXPECT_NE(server.status().message().find("no_such_setting"), std::string::npos)
      << server.status().ToString();
  EXPECT_EQ(server.status().message().find('\n'), std::string::npos);
}

TEST_F(PgServerTest, AsRootTheClusterBelongsToThePostgresUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "not running as root";
  const passwd* pw = ::getpwnam("postgres");
  ASSERT_NE(pw, nullptr);
  const uid_t uid = pw->pw_uid;
  const std::string pgdata = NewCluster("a");
  struct stat st {};
  ASSERT_EQ(::stat(pgdata.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, uid);
  ASSERT_EQ(::stat((pgdata + "/PG_VERSION").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, uid);
  ASSERT_EQ(::stat((pgdata + "/global/pg_control").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, uid);

  // A copy made by root belongs to root until ChownPgCluster.
  const std::string copy = tmp_.Sub("a/copy");
  fs::copy(pgdata, copy, fs::copy_options::recursive);
  ASSERT_EQ(::stat((copy + "/PG_VERSION").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  ASSERT_EQ(::chmod(copy.c_str(), 0700), 0);
  Status s = ChownPgCluster(copy);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(::stat((copy + "/global/pg_control").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, uid);
  StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(copy, SmallOptions());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_EQ(PgQueryValue((*server)->ConnInfo("postgres"), "SELECT current_user"), "listbench");
  EXPECT_TRUE((*server)->Stop().ok());

  // A directory the postgres user cannot traverse is named.
  const std::string closed = tmp_.Sub("closed");
  fs::create_directory(closed);
  ASSERT_EQ(::chmod(closed.c_str(), 0700), 0);
  s = InitPgCluster(closed + "/data");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(closed + ": the postgres user"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace listbench
