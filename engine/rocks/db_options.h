// The rocksdb::Options a RocksDB store opens its DB with: its memory budget
// (memory_budget.h) made real -- one LRU block cache of the whole budget
// holding data, index and filter blocks and, through a WriteBufferManager,
// the memtables' charge -- plus LZ4, bloom filters and the store's event
// listeners: one that leaves recovery from background errors to the store
// (table.h ResumeAfterWriteError) and one that counts flushes and
// compactions into the store's BackgroundCounters (core/background_work.h).
//
// DbResources are made once per store and shared by every (re)open of its DB
// (table.h reopens it in place after some I/O errors), so that the budget
// and the background counts span them.
//
// Thread safety: the functions are pure; the resources are RocksDB's own
// thread-safe objects, the listener's counters atomic.
#ifndef LISTBENCH_ENGINE_ROCKS_DB_OPTIONS_H_
#define LISTBENCH_ENGINE_ROCKS_DB_OPTIONS_H_

#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/write_buffer_manager.h>

#include <memory>
#include <string>
#include <vector>

#include "core/background_work.h"
#include "core/store_options.h"
#include "engine/rocks/memory_budget.h"

namespace listbench::rocks {

struct DbResources {
  RocksMemoryBudget budget;
  std::shared_ptr<rocksdb::Cache> cache;  // capacity: the whole budget
  // Charges the memtables to `cache`; null for a read-only open.
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;
  std::vector<std::shared_ptr<rocksdb::EventListener>> listeners;
};

// The cache, the write buffer manager and the listeners of a store with
// `budget`. `background` (not owned; must outlive every DB opened with the
// result) receives the flushes and compactions; nullptr = not counted.
// `read_only`: no write buffer manager (nothing is written).
DbResources MakeDbResources(const RocksMemoryBudget& budget, BackgroundCounters* background,
                            bool read_only);

// The options of a store's DB in `dir` over `env` with resources `r`; its
// info log is dir/LOG written through env's file system (info_log.h).
rocksdb::Options MakeDbOptions(rocksdb::Env* env, const DbResources& r, const std::string& dir);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_DB_OPTIONS_H_
