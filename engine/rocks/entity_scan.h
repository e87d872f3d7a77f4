// EntityAccess::ScanEntities (core/store.h) for the single-table design
// (core/entity_scan.h, engine/rocks/README.md "Entity scan"): the primary items
// of one kind, of every tenant, in entity-key order. Each tenant's collections
// of a kind are one key range in which the primary items already appear in
// entity-key order (listings by id, images by listing then position, payments
// by applicant then id, ...); a scan merges one cursor per tenant, so a page
// costs one seek per tenant (plus one to find each tenant) and visits the
// page's items and the other items of their collections.
//
// Thread safety: as Table.
#ifndef LISTBENCH_ENGINE_ROCKS_ENTITY_SCAN_H_
#define LISTBENCH_ENGINE_ROCKS_ENTITY_SCAN_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/entity_scan.h"
#include "core/status.h"
#include "engine/rocks/table.h"

namespace listbench::rocks {

// As EntityAccess::ScanEntities. Corruption: an item that does not decode, or
// a key this design does not write.
Status ScanEntities(Table& table, EntityKind kind, std::string_view after, size_t limit,
                    std::vector<EntityRow>* out);

// Sets *out to the first tenant id >= `from` that has any item (one seek from
// T#from), nullopt if none. Hopping from one tenant to the next is how a
// reader visits every tenant without a tenant list. Corruption: a key this
// design does not write.
Status NextTenant(Table& table, uint64_t from, std::optional<TenantId>* out);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_ENTITY_SCAN_H_
