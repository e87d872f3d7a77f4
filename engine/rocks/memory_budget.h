// RocksMemoryBudget: how the RocksDB store divides its one memory budget
// (StoreOptions::cache_bytes) -- the arithmetic only, without RocksDB, so
// that the reports can record what a run was configured with
// (engine/rocks/db_options.h makes it real; engine/rocks/README.md "Memory
// budget" says why these shares).
//
// The budget is the capacity of one LRU block cache, and everything the
// store keeps in memory that grows with the data is charged to it:
//   - data blocks;
//   - index and filter blocks (cache_index_and_filter_blocks), inserted with
//     high priority into the cache's high-priority pool, those of L0 files
//     pinned for the life of their table reader;
//   - the memtables, through a WriteBufferManager that charges their arena
//     to the same cache (in 256 KiB dummy entries) and asks for a flush when
//     they pass `memtable_bytes`.
// What is left outside: table-reader objects and file metadata (a few KiB
// per file), the uncharged part of a memtable arena block, and RocksDB's own
// fixed overheads.
//
// Thread safety: plain values and a pure function.
#ifndef LISTBENCH_ENGINE_ROCKS_MEMORY_BUDGET_H_
#define LISTBENCH_ENGINE_ROCKS_MEMORY_BUDGET_H_

#include <cstddef>

namespace listbench {

struct RocksMemoryBudget {
  size_t cache_bytes = 0;         // block cache capacity: the whole budget
  size_t memtable_bytes = 0;      // WriteBufferManager limit, charged to the cache
  size_t write_buffer_bytes = 0;  // one memtable (write_buffer_size)
  int max_write_buffers = 0;      // max_write_buffer_number
  // The cache's share reserved first for high-priority entries (index and
  // filter blocks): they are evicted only after the low-priority ones.
  double high_pri_pool_ratio = 0;
  // The cache is split into 2^cache_shard_bits shards, each an LRU of its
  // own share of the capacity, and a block larger than its shard's
  // high-priority pool is evicted as soon as it is inserted. A full filter
  // block of one table file reaches about 1 MiB at 420,000 listings, and
  // RocksDB's default sharding (shards of 512 KiB and up, 64 of them for 64
  // MiB) then re-reads it from the file on every point lookup of a write. So
  // each shard holds at least kMinCacheShardBytes.
  int cache_shard_bits = 0;
  bool cache_index_and_filter_blocks = false;
  bool pin_l0_filter_and_index_blocks = false;  // pinned while their table is open
  bool partitioned_filters = false;             // one full filter per table file instead
};

// The smallest share of the cache one shard gets (cache_shard_bits).
inline constexpr size_t kMinCacheShardBytes = size_t{16} << 20;

// The budget of a store with `cache_bytes` of cache: memtables a sixteenth
// (two write buffers of a thirty-second each, so one can fill while the
// other is flushed), the rest for blocks; write buffers at least 64 KiB
// (RocksDB's minimum).
RocksMemoryBudget RocksMemoryBudgetFor(size_t cache_bytes);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_ROCKS_MEMORY_BUDGET_H_
