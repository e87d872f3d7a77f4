// The single-table method of engine/schema_change.h (kRocksLazy): versioned
// listing items upgraded lazily. Its one Step persists listing schema 2 and
// switches the store over (engine/rocks/listing_schema.h); no item is
// rewritten by the change itself.
//
// Thread safety: as SchemaChange. Step() may run on another thread than the
// store's requests (it calls only ListingSchemaHooks::UpgradeListingSchema).
#ifndef LISTBENCH_ENGINE_ROCKS_ROCKS_SCHEMA_CHANGE_H_
#define LISTBENCH_ENGINE_ROCKS_ROCKS_SCHEMA_CHANGE_H_

#include <memory>

#include "core/status.h"
#include "core/store.h"
#include "engine/schema_change.h"

namespace listbench {

// NotSupported if `store` is not a RocksDB store of this engine (decorators
// must be unwrapped) or `method` is not kRocksLazy.
// REQUIRES: `store` outlives the returned change.
StatusOr<std::unique_ptr<SchemaChange>> NewRocksSchemaChange(StoreAdmin& store,
                                                             SchemaChangeMethod method);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_ROCKS_ROCKS_SCHEMA_CHANGE_H_
