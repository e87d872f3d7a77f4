// Binding model entities to INSERT statements and reading them back from
// result columns, shared by the normalized design's stores (SQLite and
// PostgreSQL) and their bulk loaders. Column order is the table's column
// order (engine/sql/queries.h). Each function takes any statement type S with
// BindInt(i, int64_t), BindText(i, string_view), Int(col) and Text(col)
// (engine/sqlite/statement.h, engine/postgres/pg_statement.h).
#ifndef LISTBENCH_ENGINE_SQL_ROWS_H_
#define LISTBENCH_ENGINE_SQL_ROWS_H_

#include "core/entity_scan.h"
#include "core/model.h"

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

// Ids and versions are stored as signed 64-bit integers.
inline int64_t Sql(uint64_t v) { return static_cast<int64_t>(v); }

template <typename S>
void BindTenant(S& s, const Tenant& t) {
  s.BindInt(1, t.id);
  s.BindText(2, t.name);
  s.BindText(3, t.country);
  s.BindText(4, t.currency);
  s.BindText(5, t.gateway);
}

template <typename S>
void BindLandlord(S& s, const Landlord& l) {
  s.BindInt(1, Sql(l.id));
  s.BindInt(2, l.tenant);
  s.BindText(3, l.name);
  s.BindText(4, l.email);
  s.BindInt(5, l.rating);
  s.BindInt(6, l.created);
}

template <typename S>
void BindListing(S& s, const Listing& l) {
  s.BindInt(1, Sql(l.id));
  s.BindInt(2, l.tenant);
  s.BindInt(3, Sql(l.landlord));
  s.BindText(4, l.city);
  s.BindText(5, l.postcode);
  s.BindInt(6, l.price);
  s.BindInt(7, l.bedrooms);
  s.BindText(8, l.title);
  s.BindText(9, l.description);
  s.BindInt(10, static_cast<int64_t>(l.status));
  s.BindInt(11, l.created);
  s.BindInt(12, l.updated);
  s.BindInt(13, Sql(l.version));
}

template <typename S>
void BindImage(S& s, const Image& i) {
  s.BindInt(1, Sql(i.listing));
  s.BindInt(2, i.position);
  s.BindText(3, i.url);
  s.BindInt(4, i.width);
  s.BindInt(5, i.height);
  s.BindInt(6, i.bytes);
}

template <typename S>
void BindApplicant(S& s, const Applicant& a) {
  s.BindInt(1, Sql(a.id));
  s.BindInt(2, a.tenant);
  s.BindText(3, a.name);
  s.BindText(4, a.email);
  s.BindInt(5, a.income);
}

template <typename S>
void BindApplication(S& s, const Application& a) {
  s.BindInt(1, Sql(a.id));
  s.BindInt(2, a.tenant);
  s.BindInt(3, Sql(a.listing));
  s.BindInt(4, Sql(a.applicant));
  s.BindInt(5, static_cast<int64_t>(a.status));
  s.BindInt(6, a.submitted);
  s.BindInt(7, a.updated);
}

template <typename S>
void BindPayment(S& s, const Payment& p) {
  s.BindInt(1, Sql(p.id));
  s.BindInt(2, p.tenant);
  s.BindInt(3, Sql(p.application));
  s.BindInt(4, p.amount);
  s.BindText(5, p.currency);
  s.BindText(6, p.gateway);
  s.BindInt(7, static_cast<int64_t>(p.status));
  s.BindInt(8, p.created);
}

namespace rows_internal {
template <typename S>
EntityId Id(const S& s, int c) {
  return static_cast<EntityId>(s.Int(c));
}
template <typename S>
TenantId Tid(const S& s, int c) {
  return static_cast<TenantId>(s.Int(c));
}
template <typename S>
int32_t I32(const S& s, int c) {
  return static_cast<int32_t>(s.Int(c));
}
}  // namespace rows_internal
using rows_internal::I32;
using rows_internal::Id;
using rows_internal::Tid;

template <typename S>
Tenant ReadTenant(const S& s, int c) {
  return {Tid(s, c), s.Text(c + 1), s.Text(c + 2), s.Text(c + 3), s.Text(c + 4)};
}

template <typename S>
Landlord ReadLandlord(const S& s, int c) {
  return {Id(s, c), Tid(s, c + 1), s.Text(c + 2), s.Text(c + 3), I32(s, c + 4), s.Int(c + 5)};
}

template <typename S>
Listing ReadListing(const S& s, int c) {
  Listing l;
  l.id = Id(s, c);
  l.tenant = Tid(s, c + 1);
  l.landlord = Id(s, c + 2);
  l.city = s.Text(c + 3);
  l.postcode = s.Text(c + 4);
  l.price = s.Int(c + 5);
  l.bedrooms = I32(s, c + 6);
  l.title = s.Text(c + 7);
  l.description = s.Text(c + 8);
  l.status = static_cast<ListingStatus>(s.Int(c + 9));
  l.created = s.Int(c + 10);
  l.updated = s.Int(c + 11);
  l.version = static_cast<uint64_t>(s.Int(c + 12));
  return l;
}

template <typename S>
Image ReadImage(const S& s, int c) {
  return {Id(s, c), I32(s, c + 1), s.Text(c + 2), I32(s, c + 3), I32(s, c + 4), s.Int(c + 5)};
}

template <typename S>
Applicant ReadApplicant(const S& s, int c) {
  return {Id(s, c), Tid(s, c + 1), s.Text(c + 2), s.Text(c + 3), s.Int(c + 4)};
}

template <typename S>
Application ReadApplication(const S& s, int c) {
  return {Id(s, c),
          Tid(s, c + 1),
          Id(s, c + 2),
          Id(s, c + 3),
          static_cast<ApplicationStatus>(s.Int(c + 4)),
          s.Int(c + 5),
          s.Int(c + 6)};
}

template <typename S>
Payment ReadPayment(const S& s, int c) {
  return {Id(s, c),
          Tid(s, c + 1),
          Id(s, c + 2),
          s.Int(c + 3),
          s.Text(c + 4),
          s.Text(c + 5),
          static_cast<PaymentStatus>(s.Int(c + 6)),
          s.Int(c + 7)};
}

template <typename S>
Entity ReadEntity(EntityKind kind, const S& s, int c) {
  switch (kind) {
    case EntityKind::kTenant:
      return ReadTenant(s, c);
    case EntityKind::kLandlord:
      return ReadLandlord(s, c);
    case EntityKind::kListing:
      return ReadListing(s, c);
    case EntityKind::kImage:
      return ReadImage(s, c);
    case EntityKind::kApplicant:
      return ReadApplicant(s, c);
    case EntityKind::kApplication:
      return ReadApplication(s, c);
    case EntityKind::kPayment:
      return ReadPayment(s, c);
  }
  return Entity();
}

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQL_ROWS_H_
