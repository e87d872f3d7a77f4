// The vocabulary of Store::ScanEntities: the seven entity kinds of the
// normalized model, one scanned row, and the entity key every engine uses to
// order and name an entity, so that two stores' scans merge like two sorted
// lists (migration/verifier.h).
//
// Entity keys are order-preserving byte strings, the same in every engine:
//   tenants, landlords, listings, applicants, applications: the id, u64
//     big-endian;
//   listing_images: listing id u64 big-endian, then position u32 big-endian
//     (positions are >= 0);
//   payments: the applicant's id (through the payment's application), then
//     the payment id, both u64 big-endian -- the place of a payment in its
//     applicant's collection in the single-table design, so that both
//     engines produce this order with index scans (SQLite orders by the
//     applications_by_applicant index; a global payment-id order would cost
//     the single-table design a full scan per page).
//
// Thread safety: plain functions and value types.
#ifndef LISTBENCH_CORE_ENTITY_SCAN_H_
#define LISTBENCH_CORE_ENTITY_SCAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/model.h"

namespace listbench {

enum class EntityKind : uint8_t {
  kTenant = 0,
  kLandlord = 1,
  kListing = 2,
  kImage = 3,
  kApplicant = 4,
  kApplication = 5,
  kPayment = 6,
};
inline constexpr int kNumEntityKinds = 7;

// The legacy table's name: "tenants", "landlords", "listings",
// "listing_images", "applicants", "applications", "payments".
std::string_view EntityKindName(EntityKind k);
std::optional<EntityKind> ParseEntityKind(std::string_view name);

// One entity of any kind, as a value; the alternative's index is its
// EntityKind.
using Entity = std::variant<Tenant, Landlord, Listing, Image, Applicant, Application, Payment>;
inline EntityKind KindOf(const Entity& e) { return static_cast<EntityKind>(e.index()); }
// Canonical(entity) of whichever kind it holds.
std::string CanonicalEntity(const Entity& e);

// The migration's version order (Store::PutEntity): a copy of an entity
// replaces the one a store holds only when its version is greater. Listings:
// their `version` (every W3 bumps it). Applications: how far along their
// life they are -- submitted 0; approved, rejected, withdrawn 1; paid 2 --
// then their `updated` time (a further payment on a paid application moves
// only that): rank << 40 | updated (seconds, clamped to 0..2^40-1). Every
// other kind is immutable once written: 0.
uint64_t EntityVersion(const Entity& e);

// The parents an entity references, which a store must hold before it can
// hold the entity: (kind, entity key) pairs. A payment's parent is its
// application, whose key the payment alone does not give its applicant (so
// payments' keys come from the store; see PaymentEntityKey).
std::vector<std::pair<EntityKind, std::string>> EntityParents(const Entity& e);

// One entity as a scan returns it.
// Its canonical text (CanonicalEntity) is left to whoever needs it: equal
// entities have equal canonical forms, so a diff formats only those that
// differ.
struct EntityRow {
  std::string key;  // entity key (above)
  Entity entity;    // the entity itself (the migration's backfill copies it)
  bool operator==(const EntityRow&) const = default;
};

// Entity keys (above).
std::string EntityKey(uint64_t id);
std::string ImageEntityKey(EntityId listing, int32_t position);
std::string PaymentEntityKey(EntityId applicant, EntityId payment);

// Splits a key of kind `k` into its parts: *first = the id (listing id for
// images, applicant id for payments), *second = 0 (position, payment id).
// Returns false if `key` is not a key of that kind.
bool ParseEntityKey(EntityKind k, std::string_view key, uint64_t* first, uint64_t* second);

// For people: "42", "42/3" (listing 42, position 3; applicant/payment);
// the key in hex if it does not parse.
std::string EntityKeyToString(EntityKind k, std::string_view key);

}  // namespace listbench

#endif  // LISTBENCH_CORE_ENTITY_SCAN_H_
