#include "engine/postgres/pg_external.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include "engine/postgres/pg_statement.h"
#include "util/posix_file.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

std::string FilePath(const std::string& dir) {
  return (fs::path(dir) / kPgExternalFileName).string();
}

Status WriteExternal(const std::string& dir, const PgExternal& e) {
  // The server's parameters may carry a password: the file is the owner's.
  const std::string path = FilePath(dir);
  return WriteFileAtomically(path, e.database + "\n" + e.server + "\n", {}, 0600);
}

// A database name no other store on the server has (16 random hex digits).
std::string NewDatabaseName() {
  std::random_device rd;
  const uint64_t v = (uint64_t{rd()} << 32) ^ rd();
  return fmt::format("listbench_{:016x}", v);
}

// The server's maintenance connection: its parameters with dbname postgres.
StatusOr<std::unique_ptr<PgConnection>> ConnectServer(const std::string& server) {
  return ConnectPg(server + " dbname=postgres");
}

}  // namespace

std::string PgExternal::ConnInfo() const { return server + " dbname=" + PgConnValue(database); }

bool IsExternalPgStore(const std::string& dir) {
  std::error_code ec;
  return fs::exists(FilePath(dir), ec);
}

StatusOr<std::string> NormalizePgUrl(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::InvalidArgument("--pg-url " + url + ": " + msg);
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string(o->keyword) == "dbname") continue;
    if (!out.empty()) out += ' ';
    out += std::string(o->keyword) + "=" + PgConnValue(o->val);
  }
  PQconninfoFree(opts);
  return out;
}

StatusOr<PgExternal> ReadPgExternal(const std::string& dir) {
  std::string text;
  Status s = ReadWholeFile(FilePath(dir), &text);
  if (s.IsNotFound()) return Status::NotFound(dir + ": no PostgreSQL server recorded");
  LB_RETURN_IF_ERROR(s);
  const size_t nl = text.find('\n');
  PgExternal e;
  if (nl != std::string::npos) {
    e.database = text.substr(0, nl);
    e.server = text.substr(nl + 1);
    while (!e.server.empty() && e.server.back() == '\n') e.server.pop_back();
  }
  if (e.database.rfind("listbench_", 0) != 0 || e.server.empty()) {
    return Status::Corruption(FilePath(dir) + ": not a database and a server, one per line");
  }
  return e;
}

StatusOr<PgExternal> CreatePgExternal(const std::string& dir, const std::string& url) {
  if (IsExternalPgStore(dir)) return Status::InvalidArgument(dir + ": holds a store already");
  StatusOr<std::string> server = NormalizePgUrl(url);
  if (!server.ok()) return server.status();
  StatusOr<std::unique_ptr<PgConnection>> c = ConnectServer(*server);
  if (!c.ok()) return c.status();
  PgExternal e{NewDatabaseName(), *server};
  LB_RETURN_IF_ERROR(ExecPg(c->get(), "CREATE DATABASE " + e.database));
  Status w = WriteExternal(dir, e);
  if (!w.ok()) {
    (void)ExecPg(c->get(), "DROP DATABASE IF EXISTS " + e.database);
    return w;
  }
  return e;
}

Status ClonePgExternal(const std::string& src_dir, const std::string& dst_dir) {
  StatusOr<PgExternal> src = ReadPgExternal(src_dir);
  if (!src.ok()) return src.status();
  std::error_code ec;
  if (fs::exists(dst_dir, ec)) return Status::InvalidArgument(dst_dir + ": already exists");
  StatusOr<std::unique_ptr<PgConnection>> c = ConnectServer(src->server);
  if (!c.ok()) return c.status();
  PgExternal dst{NewDatabaseName(), src->server};
  LB_RETURN_IF_ERROR(
      ExecPg(c->get(), fmt::format("CREATE DATABASE {} TEMPLATE {}", dst.database, src->database)));
  fs::copy(src_dir, dst_dir, fs::copy_options::recursive, ec);
  Status s = ec ? Status::IOError(fmt::format("copy {} to {}: {}", src_dir, dst_dir, ec.message()))
                : WriteExternal(dst_dir, dst);
  if (!s.ok()) (void)ExecPg(c->get(), "DROP DATABASE IF EXISTS " + dst.database);
  return s;
}

Status ReleasePgExternal(const std::string& dir) {
  if (!IsExternalPgStore(dir)) return Status::OK();
  StatusOr<PgExternal> e = ReadPgExternal(dir);
  if (!e.ok()) return e.status();
  StatusOr<std::unique_ptr<PgConnection>> c = ConnectServer(e->server);
  if (!c.ok()) return c.status();
  return ExecPg(c->get(), fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", e->database));
}

StatusOr<std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>>> PgExternalRelations(
    const std::string& dir) {
  StatusOr<PgExternal> e = ReadPgExternal(dir);
  if (!e.ok()) return e.status();
  StatusOr<std::unique_ptr<PgConnection>> c = ConnectPg(e->ConnInfo());
  if (!c.ok()) return c.status();
  std::unique_ptr<PGresult, decltype(&PQclear)> r(
      PQexec((*c)->conn,
             "SELECT c.relname, pg_relation_size(c.oid), pg_relation_filenode(c.oid) "
             "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
             "AND c.relkind IN ('r', 'i') ORDER BY c.relname"),
      PQclear);
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return FromPg(c->get(), r.get(), dir + ": listing relations");
  }
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    out.push_back({PQgetvalue(r.get(), i, 0),
                   {std::strtoull(PQgetvalue(r.get(), i, 1), nullptr, 10),
                    std::strtoull(PQgetvalue(r.get(), i, 2), nullptr, 10)}});
  }
  return out;
}

}  // namespace listbench
