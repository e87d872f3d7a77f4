#include "engine/rocks/entity_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "engine/rocks/item_access.h"
#include "engine/rocks/items.h"
#include "engine/rocks/key_codec.h"

namespace listbench::rocks {
namespace {

using Kind = ParsedKey::Kind;

// The end of the tenant key space: the successor of the last tenant prefix.
std::string TenantSpaceEnd() {
  return PrefixSuccessor(TenantPrefix(std::numeric_limits<TenantId>::max()));
}

Status UnexpectedKey(std::string_view key) {
  return Status::Corruption("rocksdb: unexpected key " + KeyToString(key));
}

// The primary item of `kind` and its entity key, if `pk` is one.
bool EntityKeyOf(EntityKind kind, const ParsedKey& pk, std::string* key) {
  switch (kind) {
    case EntityKind::kTenant:
      if (pk.kind != Kind::kTenant) return false;
      *key = EntityKey(pk.tenant);
      return true;
    case EntityKind::kLandlord:
      if (pk.kind != Kind::kLandlord) return false;
      break;
    case EntityKind::kListing:
      if (pk.kind != Kind::kListing) return false;
      break;
    case EntityKind::kImage:
      if (pk.kind != Kind::kImage) return false;
      *key = ImageEntityKey(pk.id, pk.position);
      return true;
    case EntityKind::kApplicant:
      if (pk.kind != Kind::kApplicant) return false;
      break;
    case EntityKind::kApplication:
      if (pk.kind != Kind::kApplication) return false;
      break;
    case EntityKind::kPayment:
      if (pk.kind != Kind::kPayment) return false;
      *key = PaymentEntityKey(pk.id, pk.sub);
      return true;
  }
  *key = EntityKey(pk.id);
  return true;
}

// The row of the primary item `value` of `kind` at entity key `key`; false
// if the item does not decode.
bool RowOf(EntityKind kind, std::string key, std::string_view value, EntityRow* row) {
  row->key = std::move(key);
  return DecodeEntity(kind, value, &row->entity);
}

CollectionKind CollectionOf(EntityKind kind) {
  switch (kind) {
    case EntityKind::kLandlord:
      return CollectionKind::kLandlord;
    case EntityKind::kApplicant:
    case EntityKind::kPayment:
      return CollectionKind::kApplicant;
    case EntityKind::kApplication:
      return CollectionKind::kApplication;
    default:
      return CollectionKind::kListing;  // listings, images
  }
}

// The first key of tenant t's range for `kind` past the entity key (a, b),
// or the start of the range if there is no start key.
std::string LowerBound(EntityKind kind, TenantId t, bool has_after, uint64_t a, uint64_t b) {
  if (!has_after) return CollectionsPrefix(t, CollectionOf(kind));
  switch (kind) {
    case EntityKind::kLandlord:
      return PrefixSuccessor(LandlordPrefix(t, a));
    case EntityKind::kListing:
      return PrefixSuccessor(ListingPrefix(t, a));
    case EntityKind::kImage:  // the smallest key after the image's own
      return ImageKey(t, a, static_cast<int32_t>(static_cast<uint32_t>(b))) + '\0';
    case EntityKind::kApplicant:
      return PrefixSuccessor(ApplicantPrefix(t, a));
    case EntityKind::kApplication:
      return PrefixSuccessor(ApplicationPrefix(t, a));
    case EntityKind::kPayment:
      return PaymentKey(t, a, b) + '\0';
    case EntityKind::kTenant:
      break;
  }
  return CollectionsPrefix(t, CollectionOf(kind));
}

// One tenant's cursor, positioned on a primary item of the scanned kind.
struct Head {
  std::unique_ptr<Table::Cursor> cursor;
  std::string key;  // entity key of the current item
};

// Moves `h` to the first primary item of `kind` at or after its position.
// Returns false (OK) at the end of its range.
StatusOr<bool> Settle(EntityKind kind, Head* h) {
  for (; h->cursor->Valid(); h->cursor->Next()) {
    ParsedKey pk;
    if (!ParseKey(h->cursor->key(), &pk)) return UnexpectedKey(h->cursor->key());
    if (EntityKeyOf(kind, pk, &h->key)) return true;
  }
  LB_RETURN_IF_ERROR(h->cursor->status());
  return false;
}

Status ScanTenants(Table& table, bool has_after, uint64_t a, size_t limit,
                   std::vector<EntityRow>* out) {
  uint64_t next = has_after ? a + 1 : 0;
  if (has_after && a == std::numeric_limits<uint64_t>::max()) return Status::OK();
  while (out->size() < limit) {
    std::optional<TenantId> t;
    LB_RETURN_IF_ERROR(NextTenant(table, next, &t));
    if (!t) break;
    next = uint64_t{*t} + 1;
    const std::string key = TenantKey(*t);
    std::string value;
    bool found = false;
    LB_RETURN_IF_ERROR(table.Get(key, &value, &found));
    if (!found) continue;  // the tenant's collections without its item
    EntityRow row;
    if (!RowOf(EntityKind::kTenant, EntityKey(*t), value, &row)) return BadItem(key);
    out->push_back(std::move(row));
  }
  return Status::OK();
}

}  // namespace

Status NextTenant(Table& table, uint64_t from, std::optional<TenantId>* out) {
  out->reset();
  if (from > std::numeric_limits<TenantId>::max()) return Status::OK();
  Status bad;
  LB_RETURN_IF_ERROR(table.Scan(TenantPrefix(static_cast<TenantId>(from)), TenantSpaceEnd(),
                                [&](std::string_view k, std::string_view) {
                                  ParsedKey pk;
                                  if (ParseKey(k, &pk)) {
                                    *out = pk.tenant;
                                  } else {
                                    bad = UnexpectedKey(k);
                                  }
                                  return false;
                                }));
  return bad;
}

Status ScanEntities(Table& table, EntityKind kind, std::string_view after, size_t limit,
                    std::vector<EntityRow>* out) {
  out->clear();
  uint64_t a = 0, b = 0;
  const bool has_after = !after.empty();
  if (has_after && !ParseEntityKey(kind, after, &a, &b)) {
    return Status::InvalidArgument(fmt::format(
        "scan {}: malformed start key {}", EntityKindName(kind), EntityKeyToString(kind, after)));
  }
  if (limit == 0) return Status::OK();
  Status s =
      kind == EntityKind::kTenant ? ScanTenants(table, has_after, a, limit, out) : Status::OK();
  if (kind != EntityKind::kTenant) {
    s = [&]() -> Status {
      // One cursor per tenant that has items, merged by entity key (a
      // binary heap: the smallest key on top).
      std::vector<Head> heads;
      std::optional<TenantId> t;
      for (uint64_t next = 0;; next = uint64_t{*t} + 1) {
        LB_RETURN_IF_ERROR(NextTenant(table, next, &t));
        if (!t) break;
        const std::string upper = PrefixSuccessor(CollectionsPrefix(*t, CollectionOf(kind)));
        StatusOr<std::unique_ptr<Table::Cursor>> c =
            table.NewCursor(LowerBound(kind, *t, has_after, a, b), upper);
        if (!c.ok()) return c.status();
        Head h{std::move(*c), {}};
        StatusOr<bool> on = Settle(kind, &h);
        if (!on.ok()) return on.status();
        if (*on) heads.push_back(std::move(h));
      }
      auto later = [](const Head& x, const Head& y) { return x.key > y.key; };
      std::make_heap(heads.begin(), heads.end(), later);
      while (!heads.empty() && out->size() < limit) {
        std::pop_heap(heads.begin(), heads.end(), later);
        Head& h = heads.back();
        EntityRow row;
        if (!RowOf(kind, h.key, h.cursor->value(), &row)) return BadItem(h.cursor->key());
        out->push_back(std::move(row));
        h.cursor->Next();
        StatusOr<bool> on = Settle(kind, &h);
        if (!on.ok()) return on.status();
        if (*on) {
          std::push_heap(heads.begin(), heads.end(), later);
        } else {
          heads.pop_back();
        }
      }
      return Status::OK();
    }();
  }
  if (!s.ok()) out->clear();
  return s;
}

}  // namespace listbench::rocks
