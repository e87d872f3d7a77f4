// Checkpointer: the SQLite store's WAL checkpoints, run on a thread of the
// store's own instead of inside the request whose commit filled the WAL.
//
// SQLite's default (wal_autocheckpoint = 1000) checkpoints from the
// connection whose commit left the WAL at 1000 pages or more, inside that
// commit: copying the pages into the database file and syncing it lands in
// one unlucky write's latency. The store turns that off on every connection
// it serves requests from (Watch: PRAGMA wal_autocheckpoint = 0) and installs
// a WAL hook (sqlite3_wal_hook) instead, which SQLite calls after each commit
// with the WAL's length in frames. A commit that leaves the WAL at
// `checkpoint_frames` or more (sqlite_store.h SqliteWalSettings), and that
// many frames longer than when the last checkpoint began, wakes the thread,
// which runs
//   sqlite3_wal_checkpoint_v2(PASSIVE)
// on its own connection. A passive checkpoint never waits for anyone: it
// copies every frame no reader still needs and stops. Wake-ups that arrive
// while one runs are merged into the next.
//
// Why the WAL may grow past `checkpoint_frames`: it starts again from its
// beginning only when a writer begins at a moment when every frame has been
// copied. SQLite's own autocheckpoint runs on the committing connection, so
// on one client nothing is appended while it copies; here requests go on
// while a checkpoint runs, and a steady stream of writes appends during each
// one (as do concurrent clients with the autocheckpoint). Hence the cadence
// -- one passive checkpoint per `checkpoint_frames` new frames, as SQLite's,
// not one per commit while the WAL is long -- and a bound: a commit that
// leaves the WAL at `restart_frames` or more makes the next passive
// checkpoint be followed by a RESTART checkpoint, which waits (busy handler,
// up to `restart_wait_ms`) for the writer lock and for the readers still on
// the WAL and copies the tail the passive one left, so that the next writer
// starts the WAL from its beginning. Writers queue behind it meanwhile; its
// wait is bounded, so a reader that never ends cannot hold them: the RESTART
// then returns SQLITE_BUSY having copied what a passive one would, and the
// next wake-up tries again.
// Counted apart (BackgroundWork::restart_checkpoints): a run that needs it
// shows it.
//
// Durability is unchanged: a commit is durable when its WAL frames are
// (synchronous as the store's options say), and a checkpoint only copies
// committed frames. The checkpoint connection has the store's synchronous
// setting, so it syncs the WAL before copying and the database after, as the
// request connection's autocheckpoint did. On close the store stops the
// thread first; the last connection to close then checkpoints what is left
// and deletes the WAL, as before.
//
// I/O: every call of the checkpoint passes the store's VFS (counting_vfs.h):
// counted in io_stats(), consulted by the fault plan, and added to this
// thread's tally (core/io_stats.h), so to no request's. The database pages a
// checkpoint writes are this thread's write calls during it (SQLite writes a
// checkpoint page by page). A failed or busy checkpoint is counted
// (failed_checkpoints) and tried again at the next wake-up.
//
// Thread safety: the hook runs on whichever thread commits on a watched
// connection; it reads an atomic and, when a checkpoint is due, posts a
// wake-up under the checkpointer's mutex. The checkpoint connection is used
// by the checkpointer's thread alone. Watch and Unwatch run where the caller
// sets a connection up or tears it down (it holds the connection). The
// destructor waits for a checkpoint in progress. REQUIRES: the checkpointer
// outlives every commit on a watched connection (Unwatch them, or close
// them, first).
#ifndef LISTBENCH_ENGINE_SQLITE_CHECKPOINTER_H_
#define LISTBENCH_ENGINE_SQLITE_CHECKPOINTER_H_

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/background_work.h"
#include "core/status.h"
#include "engine/sqlite/busy_wait.h"
#include "engine/sqlite/sqlite_store.h"

namespace listbench {

class Checkpointer {
 public:
  // Takes `db` -- its own connection to the store's database, opened through
  // the store's VFS with the store's synchronous setting -- closing it on
  // failure too, and starts the thread. `counters` (not owned; must outlive
  // the checkpointer) receives each checkpoint.
  static StatusOr<std::unique_ptr<Checkpointer>> Start(sqlite3* db, BackgroundCounters* counters,
                                                       const SqliteWalSettings& settings);
  ~Checkpointer();  // stops the thread, then closes its connection
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Makes request connection `db` leave its checkpoints to this thread:
  // wal_autocheckpoint off, then the WAL hook (which replaces SQLite's own).
  Status Watch(sqlite3* db);
  // Removes the hook from `db` (it then checkpoints nothing by itself).
  static void Unwatch(sqlite3* db);

 private:
  Checkpointer(sqlite3* db, BackgroundCounters* counters, const SqliteWalSettings& settings);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Wake(int frames);
  void Loop();
  // The checkpoint(s) due for a WAL `frames` long.
  void RunOne(int frames);
  // One checkpoint in `mode` (SQLITE_CHECKPOINT_*), counted.
  void Checkpoint(int mode);

  sqlite3* const db_;
  BackgroundCounters* const counters_;
  const SqliteWalSettings settings_;
  BusyWait busy_;  // the RESTART checkpoint's waits
  // The WAL length that wakes the next checkpoint: checkpoint_frames more
  // than when the last one began, back to checkpoint_frames once the WAL
  // starts again.
  std::atomic<int> next_frames_;
  std::mutex mu_;
  std::condition_variable wake_;
  int wanted_frames_ = 0;  // guarded by mu_: the longest WAL reported since the last run
  bool stop_ = false;      // guarded by mu_
  std::thread thread_;     // started last
};

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_CHECKPOINTER_H_
