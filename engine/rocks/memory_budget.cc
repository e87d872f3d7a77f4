#include "engine/rocks/memory_budget.h"

#include <algorithm>

namespace listbench {

RocksMemoryBudget RocksMemoryBudgetFor(size_t cache_bytes) {
  constexpr size_t kMinWriteBuffer = size_t{64} << 10;
  RocksMemoryBudget b;
  b.cache_bytes = cache_bytes;
  b.max_write_buffers = 2;
  b.write_buffer_bytes = std::max(kMinWriteBuffer, cache_bytes / 32);
  b.memtable_bytes = b.write_buffer_bytes * static_cast<size_t>(b.max_write_buffers);
  b.high_pri_pool_ratio = 0.5;
  b.cache_shard_bits = 0;  // at most 64 shards, as RocksDB's default
  while (b.cache_shard_bits < 6 &&
         (cache_bytes >> (b.cache_shard_bits + 1)) >= kMinCacheShardBytes) {
    ++b.cache_shard_bits;
  }
  b.cache_index_and_filter_blocks = true;
  b.pin_l0_filter_and_index_blocks = true;
  b.partitioned_filters = false;
  return b;
}

}  // namespace listbench
