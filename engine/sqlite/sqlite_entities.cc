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

#include "engine/sqlite/queries.h"
#include "engine/sqlite/rows.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {
namespace {

// EntityVersion of an application held with `status` and `updated`.
uint64_t HeldApplicationVersion(int64_t status, int64_t updated) {
  Application a;
  a.status = static_cast<ApplicationStatus>(status);
  a.updated = updated;
  return EntityVersion(Entity(a));
}

}  // namespace

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
  return WithConnection([&](Connection& c) -> StatusOr<Entity> {
    Statement& s = c.stmts->get[static_cast<int>(kind)];
    Statement::Scope scope(s);
    s.BindInt(1, Sql(first));
    if (kind == EntityKind::kImage) {
      s.BindInt(2, static_cast<int32_t>(static_cast<uint32_t>(second)));
    } else if (kind == EntityKind::kPayment) {
      s.BindInt(2, Sql(second));
    }
    StatusOr<bool> found = Found(s);
    if (!found.ok()) return found.status();
    if (!*found) return not_found();
    return ReadEntity(kind, s, 0);
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

Status SqliteStore::PutEntityRow(Statements& s, const Tenant& t, bool* applied) {
  StatusOr<bool> held = Exists(s.tenant_exists, t.id);
  if (!held.ok() || *held) return held.status();
  Statement::Scope scope(s.insert_tenant);
  BindTenant(s.insert_tenant, t);
  LB_RETURN_IF_ERROR(s.insert_tenant.Run());
  *applied = true;
  return Status::OK();
}

Status SqliteStore::PutEntityRow(Statements& s, const Landlord& l, bool* applied) {
  StatusOr<bool> held = Exists(s.landlord_id_taken, l.id);
  if (!held.ok() || *held) return held.status();
  StatusOr<bool> tenant = Exists(s.tenant_exists, l.tenant);
  if (!tenant.ok()) return tenant.status();
  if (!*tenant) return Status::NotFound(fmt::format("tenant {}", l.tenant));
  Statement::Scope scope(s.insert_landlord);
  BindLandlord(s.insert_landlord, l);
  LB_RETURN_IF_ERROR(s.insert_landlord.Run());
  *applied = true;
  return Status::OK();
}

Status SqliteStore::PutEntityRow(Statements& s, const Listing& l, bool* applied) {
  {
    Statement::Scope scope(s.listing_version);
    s.listing_version.BindInt(1, Sql(l.id));
    StatusOr<bool> held = Found(s.listing_version);
    if (!held.ok()) return held.status();
    if (*held) {
      if (l.version <= static_cast<uint64_t>(s.listing_version.Int(0))) return Status::OK();
      Statement& up = s.replace_listing_state;
      Statement::Scope up_scope(up);
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
  Statement::Scope scope(s.insert_listing);
  BindListing(s.insert_listing, l);
  LB_RETURN_IF_ERROR(s.insert_listing.Run());
  *applied = true;
  return Status::OK();
}

Status SqliteStore::PutEntityRow(Statements& s, const Image& i, bool* applied) {
  StatusOr<bool> listing = Exists(s.listing_id_taken, i.listing);
  if (!listing.ok()) return listing.status();
  if (!*listing) return Status::NotFound(fmt::format("listing {}", i.listing));
  {
    Statement::Scope scope(s.image_exists);
    s.image_exists.BindInt(1, Sql(i.listing));
    s.image_exists.BindInt(2, i.position);
    StatusOr<bool> held = Found(s.image_exists);
    if (!held.ok() || *held) return held.status();
  }
  Statement::Scope scope(s.insert_image);
  BindImage(s.insert_image, i);
  LB_RETURN_IF_ERROR(s.insert_image.Run());
  *applied = true;
  return Status::OK();
}

Status SqliteStore::PutEntityRow(Statements& s, const Applicant& a, bool* applied) {
  StatusOr<bool> held = Exists(s.applicant_id_taken, a.id);
  if (!held.ok() || *held) return held.status();
  StatusOr<bool> tenant = Exists(s.tenant_exists, a.tenant);
  if (!tenant.ok()) return tenant.status();
  if (!*tenant) return Status::NotFound(fmt::format("tenant {}", a.tenant));
  Statement::Scope scope(s.insert_applicant);
  BindApplicant(s.insert_applicant, a);
  LB_RETURN_IF_ERROR(s.insert_applicant.Run());
  *applied = true;
  return Status::OK();
}

Status SqliteStore::PutEntityRow(Statements& s, const Application& a, bool* applied) {
  {
    Statement::Scope scope(s.application_status_by_id);
    s.application_status_by_id.BindInt(1, Sql(a.id));
    StatusOr<bool> held = Found(s.application_status_by_id);
    if (!held.ok()) return held.status();
    if (*held) {
      if (EntityVersion(Entity(a)) <= HeldApplicationVersion(s.application_status_by_id.Int(0),
                                                             s.application_status_by_id.Int(1))) {
        return Status::OK();
      }
      Statement& up = s.set_application_status;
      Statement::Scope up_scope(up);
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
  Statement::Scope scope(s.insert_application);
  BindApplication(s.insert_application, a);
  LB_RETURN_IF_ERROR(s.insert_application.Run());
  *applied = true;
  return Status::OK();
}

Status SqliteStore::PutEntityRow(Statements& s, const Payment& p, bool* applied) {
  StatusOr<bool> held = Exists(s.payment_id_taken, p.id);
  if (!held.ok() || *held) return held.status();
  StatusOr<bool> application = Exists(s.application_status, p.application, p.tenant);
  if (!application.ok()) return application.status();
  if (!*application) {
    return Status::NotFound(fmt::format("application {} of tenant {}", p.application, p.tenant));
  }
  Statement::Scope scope(s.insert_payment);
  BindPayment(s.insert_payment, p);
  LB_RETURN_IF_ERROR(s.insert_payment.Run());
  *applied = true;
  return Status::OK();
}

}  // namespace listbench
