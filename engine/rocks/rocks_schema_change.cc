#include "engine/rocks/rocks_schema_change.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/rocks/items.h"
#include "engine/rocks/listing_schema.h"

namespace listbench {
namespace {

class RocksLazySchemaChange final : public SchemaChange {
 public:
  explicit RocksLazySchemaChange(rocks::ListingSchemaHooks* store) : store_(store) {}

  StatusOr<bool> Step() override {
    return TimedStep([this]() -> StatusOr<bool> {
      if (done_) return true;
      LB_RETURN_IF_ERROR(store_->UpgradeListingSchema());
      stats_.write_bytes += rocks::kListingSchemaKey.size() + 1;  // key + "2"
      done_ = true;
      return true;
    });
  }

  StatusOr<SchemaChangeCheck> Verify(uint64_t sample) override {
    if (!done_) return Status::InvalidArgument("schema change not complete");
    SchemaChangeCheck c;
    std::vector<std::pair<TenantId, EntityId>> ids;
    const bool derived = store_->listing_schema() >= 2;  // v1 items read with the field
    LB_RETURN_IF_ERROR(store_->ForEachListingItem([&](TenantId t, const rocks::ListingItem& item) {
      const EntityId id = item.listing.id;
      ids.emplace_back(t, id);
      ++c.listings;
      ++(item.energy_rating == 0 ? c.stored_v1 : c.stored_v2);
      if (item.energy_rating == 0 && !derived) {
        ++c.missing;
        return;
      }
      const char seen = item.energy_rating != 0 ? item.energy_rating : EnergyRatingFor(id);
      if (seen != EnergyRatingFor(id)) ++c.wrong;
    }));
    if (sample == 0 || ids.empty()) return c;
    const size_t stride = std::max<size_t>(1, ids.size() / sample);
    for (size_t i = 0; i < ids.size(); i += stride) {
      StatusOr<std::optional<char>> r = store_->ReadEnergyRating(ids[i].first, ids[i].second);
      if (!r.ok()) return r.status();
      ++c.sampled;
      if (*r != std::optional<char>(EnergyRatingFor(ids[i].second))) ++c.sample_mismatches;
    }
    return c;
  }

 private:
  rocks::ListingSchemaHooks* store_;
  bool done_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<SchemaChange>> NewRocksSchemaChange(StoreAdmin& store,
                                                             SchemaChangeMethod method) {
  if (method != SchemaChangeMethod::kRocksLazy) {
    return Status::NotSupported("not a schema change method for RocksDB stores");
  }
  auto* hooks = dynamic_cast<rocks::ListingSchemaHooks*>(&store);
  if (hooks == nullptr) {
    return Status::NotSupported(std::string(store.Name()) +
                                ": not a RocksDB single-table store (unwrap decorators first)");
  }
  return std::unique_ptr<SchemaChange>(std::make_unique<RocksLazySchemaChange>(hooks));
}

}  // namespace listbench
