#include "engine/sqlite/schema.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>

#include "engine/sql/queries.h"
#include "engine/sqlite/sqlite_error.h"

namespace listbench {
namespace {

constexpr const char* kTablesSql = R"sql(
CREATE TABLE tenants(
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL,
  country  TEXT NOT NULL,
  currency TEXT NOT NULL,
  gateway  TEXT NOT NULL);
CREATE TABLE landlords(
  id        INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  name      TEXT NOT NULL,
  email     TEXT NOT NULL,
  rating    INTEGER NOT NULL,
  created   INTEGER NOT NULL);
CREATE TABLE listings(
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
  landlord_id INTEGER NOT NULL REFERENCES landlords(id),
  city        TEXT NOT NULL,
  postcode    TEXT NOT NULL,
  price       INTEGER NOT NULL,
  bedrooms    INTEGER NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  status      INTEGER NOT NULL,
  created     INTEGER NOT NULL,
  updated     INTEGER NOT NULL,
  version     INTEGER NOT NULL);
CREATE TABLE listing_images(
  listing_id INTEGER NOT NULL REFERENCES listings(id),
  position   INTEGER NOT NULL,
  url        TEXT NOT NULL,
  width      INTEGER NOT NULL,
  height     INTEGER NOT NULL,
  bytes      INTEGER NOT NULL,
  PRIMARY KEY(listing_id, position)) WITHOUT ROWID;
CREATE TABLE applicants(
  id        INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  name      TEXT NOT NULL,
  email     TEXT NOT NULL,
  income    INTEGER NOT NULL);
CREATE TABLE applications(
  id           INTEGER PRIMARY KEY,
  tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
  listing_id   INTEGER NOT NULL REFERENCES listings(id),
  applicant_id INTEGER NOT NULL REFERENCES applicants(id),
  status       INTEGER NOT NULL,
  submitted    INTEGER NOT NULL,
  updated      INTEGER NOT NULL);
CREATE TABLE payments(
  id             INTEGER PRIMARY KEY,
  tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
  application_id INTEGER NOT NULL REFERENCES applications(id),
  amount         INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  gateway        TEXT NOT NULL,
  status         INTEGER NOT NULL,
  created        INTEGER NOT NULL);
)sql";

// Both profiles' indexes, so a bulk load starts from bare tables whatever
// an earlier load left.
constexpr const char* kDropIndexesSql = R"sql(
DROP INDEX IF EXISTS listings_by_landlord;
DROP INDEX IF EXISTS listings_search;
DROP INDEX IF EXISTS applications_by_listing;
DROP INDEX IF EXISTS applications_by_applicant;
DROP INDEX IF EXISTS payments_by_application;
DROP INDEX IF EXISTS listings_by_landlord_cover;
DROP INDEX IF EXISTS listings_search_cover;
DROP INDEX IF EXISTS applications_by_listing_cover;
DROP INDEX IF EXISTS applications_by_applicant_cover;
)sql";

// The index whose presence marks each profile.
constexpr const char* kLegacyMarkIndex = "listings_search";
constexpr const char* kTunedMarkIndex = "listings_search_cover";

}  // namespace

Status ExecSql(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return FromSqlite(rc, db, sql);
}

StatusOr<int64_t> ReadIntPragma(sqlite3* db, const char* pragma) {
  const std::string sql = std::string("PRAGMA ") + pragma;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db, sql);
  rc = sqlite3_step(stmt);
  int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return FromSqlite(rc, db, sql);
  return v;
}

Status CreateSchema(sqlite3* db, SqliteSchema schema) {
  LB_RETURN_IF_ERROR(ExecSql(db, kTablesSql));
  LB_RETURN_IF_ERROR(CreateSecondaryIndexes(db, schema));
  LB_RETURN_IF_ERROR(
      ExecSql(db, fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {};",
                              kSqliteApplicationId, kSqliteSchemaVersion)
                      .c_str()));
  return Status::OK();
}

Status DropSecondaryIndexes(sqlite3* db) { return ExecSql(db, kDropIndexesSql); }
Status CreateSecondaryIndexes(sqlite3* db, SqliteSchema schema) {
  return ExecSql(db, schema == SqliteSchema::kLegacy ? kLegacyIndexesSql : kTunedIndexesSql);
}

StatusOr<std::optional<SqliteSchema>> ReadSchemaProfile(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  const char* sql = "SELECT name FROM sqlite_schema WHERE type = 'index' AND name IN (?1, ?2)";
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db, sql);
  sqlite3_bind_text(stmt, 1, kLegacyMarkIndex, -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 2, kTunedMarkIndex, -1, SQLITE_STATIC);
  bool legacy = false, tuned = false;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const std::string name(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    (name == kLegacyMarkIndex ? legacy : tuned) = true;
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return FromSqlite(rc, db, sql);
  if (legacy == tuned) return std::optional<SqliteSchema>();
  return std::optional<SqliteSchema>(legacy ? SqliteSchema::kLegacy : SqliteSchema::kTuned);
}

namespace {

Status CheckMarks(const std::string& path, int64_t app, int64_t version) {
  if (app != kSqliteApplicationId) {
    return Status::NotSupported(
        fmt::format("{}: not a listbench SQLite store (application_id {:#x}, expected {:#x})", path,
                    app, kSqliteApplicationId));
  }
  if (version != kSqliteSchemaVersion) {
    return Status::NotSupported(
        fmt::format("{}: listbench SQLite schema version {}, this build reads version {}", path,
                    version, kSqliteSchemaVersion));
  }
  return Status::OK();
}

int32_t BigEndian32(const unsigned char* p) {
  return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                              (uint32_t{p[2]} << 8) | uint32_t{p[3]});
}

}  // namespace

Status CheckFileHeader(const std::string& path) {
  // https://www.sqlite.org/fileformat.html#the_database_header
  constexpr size_t kHeaderSize = 100, kUserVersionOffset = 60, kApplicationIdOffset = 68;
  unsigned char header[kHeaderSize];
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(header), kHeaderSize)) {
    return Status::IOError(path + ": cannot read the database header");
  }
  static constexpr char kMagic[] = "SQLite format 3";  // with its NUL: 16 bytes
  if (std::memcmp(header, kMagic, sizeof(kMagic)) != 0) {
    return Status::NotSupported(path + ": not a SQLite database, so not a listbench SQLite store");
  }
  return CheckMarks(path, BigEndian32(header + kApplicationIdOffset),
                    BigEndian32(header + kUserVersionOffset));
}

Status CheckFormat(sqlite3* db, const std::string& path) {
  StatusOr<int64_t> app = ReadIntPragma(db, "application_id");
  if (!app.ok()) return app.status();
  StatusOr<int64_t> version = ReadIntPragma(db, "user_version");
  if (!version.ok()) return version.status();
  return CheckMarks(path, *app, *version);
}

}  // namespace listbench
