// Settings shared by the engines. Each engine documents how it maps them.
#ifndef LISTBENCH_ENGINE_STORE_OPTIONS_H_
#define LISTBENCH_ENGINE_STORE_OPTIONS_H_

#include <cstddef>

namespace listbench {

struct StoreOptions {
  // Durable configuration: an acknowledged write survives power loss.
  // RocksDB: WAL on and every write batch synced. SQLite: synchronous=FULL.
  // Default (relaxed): RocksDB WAL on without sync; SQLite synchronous=NORMAL
  // in WAL mode.
  bool durable = false;
  // RocksDB only: write the WAL at all. Ignored (forced on) when durable.
  bool rocksdb_wal = true;
  // RocksDB block cache / SQLite page cache, in bytes.
  size_t cache_bytes = size_t{64} << 20;
  // Create an empty store when the directory holds none.
  bool create_if_missing = true;
};

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_STORE_OPTIONS_H_
