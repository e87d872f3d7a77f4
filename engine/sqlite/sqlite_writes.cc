// W1-W5 of the SQLite store: each one transaction that checks the
// contract's errors in order before changing anything.
#include <fmt/format.h>

#include "core/validate.h"
#include "engine/sqlite/queries.h"
#include "engine/sqlite/rows.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {

Status SqliteStore::SubmitApplication(const Application& a) {
  return InTransaction([&](Statements& s) -> Status {
    int64_t listing_status = 0;
    {
      Statement::Scope scope(s.listing_state);
      s.listing_state.BindInt(1, Sql(a.listing));
      s.listing_state.BindInt(2, a.tenant);
      StatusOr<bool> found = Found(s.listing_state);
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
    Statement::Scope scope(s.insert_application);
    BindApplication(s.insert_application, stored);
    return s.insert_application.Run();
  });
}

Status SqliteStore::RecordPayment(const Payment& p) {
  LB_RETURN_IF_ERROR(ValidateRecordPayment(p));
  return InTransaction([&](Statements& s) -> Status {
    int64_t status = 0;
    {
      Statement::Scope scope(s.application_status);
      s.application_status.BindInt(1, Sql(p.application));
      s.application_status.BindInt(2, p.tenant);
      StatusOr<bool> found = Found(s.application_status);
      if (!found.ok()) return found.status();
      if (!*found) {
        return Status::NotFound(
            fmt::format("application {} of tenant {}", p.application, p.tenant));
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
      Statement::Scope scope(s.insert_payment);
      BindPayment(s.insert_payment, p);
      LB_RETURN_IF_ERROR(s.insert_payment.Run());
    }
    Statement::Scope scope(s.set_application_status);
    s.set_application_status.BindInt(1, Sql(p.application));
    s.set_application_status.BindInt(2, kPaid);
    s.set_application_status.BindInt(3, p.created);
    return s.set_application_status.Run();
  });
}

StatusOr<uint64_t> SqliteStore::UpdateListing(const ListingUpdate& u) {
  LB_RETURN_IF_ERROR(ValidateUpdateListing(u));
  const uint64_t new_version = u.expected_version + 1;
  Status st = InTransaction([&](Statements& s) -> Status {
    {
      Statement::Scope scope(s.listing_state);
      s.listing_state.BindInt(1, Sql(u.listing));
      s.listing_state.BindInt(2, u.tenant);
      StatusOr<bool> found = Found(s.listing_state);
      if (!found.ok()) return found.status();
      if (!*found)
        return Status::NotFound(fmt::format("listing {} of tenant {}", u.listing, u.tenant));
      const uint64_t version = static_cast<uint64_t>(s.listing_state.Int(1));
      if (version != u.expected_version) {
        return Status::Conflict(fmt::format("listing {} is at version {}, not {}", u.listing,
                                            version, u.expected_version));
      }
    }
    Statement& up = s.update_listing;
    Statement::Scope scope(up);
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
  });
  if (!st.ok()) return st;
  return new_version;
}

Status SqliteStore::AddListing(const Listing& l, std::span<const Image> images) {
  LB_RETURN_IF_ERROR(ValidateAddListing(l, images));
  return InTransaction([&](Statements& s) -> Status {
    StatusOr<bool> landlord = Exists(s.landlord_exists, l.landlord, l.tenant);
    if (!landlord.ok()) return landlord.status();
    if (!*landlord) {
      return Status::NotFound(fmt::format("landlord {} of tenant {}", l.landlord, l.tenant));
    }
    StatusOr<bool> taken = Exists(s.listing_id_taken, l.id);
    if (!taken.ok()) return taken.status();
    if (*taken) return Status::Conflict(fmt::format("listing {} exists", l.id));
    {
      Statement::Scope scope(s.insert_listing);
      BindListing(s.insert_listing, l);
      LB_RETURN_IF_ERROR(s.insert_listing.Run());
    }
    for (const Image& img : images) {
      Statement::Scope scope(s.insert_image);
      BindImage(s.insert_image, img);
      LB_RETURN_IF_ERROR(s.insert_image.Run());
    }
    return Status::OK();
  });
}

Status SqliteStore::DecideApplication(TenantId tenant, EntityId application, bool approve,
                                      int64_t now) {
  return InTransaction([&](Statements& s) -> Status {
    {
      Statement::Scope scope(s.application_status);
      s.application_status.BindInt(1, Sql(application));
      s.application_status.BindInt(2, tenant);
      StatusOr<bool> found = Found(s.application_status);
      if (!found.ok()) return found.status();
      if (!*found) {
        return Status::NotFound(fmt::format("application {} of tenant {}", application, tenant));
      }
      if (s.application_status.Int(0) != kSubmitted) {
        return Status::Conflict(fmt::format("application {} is not submitted", application));
      }
    }
    Statement::Scope scope(s.set_application_status);
    s.set_application_status.BindInt(1, Sql(application));
    s.set_application_status.BindInt(2,
                                     static_cast<int64_t>(approve ? ApplicationStatus::kApproved
                                                                  : ApplicationStatus::kRejected));
    s.set_application_status.BindInt(3, now);
    return s.set_application_status.Run();
  });
}

Status SqliteStore::AddTenant(const Tenant& t) {
  LB_RETURN_IF_ERROR(ValidateNewTenant(t));
  return InTransaction([&](Statements& s) -> Status {
    StatusOr<bool> taken = Exists(s.tenant_exists, t.id);
    if (!taken.ok()) return taken.status();
    if (*taken) return Status::Conflict(fmt::format("tenant {} exists", t.id));
    Statement::Scope scope(s.insert_tenant);
    BindTenant(s.insert_tenant, t);
    return s.insert_tenant.Run();
  });
}

Status SqliteStore::AddLandlord(const Landlord& l) {
  LB_RETURN_IF_ERROR(ValidateNewLandlord(l));
  return InTransaction([&](Statements& s) -> Status {
    StatusOr<bool> tenant = Exists(s.tenant_exists, l.tenant);
    if (!tenant.ok()) return tenant.status();
    if (!*tenant) return Status::NotFound(fmt::format("tenant {}", l.tenant));
    StatusOr<bool> taken = Exists(s.landlord_id_taken, l.id);
    if (!taken.ok()) return taken.status();
    if (*taken) return Status::Conflict(fmt::format("landlord {} exists", l.id));
    Statement::Scope scope(s.insert_landlord);
    BindLandlord(s.insert_landlord, l);
    return s.insert_landlord.Run();
  });
}

}  // namespace listbench
