#include "engine/sqlite/busy_wait.h"

#include <algorithm>
#include <thread>

#include "engine/sqlite/sqlite_error.h"

namespace listbench {
namespace {

// Retries that only yield the processor before the first sleep.
constexpr int kYields = 4;
constexpr std::chrono::microseconds kFirstSleep{20};
constexpr std::chrono::microseconds kLongestSleep{1000};

}  // namespace

Status BusyWait::Install(sqlite3* db) {
  const int rc = sqlite3_busy_handler(db, &BusyWait::OnBusy, this);
  return rc == SQLITE_OK ? Status::OK() : FromSqlite(rc, db, "busy_handler");
}

uint64_t BusyWait::WaitedNs() const {
  if (!waited_) return 0;
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - first_wait_).count());
}

// `count` is the number of earlier calls for the same lock: 0 starts a wait.
int BusyWait::OnBusy(void* self, int count) {
  BusyWait& w = *static_cast<BusyWait*>(self);
  const Clock::time_point now = Clock::now();
  if (count == 0) {
    w.this_wait_ = now;
    if (!w.waited_) w.first_wait_ = now;
    w.waited_ = true;
  }
  if (now - w.this_wait_ >= w.timeout_) return 0;  // give up: SQLITE_BUSY
  if (count < kYields) {
    std::this_thread::yield();
    return 1;
  }
  const int doublings = std::min(count - kYields, 10);
  std::this_thread::sleep_for(
      std::min<std::chrono::microseconds>(kFirstSleep * (1 << doublings), kLongestSleep));
  return 1;
}

}  // namespace listbench
