// Copies of single entities between two stores, as the migration makes them
// (dual write, repair drain, backfill, in-flight recovery): read from one
// store with Store::GetEntity, written to the other with Store::PutEntity,
// whose version check keeps a newer value in place.
//
// Thread safety: as the two stores (the functions keep no state).
#ifndef LISTBENCH_MIGRATION_ENTITY_COPY_H_
#define LISTBENCH_MIGRATION_ENTITY_COPY_H_

#include <string>

#include "core/entity_scan.h"
#include "core/status.h"
#include "core/store.h"

namespace listbench {

// Copies entity (kind, key) from `from` to `to`, with the parents it needs
// when `to` lacks them (at most a few levels deep) and, for a listing, its
// images. OK when `from` does not hold it (nothing to copy); otherwise the
// first error of either store.
Status CopyEntity(EntityKind kind, const std::string& key, Store* from, Store* to, int depth);

// Writes `e` to `to`; when `to` lacks a parent of it (NotFound), copies the
// parents from `from` and writes it again. `*applied` as Store::PutEntity.
Status PutWithParents(const Entity& e, Store* from, Store* to, int depth, bool* applied);

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_ENTITY_COPY_H_
