// ListingSchemaHooks: the engine-internal side door through which the lazy
// listing schema change (engine/rocks/rocks_schema_change.cc, method
// kRocksLazy of engine/schema_change.h) switches a RocksDB store to listing
// schema 2 and reads the new field back. Implemented by the store of
// rocks_store.h; reached with dynamic_cast from a Store. Not part of Store:
// R1's canonical result does not carry the field.
//
// Thread safety: UpgradeListingSchema() and listing_schema() may be called
// from any thread while another thread runs the store's requests (RocksDB's
// DB is thread-safe; the version is one std::atomic that the write and read
// paths load). Everything else is as Store: not concurrently with requests.
#ifndef LISTBENCH_ENGINE_ROCKS_LISTING_SCHEMA_H_
#define LISTBENCH_ENGINE_ROCKS_LISTING_SCHEMA_H_

#include <functional>
#include <optional>

#include "core/model.h"
#include "core/status.h"
#include "engine/rocks/items.h"

namespace listbench::rocks {

class ListingSchemaHooks {
 public:
  virtual ~ListingSchemaHooks() = default;

  // The listing schema writes use now: 1, or 2 once upgraded (also after
  // reopening a store that was upgraded).
  virtual int listing_schema() const = 0;

  // Persists listing schema 2 (one put of kListingSchemaKey, synced as the
  // store's writes are) and then switches the store's write and read paths
  // over. Writes no listing item. Outside any request: counts no work.
  virtual Status UpgradeListingSchema() = 0;

  // The energy_rating of `listing` as a reader sees it: the stored value of
  // a v2 item; for a v1 item EnergyRatingFor(listing) once the store is at
  // schema 2, and nullopt (the field does not exist yet) before.
  // NotFound: the listing (in `tenant`).
  virtual StatusOr<std::optional<char>> ReadEnergyRating(TenantId tenant, EntityId listing) = 0;

  // Calls fn(tenant, item) for every listing META item in key order, with the
  // item as stored (energy_rating 0 = v1 encoding). Corruption if one does
  // not decode.
  virtual Status ForEachListingItem(
      const std::function<void(TenantId, const ListingItem&)>& fn) = 0;
};

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_LISTING_SCHEMA_H_
