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

#include <algorithm>
#include <limits>
#include <span>

#include "engine/sql/normalized_ops.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {

StatusOr<Entity> SqliteStore::GetEntity(EntityKind kind, std::string_view key) {
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
  return WithConnection([&](Connection& c) {
    return GetEntityWith(c.stmts->get[static_cast<int>(kind)], kind, first, second, not_found);
  });
}

Status SqliteStore::PutEntity(const Entity& e, bool* applied) {
  return PutOneEntity(*this, e, applied);
}

Status SqliteStore::PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) {
  std::vector<uint8_t> wrote(es.size(), 0);
  Status st = InTransaction([&](Statements& s) -> Status {
    std::fill(wrote.begin(), wrote.end(), 0);  // a retried transaction starts over
    for (size_t i = 0; i < es.size(); ++i) {
      bool w = false;
      LB_RETURN_IF_ERROR(std::visit([&](const auto& v) { return PutEntityRow(s, v, &w); }, es[i]));
      wrote[i] = w ? 1 : 0;
    }
    return Status::OK();
  });
  // Nothing applied unless committed (an IOError's outcome is unknown).
  if (!st.ok()) std::fill(wrote.begin(), wrote.end(), 0);
  *applied = std::move(wrote);
  return st;
}

}  // namespace listbench
