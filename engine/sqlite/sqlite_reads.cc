// R1-R5 of the SQLite store. A read of several statements runs in one
// read transaction, so its answer is one snapshot; R3 is one statement.
#include <fmt/format.h>

#include "core/validate.h"
#include "engine/sqlite/queries.h"
#include "engine/sqlite/rows.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {
namespace {

ListingSummary ReadSummary(const Statement& s, int c) {
  return {
      static_cast<EntityId>(s.Int(c)),    s.Text(c + 1), s.Int(c + 2),
      static_cast<int32_t>(s.Int(c + 3)), s.Text(c + 4), static_cast<ListingStatus>(s.Int(c + 5))};
}

}  // namespace

StatusOr<ListingDetail> SqliteStore::GetListingDetail(TenantId tenant, EntityId listing) {
  return InReadTransaction([&](Statements& st) -> StatusOr<ListingDetail> {
    ListingDetail d;
    {
      Statement& s = st.listing_detail;
      Statement::Scope scope(s);
      s.BindInt(1, Sql(listing));
      s.BindInt(2, tenant);
      StatusOr<bool> found = Found(s);
      if (!found.ok()) return found.status();
      if (!*found) return Status::NotFound(fmt::format("listing {} of tenant {}", listing, tenant));
      d.listing = ReadListing(s, 0);
      d.landlord = {static_cast<EntityId>(s.Int(13)), s.Text(14), static_cast<int32_t>(s.Int(15))};
    }
    Statement& s = st.listing_images;
    Statement::Scope scope(s);
    s.BindInt(1, Sql(listing));
    LB_RETURN_IF_ERROR(
        ForEachRow(s, [&](const Statement& r) { d.images.push_back(ReadImage(r, 0)); }));
    return d;
  });
}

StatusOr<LandlordPortfolio> SqliteStore::GetLandlordPortfolio(TenantId tenant, EntityId landlord) {
  return InReadTransaction([&](Statements& st) -> StatusOr<LandlordPortfolio> {
    LandlordPortfolio p;
    {
      Statement& s = st.landlord;
      Statement::Scope scope(s);
      s.BindInt(1, Sql(landlord));
      s.BindInt(2, tenant);
      StatusOr<bool> found = Found(s);
      if (!found.ok()) return found.status();
      if (!*found)
        return Status::NotFound(fmt::format("landlord {} of tenant {}", landlord, tenant));
      p.landlord = ReadLandlord(s, 0);
    }
    Statement& s = st.portfolio;
    Statement::Scope scope(s);
    s.BindInt(1, Sql(landlord));
    s.BindInt(2, tenant);
    s.BindInt(3, kSubmitted);
    s.BindInt(4, kApproved);
    LB_RETURN_IF_ERROR(ForEachRow(s, [&](const Statement& r) {
      p.listings.push_back({ReadSummary(r, 0), r.Int(6)});
    }));
    return p;
  });
}

StatusOr<SearchResult> SqliteStore::Search(const SearchQuery& q) {
  LB_RETURN_IF_ERROR(ValidateSearch(q));
  return WithConnection([&](Connection& c) -> StatusOr<SearchResult> {
    SearchResult result;
    Statement& s = c.stmts->search;
    Statement::Scope scope(s);
    s.BindInt(1, q.tenant);
    s.BindText(2, q.city);
    s.BindInt(3, kActive);
    s.BindInt(4, q.min_price);
    s.BindInt(5, q.max_price);
    s.BindInt(6, q.min_bedrooms);
    s.BindInt(7, q.limit);
    LB_RETURN_IF_ERROR(ForEachRow(s, [&](const Statement& r) {
      SearchHit hit{ReadSummary(r, 0), std::nullopt};
      if (!r.IsNull(6)) hit.first_image = ReadImage(r, 6);
      result.hits.push_back(std::move(hit));
    }));
    return result;
  });
}

StatusOr<ApplicantProfile> SqliteStore::GetApplicantProfile(TenantId tenant, EntityId applicant) {
  return InReadTransaction([&](Statements& st) -> StatusOr<ApplicantProfile> {
    ApplicantProfile p;
    {
      Statement& s = st.applicant;
      Statement::Scope scope(s);
      s.BindInt(1, Sql(applicant));
      s.BindInt(2, tenant);
      StatusOr<bool> found = Found(s);
      if (!found.ok()) return found.status();
      if (!*found) {
        return Status::NotFound(fmt::format("applicant {} of tenant {}", applicant, tenant));
      }
      p.applicant = ReadApplicant(s, 0);
    }
    {
      Statement& s = st.applicant_applications;
      Statement::Scope scope(s);
      s.BindInt(1, Sql(applicant));
      s.BindInt(2, tenant);
      LB_RETURN_IF_ERROR(ForEachRow(s, [&](const Statement& r) {
        p.applications.push_back({ReadApplication(r, 0), r.Text(7)});
      }));
    }
    Statement& s = st.applicant_payments;
    Statement::Scope scope(s);
    s.BindInt(1, Sql(applicant));
    s.BindInt(2, tenant);
    LB_RETURN_IF_ERROR(
        ForEachRow(s, [&](const Statement& r) { p.payments.push_back(ReadPayment(r, 0)); }));
    return p;
  });
}

StatusOr<ListingApplications> SqliteStore::GetListingApplications(TenantId tenant,
                                                                  EntityId listing) {
  return InReadTransaction([&](Statements& st) -> StatusOr<ListingApplications> {
    StatusOr<bool> found = Exists(st.listing_state, listing, tenant);
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound(fmt::format("listing {} of tenant {}", listing, tenant));
    ListingApplications result;
    Statement& s = st.listing_applications;
    Statement::Scope scope(s);
    s.BindInt(1, Sql(listing));
    s.BindInt(2, tenant);
    LB_RETURN_IF_ERROR(ForEachRow(s, [&](const Statement& r) {
      result.applications.push_back(
          {ReadApplication(r, 0), {static_cast<EntityId>(r.Int(7)), r.Text(8), r.Int(9)}});
    }));
    return result;
  });
}

}  // namespace listbench
