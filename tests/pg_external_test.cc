// A PostgreSQL store on a server listbench did not start (--pg-url,
// engine/postgres/pg_external.h): the test starts a server of its own and
// hands listbench only its address. The store is a database there that
// answers as SQLite does, clones are databases of their own, deleting the
// store directory drops its database, and compare runs against it.
#include "engine/postgres/pg_external.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <filesystem>

#include "engine/postgres/pg_server.h"
#include "engine/postgres/pg_store.h"
#include "engine/postgres/pg_template.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// The databases named listbench_* on the server at `conninfo`.
int StoreDatabases(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  int n = -1;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, "SELECT count(*) FROM pg_database WHERE datname LIKE 'listbench\\_%'");
    if (PQresultStatus(r) == PGRES_TUPLES_OK) n = std::atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  PQfinish(c);
  return n;
}

class PgExternalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgBinDir().ok()) GTEST_SKIP() << "no PostgreSQL server binaries (scripts/setup.sh)";
    const std::string pgdata = tmp_.Sub("server");
    ASSERT_TRUE(NewPgCluster(pgdata).ok());
    StatusOr<std::unique_ptr<PgServer>> s = PgServer::Start(pgdata, PgServerOptions{});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    // The address only, as a user would pass it: no database.
    url_ = server_->TcpConnInfo("postgres");
    url_ = url_.substr(0, url_.find(" dbname="));
  }

  StoreOptions External() const {
    StoreOptions o;
    o.pg_url = url_;
    return o;
  }

  testing::TempDir tmp_;
  std::unique_ptr<PgServer> server_;
  std::string url_;
};

TEST_F(PgExternalTest, AStoreIsADatabaseThatAnswersAsSqlite) {
  const std::string dir = tmp_.Sub("store");
  {
    StatusOr<std::unique_ptr<Store>> s = testing::OpenNewStore(Engine::kPostgres, dir, External());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(testing::LoadTiny(**s).ok());
    StatusOr<std::unique_ptr<Store>> sq = testing::OpenNewStore(Engine::kSqlite, tmp_.Sub("sq"));
    ASSERT_TRUE(sq.ok());
    ASSERT_TRUE(testing::LoadTiny(**sq).ok());
    EXPECT_EQ(testing::TinyAnswers(**s), testing::TinyAnswers(**sq));
    StatusOr<uint64_t> bytes = (*s)->DiskBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    EXPECT_GT(*bytes, 0u);
  }
  EXPECT_TRUE(IsExternalPgStore(dir));
  EXPECT_FALSE(fs::exists(fs::path(dir) / kPgDataDirName));  // no cluster of its own
  EXPECT_EQ(StoreDatabases(url_ + " dbname=postgres"), 1);
  // The store says where it is: reopened without --pg-url, full-checked,
  // fingerprinted.
  StoreOptions plain;
  plain.create_if_missing = false;
  StatusOr<std::unique_ptr<Store>> again = OpenStore(Engine::kPostgres, dir, plain);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  again->reset();
  EXPECT_TRUE(VerifyStoreFiles(Engine::kPostgres, dir).ok());
  StatusOr<StoreFingerprint> f = FingerprintStoreFiles(Engine::kPostgres, dir);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_GE(f->size(), 7u);
  // Another server's address is refused.
  StoreOptions other = External();
  other.pg_url = "host=127.0.0.1 port=1 user=nobody";
  EXPECT_EQ(OpenStore(Engine::kPostgres, dir, other).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(StoreOnRequestedServer(Engine::kPostgres, dir, other));
  EXPECT_TRUE(StoreOnRequestedServer(Engine::kPostgres, dir, External()));
  EXPECT_FALSE(StoreOnRequestedServer(Engine::kPostgres, dir, StoreOptions{}));
}

TEST_F(PgExternalTest, ClonesAreDatabasesAndDeletingADirectoryDropsIt) {
  const std::string base = tmp_.Sub("base"), clone = tmp_.Sub("clone");
  {
    StatusOr<std::unique_ptr<Store>> s = testing::OpenNewStore(Engine::kPostgres, base, External());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(testing::LoadTiny(**s).ok());
  }
  ASSERT_TRUE(CloneStore(Engine::kPostgres, base, clone).ok());
  EXPECT_EQ(StoreDatabases(url_ + " dbname=postgres"), 2);
  {
    StoreOptions o;
    o.create_if_missing = false;
    StatusOr<std::unique_ptr<Store>> c = OpenStore(Engine::kPostgres, clone, o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_NE(testing::TinyAnswers(**c), "");
  }
  // What deleting a store directory does first (bench/harness/store_setup.h
  // RemoveStoreDir, for a directory with a manifest).
  ASSERT_TRUE(ReleaseStoreDir(clone).ok());
  EXPECT_EQ(StoreDatabases(url_ + " dbname=postgres"), 1);
  ASSERT_TRUE(ReleaseStoreDir(base).ok());
  EXPECT_EQ(StoreDatabases(url_ + " dbname=postgres"), 0);
  EXPECT_TRUE(ReleaseStoreDir(base).ok());  // gone already: nothing to do
}

TEST_F(PgExternalTest, CompareRunsOnTheServerAndAMalformedUrlIsOneLine) {
  const std::string work = tmp_.Sub("work");
  testing::CliResult r = testing::RunListbench(
      "compare --engines sqlite,postgres --listings 300 --ops 300 --warmup 30 --work-dir " + work +
          " --out " + tmp_.Sub("out") + " --pg-url '" + url_ + "' --workload " +
          LISTBENCH_SOURCE_DIR + "/workloads/mixed.toml --repeat 2",
      tmp_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsExternalPgStore(work + "/base/postgres"));
  // The pristine load and the last repetition's clone; the first clone was
  // dropped with its directory.
  int dirs = 0;
  for (const auto& e : fs::recursive_directory_iterator(work)) {
    dirs += e.path().filename() == kPgExternalFileName ? 1 : 0;
  }
  EXPECT_EQ(StoreDatabases(url_ + " dbname=postgres"), dirs);
  testing::CliResult bad = testing::RunListbench(
      "compare --engines postgres --listings 300 --work-dir " + work + " --out " +
          tmp_.Sub("out2") + " --pg-url postgresql://[ --workload " + LISTBENCH_SOURCE_DIR +
          "/workloads/mixed.toml",
      tmp_);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_NE(bad.err.find("--pg-url"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace listbench
