#include "engine/rocks/db_options.h"

#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <chrono>

#include "engine/rocks/info_log.h"

namespace listbench::rocks {
namespace {

rocksdb::CompressionType BestCompression() {
  for (rocksdb::CompressionType c : rocksdb::GetSupportedCompressions()) {
    if (c == rocksdb::kLZ4Compression) return c;
  }
  return rocksdb::kNoCompression;
}

// RocksDB recovers from some background errors (no space) by itself, in a
// background thread that races the store's own DB::Resume (which then
// answers Busy). The store drives recovery instead (table.h
// ResumeAfterWriteError): deterministically, from its next write.
class NoAutoRecovery : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status bg_error,
                            bool* auto_recovery) override {
    bg_error.PermitUncheckedError();
    *auto_recovery = false;
  }
};

// Counts completed flushes and compactions. RocksDB calls a flush's begin
// and completion on the one background thread that runs it, one job at a
// time, so the begin time is kept per thread (a failed flush, which has no
// completion, is overwritten by the next begin on that thread).
class BackgroundListener : public rocksdb::EventListener {
 public:
  explicit BackgroundListener(BackgroundCounters* counters) : counters_(counters) {}

  void OnFlushBegin(rocksdb::DB* /*db*/, const rocksdb::FlushJobInfo& /*info*/) override {
    FlushBegan() = Clock::now();
  }
  void OnFlushCompleted(rocksdb::DB* /*db*/, const rocksdb::FlushJobInfo& info) override {
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - FlushBegan());
    const rocksdb::TableProperties& p = info.table_properties;
    counters_->AddFlush(static_cast<uint64_t>(ns.count()),
                        p.data_size + p.index_size + p.filter_size);
  }
  void OnCompactionCompleted(rocksdb::DB* /*db*/, const rocksdb::CompactionJobInfo& ci) override {
    counters_->AddCompaction(ci.stats.elapsed_micros * 1000, ci.stats.total_output_bytes);
  }

 private:
  using Clock = std::chrono::steady_clock;
  static Clock::time_point& FlushBegan() {
    thread_local Clock::time_point began;
    return began;
  }
  BackgroundCounters* const counters_;
};

}  // namespace

DbResources MakeDbResources(const RocksMemoryBudget& budget, BackgroundCounters* background,
                            bool read_only) {
  DbResources r;
  r.budget = budget;
  rocksdb::LRUCacheOptions c;
  c.capacity = budget.cache_bytes;
  c.num_shard_bits = budget.cache_shard_bits;
  c.strict_capacity_limit = false;
  c.high_pri_pool_ratio = budget.high_pri_pool_ratio;
  r.cache = rocksdb::NewLRUCache(c);
  if (!read_only) {
    r.write_buffers = std::make_shared<rocksdb::WriteBufferManager>(budget.memtable_bytes, r.cache);
  }
  r.listeners.push_back(std::make_shared<NoAutoRecovery>());
  if (background != nullptr)
    r.listeners.push_back(std::make_shared<BackgroundListener>(background));
  return r;
}

rocksdb::Options MakeDbOptions(rocksdb::Env* env, const DbResources& r, const std::string& dir) {
  rocksdb::Options opt;
  opt.env = env;
  opt.listeners = r.listeners;
  opt.create_if_missing = true;  // whether to create is decided before opening
  opt.compression = BestCompression();
  opt.write_buffer_size = r.budget.write_buffer_bytes;
  opt.max_write_buffer_number = r.budget.max_write_buffers;
  opt.write_buffer_manager = r.write_buffers;
  opt.max_background_jobs = 2;
  opt.keep_log_file_num = 2;
  opt.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  opt.info_log = NewInfoLog(env->GetFileSystem(), dir, opt.info_log_level);
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = r.cache;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.cache_index_and_filter_blocks = r.budget.cache_index_and_filter_blocks;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_l0_filter_and_index_blocks_in_cache = r.budget.pin_l0_filter_and_index_blocks;
  if (r.budget.partitioned_filters) {
    t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    t.partition_filters = true;
    t.pin_top_level_index_and_filter = true;
  }
  opt.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return opt;
}

}  // namespace listbench::rocks
