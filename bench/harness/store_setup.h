// Preparing engine stores for a command: load the seeded dataset into an
// engine directory through the engine's bulk path, or reuse a directory that
// already holds exactly that dataset, and refuse (with a Status naming the
// path and the problem) anything that is not ours to touch.
//
// Thread safety: plain functions; a directory is prepared by one caller at a
// time.
#ifndef LISTBENCH_BENCH_HARNESS_STORE_SETUP_H_
#define LISTBENCH_BENCH_HARNESS_STORE_SETUP_H_

#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/store_options.h"
#include "engine/store_dir.h"
#include "workloads/dataset.h"

namespace listbench {

struct LoadReport {
  Engine engine = Engine::kSqlite;
  std::string dir;
  bool reused = false;        // a matching complete load was already there
  bool verified = false;      // ... and the engine's full check of it ran and passed
  double seconds = 0;         // open + bulk load + Finish + close
  DatasetCounts counts;       // entities generated (rows for SQLite and PostgreSQL)
  uint64_t rows_written = 0;  // rows (SQLite, PostgreSQL) or items (RocksDB) written
  uint64_t disk_bytes = 0;
};

// What PrepareStore does with a load already in the directory that it
// cannot reuse (only listbench stores are ever deleted).
enum class ExistingLoad {
  kRefuse,        // another dataset or a damaged load in the way is an error
  kReplaceOther,  // another dataset is deleted and loaded again; a damaged load is an error
  kReplace,       // another dataset or a damaged load is deleted and loaded again
};

// How PrepareStore treats an existing load: the commands' --replace and
// --verify-store.
struct LoadReuse {
  ExistingLoad existing = ExistingLoad::kRefuse;
  // Run the engine's full check (VerifyStoreFiles) before every reuse, not
  // only when the data files' fingerprint changed.
  bool verify = false;
};

// Makes `data_dir` (creating the directory itself, not its parents) and
// loads `spec` into EngineDir(data_dir, engine, options.sqlite_schema), or
// reuses it when its manifest says it holds a complete load of the same
// spec, generator and index profile (SQLite and PostgreSQL).
//
// Before a reuse, the data files' fingerprint (FingerprintStoreFiles) is
// compared with the one the manifest recorded; when it differs (or the
// manifest has none), or reuse.verify is set, the engine's full check runs
// (VerifyStoreFiles). A load that passes gets the new fingerprint recorded;
// one that fails is damaged: Corruption naming the directory and the
// problem, or, with ExistingLoad::kReplace, it is deleted and loaded again.
// An incomplete load of the same dataset (a load that was stopped) is
// deleted and loaded again whatever reuse.existing says; one of another
// dataset is treated like a complete one.
// Never deletes or writes into a directory that lacks a listbench manifest
// of the same engine and format, unless it is empty. Progress (and why a
// load is checked or loaded again) goes to stderr when `progress` is set.
StatusOr<LoadReport> PrepareStore(Engine engine, const std::string& data_dir,
                                  const DatasetSpec& spec, const StoreOptions& options,
                                  const LoadReuse& reuse, bool progress);

// Checks that `data_dir` can hold engine directories: it exists or can be
// created (its parent exists), it is a directory, it is writable, and it is
// not itself an engine directory.
Status CheckDataDir(const std::string& data_dir);

// Clones WORK/base/<design> (a load made by PrepareStore; DesignName of the
// engine and options.sqlite_schema) into WORK/run/<design>, replacing what a previous run left
// there, and opens the clone, so that every run starts from the identical pristine state.
StatusOr<std::unique_ptr<Store>> OpenRunClone(const std::string& work_dir, Engine engine,
                                              const StoreOptions& options);
// Opens the clone OpenRunClone made, as it is now (for example with another
// cache), without copying the load again. REQUIRES: the clone is closed.
StatusOr<std::unique_ptr<Store>> ReopenRunClone(const std::string& work_dir, Engine engine,
                                                const StoreOptions& options);

// Deletes `dir` if it is empty or a listbench store directory (it has a
// manifest); refuses anything else. A missing `dir` is fine.
Status RemoveStoreDir(const std::string& dir);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_STORE_SETUP_H_
