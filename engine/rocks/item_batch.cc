#include "engine/rocks/item_batch.h"

#include <string>

#include "engine/rocks/items.h"
#include "engine/rocks/table.h"

namespace listbench::rocks {

Status PutRaw(rocksdb::WriteBatch* b, std::string_view key, std::string_view value) {
  return FromRocks(
      b->Put(rocksdb::Slice(key.data(), key.size()), rocksdb::Slice(value.data(), value.size())));
}

Status DeleteItem(rocksdb::WriteBatch* b, std::string_view key) {
  return FromRocks(b->Delete(rocksdb::Slice(key.data(), key.size())));
}

Status PutLandlordItems(rocksdb::WriteBatch* b, const Landlord& l) {
  LB_RETURN_IF_ERROR(PutItem(b, LandlordKey(l.tenant, l.id), l));
  return PutRaw(b, MarkerKey(MarkerKind::kLandlord, l.id), EncodeMarker(l.tenant));
}

Status PutListingItems(rocksdb::WriteBatch* b, const Listing& l, std::span<const Image> images,
                       const LandlordSummary& owner, char energy_rating) {
  LB_RETURN_IF_ERROR(PutItem(b, ListingKey(l.tenant, l.id), ListingItem{l, energy_rating}));
  for (const Image& img : images) {
    LB_RETURN_IF_ERROR(PutItem(b, ImageKey(l.tenant, l.id, img.position), img));
  }
  LB_RETURN_IF_ERROR(PutItem(b, OwnerKey(l.tenant, l.id), owner));
  if (l.status == ListingStatus::kActive) {
    std::optional<Image> first;
    if (!images.empty()) first = images.front();
    LB_RETURN_IF_ERROR(PutSearchItem(b, l, first));
  }
  return PutRaw(b, MarkerKey(MarkerKind::kListing, l.id), EncodeMarker(l.tenant));
}

Status PutPortfolioItem(rocksdb::WriteBatch* b, TenantId t, EntityId landlord,
                        const PortfolioEntry& e) {
  return PutItem(b, PortfolioKey(t, landlord, e.listing.id), e);
}

Status PutSearchItem(rocksdb::WriteBatch* b, const Listing& l,
                     const std::optional<Image>& first_image) {
  return PutItem(b, SearchKey(l.tenant, l.city, l.price, l.id),
                 SearchHit{SummaryOf(l), first_image});
}

Status PutApplicantItems(rocksdb::WriteBatch* b, const Applicant& a) {
  return PutItem(b, ApplicantKey(a.tenant, a.id), a);
}

Status PutApplicationItems(rocksdb::WriteBatch* b, const Application& a,
                           std::string_view listing_title, const ApplicantSummary& applicant,
                           bool with_marker) {
  LB_RETURN_IF_ERROR(PutItem(b, ApplicationKey(a.tenant, a.id), a));
  LB_RETURN_IF_ERROR(PutItem(b, ApplicantAppKey(a.tenant, a.applicant, a.id),
                             ApplicationWithListing{a, std::string(listing_title)}));
  LB_RETURN_IF_ERROR(
      PutItem(b, ListingAppKey(a.tenant, a.listing, a.id), ApplicationWithApplicant{a, applicant}));
  if (!with_marker) return Status::OK();
  return PutRaw(b, MarkerKey(MarkerKind::kApplication, a.id), EncodeMarker(a.tenant));
}

Status PutPaymentItems(rocksdb::WriteBatch* b, const Payment& p, EntityId applicant) {
  LB_RETURN_IF_ERROR(PutItem(b, PaymentKey(p.tenant, applicant, p.id), p));
  return PutRaw(b, MarkerKey(MarkerKind::kPayment, p.id), EncodeMarker(p.tenant));
}

}  // namespace listbench::rocks
