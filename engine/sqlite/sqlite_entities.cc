// The migration's entity access on the SQLite store (Store::GetEntity,
// Store::PutEntity), as the normalized schema holds an entity: one row.
//
// GetEntity is one point select by primary key (queries.h kGet*Sql), of
// whichever tenant owns the row; a payment's key (applicant, payment) must
// name the applicant of the payment's application.
//
// PutEntities is one transaction (InTransaction: BEGIN IMMEDIATE ... COMMIT,
// rolled back and Recover()ed on any failure, as W1-W5) that puts each of
// its entities as below; PutEntity is a batch of one. The row is looked
// up by its key alone (ids are unique per kind across tenants; the tenant
// never changes):
//   absent      -> the parents are checked (NotFound, explicitly, before
//                  any constraint could answer Conflict) and the row is
//                  INSERTed as given;
//   listing     -> when the incoming version is greater, its mutable
//                  columns (price, status, updated, version: what W3
//                  changes) are UPDATEd;
//   application -> when the incoming EntityVersion (status rank, then the
//                  updated time) is greater,
//                  status and updated are UPDATEd (what W2 and W5 change);
//   otherwise   -> nothing is written (immutable kinds, stale copies).
// The normalized store derives nothing at write time: R2's open counts, R3's
// index and the JOINed copies are computed by the reads.
// Parents are looked up in the entity's own tenant where the entity names
// one (a listing's landlord, an application's listing and applicant, a
// payment's application), as the workload's writes do; a landlord row's
// foreign key vouches for its tenant.
#include <fmt/format.h>

#include <span>

#include "engine/sql/normalized_ops.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {

StatusOr<Entity> SqliteStore::GetEntity(EntityKind kind, std::string_view key) {
  return GetNormalizedEntity(kind, key, [&](auto fn) {
    return WithConnection([&](Connection& c) { return fn(*c.stmts); });
  });
}

Status SqliteStore::PutEntity(const Entity& e, bool* applied) {
  return PutOneEntity(*this, e, applied);
}

Status SqliteStore::PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) {
  return PutNormalizedEntities(es, applied, [&](auto body) { return InTransaction(body); });
}

}  // namespace listbench
