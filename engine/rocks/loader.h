// The RocksDB engine's bulk loader: the fast path for filling an empty store.
//
// Items are appended to large WriteBatches (~4 MB, sorted by key, written by
// one background writer thread while the caller encodes the next batch; WAL
// as the store's options say, never synced per batch) while auto compactions
// are off; derived items that depend on later input (the open-application count
// in each landlord LST item) are computed in memory and written by Finish(),
// which then flushes the memtables to SST files and turns compactions back on.
// Memory: a few small maps over listings, landlords, applicants and
// applications (tens of MB at 420k listings).
//
// Thread safety: not safe for concurrent use (the writer thread is internal).
#ifndef LISTBENCH_ENGINE_ROCKS_LOADER_H_
#define LISTBENCH_ENGINE_ROCKS_LOADER_H_

#include <memory>

#include "core/store.h"
#include "engine/rocks/table.h"

namespace listbench::rocks {

// REQUIRES: `table` is empty (but for the format marker) and outlives the
// loader.
std::unique_ptr<BulkLoader> NewRocksBulkLoader(Table* table);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_LOADER_H_
