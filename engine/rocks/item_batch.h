// The item sets that make up one entity in the single-table design, appended
// to a rocksdb::WriteBatch. Shared by the store's writes and its bulk loader so
// that both produce exactly the same items (README.md lists them).
//
// Thread safety: plain functions.
#ifndef LISTBENCH_ENGINE_ROCKS_ITEM_BATCH_H_
#define LISTBENCH_ENGINE_ROCKS_ITEM_BATCH_H_

#include <rocksdb/write_batch.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/status.h"
#include "engine/rocks/items.h"

namespace listbench::rocks {

Status PutRaw(rocksdb::WriteBatch* b, std::string_view key, std::string_view value);
// Puts `key` -> encoded `value`; returns a failure of the batch (e.g. size).
template <typename T>
Status PutItem(rocksdb::WriteBatch* b, std::string_view key, const T& value) {
  std::string buf;
  Encode(&buf, value);
  return PutRaw(b, key, buf);
}
Status DeleteItem(rocksdb::WriteBatch* b, std::string_view key);

// Landlord META and its uniqueness marker.
Status PutLandlordItems(rocksdb::WriteBatch* b, const Landlord& l);
// Listing META, its images, its OWNER copy, its search index entry (if
// active) and its uniqueness marker -- everything except the landlord's LST
// copy, which carries the open-application count (PutPortfolioItem). The
// META item is in the v2 encoding with `energy_rating` unless it is 0
// (items.h ListingItem).
Status PutListingItems(rocksdb::WriteBatch* b, const Listing& l, std::span<const Image> images,
                       const LandlordSummary& owner, char energy_rating = 0);
Status PutPortfolioItem(rocksdb::WriteBatch* b, TenantId t, EntityId landlord,
                        const PortfolioEntry& e);
// The search index entry of an active listing.
Status PutSearchItem(rocksdb::WriteBatch* b, const Listing& l,
                     const std::optional<Image>& first_image);
// Applicant META.
Status PutApplicantItems(rocksdb::WriteBatch* b, const Applicant& a);
// The primary application item and its copies in the applicant and listing
// collections; with the uniqueness marker if `with_marker`.
Status PutApplicationItems(rocksdb::WriteBatch* b, const Application& a,
                           std::string_view listing_title, const ApplicantSummary& applicant,
                           bool with_marker);
// The payment (in the applicant collection of `applicant`) and its marker.
Status PutPaymentItems(rocksdb::WriteBatch* b, const Payment& p, EntityId applicant);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_ITEM_BATCH_H_
