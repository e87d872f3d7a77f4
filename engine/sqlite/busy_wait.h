// BusyWait: the busy handler (sqlite3_busy_handler) of one store connection.
// When another connection holds a lock a statement needs -- in WAL mode the
// database's one write lock, which BEGIN IMMEDIATE takes -- SQLite calls it
// and retries while it says so. It backs off finely: a few yields, then
// sleeps of 20 us doubling up to 1 ms, until `timeout_ms` has passed since
// the wait began; then the statement fails with SQLITE_BUSY (IOError).
// sqlite3_busy_timeout, by contrast, sleeps 1 ms before its first retry and
// up to 100 ms later, while a write transaction of this store holds the lock
// for tens of microseconds. Measured with 4 threads of W3 on distinct
// listings (relaxed durability, a 2-core machine under heavy load, so
// noisy; eleven runs each): 4.8k-11.6k writes/s with this handler against
// 3.5k-10.8k with busy_timeout, the slowest request 0.1-0.5 s against
// 0.3-1.2 s. The coarse sleeps cost little throughput while other
// writers keep the lock busy, but they make the unlucky waiter wait long.
//
// It also remembers when the current wait began, so a caller can charge the
// wait of one statement (BEGIN IMMEDIATE) to the request as lock wait.
//
// Thread safety: one per connection, used only by the thread that holds the
// connection (SQLite calls the handler on the thread stepping the
// statement).
#ifndef LISTBENCH_ENGINE_SQLITE_BUSY_WAIT_H_
#define LISTBENCH_ENGINE_SQLITE_BUSY_WAIT_H_

#include <sqlite3.h>

#include <chrono>
#include <cstdint>

#include "core/status.h"

namespace listbench {

class BusyWait {
 public:
  // 0 = fail at once, as soon as a lock is busy.
  explicit BusyWait(int timeout_ms) : timeout_(std::chrono::milliseconds(timeout_ms)) {}
  BusyWait(const BusyWait&) = delete;
  BusyWait& operator=(const BusyWait&) = delete;

  // Makes this the busy handler of `db`. REQUIRES: outlives the connection.
  Status Install(sqlite3* db);

  // Forgets any earlier wait: WaitedNs() then measures waits from here on.
  void Arm() { waited_ = false; }
  // Nanoseconds from the start of the first wait since Arm() until now; 0
  // when SQLite never had to wait.
  uint64_t WaitedNs() const;

 private:
  using Clock = std::chrono::steady_clock;
  static int OnBusy(void* self, int count);

  const Clock::duration timeout_;
  bool waited_ = false;
  Clock::time_point first_wait_{};  // start of the first wait since Arm()
  Clock::time_point this_wait_{};   // start of the wait in progress
};

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_BUSY_WAIT_H_
