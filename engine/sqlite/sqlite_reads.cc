// R1-R5 of the SQLite store (engine/sql/normalized_ops.h). A read of
// several statements runs in one read transaction, so its answer is one
// snapshot; R3 is one statement.
#include "core/validate.h"
#include "engine/sql/normalized_ops.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {

StatusOr<ListingDetail> SqliteStore::GetListingDetail(TenantId tenant, EntityId listing) {
  return InReadTransaction([&](Statements& st) { return ListingDetailTxn(st, tenant, listing); });
}

StatusOr<LandlordPortfolio> SqliteStore::GetLandlordPortfolio(TenantId tenant, EntityId landlord) {
  return InReadTransaction(
      [&](Statements& st) { return LandlordPortfolioTxn(st, tenant, landlord); });
}

StatusOr<SearchResult> SqliteStore::Search(const SearchQuery& q) {
  LB_RETURN_IF_ERROR(ValidateSearch(q));
  return WithConnection([&](Connection& c) { return SearchWith(c.stmts->search, q); });
}

StatusOr<ApplicantProfile> SqliteStore::GetApplicantProfile(TenantId tenant, EntityId applicant) {
  return InReadTransaction(
      [&](Statements& st) { return ApplicantProfileTxn(st, tenant, applicant); });
}

StatusOr<ListingApplications> SqliteStore::GetListingApplications(TenantId tenant,
                                                                  EntityId listing) {
  return InReadTransaction(
      [&](Statements& st) { return ListingApplicationsTxn(st, tenant, listing); });
}

}  // namespace listbench
