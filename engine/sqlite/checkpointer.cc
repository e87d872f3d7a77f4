#include "engine/sqlite/checkpointer.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/io_stats.h"
#include "engine/sqlite/schema.h"

namespace listbench {

Checkpointer::Checkpointer(sqlite3* db, BackgroundCounters* counters,
                           const SqliteWalSettings& settings)
    : db_(db),
      counters_(counters),
      settings_(settings),
      busy_(settings.restart_wait_ms),
      next_frames_(settings.checkpoint_frames) {}

StatusOr<std::unique_ptr<Checkpointer>> Checkpointer::Start(sqlite3* db,
                                                            BackgroundCounters* counters,
                                                            const SqliteWalSettings& settings) {
  std::unique_ptr<Checkpointer> c(new Checkpointer(db, counters, settings));
  LB_RETURN_IF_ERROR(c->busy_.Install(db));  // the destructor closes db
  c->thread_ = std::thread([p = c.get()] { p->Loop(); });
  return c;
}

Checkpointer::~Checkpointer() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  sqlite3_close(db_);
}

Status Checkpointer::Watch(sqlite3* db) {
  LB_RETURN_IF_ERROR(ExecSql(db, "PRAGMA wal_autocheckpoint = 0"));
  sqlite3_wal_hook(db, &Checkpointer::OnCommit, this);
  return Status::OK();
}

void Checkpointer::Unwatch(sqlite3* db) { sqlite3_wal_hook(db, nullptr, nullptr); }

// On the committing thread, after its commit: a load, and at most a wake-up.
// Concurrent commits may race on next_frames_; the worst outcome is one
// wake-up more or one commit later.
int Checkpointer::OnCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  const int step = c->settings_.checkpoint_frames;
  int next = c->next_frames_.load(std::memory_order_relaxed);
  if (frames + step < next) {  // the WAL started again from its beginning
    next = step;
    c->next_frames_.store(next, std::memory_order_relaxed);
  }
  if (frames >= next) c->Wake(frames);
  return SQLITE_OK;
}

void Checkpointer::Wake(int frames) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wanted_frames_ = std::max(wanted_frames_, frames);
  }
  wake_.notify_one();
}

void Checkpointer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || wanted_frames_ > 0; });
    if (stop_) return;
    const int frames = std::exchange(wanted_frames_, 0);
    lock.unlock();
    next_frames_.store(frames + settings_.checkpoint_frames, std::memory_order_relaxed);
    RunOne(frames);
    lock.lock();
  }
}

void Checkpointer::RunOne(int frames) {
  // Before a RESTART checkpoint, which holds writers back while it runs, a
  // passive one copies all it can without holding anyone, so that the
  // RESTART has only the tail left to copy.
  Checkpoint(SQLITE_CHECKPOINT_PASSIVE);
  if (frames >= settings_.restart_frames) Checkpoint(SQLITE_CHECKPOINT_RESTART);
}

void Checkpointer::Checkpoint(int mode) {
  const uint64_t writes_before = ThreadTally().io.writes;
  const auto began = std::chrono::steady_clock::now();
  busy_.Arm();
  int log_frames = 0, copied_frames = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, "main", mode, &log_frames, &copied_frames);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now() - began);
  counters_->AddCheckpoint(static_cast<uint64_t>(ns.count()),
                           ThreadTally().io.writes - writes_before,
                           mode == SQLITE_CHECKPOINT_RESTART, rc == SQLITE_OK);
}

}  // namespace listbench
