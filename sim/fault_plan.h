// FaultPlan: the seeded fault plan both engines' I/O seams consult (it
// implements core/io_fault.h), in the manner of RocksDB's
// FaultInjectionTestFS and SQLite's test VFS / crash simulation (test6.c).
//
// A plan holds rules. Each rule names a fault kind, the calls it matches
// (operation, file kinds) and when it fires:
//   * on the Nth matching call (nth >= 1), or
//   * with a seeded 1-in-K chance per matching call (one_in >= 1).
// A transient rule fires `max_fires` times (default 1) and is then spent; a
// persistent rule fires on every matching call from its first firing on,
// until it is cleared (Clear / ClearAll, e.g. "the disk gets space back").
//
// Fault kinds: read / write / sync errors, metadata errors (rename, delete,
// directory sync), disk full (writes fail with kNoSpace once `byte_budget`
// bytes have been written through the plan since the rule was added, or on
// the nth / 1-in-K write when no budget is given),
// latency (sleeps `latency_us`, then proceeds), and crash (power loss: the
// matching call and every later call fail with kCrashed until
// SimulatePowerLoss() rolls the files back).
//
// Determinism: whether a chance rule fires is a pure function of (plan seed,
// rule index, index of the matching call), never of a shared random stream,
// so the same seed and the same sequence of calls give the same log. SQLite
// calls its VFS from the request thread, except for its WAL checkpoints,
// which run on the store's own thread (engine/sqlite/checkpointer.h): they
// read the WAL and write and sync the database file, so rules matching those
// calls can see them in a different order from run to run; rules scoped to
// WAL writes and syncs (the request thread's) replay exactly. RocksDB's flushes and
// compactions run on background threads, so rules matching table/manifest
// files can see calls in a different order from run to run; rules scoped to
// the WAL (written by the request thread) replay exactly, as long as no
// background compaction takes file numbers in between (the log names files).
//
// Power loss (crash tracking is always on while a plan is installed): the plan
// records, per file, the size at its last sync and the pre-image of every
// write that lands below that size; files created since their directory was
// last synced (RocksDB) or since their first sync (SQLite: its unix VFS
// syncs the directory inside the first xSync, invisibly) are "new". A file
// replaced by a rename keeps its durable content until the directory is
// synced. SimulatePowerLoss() -- call it after the store using the plan has
// been closed or destroyed -- restores pre-images, truncates files to their
// synced size, deletes new files and restores replaced ones. Deletes are
// taken as durable at once (the engines delete only obsolete files).
//
// Thread safety: all methods are safe for concurrent use.
#ifndef LISTBENCH_SIM_FAULT_PLAN_H_
#define LISTBENCH_SIM_FAULT_PLAN_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/io_fault.h"
#include "core/status.h"

namespace listbench {

enum class FaultKind : uint8_t {
  kReadError,
  kWriteError,
  kSyncError,
  kMetadataError,
  kDiskFull,
  kLatency,
  kCrash,
};
std::string_view FaultKindName(FaultKind k);  // "read_error", "disk_full", ...
// InvalidArgument naming `name` when it is not a fault kind.
StatusOr<FaultKind> ParseFaultKind(std::string_view name);

struct FaultRule {
  FaultKind kind = FaultKind::kWriteError;
  bool persistent = false;
  uint64_t nth = 0;          // fire on the Nth matching call (1-based); 0 = use one_in
  uint64_t one_in = 0;       // fire with chance 1/one_in per matching call
  uint64_t max_fires = 1;    // transient rules: how many times before spent
  uint64_t byte_budget = 0;  // disk_full: bytes writable before the disk is full
  uint64_t latency_us = 0;   // latency
  // Bit (1 << FileKind) per kind matched; default: every kind.
  uint32_t file_kinds = (1u << kNumFileKinds) - 1;
  // crash only: which calls may be the crash point (default: syncs and
  // writes). Other kinds match their own operations (read_error: reads, ...)
  // and latency matches `ops` too (default: reads, writes and syncs).
  uint32_t ops = 0;   // bit (1 << IoOp); 0 = the kind's default
  std::string label;  // for the log; "" = the kind's name
};

// One injected fault: what, where, when.
struct FaultEvent {
  uint64_t call = 0;   // index of the seam call (1-based, all calls) it hit
  size_t rule = 0;     // index of the rule in the plan
  uint64_t match = 0;  // index among the calls the rule matched (1-based)
  FaultKind kind = FaultKind::kWriteError;
  IoOp op = IoOp::kRead;
  FileKind file_kind = FileKind::kOther;
  std::string file;  // file name without its directory
  uint64_t offset = 0, bytes = 0;
  double at_seconds = 0;  // since the plan was made (not compared on replay)
  // "rule 0 match 12: write_error on write 000004.log @4096+117 (wal)". What
  // replays by seed: a rule's matches are counted over the calls it matches
  // (the global `call` index also counts RocksDB's background calls).
  std::string Describe() const;
};

struct PowerLossReport {
  uint64_t files_truncated = 0;
  uint64_t bytes_dropped = 0;     // unsynced bytes beyond synced sizes
  uint64_t regions_restored = 0;  // pre-images written back
  uint64_t files_deleted = 0;     // created since their directory's last sync
  uint64_t files_restored = 0;    // replaced by an unsynced rename
  // The names (without their directory) of the files it changed, sorted.
  std::vector<std::string> files;
};

class FaultPlan final : public IoFaultInjector {
 public:
  explicit FaultPlan(uint64_t seed);
  ~FaultPlan() override;

  uint64_t seed() const { return seed_; }

  // Returns the rule's index. InvalidArgument (naming the field) when the
  // rule is malformed: neither or both of nth/one_in (disk_full: or a
  // byte_budget instead), latency without latency_us, no file kinds.
  StatusOr<size_t> AddRule(const FaultRule& rule);
  // Clears one rule (it stops firing; a full disk gets space back).
  void Clear(size_t rule);
  void ClearAll();

  // While disabled, Before() proceeds without counting, matching or logging
  // (crash tracking continues): a drill probes the store's state this way.
  void SetEnabled(bool enabled);

  // The log of injected faults, in order.
  std::vector<FaultEvent> Log() const;
  uint64_t calls() const;
  bool crashed() const;

  // The power goes off now: every later seam call fails as after a crash
  // rule fired (a call already past the seam still completes).
  void CrashNow();

  // Rolls every tracked file back to what survives power loss, then forgets
  // the tracking, leaves the crashed state and keeps the rules as they are.
  // REQUIRES: nothing has the files open for writing.
  StatusOr<PowerLossReport> SimulatePowerLoss();

  // IoFaultInjector.
  IoVerdict Before(IoOp op, const std::string& path, uint64_t offset, uint64_t bytes) override;
  void Created(const std::string& path) override;
  void Synced(const std::string& path) override;
  void DirSynced(const std::string& dir) override;
  void Renamed(const std::string& src, const std::string& dst) override;
  void Deleted(const std::string& path) override;

 private:
  struct RuleState;
  struct FileState;

  FileState& Track(const std::string& path);  // REQUIRES: mu_ held
  void KeepReplaced(const std::string& dst);  // REQUIRES: mu_ held
  void CapturePreImage(FileState& f, const std::string& path, uint64_t offset, uint64_t bytes);

  const uint64_t seed_;
  const double start_;
  mutable std::mutex mu_;
  std::vector<RuleState> rules_;
  std::vector<FaultEvent> log_;
  uint64_t calls_ = 0;
  bool crashed_ = false;
  bool enabled_ = true;
  std::map<std::string, FileState> files_;
};

}  // namespace listbench

#endif  // LISTBENCH_SIM_FAULT_PLAN_H_
