// The single-table design on RocksDB: one ordered key space of items, each
// key a tenant-scoped partition key followed by a sort key, so that each read
// pattern is one prefix or range scan over an item collection; index
// collections play the role of DynamoDB GSIs. The key design is documented in
// engine/rocks/README.md. All file I/O goes through one FileSystemWrapper
// (engine/rocks/counting_fs.h) that counts it.
//
// Thread safety: as Store (core/store.h "Concurrency"): safe for concurrent
// use. All requests share one DB, opened as a transaction DB
// (pessimistic, engine/rocks/txn_db.h); each write is one
// rocksdb::Transaction whose checks read through GetForUpdate and which the
// store runs again whole when it loses a race (engine/rocks/table.h says how,
// and how reads get one snapshot). The lazy listing schema change
// (engine/rocks/listing_schema.h) may call UpgradeListingSchema() from
// another thread: it writes through Table::PutFromAnyThread and sets one
// std::atomic<int>, the listing schema version, which the write path (W3,
// W4: which encoding to write) and ReadEnergyRating load.
#ifndef LISTBENCH_ENGINE_ROCKS_ROCKS_STORE_H_
#define LISTBENCH_ENGINE_ROCKS_ROCKS_STORE_H_

#include <memory>
#include <string>

#include "core/status.h"
#include "core/store.h"
#include "core/store_options.h"

namespace listbench {

// Opens (or, with create_if_missing, creates) the RocksDB store whose files
// live directly in directory `dir`, which must exist.
StatusOr<std::unique_ptr<Store>> OpenRocksStore(const std::string& dir,
                                                const StoreOptions& options);

// Copies the closed store in `src_dir` into `dst_dir` (which must not exist)
// as a RocksDB checkpoint (hard links where possible).
// REQUIRES: no Store is open on src_dir.
Status CloneRocksStore(const std::string& src_dir, const std::string& dst_dir);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_ROCKS_ROCKS_STORE_H_
