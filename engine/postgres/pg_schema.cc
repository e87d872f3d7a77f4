#include "engine/postgres/pg_schema.h"

#include <fmt/format.h>

#include <memory>

#include "engine/sql/queries.h"

namespace listbench {
namespace {

constexpr const char* kTablesSql = R"sql(
CREATE TABLE tenants(
  id       BIGINT PRIMARY KEY,
  name     TEXT NOT NULL,
  country  TEXT NOT NULL,
  currency TEXT NOT NULL,
  gateway  TEXT NOT NULL);
CREATE TABLE landlords(
  id        BIGINT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  name      TEXT NOT NULL,
  email     TEXT NOT NULL,
  rating    BIGINT NOT NULL,
  created   BIGINT NOT NULL);
CREATE TABLE listings(
  id          BIGINT PRIMARY KEY,
  tenant_id   BIGINT NOT NULL,
  landlord_id BIGINT NOT NULL,
  city        TEXT NOT NULL,
  postcode    TEXT NOT NULL,
  price       BIGINT NOT NULL,
  bedrooms    BIGINT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  status      BIGINT NOT NULL,
  created     BIGINT NOT NULL,
  updated     BIGINT NOT NULL,
  version     BIGINT NOT NULL);
CREATE TABLE listing_images(
  listing_id BIGINT NOT NULL,
  position   BIGINT NOT NULL,
  url        TEXT NOT NULL,
  width      BIGINT NOT NULL,
  height     BIGINT NOT NULL,
  bytes      BIGINT NOT NULL,
  PRIMARY KEY(listing_id, position));
CREATE TABLE applicants(
  id        BIGINT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  name      TEXT NOT NULL,
  email     TEXT NOT NULL,
  income    BIGINT NOT NULL);
CREATE TABLE applications(
  id           BIGINT PRIMARY KEY,
  tenant_id    BIGINT NOT NULL,
  listing_id   BIGINT NOT NULL,
  applicant_id BIGINT NOT NULL,
  status       BIGINT NOT NULL,
  submitted    BIGINT NOT NULL,
  updated      BIGINT NOT NULL);
CREATE TABLE payments(
  id             BIGINT PRIMARY KEY,
  tenant_id      BIGINT NOT NULL,
  application_id BIGINT NOT NULL,
  amount         BIGINT NOT NULL,
  currency       TEXT NOT NULL,
  gateway        TEXT NOT NULL,
  status         BIGINT NOT NULL,
  created        BIGINT NOT NULL);
CREATE TABLE listbench_store(format_version INT NOT NULL, index_profile TEXT NOT NULL);
)sql";

constexpr const char* kForeignKeysSql = R"sql(
ALTER TABLE landlords ADD CONSTRAINT landlords_tenant FOREIGN KEY(tenant_id) REFERENCES tenants(id);
ALTER TABLE listings ADD CONSTRAINT listings_tenant FOREIGN KEY(tenant_id) REFERENCES tenants(id);
ALTER TABLE listings ADD CONSTRAINT listings_landlord
  FOREIGN KEY(landlord_id) REFERENCES landlords(id);
ALTER TABLE listing_images ADD CONSTRAINT images_listing
  FOREIGN KEY(listing_id) REFERENCES listings(id);
ALTER TABLE applicants ADD CONSTRAINT applicants_tenant
  FOREIGN KEY(tenant_id) REFERENCES tenants(id);
ALTER TABLE applications ADD CONSTRAINT applications_tenant
  FOREIGN KEY(tenant_id) REFERENCES tenants(id);
ALTER TABLE applications ADD CONSTRAINT applications_listing
  FOREIGN KEY(listing_id) REFERENCES listings(id);
ALTER TABLE applications ADD CONSTRAINT applications_applicant
  FOREIGN KEY(applicant_id) REFERENCES applicants(id);
ALTER TABLE payments ADD CONSTRAINT payments_tenant FOREIGN KEY(tenant_id) REFERENCES tenants(id);
ALTER TABLE payments ADD CONSTRAINT payments_application
  FOREIGN KEY(application_id) REFERENCES applications(id);
)sql";

constexpr const char* kDropSql = R"sql(
DROP INDEX IF EXISTS listings_by_landlord, listings_search, applications_by_listing,
  applications_by_applicant, payments_by_application, listings_by_landlord_cover,
  listings_search_cover, applications_by_listing_cover, applications_by_applicant_cover;
ALTER TABLE landlords DROP CONSTRAINT IF EXISTS landlords_tenant;
ALTER TABLE listings DROP CONSTRAINT IF EXISTS listings_tenant;
ALTER TABLE listings DROP CONSTRAINT IF EXISTS listings_landlord;
ALTER TABLE listing_images DROP CONSTRAINT IF EXISTS images_listing;
ALTER TABLE applicants DROP CONSTRAINT IF EXISTS applicants_tenant;
ALTER TABLE applications DROP CONSTRAINT IF EXISTS applications_tenant;
ALTER TABLE applications DROP CONSTRAINT IF EXISTS applications_listing;
ALTER TABLE applications DROP CONSTRAINT IF EXISTS applications_applicant;
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_tenant;
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_application;
)sql";

}  // namespace

Status CreatePgTables(PgConnection* c, SqliteSchema schema) {
  return ExecPg(c, fmt::format("BEGIN; {} INSERT INTO listbench_store VALUES({}, '{}'); COMMIT;",
                               kTablesSql, kPgSchemaVersion, SqliteSchemaName(schema)));
}

Status AddPgForeignKeys(PgConnection* c) { return ExecPg(c, kForeignKeysSql); }

Status CreatePgIndexes(PgConnection* c, SqliteSchema schema) {
  return ExecPg(c, schema == SqliteSchema::kLegacy ? kLegacyIndexesSql : kTunedIndexesSql);
}

Status DropPgIndexesAndKeys(PgConnection* c) { return ExecPg(c, kDropSql); }

StatusOr<SqliteSchema> CheckPgStore(PgConnection* c, const std::string& where) {
  std::unique_ptr<PGresult, decltype(&PQclear)> res(
      PQexec(c->conn,
             "SELECT format_version, index_profile FROM listbench_store "
             "WHERE to_regclass('listbench_store') IS NOT NULL"),
      PQclear);
  if (res == nullptr || PQresultStatus(res.get()) != PGRES_TUPLES_OK || PQntuples(res.get()) != 1) {
    return Status::NotSupported(where +
                                ": not a listbench PostgreSQL store (no listbench_store row)");
  }
  const int version = std::atoi(PQgetvalue(res.get(), 0, 0));
  if (version != kPgSchemaVersion) {
    return Status::NotSupported(
        fmt::format("{}: listbench PostgreSQL schema version {}, this build reads version {}",
                    where, version, kPgSchemaVersion));
  }
  std::optional<SqliteSchema> profile = ParseSqliteSchema(PQgetvalue(res.get(), 0, 1));
  if (!profile.has_value()) {
    return Status::NotSupported(where + ": unknown index profile " + PQgetvalue(res.get(), 0, 1));
  }
  return *profile;
}

}  // namespace listbench
