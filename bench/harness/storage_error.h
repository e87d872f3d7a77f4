// Storage errors as results carry them: a request a store answered with
// IOError or Corruption (Status::IsStorageError) is not an outcome of the
// store's contract but a failed store, and ends the run that met it (outside
// a fault plan, which expects them). StorageError is the request and its
// status; StoreFailure adds the store directory, for the one line a command
// prints before it exits 3.
//
// Thread safety: plain values.
#ifndef LISTBENCH_BENCH_HARNESS_STORAGE_ERROR_H_
#define LISTBENCH_BENCH_HARNESS_STORAGE_ERROR_H_

#include <string>

#include "core/status.h"
#include "core/store_options.h"
#include "engine/store_dir.h"

namespace listbench {

// The first request a store answered with IOError or Corruption.
struct StorageError {
  std::string request;  // the request (workloads/op.h DescribeOp)
  Status status;
  int client = 0;       // the client thread that made it
  bool warmup = false;  // made during the warm-up (so not in the figures)

  // "<request>: <status>", e.g. "R1 listing_detail tenant=3 listing=17:
  // corruption: block checksum mismatch ...".
  std::string ToString() const;
};

// A storage error that ended a command: the store directory it came from and
// the error. ToString is the command's one line on stderr.
struct StoreFailure {
  std::string store_dir;
  std::string note;  // optional, e.g. "a clone of WORK/base/rocksdb"
  StorageError error;

  // "store DIR (NOTE): storage error on REQUEST: STATUS", on one line.
  std::string ToString() const;
  // The error's status with ToString as its message (its code IOError or
  // Corruption).
  Status ToStatus() const;
};

// The failure of the run clone WORK/run/<design> of `engine` (with SQLite's
// index profile `schema`), a clone of WORK/base/<design>
// (bench/harness/store_setup.h), that met `e`.
StoreFailure RunCloneFailure(const std::string& work_dir, Engine engine, SqliteSchema schema,
                             const StorageError& e);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_STORAGE_ERROR_H_
