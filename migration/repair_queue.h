// RepairQueue: the migration's durable repair queue. During dual write a
// write that fails on the new side never fails the user's request; the
// migration appends a repair entry here instead, and a drainer later re-copies
// the entity and acknowledges the entry.
//
// An entry is an opaque payload (the caller serializes which entity or
// operation to re-copy) with a sequence number assigned by Append: 1, 2, 3...
// in append order, never reused (compaction keeps the counter).
//
// On disk: one append-only log file. It starts with a header
//   magic "LBRQLOG\0" (8) | format version u32 | next sequence u64 | crc u32
// (crc32 of the 20 bytes before it; "next sequence" is the counter when the
// file was written, so compaction never lets a sequence number be reused)
// followed by records, each framed as
//   body length u32 | crc32(length) u32 | crc32(body) u32 | body
// where body = type u8 (1 entry, 2 ack) | sequence u64 | payload (entries).
// All integers little-endian; CRCs are zlib crc32.
//
// Durability: Open creates a missing log durably (temp file, fsync, rename,
// directory fsync), so the log's name is durable before the first Append.
// Append and Acknowledge write their record and fsync before returning OK.
// Compact rewrites the log with only the pending entries the same way.
//
// Recovery on Open: a damaged last record (the crash hit mid-append) is a
// torn tail: it is reported in recovery() and cut off, and every earlier
// record is kept. A damaged record followed by more data is Corruption naming
// the file and the record's offset; so is a record that contradicts the log
// (entry sequences not strictly increasing, an ack for no pending entry). A
// file that is not a repair queue log is refused (InvalidArgument;
// NotSupported for another format version) without being modified.
//
// After an I/O error in Append, Acknowledge or Compact the queue is failed:
// every later mutating call returns that error. Reopen to recover.
//
// Thread safety: all methods may be called concurrently (internal mutex).
#ifndef LISTBENCH_MIGRATION_REPAIR_QUEUE_H_
#define LISTBENCH_MIGRATION_REPAIR_QUEUE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

namespace listbench {

struct RepairEntry {
  uint64_t seq = 0;
  std::string payload;
  bool operator==(const RepairEntry&) const = default;
};

// Sequence numbers stay below this bound: a log naming one at or above it
// is Corruption, and Append refuses to reach it (no log gets near).
inline constexpr uint64_t kMaxRepairSeq = uint64_t{1} << 62;

// What Open found and did.
struct RepairQueueRecovery {
  bool created = false;           // the log did not exist and was created
  uint64_t records_read = 0;      // valid records replayed
  bool torn_tail = false;         // a damaged last record was cut off
  uint64_t torn_tail_offset = 0;  // where it started (the new file size)
  uint64_t torn_tail_bytes = 0;   // bytes cut off
};

// What a log's bytes replay to: what Open recovers, without a file.
struct RepairLogContents {
  uint64_t next_seq = 1;
  std::vector<RepairEntry> pending;  // in sequence order
  uint64_t valid_size = 0;           // bytes of header and intact records (a torn tail after)
  uint64_t records = 0;              // intact records
};

// Replays the log in `data` (`name` stands for the file in messages) the way
// Open does: InvalidArgument when it is not a repair queue log, NotSupported
// for another format version, Corruption naming `name`, the offset and the
// problem for damage that is not a torn tail.
StatusOr<RepairLogContents> ParseRepairLog(const std::string& data, const std::string& name);
// The bytes of a log holding exactly `pending` with the counter `next_seq`,
// as Compact writes it. REQUIRES: `pending` in increasing sequence order,
// each below `next_seq`.
std::string RepairLogBytes(uint64_t next_seq, const std::vector<RepairEntry>& pending);

class RepairQueue {
 public:
  // Opens the log at `path`, creating it when missing (its directory must
  // exist). On success the queue holds exactly the undrained entries.
  static StatusOr<std::unique_ptr<RepairQueue>> Open(const std::string& path);

  ~RepairQueue();
  RepairQueue(const RepairQueue&) = delete;
  RepairQueue& operator=(const RepairQueue&) = delete;

  // Durably appends `payload` and returns its sequence number. IOError when
  // the write or fsync fails (the queue is then failed; see above);
  // InvalidArgument once the sequence numbers reach kMaxRepairSeq.
  [[nodiscard]] StatusOr<uint64_t> Append(const std::string& payload);

  // Durably marks entry `seq` drained. NotFound if `seq` is not pending.
  [[nodiscard]] Status Acknowledge(uint64_t seq);

  // The undrained entries in sequence order (a copy).
  std::vector<RepairEntry> Pending() const;
  // Number of undrained entries.
  uint64_t Depth() const;
  // The sequence number the next Append will return.
  uint64_t next_seq() const;

  // Rewrites the log with only the pending entries (drained entries and ack
  // records are dropped), atomically by rename.
  [[nodiscard]] Status Compact();

  const std::string& path() const { return path_; }
  const RepairQueueRecovery& recovery() const { return recovery_; }

 private:
  RepairQueue(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Status AppendRecordLocked(uint8_t type, uint64_t seq, const std::string& payload);

  const std::string path_;
  mutable std::mutex mu_;
  int fd_;  // opened for append
  uint64_t next_seq_ = 1;
  std::map<uint64_t, std::string> pending_;
  Status failed_;  // sticky I/O error
  RepairQueueRecovery recovery_;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_REPAIR_QUEUE_H_
