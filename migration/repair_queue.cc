#include "migration/repair_queue.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/posix_file.h"

namespace listbench {
namespace {

constexpr char kMagic[8] = {'L', 'B', 'R', 'Q', 'L', 'O', 'G', '\0'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kFileHeaderSize = 8 + 4 + 8 + 4;
constexpr size_t kRecordHeaderSize = 4 + 4 + 4;
constexpr size_t kBodyPrefix = 1 + 8;     // type + seq
constexpr uint32_t kMaxBody = 64u << 20;  // sanity bound on one record
constexpr uint8_t kTypeEntry = 1;
constexpr uint8_t kTypeAck = 2;

uint32_t Crc(const char* p, size_t n) { return Crc32(p, n); }

void Put32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void Put64(std::string* s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t Get32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t Get64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string FileHeader(uint64_t next_seq) {
  std::string h(kMagic, sizeof(kMagic));
  Put32(&h, kFormatVersion);
  Put64(&h, next_seq);
  Put32(&h, Crc(h.data(), h.size()));
  return h;
}

std::string Record(uint8_t type, uint64_t seq, const std::string& payload) {
  std::string body;
  body.push_back(static_cast<char>(type));
  Put64(&body, seq);
  body += payload;
  std::string len;
  Put32(&len, static_cast<uint32_t>(body.size()));
  std::string r = len;
  Put32(&r, Crc(len.data(), len.size()));
  Put32(&r, Crc(body.data(), body.size()));
  return r + body;
}

// The state a log replays to.
struct Replay {
  uint64_t next_seq = 1;
  std::map<uint64_t, std::string> pending;
  uint64_t valid_size = 0;  // bytes of header + intact records
  uint64_t records = 0;
};

// Parses a whole log. A damaged last record ends the replay (valid_size
// stops before it); anything else damaged is Corruption.
Status ParseLog(const std::string& path, const std::string& data, Replay* r) {
  if (data.size() < kFileHeaderSize || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) {
    return Status::InvalidArgument(
        fmt::format("{}: not a listbench repair queue log (bad magic)", path));
  }
  if (Crc(data.data(), kFileHeaderSize - 4) != Get32(data.data() + kFileHeaderSize - 4)) {
    return Status::Corruption(fmt::format("{}: bad header checksum at offset 0", path));
  }
  const uint32_t version = Get32(data.data() + 8);
  if (version != kFormatVersion) {
    return Status::NotSupported(
        fmt::format("{}: repair queue log format version {} (this build reads {})", path, version,
                    kFormatVersion));
  }
  r->next_seq = Get64(data.data() + 12);
  if (r->next_seq == 0 || r->next_seq > kMaxRepairSeq) {
    return Status::Corruption(fmt::format("{}: next sequence {} in the header is outside [1, {}]",
                                          path, r->next_seq, kMaxRepairSeq));
  }
  uint64_t last_entry_seq = 0;
  size_t off = kFileHeaderSize;
  while (off < data.size()) {
    const size_t remaining = data.size() - off;
    const char* p = data.data() + off;
    if (remaining < kRecordHeaderSize) break;  // torn record header
    const uint32_t len = Get32(p);
    if (Crc(p, 4) != Get32(p + 4)) {
      // A zero-filled tail is what a crash mid-append can leave behind.
      if (std::all_of(p, data.data() + data.size(), [](char c) { return c == 0; })) break;
      return Status::Corruption(
          fmt::format("{}: bad record header checksum at offset {}", path, off));
    }
    if (len < kBodyPrefix || len > kMaxBody) {
      return Status::Corruption(
          fmt::format("{}: impossible record length {} at offset {}", path, len, off));
    }
    if (remaining < kRecordHeaderSize + len) break;  // torn body
    const char* body = p + kRecordHeaderSize;
    if (Crc(body, len) != Get32(p + 8)) {
      if (remaining == kRecordHeaderSize + len) break;  // damaged last record
      return Status::Corruption(fmt::format("{}: bad record checksum at offset {}", path, off));
    }
    const uint8_t type = static_cast<uint8_t>(body[0]);
    const uint64_t seq = Get64(body + 1);
    if (type == kTypeEntry) {
      if (seq >= kMaxRepairSeq) {
        return Status::Corruption(fmt::format("{}: entry sequence {} at offset {} is not below {}",
                                              path, seq, off, kMaxRepairSeq));
      }
      if (seq <= last_entry_seq || seq == 0) {
        return Status::Corruption(
            fmt::format("{}: entry sequence {} out of order at offset {}", path, seq, off));
      }
      last_entry_seq = seq;
      r->pending.emplace(seq, std::string(body + kBodyPrefix, len - kBodyPrefix));
      r->next_seq = std::max(r->next_seq, seq + 1);
    } else if (type == kTypeAck) {
      if (r->pending.erase(seq) != 1) {
        return Status::Corruption(
            fmt::format("{}: acknowledgement of unknown entry {} at offset {}", path, seq, off));
      }
    } else {
      return Status::Corruption(
          fmt::format("{}: unknown record type {} at offset {}", path, type, off));
    }
    off += kRecordHeaderSize + len;
    ++r->records;
  }
  r->valid_size = off;
  return Status::OK();
}

}  // namespace

StatusOr<RepairLogContents> ParseRepairLog(const std::string& data, const std::string& name) {
  Replay replay;
  LB_RETURN_IF_ERROR(ParseLog(name, data, &replay));
  RepairLogContents c;
  c.next_seq = replay.next_seq;
  for (auto& [seq, payload] : replay.pending) c.pending.push_back({seq, std::move(payload)});
  c.valid_size = replay.valid_size;
  c.records = replay.records;
  return c;
}

std::string RepairLogBytes(uint64_t next_seq, const std::vector<RepairEntry>& pending) {
  std::string contents = FileHeader(next_seq);
  for (const RepairEntry& e : pending) contents += Record(kTypeEntry, e.seq, e.payload);
  return contents;
}

StatusOr<std::unique_ptr<RepairQueue>> RepairQueue::Open(const std::string& path) {
  RepairQueueRecovery recovery;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return PosixError("stat " + path, errno);
    LB_RETURN_IF_ERROR(WriteFileAtomically(path, FileHeader(1)));
    recovery.created = true;
  } else if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(fmt::format("{}: not a regular file", path));
  }

  std::string data;
  LB_RETURN_IF_ERROR(ReadWholeFile(path, &data));
  Replay replay;
  LB_RETURN_IF_ERROR(ParseLog(path, data, &replay));

  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return PosixError("open " + path, errno);
  if (replay.valid_size < data.size()) {
    recovery.torn_tail = true;
    recovery.torn_tail_offset = replay.valid_size;
    recovery.torn_tail_bytes = data.size() - replay.valid_size;
    Status s;
    if (::ftruncate(fd, static_cast<off_t>(replay.valid_size)) != 0) {
      s = PosixError("truncate torn tail of " + path, errno);
    }
    if (s.ok()) s = SyncFd(fd, path);
    if (!s.ok()) {
      ::close(fd);
      return s;
    }
  }
  recovery.records_read = replay.records;

  std::unique_ptr<RepairQueue> q(new RepairQueue(path, fd));
  q->next_seq_ = replay.next_seq;
  q->pending_ = std::move(replay.pending);
  q->recovery_ = recovery;
  return q;
}

RepairQueue::~RepairQueue() {
  if (fd_ >= 0) ::close(fd_);
}

Status RepairQueue::AppendRecordLocked(uint8_t type, uint64_t seq, const std::string& payload) {
  LB_RETURN_IF_ERROR(failed_);
  const std::string rec = Record(type, seq, payload);
  Status s = WriteAll(fd_, rec, path_);
  if (s.ok()) s = SyncFd(fd_, path_);
  if (!s.ok()) {
    failed_ = s;
    return s;
  }
  return Status::OK();
}

StatusOr<uint64_t> RepairQueue::Append(const std::string& payload) {
  if (payload.size() > kMaxBody - kBodyPrefix) {
    return Status::InvalidArgument(fmt::format("repair entry of {} bytes exceeds the {} byte limit",
                                               payload.size(), kMaxBody - kBodyPrefix));
  }
  std::lock_guard<std::mutex> l(mu_);
  if (next_seq_ >= kMaxRepairSeq) {
    return Status::InvalidArgument(
        fmt::format("{}: sequence numbers reached {}; no more entries", path_, kMaxRepairSeq));
  }
  const uint64_t seq = next_seq_;
  LB_RETURN_IF_ERROR(AppendRecordLocked(kTypeEntry, seq, payload));
  ++next_seq_;
  pending_.emplace(seq, payload);
  return seq;
}

Status RepairQueue::Acknowledge(uint64_t seq) {
  std::lock_guard<std::mutex> l(mu_);
  if (pending_.count(seq) == 0) {
    return Status::NotFound(fmt::format("repair entry {} is not pending in {}", seq, path_));
  }
  LB_RETURN_IF_ERROR(AppendRecordLocked(kTypeAck, seq, std::string()));
  pending_.erase(seq);
  return Status::OK();
}

std::vector<RepairEntry> RepairQueue::Pending() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<RepairEntry> out;
  out.reserve(pending_.size());
  for (const auto& [seq, payload] : pending_) out.push_back({seq, payload});
  return out;
}

uint64_t RepairQueue::Depth() const {
  std::lock_guard<std::mutex> l(mu_);
  return pending_.size();
}

uint64_t RepairQueue::next_seq() const {
  std::lock_guard<std::mutex> l(mu_);
  return next_seq_;
}

Status RepairQueue::Compact() {
  std::lock_guard<std::mutex> l(mu_);
  LB_RETURN_IF_ERROR(failed_);
  std::string contents = FileHeader(next_seq_);
  for (const auto& [seq, payload] : pending_) contents += Record(kTypeEntry, seq, payload);
  Status s = WriteFileAtomically(path_, contents);
  int fd = -1;
  if (s.ok()) {
    fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) s = PosixError("reopen " + path_, errno);
  }
  if (!s.ok()) {
    failed_ = s;
    return s;
  }
  ::close(fd_);
  fd_ = fd;
  return Status::OK();
}

}  // namespace listbench
