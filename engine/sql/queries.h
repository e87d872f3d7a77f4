// The SQL of every access pattern of the SQLite store (R1-R5, the lookups
// and changes of W1-W5, the entity scan and the migration's entity reads and
// writes), as a normalized application runs it: each
// filters by tenant, JOINs across tables and is prepared once. Parameters are
// numbered; enums are bound as their integer values (model.h).
#ifndef LISTBENCH_ENGINE_SQL_QUERIES_H_
#define LISTBENCH_ENGINE_SQL_QUERIES_H_

#include <cstdint>

#include "core/model.h"

namespace listbench {

inline constexpr int64_t kActive = static_cast<int64_t>(ListingStatus::kActive);
inline constexpr int64_t kSubmitted = static_cast<int64_t>(ApplicationStatus::kSubmitted);
inline constexpr int64_t kApproved = static_cast<int64_t>(ApplicationStatus::kApproved);
inline constexpr int64_t kPaid = static_cast<int64_t>(ApplicationStatus::kPaid);

// The columns of a table in schema order, with a table alias.
#define LISTING_COLS(a)                                                                         \
  a ".id, " a ".tenant_id, " a ".landlord_id, " a ".city, " a ".postcode, " a ".price, " a      \
    ".bedrooms, " a ".title, " a ".description, " a ".status, " a ".created, " a ".updated, " a \
    ".version"
#define APPLICATION_COLS(a)                                                        \
  a ".id, " a ".tenant_id, " a ".listing_id, " a ".applicant_id, " a ".status, " a \
    ".submitted, " a ".updated"
#define SUMMARY_COLS(a) a ".id, " a ".city, " a ".price, " a ".bedrooms, " a ".title, " a ".status"

// ---- R1 ----
inline constexpr const char* kListingDetailSql =
    "SELECT " LISTING_COLS("l") ", ll.id, ll.name, ll.rating "
    "FROM listings l JOIN landlords ll ON ll.id = l.landlord_id "
    "WHERE l.id = ?1 AND l.tenant_id = ?2";
inline constexpr const char* kListingImagesSql =
    "SELECT listing_id, position, url, width, height, bytes FROM listing_images "
    "WHERE listing_id = ?1 ORDER BY position";
// ---- R2 ----
inline constexpr const char* kLandlordSql =
    "SELECT id, tenant_id, name, email, rating, created FROM landlords "
    "WHERE id = ?1 AND tenant_id = ?2";
inline constexpr const char* kPortfolioSql =
    "SELECT " SUMMARY_COLS("l") ", COUNT(a.id) "
    "FROM listings l LEFT JOIN applications a "
    "  ON a.listing_id = l.id AND a.status IN (?3, ?4) "
    "WHERE l.landlord_id = ?1 AND l.tenant_id = ?2 "
    "GROUP BY l.id ORDER BY l.id";
// ---- R3 ----  (image positions are dense from 0: position 0 is the lowest)
inline constexpr const char* kSearchSql =
    "SELECT " SUMMARY_COLS("l") ", i.listing_id, i.position, i.url, i.width, i.height, i.bytes "
    "FROM listings l LEFT JOIN listing_images i ON i.listing_id = l.id AND i.position = 0 "
    "WHERE l.tenant_id = ?1 AND l.city = ?2 AND l.status = ?3 "
    "  AND l.price BETWEEN ?4 AND ?5 AND l.bedrooms >= ?6 "
    "ORDER BY l.price, l.id LIMIT ?7";
// ---- R4 ----
inline constexpr const char* kApplicantSql =
    "SELECT id, tenant_id, name, email, income FROM applicants "
    "WHERE id = ?1 AND tenant_id = ?2";
inline constexpr const char* kApplicantApplicationsSql =
    "SELECT " APPLICATION_COLS("a") ", l.title "
    "FROM applications a JOIN listings l ON l.id = a.listing_id "
    "WHERE a.applicant_id = ?1 AND a.tenant_id = ?2 ORDER BY a.id";
inline constexpr const char* kApplicantPaymentsSql =
    "SELECT p.id, p.tenant_id, p.application_id, p.amount, p.currency, p.gateway, p.status, "
    "  p.created "
    "FROM payments p JOIN applications a ON a.id = p.application_id "
    "WHERE a.applicant_id = ?1 AND a.tenant_id = ?2 AND p.tenant_id = ?2 ORDER BY p.id";
// ---- R5 ----
inline constexpr const char* kListingApplicationsSql =
    "SELECT " APPLICATION_COLS("a") ", ap.id, ap.name, ap.income "
    "FROM applications a JOIN applicants ap ON ap.id = a.applicant_id "
    "WHERE a.listing_id = ?1 AND a.tenant_id = ?2 ORDER BY a.id";
// ---- Writes ----
inline constexpr const char* kListingStateSql =
    "SELECT status, version FROM listings WHERE id = ?1 AND tenant_id = ?2";
inline constexpr const char* kApplicantExistsSql =
    "SELECT 1 FROM applicants WHERE id = ?1 AND tenant_id = ?2";
inline constexpr const char* kLandlordExistsSql =
    "SELECT 1 FROM landlords WHERE id = ?1 AND tenant_id = ?2";
inline constexpr const char* kApplicationStatusSql =
    "SELECT status FROM applications WHERE id = ?1 AND tenant_id = ?2";
inline constexpr const char* kListingIdTakenSql = "SELECT 1 FROM listings WHERE id = ?1";
inline constexpr const char* kApplicationIdTakenSql = "SELECT 1 FROM applications WHERE id = ?1";
inline constexpr const char* kPaymentIdTakenSql = "SELECT 1 FROM payments WHERE id = ?1";
inline constexpr const char* kTenantExistsSql = "SELECT 1 FROM tenants WHERE id = ?1";
inline constexpr const char* kLandlordIdTakenSql = "SELECT 1 FROM landlords WHERE id = ?1";
inline constexpr const char* kSetApplicationStatusSql =
    "UPDATE applications SET status = ?2, updated = ?3 WHERE id = ?1";
inline constexpr const char* kUpdateListingSql =
    "UPDATE listings SET price = COALESCE(?2, price), status = COALESCE(?3, status), "
    "  version = ?4, updated = ?5 WHERE id = ?1";

// ---- Entity scan (EntityAccess::ScanEntities, core/store.h) ----
// Keyset pages in entity-key order (core/entity_scan.h): the rows after
// ?1 (and ?2), at most ?3 (?2 for single-id keys). Each walks its table's
// primary key; payments walk the applications of each applicant and then each
// application's payments (payments_by_application), so a payment whose
// application row is gone (foreign keys forbid it) is not seen.
inline constexpr const char* kScanTenantsSql =
    "SELECT id, name, country, currency, gateway FROM tenants WHERE id > ?1 ORDER BY id LIMIT ?2";
inline constexpr const char* kScanLandlordsSql =
    "SELECT id, tenant_id, name, email, rating, created FROM landlords "
    "WHERE id > ?1 ORDER BY id LIMIT ?2";
inline constexpr const char* kScanListingsSql =
    "SELECT " LISTING_COLS("l") " FROM listings l WHERE l.id > ?1 ORDER BY l.id LIMIT ?2";
inline constexpr const char* kScanImagesSql =
    "SELECT listing_id, position, url, width, height, bytes FROM listing_images "
    "WHERE (listing_id, position) > (?1, ?2) ORDER BY listing_id, position LIMIT ?3";
inline constexpr const char* kScanApplicantsSql =
    "SELECT id, tenant_id, name, email, income FROM applicants WHERE id > ?1 ORDER BY id LIMIT ?2";
inline constexpr const char* kScanApplicationsSql =
    "SELECT " APPLICATION_COLS("a") " FROM applications a WHERE a.id > ?1 ORDER BY a.id LIMIT ?2";
inline constexpr const char* kScanPaymentsSql =
    "SELECT a.applicant_id, p.id, p.tenant_id, p.application_id, p.amount, p.currency, "
    "  p.gateway, p.status, p.created "
    "FROM applications a JOIN payments p ON p.application_id = a.id "
    "WHERE a.applicant_id >= ?1 AND (a.applicant_id > ?1 OR p.id > ?2) "
    "ORDER BY a.applicant_id, p.id LIMIT ?3";

// ---- Migration (Store::GetEntity, Store::PutEntity) ----
// GetEntity: one point select per kind by entity key, of whichever tenant
// owns the row (primary keys; a payment through its application, which must
// be the key's applicant's).
inline constexpr const char* kGetTenantSql =
    "SELECT id, name, country, currency, gateway FROM tenants WHERE id = ?1";
inline constexpr const char* kGetLandlordSql =
    "SELECT id, tenant_id, name, email, rating, created FROM landlords WHERE id = ?1";
inline constexpr const char* kGetListingSql =
    "SELECT " LISTING_COLS("l") " FROM listings l WHERE l.id = ?1";
inline constexpr const char* kGetImageSql =
    "SELECT listing_id, position, url, width, height, bytes FROM listing_images "
    "WHERE listing_id = ?1 AND position = ?2";
inline constexpr const char* kGetApplicantSql =
    "SELECT id, tenant_id, name, email, income FROM applicants WHERE id = ?1";
inline constexpr const char* kGetApplicationSql =
    "SELECT " APPLICATION_COLS("a") " FROM applications a WHERE a.id = ?1";
inline constexpr const char* kGetPaymentSql =
    "SELECT p.id, p.tenant_id, p.application_id, p.amount, p.currency, p.gateway, p.status, "
    "  p.created "
    "FROM payments p JOIN applications a ON a.id = p.application_id "
    "WHERE p.id = ?2 AND a.applicant_id = ?1";
// PutEntity: the held version (listings), the held status and updated time
// (applications, for EntityVersion), existence by key alone (the other kinds), and the
// change of a listing's mutable columns -- what W3 changes; city, title and
// the rest never change, so copies of them elsewhere stay right.
inline constexpr const char* kListingVersionSql = "SELECT version FROM listings WHERE id = ?1";
inline constexpr const char* kApplicationStatusByIdSql =
    "SELECT status, updated FROM applications WHERE id = ?1";
inline constexpr const char* kApplicantIdTakenSql = "SELECT 1 FROM applicants WHERE id = ?1";
inline constexpr const char* kImageExistsSql =
    "SELECT 1 FROM listing_images WHERE listing_id = ?1 AND position = ?2";
inline constexpr const char* kReplaceListingStateSql =
    "UPDATE listings SET price = ?2, status = ?3, updated = ?4, version = ?5 WHERE id = ?1";

// ---- The secondary indexes of the two profiles (SqliteSchema) ----
// The same statements create them on SQLite and on PostgreSQL.
// kLegacy: one narrow index per lookup, as the schema was moved from MySQL.
// R2 (listings of a landlord), R3 (search in id/price order), R5 and R2's
// open-application count (applications of a listing, by status), R4
// (applications and, through them, payments of an applicant). Each but R2's
// count fetches a table row per index entry.
inline constexpr const char* kLegacyIndexesSql = R"sql(
CREATE INDEX listings_by_landlord ON listings(landlord_id);
CREATE INDEX listings_search ON listings(tenant_id, city, status, price, id);
CREATE INDEX applications_by_listing ON applications(listing_id, status);
CREATE INDEX applications_by_applicant ON applications(applicant_id);
CREATE INDEX payments_by_application ON payments(application_id);
)sql";

// kTuned: covering indexes. Each holds its query's equality columns, then
// id (so rows come in the ORDER BY's order without a sort), then every
// column the query selects, so EXPLAIN QUERY PLAN says USING COVERING INDEX
// and no table row is fetched: R3 (search: + bedrooms, title), R2 (a
// landlord's listings; their open applications counted in the R5 index),
// R4 (an applicant's applications; the listing title still comes from its
// row, and payments from theirs), R5 (a listing's applications). Payments
// keep a narrow index: a covering one would copy the whole table.
inline constexpr const char* kTunedIndexesSql = R"sql(
CREATE INDEX listings_by_landlord_cover
  ON listings(landlord_id, tenant_id, id, city, price, bedrooms, title, status);
CREATE INDEX listings_search_cover
  ON listings(tenant_id, city, status, price, id, bedrooms, title);
CREATE INDEX applications_by_listing_cover
  ON applications(listing_id, tenant_id, id, applicant_id, status, submitted, updated);
CREATE INDEX applications_by_applicant_cover
  ON applications(applicant_id, tenant_id, id, listing_id, status, submitted, updated);
CREATE INDEX payments_by_application ON payments(application_id);
)sql";

#undef LISTING_COLS
#undef APPLICATION_COLS
#undef SUMMARY_COLS

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQL_QUERIES_H_
