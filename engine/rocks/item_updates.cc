#include "engine/rocks/item_updates.h"

#include <optional>
#include <string>
#include <utility>

#include "engine/rocks/item_access.h"
#include "engine/rocks/item_batch.h"
#include "engine/schema_change.h"

namespace listbench::rocks {

Status MissingItem(std::string_view key) {
  return Status::Corruption("missing derived item " + KeyToString(key));
}

char EnergyRatingToWrite(EntityId listing, char stored, int listing_schema) {
  if (stored != 0) return stored;
  return listing_schema >= 2 ? EnergyRatingFor(listing) : 0;
}

Status RewriteListing(Table& table, const ListingItem& stored, const Listing& l, int listing_schema,
                      rocksdb::WriteBatch* batch) {
  const Listing& old = stored.listing;
  const TenantId t = l.tenant;
  const std::string lst_key = PortfolioKey(t, l.landlord, l.id);
  PortfolioEntry entry;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(table, lst_key, &entry, &found));
  if (!found) return MissingItem(lst_key);
  entry.listing = SummaryOf(l);

  const char rating = EnergyRatingToWrite(l.id, stored.energy_rating, listing_schema);
  LB_RETURN_IF_ERROR(PutItem(batch, ListingKey(t, l.id), ListingItem{l, rating}));
  LB_RETURN_IF_ERROR(PutItem(batch, lst_key, entry));
  if (old.status == ListingStatus::kActive) {
    LB_RETURN_IF_ERROR(DeleteItem(batch, SearchKey(t, old.city, old.price, old.id)));
  }
  if (l.status == ListingStatus::kActive) {
    std::optional<Image> first;
    Image img;
    LB_RETURN_IF_ERROR(GetItem(table, ImageKey(t, l.id, 0), &img, &found));
    if (found) first = std::move(img);
    LB_RETURN_IF_ERROR(PutSearchItem(batch, l, first));
  }
  return Status::OK();
}

Status ChangeApplication(Table& table, const Application& old, ApplicationStatus status,
                         int64_t updated, rocksdb::WriteBatch* batch) {
  const TenantId t = old.tenant;
  const std::string applicant_key = ApplicantAppKey(t, old.applicant, old.id);
  const std::string listing_key = ListingAppKey(t, old.listing, old.id);
  ApplicationWithListing by_applicant;
  ApplicationWithApplicant by_listing;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(table, applicant_key, &by_applicant, &found));
  if (!found) return MissingItem(applicant_key);
  LB_RETURN_IF_ERROR(GetItem(table, listing_key, &by_listing, &found));
  if (!found) return MissingItem(listing_key);

  Application a = old;
  a.status = status;
  a.updated = updated;
  by_applicant.application = a;
  by_listing.application = a;
  LB_RETURN_IF_ERROR(PutItem(batch, ApplicationKey(t, a.id), a));
  LB_RETURN_IF_ERROR(PutItem(batch, applicant_key, by_applicant));
  LB_RETURN_IF_ERROR(PutItem(batch, listing_key, by_listing));
  if (IsOpen(old.status) == IsOpen(status)) return Status::OK();

  Listing listing;
  const std::string meta_key = ListingKey(t, old.listing);
  LB_RETURN_IF_ERROR(GetItem(table, meta_key, &listing, &found));
  if (!found) return MissingItem(meta_key);
  const std::string lst_key = PortfolioKey(t, listing.landlord, listing.id);
  PortfolioEntry entry;
  LB_RETURN_IF_ERROR(GetItem(table, lst_key, &entry, &found));
  if (!found) return MissingItem(lst_key);
  entry.open_applications += IsOpen(status) ? 1 : -1;
  return PutItem(batch, lst_key, entry);
}

}  // namespace listbench::rocks
