// VerifyPgStoreFiles (pg_store.h): every heap page read through the server
// (each page's checksum is verified as it is read into a fresh server's
// buffers) and every B-tree index checked with amcheck.
#include <fmt/format.h>

#include <filesystem>

#include "engine/postgres/pg_external.h"
#include "engine/postgres/pg_schema.h"
#include "engine/postgres/pg_store.h"
#include "engine/postgres/pg_store_impl.h"

namespace listbench {

namespace {

// The full check over a connection to the store's database.
Status CheckPgDatabase(const std::string& conninfo, const std::string& dir) {
  // A damaged page is found by the server as it reads it (a checksum or
  // header that does not verify), whether in a table or in a catalog that
  // a connection reads.
  auto fail = [&](const Status& s) {
    const bool damaged = s.code() == StatusCode::kCorruption ||
                         s.message().find("invalid page") != std::string::npos ||
                         s.message().find("checksum") != std::string::npos;
    const std::string msg = fmt::format("{}: the full check failed: {}", dir, s.message());
    return damaged ? Status::Corruption(msg) : Status::IOError(msg);
  };
  StatusOr<std::unique_ptr<PgConnection>> c = ConnectPg(conninfo);
  if (!c.ok()) return fail(c.status());
  PgConnection* pg = c->get();
  StatusOr<SqliteSchema> held = CheckPgStore(pg, dir);
  if (!held.ok()) return held.status();
  for (const char* table : {"tenants", "landlords", "listings", "listing_images", "applicants",
                            "applications", "payments"}) {
    Status s = ExecPg(pg, fmt::format("SELECT sum(length(t::text)) FROM {} t", table));
    if (!s.ok()) return fail(s);
  }
  Status s = ExecPg(pg,
                    "SELECT bt_index_check(c.oid, true) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
                    "WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace "
                    "AND EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')");
  if (!s.ok()) return fail(s);
  return Status::OK();
}

}  // namespace

Status VerifyPgStoreFiles(const std::string& dir) {
  if (IsExternalPgStore(dir)) {
    StatusOr<PgExternal> e = ReadPgExternal(dir);
    if (!e.ok()) return e.status();
    return CheckPgDatabase(e->ConnInfo(), dir);
  }
  const std::string pgdata = (std::filesystem::path(dir) / kPgDataDirName).string();
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(pgdata) / "PG_VERSION", ec)) {
    return Status::NotFound(dir + ": no listbench PostgreSQL store");
  }
  PgServerOptions o;
  StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(pgdata, o);
  if (!server.ok()) return server.status();
  LB_RETURN_IF_ERROR(CheckPgDatabase((*server)->ConnInfo(kPgDatabaseName), dir));
  return (*server)->Stop();
}

}  // namespace listbench
