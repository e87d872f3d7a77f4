// Log shipping for the RocksDB store (engine/change_log.h): the primary's
// log tails its write-ahead log, the replica applies each shipped write
// batch as it stood in it.
//
// Primary. The store opens as OpenRocksStore opens it, with its WAL files
// kept (archived in dir/archive/) for an hour, up to 1 GiB, after RocksDB no
// longer needs them (engine/rocks/rocks_store.h RocksOpenFlags), so that
// DB::GetUpdatesSince reads them across memtable flushes; records older
// than that (or than the open) are IOError. Its database is reached through
// WithRocksDb (rocks_store.h), held open for each read of the log. The WAL
// must be written: InvalidArgument when neither options.durable nor
// options.rocksdb_wal.
//
// Records. Every write request commits one pessimistic transaction
// (WRITE_COMMITTED, no two-phase commit), which RocksDB writes to the WAL
// as one plain write batch (its puts and deletes after a Noop marker the
// transaction leaves, which takes no sequence number and changes nothing;
// no prepare or commit marker) -- or, when concurrent requests commit
// together, the group's batches merged into one (group commit): then one
// record holds several transactions, each whole, applied together. A record is the batch
// as the WAL holds it (WriteBatch::Data(), header included); its sequence
// is the batch's last sequence number (first + Count() - 1), as RocksDB
// numbers every key written. Batches that change nothing (Count() 0) are
// skipped. ReadSince waits on a condition variable that the store() wrapper
// signals after every write request and bulk-load call, and looks again at
// least every millisecond (for writes that bypass the wrapper: a schema
// change's, which is given the unwrapped store).
//
// Replica. The copy opens as OpenRocksStore opens it (create_if_missing
// off: it must exist) and applies each record as one synced write batch.
// Both copies start from the same closed store and number every key written
// alike, so a record's batch must begin right after the last applied
// sequence and at the copy's latest sequence number, and leave the copy at
// the record's sequence: Corruption naming the numbers otherwise, nothing
// written when detected before the write. An I/O error writing the copy is
// IOError (RocksDB may then refuse further writes until it is reopened).
//
// Thread safety: as engine/change_log.h.
#ifndef LISTBENCH_ENGINE_ROCKS_ROCKS_CHANGE_LOG_H_
#define LISTBENCH_ENGINE_ROCKS_ROCKS_CHANGE_LOG_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "core/store_options.h"
#include "engine/change_log.h"

namespace listbench {

StatusOr<std::unique_ptr<LoggedStore>> OpenRocksLoggedStore(const std::string& dir,
                                                            const StoreOptions& options);

StatusOr<std::unique_ptr<LogApplier>> OpenRocksLogApplier(const std::string& dir,
                                                          const StoreOptions& options,
                                                          uint64_t start_after);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_ROCKS_ROCKS_CHANGE_LOG_H_
