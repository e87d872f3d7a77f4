// The migration's entity access for the single-table design
// (Store::GetEntity, Store::PutEntity; engine/rocks/README.md "Entity get
// and put"): reading one entity's primary item by its entity key, and
// writing an entity as another store holds it together with every item the
// design derives from it, exactly as W1-W5 and the bulk loader write them.
//
// An entity key carries no tenant, but every item lives under one. The
// owning tenant is found by
//   tenants                   the key itself (T#t);
//   landlords, listings,      the uniqueness marker U#k#id (one point get),
//   applications, payments    which holds the owning tenant;
//   images                    the listing's marker U#L#listing;
//   applicants                a tenant hop (no marker exists for them): for
//                             each tenant in turn (one seek to find it, as
//                             the entity scan does), a point get of
//                             T#t|P#p|META, until found -- at most two
//                             operations per tenant, and tenants are few.
// PutEntity needs no search: the entity names its tenant. It looks the
// entity up by its marker where it has one (whichever tenant it names) and
// in the entity's own tenant otherwise (tenants, images, applicants).
//
// Thread safety: as Table.
#ifndef LISTBENCH_ENGINE_ROCKS_ENTITY_ACCESS_H_
#define LISTBENCH_ENGINE_ROCKS_ENTITY_ACCESS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/entity_scan.h"
#include "core/status.h"
#include "engine/rocks/table.h"

namespace listbench::rocks {

// As Store::GetEntity. Corruption: an item that does not decode, or a
// uniqueness marker without the primary item it vouches for.
StatusOr<Entity> GetEntity(Table& table, EntityKind kind, std::string_view key);

// As Store::PutEntities (and PutEntity, a batch of one): each entity's items
// staged in the request's transaction (Table::Stage), so that a later
// entity's checks see an earlier one's writes, then one commit through
// table.Write (the table's write options and recovery). A listing's META is
// written in the encoding of `listing_schema` (listing_schema.h), as W3 and
// W4 write it. Corruption: a derived item the write must update is missing.
// REQUIRES: a write request.
Status PutEntities(Table& table, std::span<const Entity> es, int listing_schema,
                   std::vector<uint8_t>* applied);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_ENTITY_ACCESS_H_
