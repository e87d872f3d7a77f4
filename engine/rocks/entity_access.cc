// What PutEntity writes, per kind (README.md "Entity get and put"): absent
// entities get the items the bulk loader / W1-W5 give a new one (item_batch.h);
// held listings and applications with a smaller version are changed as W3 /
// W2-W5 change them (item_updates.h); everything else is left alone.
#include "engine/rocks/entity_access.h"

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include <limits>
#include <optional>
#include <string>

#include "engine/rocks/entity_scan.h"
#include "engine/rocks/item_access.h"
#include "engine/rocks/item_batch.h"
#include "engine/rocks/item_updates.h"
#include "engine/rocks/items.h"

namespace listbench::rocks {
namespace {

// Sets *owner to the tenant the uniqueness marker of (kind, id) names;
// nullopt when there is no marker (no such entity).
Status MarkerTenant(Table& table, MarkerKind kind, EntityId id, std::optional<TenantId>* owner) {
  owner->reset();
  const std::string key = MarkerKey(kind, id);
  std::string value;
  bool found = false;
  LB_RETURN_IF_ERROR(table.Get(key, &value, &found));
  if (!found) return Status::OK();
  TenantId t = 0;
  if (!DecodeMarker(value, &t)) return BadItem(key);
  *owner = t;
  return Status::OK();
}

Status OrphanMarker(MarkerKind kind, EntityId id) {
  return Status::Corruption(
      fmt::format("uniqueness marker {}#{} without its item", static_cast<char>(kind), id));
}

// The marker that names the owning tenant of an entity of `kind` other
// than tenants and applicants: its own, or (images) its listing's.
MarkerKind OwnerMarker(EntityKind kind) {
  switch (kind) {
    case EntityKind::kLandlord:
      return MarkerKind::kLandlord;
    case EntityKind::kApplication:
      return MarkerKind::kApplication;
    case EntityKind::kPayment:
      return MarkerKind::kPayment;
    default:
      return MarkerKind::kListing;  // listings, images
  }
}

// The primary item key of the entity (kind, a, b) in tenant t.
std::string ItemKey(EntityKind kind, TenantId t, uint64_t a, uint64_t b) {
  switch (kind) {
    case EntityKind::kTenant:
      return TenantKey(t);
    case EntityKind::kLandlord:
      return LandlordKey(t, a);
    case EntityKind::kListing:
      return ListingKey(t, a);
    case EntityKind::kImage:
      return ImageKey(t, a, static_cast<int32_t>(static_cast<uint32_t>(b)));
    case EntityKind::kApplication:
      return ApplicationKey(t, a);
    case EntityKind::kPayment:
      return PaymentKey(t, a, b);
    case EntityKind::kApplicant:
      break;
  }
  return ApplicantKey(t, a);
}

// Applicants have no marker: hop from tenant to tenant (NextTenant) and look
// in each one's collections. *value is the item when *found.
Status FindApplicant(Table& table, EntityId id, std::string* key, std::string* value, bool* found) {
  *found = false;
  std::optional<TenantId> t;
  for (uint64_t next = 0;; next = uint64_t{*t} + 1) {
    LB_RETURN_IF_ERROR(NextTenant(table, next, &t));
    if (!t) return Status::OK();
    *key = ApplicantKey(*t, id);
    LB_RETURN_IF_ERROR(table.Get(*key, value, found));
    if (*found) return Status::OK();
  }
}

// NotFound unless tenant t's item exists.
Status RequireTenant(Table& table, TenantId t) {
  Tenant tenant;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(table, TenantKey(t), &tenant, &found));
  if (!found) return Status::NotFound(fmt::format("tenant {}", t));
  return Status::OK();
}

// ---- PutEntity, per kind: appends to `b` what to write (nothing when the
// store already holds the entity at the same or a greater version). Only
// listings use `schema` (the listing schema, for META's encoding).

Status PutEntityItems(Table& table, const Tenant& t, int /*schema*/, rocksdb::WriteBatch* b) {
  Tenant held;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(table, TenantKey(t.id), &held, &found));
  if (found) return Status::OK();
  return PutItem(b, TenantKey(t.id), t);
}

Status PutEntityItems(Table& table, const Landlord& l, int /*schema*/, rocksdb::WriteBatch* b) {
  std::optional<TenantId> owner;
  LB_RETURN_IF_ERROR(MarkerTenant(table, MarkerKind::kLandlord, l.id, &owner));
  if (owner) return Status::OK();
  LB_RETURN_IF_ERROR(RequireTenant(table, l.tenant));
  return PutLandlordItems(b, l);
}

// New: as W4 (without images: they come as entities of their own) and the
// loader -- META, OWNER, the search entry if active (no IMG#0 can exist
// yet: images need their listing), the marker, and the LST# copy with open
// count 0 (no application can exist yet either). Held: W3's rewrite with
// the incoming mutable fields.
Status PutEntityItems(Table& table, const Listing& l, int schema, rocksdb::WriteBatch* b) {
  std::optional<TenantId> owner;
  LB_RETURN_IF_ERROR(MarkerTenant(table, MarkerKind::kListing, l.id, &owner));
  bool found = false;
  if (owner) {
    ListingItem stored;
    const std::string key = ListingKey(*owner, l.id);
    LB_RETURN_IF_ERROR(GetItem(table, key, &stored, &found));
    if (!found) return OrphanMarker(MarkerKind::kListing, l.id);
    if (l.version <= stored.listing.version) return Status::OK();
    Listing next = stored.listing;
    next.price = l.price;
    next.status = l.status;
    next.updated = l.updated;
    next.version = l.version;
    return RewriteListing(table, stored, next, schema, b);
  }
  // The landlord in the listing's tenant; a landlord is only ever written
  // after its tenant, so this also vouches for the tenant.
  Landlord landlord;
  LB_RETURN_IF_ERROR(GetItem(table, LandlordKey(l.tenant, l.landlord), &landlord, &found));
  if (!found) {
    return Status::NotFound(fmt::format("landlord {} of tenant {}", l.landlord, l.tenant));
  }
  LB_RETURN_IF_ERROR(
      PutListingItems(b, l, {}, SummaryOf(landlord), EnergyRatingToWrite(l.id, 0, schema)));
  return PutPortfolioItem(b, l.tenant, l.landlord, {SummaryOf(l), 0});
}

// IMG#; at position 0 of an active listing also its search entry, now with
// this first image (the entry's key, at the listing's price, is unchanged).
Status PutEntityItems(Table& table, const Image& i, int /*schema*/, rocksdb::WriteBatch* b) {
  std::optional<TenantId> owner;
  LB_RETURN_IF_ERROR(MarkerTenant(table, MarkerKind::kListing, i.listing, &owner));
  if (!owner) return Status::NotFound(fmt::format("listing {}", i.listing));
  const std::string key = ImageKey(*owner, i.listing, i.position);
  Image held;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(table, key, &held, &found));
  if (found) return Status::OK();
  LB_RETURN_IF_ERROR(PutItem(b, key, i));
  if (i.position != 0) return Status::OK();
  Listing listing;
  const std::string meta = ListingKey(*owner, i.listing);
  LB_RETURN_IF_ERROR(GetItem(table, meta, &listing, &found));
  if (!found) return OrphanMarker(MarkerKind::kListing, i.listing);
  if (listing.status != ListingStatus::kActive) return Status::OK();
  return PutSearchItem(b, listing, i);
}

Status PutEntityItems(Table& table, const Applicant& a, int /*schema*/, rocksdb::WriteBatch* b) {
  Applicant held;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(table, ApplicantKey(a.tenant, a.id), &held, &found));
  if (found) return Status::OK();
  LB_RETURN_IF_ERROR(RequireTenant(table, a.tenant));
  return PutApplicantItems(b, a);
}

// New: as W1 and the loader -- the primary item, both APP# copies (with the
// listing's title and the applicant's summary), the marker, and +1 on the
// listing's open count if the application is open. Held: as W2/W5 move it.
Status PutEntityItems(Table& table, const Application& a, int /*schema*/, rocksdb::WriteBatch* b) {
  std::optional<TenantId> owner;
  LB_RETURN_IF_ERROR(MarkerTenant(table, MarkerKind::kApplication, a.id, &owner));
  bool found = false;
  if (owner) {
    Application stored;
    LB_RETURN_IF_ERROR(GetItem(table, ApplicationKey(*owner, a.id), &stored, &found));
    if (!found) return OrphanMarker(MarkerKind::kApplication, a.id);
    if (EntityVersion(a) <= EntityVersion(stored)) return Status::OK();
    return ChangeApplication(table, stored, a.status, a.updated, b);
  }
  Listing listing;
  LB_RETURN_IF_ERROR(GetItem(table, ListingKey(a.tenant, a.listing), &listing, &found));
  if (!found) return Status::NotFound(fmt::format("listing {} of tenant {}", a.listing, a.tenant));
  Applicant applicant;
  LB_RETURN_IF_ERROR(GetItem(table, ApplicantKey(a.tenant, a.applicant), &applicant, &found));
  if (!found) {
    return Status::NotFound(fmt::format("applicant {} of tenant {}", a.applicant, a.tenant));
  }
  LB_RETURN_IF_ERROR(PutApplicationItems(b, a, listing.title, SummaryOf(applicant), true));
  if (!IsOpen(a.status)) return Status::OK();
  const std::string lst_key = PortfolioKey(a.tenant, listing.landlord, listing.id);
  PortfolioEntry entry;
  LB_RETURN_IF_ERROR(GetItem(table, lst_key, &entry, &found));
  if (!found) return MissingItem(lst_key);
  ++entry.open_applications;
  return PutItem(b, lst_key, entry);
}

// PAY# in the collection of the application's applicant, and the marker.
// The application's own status is its own entity's (paid arrives with it).
Status PutEntityItems(Table& table, const Payment& p, int /*schema*/, rocksdb::WriteBatch* b) {
  std::optional<TenantId> owner;
  LB_RETURN_IF_ERROR(MarkerTenant(table, MarkerKind::kPayment, p.id, &owner));
  if (owner) return Status::OK();
  Application app;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(table, ApplicationKey(p.tenant, p.application), &app, &found));
  if (!found) {
    return Status::NotFound(fmt::format("application {} of tenant {}", p.application, p.tenant));
  }
  return PutPaymentItems(b, p, app.applicant);
}

}  // namespace

StatusOr<Entity> GetEntity(Table& table, EntityKind kind, std::string_view key) {
  uint64_t a = 0, b = 0;
  if (!ParseEntityKey(kind, key, &a, &b)) {
    return Status::InvalidArgument(fmt::format("get {}: malformed key {}", EntityKindName(kind),
                                               EntityKeyToString(kind, key)));
  }
  std::string item_key, value;
  bool found = false;
  if (kind == EntityKind::kApplicant) {
    LB_RETURN_IF_ERROR(FindApplicant(table, a, &item_key, &value, &found));
  } else {
    std::optional<TenantId> t;
    if (kind != EntityKind::kTenant) {
      // A payment's marker is the payment's (b); its key's applicant (a)
      // must then be the one whose collection holds it.
      const EntityId marked = kind == EntityKind::kPayment ? b : a;
      LB_RETURN_IF_ERROR(MarkerTenant(table, OwnerMarker(kind), marked, &t));
    } else if (a <= std::numeric_limits<TenantId>::max()) {
      t = static_cast<TenantId>(a);
    }
    if (t) {
      item_key = ItemKey(kind, *t, a, b);
      LB_RETURN_IF_ERROR(table.Get(item_key, &value, &found));
      const bool own_marker = kind == EntityKind::kLandlord || kind == EntityKind::kListing ||
                              kind == EntityKind::kApplication;
      if (!found && own_marker) return OrphanMarker(OwnerMarker(kind), a);
    }
  }
  if (!found) {
    return Status::NotFound(
        fmt::format("{} {}", EntityKindName(kind), EntityKeyToString(kind, key)));
  }
  Entity e;
  if (!DecodeEntity(kind, value, &e)) return BadItem(item_key);
  return e;
}

Status PutEntities(Table& table, std::span<const Entity> es, int listing_schema,
                   std::vector<uint8_t>* applied) {
  applied->assign(es.size(), 0);
  std::vector<uint8_t> staged(es.size(), 0);
  bool any = false;
  for (size_t i = 0; i < es.size(); ++i) {
    rocksdb::WriteBatch batch;
    LB_RETURN_IF_ERROR(std::visit(
        [&](const auto& v) { return PutEntityItems(table, v, listing_schema, &batch); }, es[i]));
    if (batch.Count() == 0) continue;  // held at the same or a greater version
    LB_RETURN_IF_ERROR(table.Stage(&batch));
    staged[i] = 1;
    any = true;
  }
  if (!any) return Status::OK();
  rocksdb::WriteBatch commit;  // empty: commits what was staged
  LB_RETURN_IF_ERROR(table.Write(&commit));
  *applied = std::move(staged);
  return Status::OK();
}

}  // namespace listbench::rocks
