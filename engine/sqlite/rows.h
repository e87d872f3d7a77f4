// Binding model entities to INSERT statements and reading them back from
// result columns, shared by the store and its bulk loader. Column order is
// the table's column order in schema.cc.
#ifndef LISTBENCH_ENGINE_SQLITE_ROWS_H_
#define LISTBENCH_ENGINE_SQLITE_ROWS_H_

#include "core/entity_scan.h"
#include "core/model.h"
#include "engine/sqlite/statement.h"

namespace listbench {

// INSERT statements with every column of the table, in order.
inline constexpr const char* kInsertTenantSql =
    "INSERT INTO tenants(id, name, country, currency, gateway) VALUES(?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kInsertLandlordSql =
    "INSERT INTO landlords(id, tenant_id, name, email, rating, created) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr const char* kInsertListingSql =
    "INSERT INTO listings(id, tenant_id, landlord_id, city, postcode, price, bedrooms, title, "
    "description, status, created, updated, version) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
inline constexpr const char* kInsertImageSql =
    "INSERT INTO listing_images(listing_id, position, url, width, height, bytes) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr const char* kInsertApplicantSql =
    "INSERT INTO applicants(id, tenant_id, name, email, income) VALUES(?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kInsertApplicationSql =
    "INSERT INTO applications(id, tenant_id, listing_id, applicant_id, status, submitted, "
    "updated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr const char* kInsertPaymentSql =
    "INSERT INTO payments(id, tenant_id, application_id, amount, currency, gateway, status, "
    "created) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

// Ids and versions are stored as SQLite's signed 64-bit integers.
inline int64_t Sql(uint64_t v) { return static_cast<int64_t>(v); }

void BindTenant(Statement& s, const Tenant& t);
void BindLandlord(Statement& s, const Landlord& l);
void BindListing(Statement& s, const Listing& l);
void BindImage(Statement& s, const Image& i);
void BindApplicant(Statement& s, const Applicant& a);
void BindApplication(Statement& s, const Application& a);
void BindPayment(Statement& s, const Payment& p);

// Each reads the table's columns, in table order, starting at column `c`.
Tenant ReadTenant(const Statement& s, int c);
Landlord ReadLandlord(const Statement& s, int c);
Listing ReadListing(const Statement& s, int c);
Image ReadImage(const Statement& s, int c);
Applicant ReadApplicant(const Statement& s, int c);
Application ReadApplication(const Statement& s, int c);
Payment ReadPayment(const Statement& s, int c);
// The Read* of `kind`, as an Entity.
Entity ReadEntity(EntityKind kind, const Statement& s, int c);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_ROWS_H_
