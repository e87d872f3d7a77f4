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
//
// Memory: one budget, StoreOptions::cache_bytes, is the capacity of the one
// block cache, to which data blocks, index and filter blocks and the
// memtables are all charged (engine/rocks/memory_budget.h).
#ifndef LISTBENCH_ENGINE_ROCKS_ROCKS_STORE_H_
#define LISTBENCH_ENGINE_ROCKS_ROCKS_STORE_H_

#include <cstdint>
#include <functional>
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

namespace rocks {
class TxnDb;
}  // namespace rocks

// How a store opens beyond StoreOptions: for log shipping
// (engine/rocks/rocks_change_log.h), which tails the WAL. Zero = as
// OpenRocksStore.
struct RocksOpenFlags {
  // rocksdb::Options WAL_ttl_seconds and WAL_size_limit_MB: when either is
  // set, a WAL file RocksDB no longer needs moves to dir/archive/ and stays
  // there until older than the TTL or, oldest first, while the archive
  // exceeds the size limit. A later open without them leaves the archive be.
  uint64_t wal_ttl_seconds = 0;
  uint64_t wal_size_limit_mb = 0;
};
StatusOr<std::unique_ptr<Store>> OpenRocksStore(const std::string& dir, const StoreOptions& options,
                                                const RocksOpenFlags& flags);

// Calls fn with the database of `store` (one OpenRocksStore opened) held
// open for the call (engine/rocks/table.h Table::WithDb says how and what
// it requires), for log shipping. NotSupported when `store` is not a
// RocksDB store.
Status WithRocksDb(Store& store, const std::function<Status(rocks::TxnDb& db)>& fn);

// Copies the closed store in `src_dir` into `dst_dir` (which must not exist)
// as a RocksDB checkpoint (hard links where possible).
// REQUIRES: no Store is open on src_dir.
Status CloneRocksStore(const std::string& src_dir, const std::string& dst_dir);

// RocksDB's full check of the closed store in `dir`: a read-only open with
// paranoid_checks, then DB::VerifyChecksum over every SST block. Corruption
// (or the error that stopped the check) names `dir`. REQUIRES: no Store is
// open on `dir`.
Status VerifyRocksStoreFiles(const std::string& dir);

// What occupies the block cache of an open RocksDB store (tests and
// diagnostics of the memory budget).
struct RocksCacheUsage {
  uint64_t capacity = 0;        // the budget
  uint64_t usage = 0;           // everything charged now
  uint64_t pinned = 0;          // charged and in use (pinned L0 index and filter blocks among them)
  uint64_t memtable_bytes = 0;  // the memtables' own size (not a cache figure)
  // By role, from RocksDB's scan of the cache (rocksdb.block-cache-entry-stats,
  // which a later call repeats only after 10 s or more; earlier calls get the
  // previous scan).
  uint64_t data_bytes = 0;
  uint64_t index_bytes = 0;
  uint64_t filter_bytes = 0;
  uint64_t write_buffer_bytes = 0;  // the memtables' charge
};
// NotSupported when `store` is not a store OpenRocksStore opened. REQUIRES:
// no request running (a recovery may reopen the DB).
StatusOr<RocksCacheUsage> RocksCacheUsageOf(Store& store);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_ROCKS_ROCKS_STORE_H_
