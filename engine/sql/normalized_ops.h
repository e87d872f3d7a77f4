// The normalized design's requests as statements over its seven tables,
// shared by the two stores that hold it: SQLite (engine/sqlite/) and
// PostgreSQL (engine/postgres/). Each store supplies a statement type S
// (engine/sqlite/statement.h, engine/postgres/pg_statement.h: Prepare, the
// Bind* setters, Step, Run, Int/Text/IsNull, Reset and a Scope that resets)
// and its own transactions; the functions here are what runs inside them,
// so the two stores answer every request with the same statements, checks
// and errors, in the same order.
//
// The *Txn functions run inside the store's transaction (a read snapshot for
// R1, R2, R4 and R5; a write transaction for W1-W5 and PutEntityRow);
// ForStatements pairs every statement of NormalizedStatements with its SQL
// (engine/sql/queries.h, engine/sql/rows.h).
//
// Thread safety: none of their own: each call uses the statements of one
// connection, which one request holds at a time.
#ifndef LISTBENCH_ENGINE_SQL_NORMALIZED_OPS_H_
#define LISTBENCH_ENGINE_SQL_NORMALIZED_OPS_H_

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/entity_scan.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/validate.h"
#include "engine/sql/queries.h"
#include "engine/sql/rows.h"

namespace listbench {

// Every statement a connection of a normalized store prepares.
template <typename S>
struct NormalizedStatements {
  using Stmt = S;
  S listing_detail, listing_images, landlord, portfolio, search, applicant, applicant_applications,
      applicant_payments, listing_applications;
  S listing_state, applicant_exists, landlord_exists, application_status, listing_id_taken,
      application_id_taken, payment_id_taken, tenant_exists, landlord_id_taken;
  S insert_application, insert_payment, insert_listing, insert_image, set_application_status,
      update_listing, insert_tenant, insert_landlord;
  S scan[kNumEntityKinds];  // ScanEntities, by EntityKind
  S get[kNumEntityKinds];   // GetEntity, by EntityKind
  S listing_version, application_status_by_id, applicant_id_taken, image_exists,
      replace_listing_state, insert_applicant;  // PutEntity
  S begin, begin_read, commit, rollback;        // transaction control: each store's own SQL
};

// Calls fn(S&, const char* sql) for every statement but the transaction
// control, with the SQL it runs; stops at the first failure.
template <typename S, typename Fn>
Status ForStatements(NormalizedStatements<S>& s, Fn fn) {
  const std::pair<S*, const char*> all[] = {
      {&s.listing_detail, kListingDetailSql},
      {&s.listing_images, kListingImagesSql},
      {&s.landlord, kLandlordSql},
      {&s.portfolio, kPortfolioSql},
      {&s.search, kSearchSql},
      {&s.applicant, kApplicantSql},
      {&s.applicant_applications, kApplicantApplicationsSql},
      {&s.applicant_payments, kApplicantPaymentsSql},
      {&s.listing_applications, kListingApplicationsSql},
      {&s.listing_state, kListingStateSql},
      {&s.applicant_exists, kApplicantExistsSql},
      {&s.landlord_exists, kLandlordExistsSql},
      {&s.application_status, kApplicationStatusSql},
      {&s.listing_id_taken, kListingIdTakenSql},
      {&s.application_id_taken, kApplicationIdTakenSql},
      {&s.payment_id_taken, kPaymentIdTakenSql},
      {&s.tenant_exists, kTenantExistsSql},
      {&s.landlord_id_taken, kLandlordIdTakenSql},
      {&s.insert_application, kInsertApplicationSql},
      {&s.insert_payment, kInsertPaymentSql},
      {&s.insert_listing, kInsertListingSql},
      {&s.insert_image, kInsertImageSql},
      {&s.set_application_status, kSetApplicationStatusSql},
      {&s.update_listing, kUpdateListingSql},
      {&s.insert_tenant, kInsertTenantSql},
      {&s.insert_landlord, kInsertLandlordSql},
      {&s.listing_version, kListingVersionSql},
      {&s.application_status_by_id, kApplicationStatusByIdSql},
      {&s.applicant_id_taken, kApplicantIdTakenSql},
      {&s.image_exists, kImageExistsSql},
      {&s.replace_listing_state, kReplaceListingStateSql},
      {&s.insert_applicant, kInsertApplicantSql},
  };
  for (const auto& [stmt, sql] : all) LB_RETURN_IF_ERROR(fn(*stmt, sql));
  const char* const scans[kNumEntityKinds] = {
      kScanTenantsSql,    kScanLandlordsSql,    kScanListingsSql, kScanImagesSql,
      kScanApplicantsSql, kScanApplicationsSql, kScanPaymentsSql};
  for (int k = 0; k < kNumEntityKinds; ++k) LB_RETURN_IF_ERROR(fn(s.scan[k], scans[k]));
  const char* const gets[kNumEntityKinds] = {kGetTenantSql, kGetLandlordSql,  kGetListingSql,
                                             kGetImageSql,  kGetApplicantSql, kGetApplicationSql,
                                             kGetPaymentSql};
  for (int k = 0; k < kNumEntityKinds; ++k) LB_RETURN_IF_ERROR(fn(s.get[k], gets[k]));
  return Status::OK();
}

// Reads every remaining row of `s` with `read`.
template <typename S, typename Fn>
Status ForEachRow(S& s, Fn read) {
  for (;;) {
    StatusOr<bool> row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
    read(s);
  }
}

// Whether a single-row lookup on (id[, tenant]) finds a row.
template <typename S>
StatusOr<bool> Exists(S& s, EntityId id) {
  typename S::Scope scope(s);
  s.BindInt(1, Sql(id));
  return s.Step();
}
template <typename S>
StatusOr<bool> Exists(S& s, EntityId id, TenantId tenant) {
  typename S::Scope scope(s);
  s.BindInt(1, Sql(id));
  s.BindInt(2, tenant);
  return s.Step();
}

template <typename S>
ListingSummary ReadSummary(const S& s, int c) {
  return {
      static_cast<EntityId>(s.Int(c)),    s.Text(c + 1), s.Int(c + 2),
      static_cast<int32_t>(s.Int(c + 3)), s.Text(c + 4), static_cast<ListingStatus>(s.Int(c + 5))};
}

// EntityVersion of an application held with `status` and `updated`.
inline uint64_t HeldApplicationVersion(int64_t status, int64_t updated) {
  Application a;
  a.status = static_cast<ApplicationStatus>(status);
  a.updated = updated;
  return EntityVersion(Entity(a));
}

// R3: one statement, no transaction of its own. REQUIRES: ValidateSearch(q)
// passed.
template <typename S>
StatusOr<SearchResult> SearchWith(S& s, const SearchQuery& q) {
  SearchResult result;
  typename S::Scope scope(s);
  s.BindInt(1, q.tenant);
  s.BindText(2, q.city);
  s.BindInt(3, kActive);
  s.BindInt(4, q.min_price);
  s.BindInt(5, q.max_price);
  s.BindInt(6, q.min_bedrooms);
  s.BindInt(7, q.limit);
  LB_RETURN_IF_ERROR(ForEachRow(s, [&](const S& r) {
    SearchHit hit{ReadSummary(r, 0), std::nullopt};
    if (!r.IsNull(6)) hit.first_image = ReadImage(r, 6);
    result.hits.push_back(std::move(hit));
  }));
  return result;
}

// GetEntity's point select of (first, second) with `s` (NormalizedStatements::get[kind]);
// NotFound from `not_found`.
template <typename S, typename NotFound>
StatusOr<Entity> GetEntityWith(S& s, EntityKind kind, uint64_t first, uint64_t second,
                               NotFound not_found) {
  typename S::Scope scope(s);
  s.BindInt(1, Sql(first));
  if (kind == EntityKind::kImage) {
    s.BindInt(2, static_cast<int32_t>(static_cast<uint32_t>(second)));
  } else if (kind == EntityKind::kPayment) {
    s.BindInt(2, Sql(second));
  }
  StatusOr<bool> found = s.Step();
  if (!found.ok()) return found.status();
  if (!*found) return not_found();
  return ReadEntity(kind, s, 0);
}

// ScanEntities' statement `s` (NormalizedStatements::scan[kind]) from key parts
// (first, second), up to n rows, appended to *out.
template <typename S>
Status ScanRowsWith(S& s, EntityKind kind, int64_t first, int64_t second, int64_t n,
                    std::vector<EntityRow>* out) {
  typename S::Scope scope(s);
  s.BindInt(1, first);
  if (kind == EntityKind::kImage || kind == EntityKind::kPayment) {
    s.BindInt(2, second);
    s.BindInt(3, n);
  } else {
    s.BindInt(2, n);
  }
  Status st = ForEachRow(s, [&](const S& r) {
    // Payment rows start with the applicant's id (the key's first part).
    const bool payment = kind == EntityKind::kPayment;
    EntityRow row;
    row.entity = ReadEntity(kind, r, payment ? 1 : 0);
    switch (kind) {
      case EntityKind::kTenant:
        row.key = EntityKey(std::get<Tenant>(row.entity).id);
        break;
      case EntityKind::kImage: {
        const Image& i = std::get<Image>(row.entity);
        row.key = ImageEntityKey(i.listing, i.position);
        break;
      }
      case EntityKind::kPayment:
        row.key =
            PaymentEntityKey(static_cast<EntityId>(r.Int(0)), std::get<Payment>(row.entity).id);
        break;
      default:  // landlords, listings, applicants, applications: the id
        row.key = EntityKey(static_cast<EntityId>(r.Int(0)));
        break;
    }
    out->push_back(std::move(row));
  });
  if (!st.ok()) out->clear();
  return st;
}

template <typename St>
StatusOr<ListingDetail> ListingDetailTxn(St& st, TenantId tenant, EntityId listing) {
  ListingDetail d;
  {
    typename St::Stmt& s = st.listing_detail;
    typename St::Stmt::Scope scope(s);
    s.BindInt(1, Sql(listing));
    s.BindInt(2, tenant);
    StatusOr<bool> found = s.Step();
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound(fmt::format("listing {} of tenant {}", listing, tenant));
    d.listing = ReadListing(s, 0);
    d.landlord = {static_cast<EntityId>(s.Int(13)), s.Text(14), static_cast<int32_t>(s.Int(15))};
  }
  typename St::Stmt& s = st.listing_images;
  typename St::Stmt::Scope scope(s);
  s.BindInt(1, Sql(listing));
  LB_RETURN_IF_ERROR(ForEachRow(s, [&](const auto& r) { d.images.push_back(ReadImage(r, 0)); }));
  return d;
}

template <typename St>
StatusOr<LandlordPortfolio> LandlordPortfolioTxn(St& st, TenantId tenant, EntityId landlord) {
  LandlordPortfolio p;
  {
    typename St::Stmt& s = st.landlord;
    typename St::Stmt::Scope scope(s);
    s.BindInt(1, Sql(landlord));
    s.BindInt(2, tenant);
    StatusOr<bool> found = s.Step();
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound(fmt::format("landlord {} of tenant {}", landlord, tenant));
    p.landlord = ReadLandlord(s, 0);
  }
  typename St::Stmt& s = st.portfolio;
  typename St::Stmt::Scope scope(s);
  s.BindInt(1, Sql(landlord));
  s.BindInt(2, tenant);
  s.BindInt(3, kSubmitted);
  s.BindInt(4, kApproved);
  LB_RETURN_IF_ERROR(ForEachRow(s, [&](const auto& r) {
    p.listings.push_back({ReadSummary(r, 0), r.Int(6)});
  }));
  return p;
}

template <typename St>
StatusOr<ApplicantProfile> ApplicantProfileTxn(St& st, TenantId tenant, EntityId applicant) {
  ApplicantProfile p;
  {
    typename St::Stmt& s = st.applicant;
    typename St::Stmt::Scope scope(s);
    s.BindInt(1, Sql(applicant));
    s.BindInt(2, tenant);
    StatusOr<bool> found = s.Step();
    if (!found.ok()) return found.status();
    if (!*found) {
      return Status::NotFound(fmt::format("applicant {} of tenant {}", applicant, tenant));
    }
    p.applicant = ReadApplicant(s, 0);
  }
  {
    typename St::Stmt& s = st.applicant_applications;
    typename St::Stmt::Scope scope(s);
    s.BindInt(1, Sql(applicant));
    s.BindInt(2, tenant);
    LB_RETURN_IF_ERROR(ForEachRow(s, [&](const auto& r) {
      p.applications.push_back({ReadApplication(r, 0), r.Text(7)});
    }));
  }
  typename St::Stmt& s = st.applicant_payments;
  typename St::Stmt::Scope scope(s);
  s.BindInt(1, Sql(applicant));
  s.BindInt(2, tenant);
  LB_RETURN_IF_ERROR(
      ForEachRow(s, [&](const auto& r) { p.payments.push_back(ReadPayment(r, 0)); }));
  return p;
}

template <typename St>
StatusOr<ListingApplications> ListingApplicationsTxn(St& st, TenantId tenant, EntityId listing) {
  StatusOr<bool> found = Exists(st.listing_state, listing, tenant);
  if (!found.ok()) return found.status();
  if (!*found) return Status::NotFound(fmt::format("listing {} of tenant {}", listing, tenant));
  ListingApplications result;
  typename St::Stmt& s = st.listing_applications;
  typename St::Stmt::Scope scope(s);
  s.BindInt(1, Sql(listing));
  s.BindInt(2, tenant);
  LB_RETURN_IF_ERROR(ForEachRow(s, [&](const auto& r) {
    result.applications.push_back(
        {ReadApplication(r, 0), {static_cast<EntityId>(r.Int(7)), r.Text(8), r.Int(9)}});
  }));
  return result;
}

template <typename St>
Status SubmitApplicationTxn(St& s, const Application& a) {
  int64_t listing_status = 0;
  {
    typename St::Stmt::Scope scope(s.listing_state);
    s.listing_state.BindInt(1, Sql(a.listing));
    s.listing_state.BindInt(2, a.tenant);
    StatusOr<bool> found = s.listing_state.Step();
    if (!found.ok()) return found.status();
    if (!*found)
      return Status::NotFound(fmt::format("listing {} of tenant {}", a.listing, a.tenant));
    listing_status = s.listing_state.Int(0);
  }
  StatusOr<bool> applicant = Exists(s.applicant_exists, a.applicant, a.tenant);
  if (!applicant.ok()) return applicant.status();
  if (!*applicant) {
    return Status::NotFound(fmt::format("applicant {} of tenant {}", a.applicant, a.tenant));
  }
  if (listing_status != kActive) {
    return Status::Conflict(fmt::format("listing {} is not active", a.listing));
  }
  StatusOr<bool> taken = Exists(s.application_id_taken, a.id);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::Conflict(fmt::format("application {} exists", a.id));
  Application stored = a;
  stored.status = ApplicationStatus::kSubmitted;
  stored.updated = a.submitted;
  typename St::Stmt::Scope scope(s.insert_application);
  BindApplication(s.insert_application, stored);
  return s.insert_application.Run();
}

template <typename St>
Status RecordPaymentTxn(St& s, const Payment& p) {
  int64_t status = 0;
  {
    typename St::Stmt::Scope scope(s.application_status);
    s.application_status.BindInt(1, Sql(p.application));
    s.application_status.BindInt(2, p.tenant);
    StatusOr<bool> found = s.application_status.Step();
    if (!found.ok()) return found.status();
    if (!*found) {
      return Status::NotFound(fmt::format("application {} of tenant {}", p.application, p.tenant));
    }
    status = s.application_status.Int(0);
  }
  if (status != kApproved && status != kPaid) {
    return Status::Conflict(
        fmt::format("application {} is neither approved nor paid", p.application));
  }
  StatusOr<bool> taken = Exists(s.payment_id_taken, p.id);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::Conflict(fmt::format("payment {} exists", p.id));
  {
    typename St::Stmt::Scope scope(s.insert_payment);
    BindPayment(s.insert_payment, p);
    LB_RETURN_IF_ERROR(s.insert_payment.Run());
  }
  typename St::Stmt::Scope scope(s.set_application_status);
  s.set_application_status.BindInt(1, Sql(p.application));
  s.set_application_status.BindInt(2, kPaid);
  s.set_application_status.BindInt(3, p.created);
  return s.set_application_status.Run();
}

template <typename St>
Status UpdateListingTxn(St& s, const ListingUpdate& u, uint64_t new_version) {
  {
    typename St::Stmt::Scope scope(s.listing_state);
    s.listing_state.BindInt(1, Sql(u.listing));
    s.listing_state.BindInt(2, u.tenant);
    StatusOr<bool> found = s.listing_state.Step();
    if (!found.ok()) return found.status();
    if (!*found)
      return Status::NotFound(fmt::format("listing {} of tenant {}", u.listing, u.tenant));
    const uint64_t version = static_cast<uint64_t>(s.listing_state.Int(1));
    if (version != u.expected_version) {
      return Status::Conflict(fmt::format("listing {} is at version {}, not {}", u.listing, version,
                                          u.expected_version));
    }
  }
  typename St::Stmt& up = s.update_listing;
  typename St::Stmt::Scope scope(up);
  up.BindInt(1, Sql(u.listing));
  if (u.price.has_value())
    up.BindInt(2, *u.price);
  else
    up.BindNull(2);
  if (u.status.has_value())
    up.BindInt(3, static_cast<int64_t>(*u.status));
  else
    up.BindNull(3);
  up.BindInt(4, Sql(new_version));
  up.BindInt(5, u.now);
  return up.Run();
}

template <typename St>
Status AddListingTxn(St& s, const Listing& l, std::span<const Image> images) {
  StatusOr<bool> landlord = Exists(s.landlord_exists, l.landlord, l.tenant);
  if (!landlord.ok()) return landlord.status();
  if (!*landlord) {
    return Status::NotFound(fmt::format("landlord {} of tenant {}", l.landlord, l.tenant));
  }
  StatusOr<bool> taken = Exists(s.listing_id_taken, l.id);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::Conflict(fmt::format("listing {} exists", l.id));
  {
    typename St::Stmt::Scope scope(s.insert_listing);
    BindListing(s.insert_listing, l);
    LB_RETURN_IF_ERROR(s.insert_listing.Run());
  }
  for (const Image& img : images) {
    typename St::Stmt::Scope scope(s.insert_image);
    BindImage(s.insert_image, img);
    LB_RETURN_IF_ERROR(s.insert_image.Run());
  }
  return Status::OK();
}

template <typename St>
Status DecideApplicationTxn(St& s, TenantId tenant, EntityId application, bool approve,
                            int64_t now) {
  {
    typename St::Stmt::Scope scope(s.application_status);
    s.application_status.BindInt(1, Sql(application));
    s.application_status.BindInt(2, tenant);
    StatusOr<bool> found = s.application_status.Step();
    if (!found.ok()) return found.status();
    if (!*found) {
      return Status::NotFound(fmt::format("application {} of tenant {}", application, tenant));
    }
    if (s.application_status.Int(0) != kSubmitted) {
      return Status::Conflict(fmt::format("application {} is not submitted", application));
    }
  }
  typename St::Stmt::Scope scope(s.set_application_status);
  s.set_application_status.BindInt(1, Sql(application));
  s.set_application_status.BindInt(2, static_cast<int64_t>(approve ? ApplicationStatus::kApproved
                                                                   : ApplicationStatus::kRejected));
  s.set_application_status.BindInt(3, now);
  return s.set_application_status.Run();
}

template <typename St>
Status AddTenantTxn(St& s, const Tenant& t) {
  StatusOr<bool> taken = Exists(s.tenant_exists, t.id);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::Conflict(fmt::format("tenant {} exists", t.id));
  typename St::Stmt::Scope scope(s.insert_tenant);
  BindTenant(s.insert_tenant, t);
  return s.insert_tenant.Run();
}

template <typename St>
Status AddLandlordTxn(St& s, const Landlord& l) {
  StatusOr<bool> tenant = Exists(s.tenant_exists, l.tenant);
  if (!tenant.ok()) return tenant.status();
  if (!*tenant) return Status::NotFound(fmt::format("tenant {}", l.tenant));
  StatusOr<bool> taken = Exists(s.landlord_id_taken, l.id);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::Conflict(fmt::format("landlord {} exists", l.id));
  typename St::Stmt::Scope scope(s.insert_landlord);
  BindLandlord(s.insert_landlord, l);
  return s.insert_landlord.Run();
}

template <typename St>
Status PutEntityRow(St& s, const Tenant& t, bool* applied) {
  StatusOr<bool> held = Exists(s.tenant_exists, t.id);
  if (!held.ok() || *held) return held.status();
  typename St::Stmt::Scope scope(s.insert_tenant);
  BindTenant(s.insert_tenant, t);
  LB_RETURN_IF_ERROR(s.insert_tenant.Run());
  *applied = true;
  return Status::OK();
}

template <typename St>
Status PutEntityRow(St& s, const Landlord& l, bool* applied) {
  StatusOr<bool> held = Exists(s.landlord_id_taken, l.id);
  if (!held.ok() || *held) return held.status();
  StatusOr<bool> tenant = Exists(s.tenant_exists, l.tenant);
  if (!tenant.ok()) return tenant.status();
  if (!*tenant) return Status::NotFound(fmt::format("tenant {}", l.tenant));
  typename St::Stmt::Scope scope(s.insert_landlord);
  BindLandlord(s.insert_landlord, l);
  LB_RETURN_IF_ERROR(s.insert_landlord.Run());
  *applied = true;
  return Status::OK();
}

template <typename St>
Status PutEntityRow(St& s, const Listing& l, bool* applied) {
  {
    typename St::Stmt::Scope scope(s.listing_version);
    s.listing_version.BindInt(1, Sql(l.id));
    StatusOr<bool> held = s.listing_version.Step();
    if (!held.ok()) return held.status();
    if (*held) {
      if (l.version <= static_cast<uint64_t>(s.listing_version.Int(0))) return Status::OK();
      typename St::Stmt& up = s.replace_listing_state;
      typename St::Stmt::Scope up_scope(up);
      up.BindInt(1, Sql(l.id));
      up.BindInt(2, l.price);
      up.BindInt(3, static_cast<int64_t>(l.status));
      up.BindInt(4, l.updated);
      up.BindInt(5, Sql(l.version));
      LB_RETURN_IF_ERROR(up.Run());
      *applied = true;
      return Status::OK();
    }
  }
  StatusOr<bool> landlord = Exists(s.landlord_exists, l.landlord, l.tenant);
  if (!landlord.ok()) return landlord.status();
  if (!*landlord) {
    return Status::NotFound(fmt::format("landlord {} of tenant {}", l.landlord, l.tenant));
  }
  typename St::Stmt::Scope scope(s.insert_listing);
  BindListing(s.insert_listing, l);
  LB_RETURN_IF_ERROR(s.insert_listing.Run());
  *applied = true;
  return Status::OK();
}

template <typename St>
Status PutEntityRow(St& s, const Image& i, bool* applied) {
  StatusOr<bool> listing = Exists(s.listing_id_taken, i.listing);
  if (!listing.ok()) return listing.status();
  if (!*listing) return Status::NotFound(fmt::format("listing {}", i.listing));
  {
    typename St::Stmt::Scope scope(s.image_exists);
    s.image_exists.BindInt(1, Sql(i.listing));
    s.image_exists.BindInt(2, i.position);
    StatusOr<bool> held = s.image_exists.Step();
    if (!held.ok() || *held) return held.status();
  }
  typename St::Stmt::Scope scope(s.insert_image);
  BindImage(s.insert_image, i);
  LB_RETURN_IF_ERROR(s.insert_image.Run());
  *applied = true;
  return Status::OK();
}

template <typename St>
Status PutEntityRow(St& s, const Applicant& a, bool* applied) {
  StatusOr<bool> held = Exists(s.applicant_id_taken, a.id);
  if (!held.ok() || *held) return held.status();
  StatusOr<bool> tenant = Exists(s.tenant_exists, a.tenant);
  if (!tenant.ok()) return tenant.status();
  if (!*tenant) return Status::NotFound(fmt::format("tenant {}", a.tenant));
  typename St::Stmt::Scope scope(s.insert_applicant);
  BindApplicant(s.insert_applicant, a);
  LB_RETURN_IF_ERROR(s.insert_applicant.Run());
  *applied = true;
  return Status::OK();
}

template <typename St>
Status PutEntityRow(St& s, const Application& a, bool* applied) {
  {
    typename St::Stmt::Scope scope(s.application_status_by_id);
    s.application_status_by_id.BindInt(1, Sql(a.id));
    StatusOr<bool> held = s.application_status_by_id.Step();
    if (!held.ok()) return held.status();
    if (*held) {
      if (EntityVersion(Entity(a)) <= HeldApplicationVersion(s.application_status_by_id.Int(0),
                                                             s.application_status_by_id.Int(1))) {
        return Status::OK();
      }
      typename St::Stmt& up = s.set_application_status;
      typename St::Stmt::Scope up_scope(up);
      up.BindInt(1, Sql(a.id));
      up.BindInt(2, static_cast<int64_t>(a.status));
      up.BindInt(3, a.updated);
      LB_RETURN_IF_ERROR(up.Run());
      *applied = true;
      return Status::OK();
    }
  }
  StatusOr<bool> listing = Exists(s.listing_state, a.listing, a.tenant);
  if (!listing.ok()) return listing.status();
  if (!*listing)
    return Status::NotFound(fmt::format("listing {} of tenant {}", a.listing, a.tenant));
  StatusOr<bool> applicant = Exists(s.applicant_exists, a.applicant, a.tenant);
  if (!applicant.ok()) return applicant.status();
  if (!*applicant) {
    return Status::NotFound(fmt::format("applicant {} of tenant {}", a.applicant, a.tenant));
  }
  typename St::Stmt::Scope scope(s.insert_application);
  BindApplication(s.insert_application, a);
  LB_RETURN_IF_ERROR(s.insert_application.Run());
  *applied = true;
  return Status::OK();
}

template <typename St>
Status PutEntityRow(St& s, const Payment& p, bool* applied) {
  StatusOr<bool> held = Exists(s.payment_id_taken, p.id);
  if (!held.ok() || *held) return held.status();
  StatusOr<bool> application = Exists(s.application_status, p.application, p.tenant);
  if (!application.ok()) return application.status();
  if (!*application) {
    return Status::NotFound(fmt::format("application {} of tenant {}", p.application, p.tenant));
  }
  typename St::Stmt::Scope scope(s.insert_payment);
  BindPayment(s.insert_payment, p);
  LB_RETURN_IF_ERROR(s.insert_payment.Run());
  *applied = true;
  return Status::OK();
}

// ---- Entity access (Store::GetEntity, ScanEntities, PutEntities) ----
// `with(fn)` runs fn(NormalizedStatements<S>&) on one connection of the
// store and returns what fn returns; `in_transaction(body)` runs
// body(NormalizedStatements<S>&) in the store's write transaction.

// GetEntity: one point select by the entity key, of whichever tenant owns
// the row (a payment's key must name its application's applicant).
template <typename With>
StatusOr<Entity> GetNormalizedEntity(EntityKind kind, std::string_view key, With with) {
  uint64_t first = 0, second = 0;
  if (!ParseEntityKey(kind, key, &first, &second)) {
    return Status::InvalidArgument(fmt::format("get {}: malformed key {}", EntityKindName(kind),
                                               EntityKeyToString(kind, key)));
  }
  auto not_found = [&] {
    return Status::NotFound(
        fmt::format("{} {}", EntityKindName(kind), EntityKeyToString(kind, key)));
  };
  // Tenant ids are 32-bit: a larger key names no tenant.
  if (kind == EntityKind::kTenant && first > std::numeric_limits<TenantId>::max()) {
    return not_found();
  }
  return with([&](auto& st) -> StatusOr<Entity> {
    return GetEntityWith(st.get[static_cast<int>(kind)], kind, first, second, not_found);
  });
}

// ScanEntities: a keyset page of at most `limit` rows after `after`.
template <typename With>
Status ScanNormalizedEntities(EntityKind kind, std::string_view after, size_t limit,
                              std::vector<EntityRow>* out, With with) {
  out->clear();
  // The first key part as a signed 64-bit integer, and the second; a start
  // before every row for "".
  int64_t first = std::numeric_limits<int64_t>::min(), second = -1;
  if (!after.empty()) {
    uint64_t a = 0, b = 0;
    if (!ParseEntityKey(kind, after, &a, &b)) {
      return Status::InvalidArgument(fmt::format(
          "scan {}: malformed start key {}", EntityKindName(kind), EntityKeyToString(kind, after)));
    }
    // Ids are stored as signed integers: nothing sorts after a larger one.
    if (a > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Status::OK();
    first = Sql(a);
    second = kind == EntityKind::kImage ? static_cast<int32_t>(static_cast<uint32_t>(b)) : Sql(b);
  }
  if (limit == 0) return Status::OK();
  const int64_t n =
      static_cast<int64_t>(std::min<size_t>(limit, std::numeric_limits<int64_t>::max()));
  return with([&](auto& st) -> Status {
    return ScanRowsWith(st.scan[static_cast<int>(kind)], kind, first, second, n, out);
  });
}

// PutEntities: one write transaction putting each entity (PutEntityRow);
// (*applied)[i] says whether entity i was written. Nothing is applied
// unless the transaction committed (an IOError's outcome is unknown).
template <typename InTransaction>
Status PutNormalizedEntities(std::span<const Entity> es, std::vector<uint8_t>* applied,
                             InTransaction in_transaction) {
  std::vector<uint8_t> wrote(es.size(), 0);
  Status st = in_transaction([&](auto& s) -> Status {
    std::fill(wrote.begin(), wrote.end(), 0);  // a retried transaction starts over
    for (size_t i = 0; i < es.size(); ++i) {
      bool w = false;
      LB_RETURN_IF_ERROR(std::visit([&](const auto& v) { return PutEntityRow(s, v, &w); }, es[i]));
      wrote[i] = w ? 1 : 0;
    }
    return Status::OK();
  });
  if (!st.ok()) std::fill(wrote.begin(), wrote.end(), 0);
  *applied = std::move(wrote);
  return st;
}

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQL_NORMALIZED_OPS_H_
