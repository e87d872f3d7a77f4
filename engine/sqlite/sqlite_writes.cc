// W1-W5 of the SQLite store (engine/sql/normalized_ops.h): each one
// transaction that checks the contract's errors in order before changing
// anything.
#include "core/validate.h"
#include "engine/sql/normalized_ops.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {

Status SqliteStore::SubmitApplication(const Application& a) {
  return InTransaction([&](Statements& s) { return SubmitApplicationTxn(s, a); });
}

Status SqliteStore::RecordPayment(const Payment& p) {
  LB_RETURN_IF_ERROR(ValidateRecordPayment(p));
  return InTransaction([&](Statements& s) { return RecordPaymentTxn(s, p); });
}

StatusOr<uint64_t> SqliteStore::UpdateListing(const ListingUpdate& u) {
  LB_RETURN_IF_ERROR(ValidateUpdateListing(u));
  const uint64_t new_version = u.expected_version + 1;
  Status st = InTransaction([&](Statements& s) { return UpdateListingTxn(s, u, new_version); });
  if (!st.ok()) return st;
  return new_version;
}

Status SqliteStore::AddListing(const Listing& l, std::span<const Image> images) {
  LB_RETURN_IF_ERROR(ValidateAddListing(l, images));
  return InTransaction([&](Statements& s) { return AddListingTxn(s, l, images); });
}

Status SqliteStore::DecideApplication(TenantId tenant, EntityId application, bool approve,
                                      int64_t now) {
  return InTransaction(
      [&](Statements& s) { return DecideApplicationTxn(s, tenant, application, approve, now); });
}

Status SqliteStore::AddTenant(const Tenant& t) {
  LB_RETURN_IF_ERROR(ValidateNewTenant(t));
  return InTransaction([&](Statements& s) { return AddTenantTxn(s, t); });
}

Status SqliteStore::AddLandlord(const Landlord& l) {
  LB_RETURN_IF_ERROR(ValidateNewLandlord(l));
  return InTransaction([&](Statements& s) { return AddLandlordTxn(s, l); });
}

}  // namespace listbench
