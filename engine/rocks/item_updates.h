// Changes of an existing entity that reach beyond its primary item, shared by
// the store's writes (W2, W3, W5) and the migration's Store::PutEntity so
// that both leave exactly the same items. Each reads what it needs through
// the table (counted as the calling request's work), appends its puts and
// deletes to `batch` and writes nothing itself; the caller writes the batch.
// Creating an entity is item_batch.h's (no reads needed).
//
// Thread safety: as Table.
#ifndef LISTBENCH_ENGINE_ROCKS_ITEM_UPDATES_H_
#define LISTBENCH_ENGINE_ROCKS_ITEM_UPDATES_H_

#include <rocksdb/write_batch.h>

#include <string_view>

#include "core/model.h"
#include "core/status.h"
#include "engine/rocks/items.h"
#include "engine/rocks/table.h"

namespace listbench::rocks {

// Corruption: a derived item that its primary item says exists is missing.
Status MissingItem(std::string_view key);

// The energy_rating a listing item is (re)written with (listing_schema.h):
// the one it has (`stored`, 0 for none or a new listing); else, from listing
// schema 2 on, the derived EnergyRatingFor(listing); else 0 (v1 encoding).
char EnergyRatingToWrite(EntityId listing, char stored, int listing_schema);

// W3's items for listing `stored` (its META as read) becoming `l`, which
// differs from it only in what W3 changes (price, status, updated, version):
// META in the encoding EnergyRatingToWrite picks, the landlord's LST# copy
// (read; its open count kept), and the search entry moved -- deleted at its
// old key while `stored` was active, put at its new key while `l` is, with
// IMG#0 (read) as the first image. Corruption if the LST# item is missing.
Status RewriteListing(Table& table, const ListingItem& stored, const Listing& l, int listing_schema,
                      rocksdb::WriteBatch* batch);

// W2's and W5's items for application `old` (its primary item as read)
// moving to `status` at `updated`: the primary item and its copies in the
// applicant and listing collections (read: they carry the summaries), and,
// when IsOpen changes, the open count in the listing's LST# item (+1/-1;
// the listing's META is read to find its landlord). Corruption if a copy or
// the LST# item is missing.
Status ChangeApplication(Table& table, const Application& old, ApplicationStatus status,
                         int64_t updated, rocksdb::WriteBatch* batch);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_ITEM_UPDATES_H_
