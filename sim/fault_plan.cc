#include "sim/fault_plan.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "util/random.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr uint32_t Bit(IoOp op) { return 1u << static_cast<int>(op); }

// The operations a kind matches when the rule does not say.
uint32_t DefaultOps(FaultKind k) {
  switch (k) {
    case FaultKind::kReadError:
      return Bit(IoOp::kRead);
    case FaultKind::kWriteError:
      return Bit(IoOp::kWrite);
    case FaultKind::kSyncError:
      return Bit(IoOp::kSync);
    case FaultKind::kMetadataError:
      return Bit(IoOp::kRename) | Bit(IoOp::kDelete) | Bit(IoOp::kDirSync);
    case FaultKind::kDiskFull:
      return Bit(IoOp::kWrite);
    case FaultKind::kLatency:
      return Bit(IoOp::kRead) | Bit(IoOp::kWrite) | Bit(IoOp::kSync);
    case FaultKind::kCrash:
      return Bit(IoOp::kWrite) | Bit(IoOp::kSync);
  }
  return 0;
}

std::string BaseName(const std::string& path) { return fs::path(path).filename().string(); }

// The file's size; 0 (and *exists false) when it does not exist.
uint64_t SizeOf(const std::string& path, bool* exists = nullptr) {
  std::error_code ec;
  uint64_t n = fs::file_size(path, ec);
  if (exists != nullptr) *exists = !ec;
  return ec ? 0 : n;
}

Status ReadRange(const std::string& path, uint64_t offset, uint64_t n, std::string* out) {
  out->assign(n, '\0');
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": cannot open to keep a pre-image");
  uint64_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out->data() + done, n - done, static_cast<off_t>(offset + done));
    if (r <= 0) break;
    done += static_cast<uint64_t>(r);
  }
  ::close(fd);
  out->resize(done);
  return Status::OK();
}

Status WriteRange(const std::string& path, uint64_t offset, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": cannot open to restore a pre-image");
  uint64_t done = 0;
  while (done < data.size()) {
    ssize_t w =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (w <= 0) {
      ::close(fd);
      return Status::IOError(path + ": cannot restore a pre-image");
    }
    done += static_cast<uint64_t>(w);
  }
  ::close(fd);
  return Status::OK();
}

}  // namespace

std::string_view FaultKindName(FaultKind k) {
  switch (k) {
    case FaultKind::kReadError:
      return "read_error";
    case FaultKind::kWriteError:
      return "write_error";
    case FaultKind::kSyncError:
      return "sync_error";
    case FaultKind::kMetadataError:
      return "metadata_error";
    case FaultKind::kDiskFull:
      return "disk_full";
    case FaultKind::kLatency:
      return "latency";
    case FaultKind::kCrash:
      return "crash";
  }
  return "?";
}

StatusOr<FaultKind> ParseFaultKind(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(FaultKind::kCrash); ++i) {
    auto k = static_cast<FaultKind>(i);
    if (FaultKindName(k) == name) return k;
  }
  return Status::InvalidArgument(
      fmt::format("unknown fault kind '{}' (read_error, write_error, sync_error, metadata_error, "
                  "disk_full, latency, crash)",
                  name));
}

std::string FaultEvent::Describe() const {
  std::string where = file;
  if (op == IoOp::kRead || op == IoOp::kWrite) where += fmt::format(" @{}+{}", offset, bytes);
  return fmt::format("rule {} match {}: {} on {} {} ({})", rule, match, FaultKindName(kind),
                     IoOpName(op), where, FileKindName(file_kind));
}

struct FaultPlan::RuleState {
  FaultRule rule;
  uint32_t ops = 0;
  uint64_t matched = 0;  // matching calls seen
  uint64_t fires = 0;
  uint64_t written = 0;  // disk_full: bytes written since added
  bool cleared = false;
  bool tripped = false;  // persistent: fired once, fires from now on
};

struct FaultPlan::FileState {
  bool is_new = false;       // created since its directory's last sync
  uint64_t synced_size = 0;  // size at the last sync (or when first seen)
  // Pre-images of writes that landed below synced_size, in write order.
  std::vector<std::pair<uint64_t, std::string>> undo;
  bool replaced = false;        // a rename put another file here, unsynced
  std::string durable_content;  // what was here before that rename
  bool had_durable = false;
};

FaultPlan::FaultPlan(uint64_t seed) : seed_(seed), start_(NowSeconds()) {}
FaultPlan::~FaultPlan() = default;

StatusOr<size_t> FaultPlan::AddRule(const FaultRule& r) {
  std::string name = r.label.empty() ? std::string(FaultKindName(r.kind)) : r.label;
  const bool budget = r.kind == FaultKind::kDiskFull && r.byte_budget > 0;
  if (budget && (r.nth != 0 || r.one_in != 0)) {
    return Status::InvalidArgument("fault rule '" + name +
                                   "': disk_full takes byte_budget or nth/one_in, not both");
  }
  if (!budget && (r.nth == 0) == (r.one_in == 0)) {
    return Status::InvalidArgument("fault rule '" + name + "': give exactly one of nth, one_in" +
                                   (r.kind == FaultKind::kDiskFull ? " (or byte_budget)" : ""));
  }
  if (r.kind == FaultKind::kLatency && r.latency_us == 0) {
    return Status::InvalidArgument("fault rule '" + name + "': latency needs latency_us > 0");
  }
  if ((r.file_kinds & ((1u << kNumFileKinds) - 1)) == 0) {
    return Status::InvalidArgument("fault rule '" + name + "': no file kinds");
  }
  if (!r.persistent && r.max_fires == 0) {
    return Status::InvalidArgument("fault rule '" + name + "': max_fires must be >= 1");
  }
  std::lock_guard<std::mutex> l(mu_);
  RuleState s;
  s.rule = r;
  s.rule.label = name;
  s.ops = r.ops != 0 ? r.ops : DefaultOps(r.kind);
  rules_.push_back(std::move(s));
  return rules_.size() - 1;
}

void FaultPlan::Clear(size_t rule) {
  std::lock_guard<std::mutex> l(mu_);
  if (rule < rules_.size()) rules_[rule].cleared = true;
}

void FaultPlan::ClearAll() {
  std::lock_guard<std::mutex> l(mu_);
  for (RuleState& r : rules_) r.cleared = true;
}

void FaultPlan::SetEnabled(bool enabled) {
  std::lock_guard<std::mutex> l(mu_);
  enabled_ = enabled;
}

std::vector<FaultEvent> FaultPlan::Log() const {
  std::lock_guard<std::mutex> l(mu_);
  return log_;
}

uint64_t FaultPlan::calls() const {
  std::lock_guard<std::mutex> l(mu_);
  return calls_;
}

bool FaultPlan::crashed() const {
  std::lock_guard<std::mutex> l(mu_);
  return crashed_;
}

FaultPlan::FileState& FaultPlan::Track(const std::string& path) {
  auto it = files_.find(path);
  if (it != files_.end()) return it->second;
  FileState f;
  f.synced_size = SizeOf(path);
  return files_.emplace(path, std::move(f)).first->second;
}

void FaultPlan::CapturePreImage(FileState& f, const std::string& path, uint64_t offset,
                                uint64_t bytes) {
  if (f.is_new || offset >= f.synced_size || bytes == 0) return;
  uint64_t n = std::min(bytes, f.synced_size - offset);
  std::string old;
  if (ReadRange(path, offset, n, &old).ok() && !old.empty()) {
    f.undo.emplace_back(offset, std::move(old));
  }
}

IoVerdict FaultPlan::Before(IoOp op, const std::string& path, uint64_t offset, uint64_t bytes) {
  uint64_t sleep_us = 0;
  IoVerdict verdict = IoVerdict::kProceed;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (crashed_) return IoVerdict::kCrashed;
    if (enabled_) ++calls_;
    const FileKind kind = ClassifyFile(path);
    for (size_t i = 0; enabled_ && i < rules_.size() && verdict == IoVerdict::kProceed; ++i) {
      RuleState& r = rules_[i];
      if (r.cleared) continue;
      if ((r.ops & Bit(op)) == 0 || (r.rule.file_kinds & (1u << static_cast<int>(kind))) == 0) {
        continue;
      }
      const uint64_t index = ++r.matched;
      bool fire = false;
      if (r.tripped) {
        fire = true;
      } else if (r.rule.kind == FaultKind::kDiskFull && r.rule.byte_budget > 0) {
        // The disk holds byte_budget more bytes; the first write that does
        // not fit fails (and, persistent, every later one until cleared).
        fire = r.written + bytes > r.rule.byte_budget;
        if (!fire) r.written += bytes;
      } else if (r.rule.nth != 0) {
        fire = index == r.rule.nth;
      } else {
        fire = MixBits(seed_ ^ MixBits((uint64_t{i} << 40) ^ index)) % r.rule.one_in == 0;
      }
      if (!fire) continue;
      ++r.fires;
      if (r.rule.persistent) {
        r.tripped = true;
      } else if (r.fires >= r.rule.max_fires) {
        r.cleared = true;  // spent
      }
      FaultEvent e;
      e.call = calls_;
      e.rule = i;
      e.match = index;
      e.kind = r.rule.kind;
      e.op = op;
      e.file_kind = kind;
      e.file = BaseName(path);
      e.offset = offset;
      e.bytes = bytes;
      e.at_seconds = NowSeconds() - start_;
      log_.push_back(std::move(e));
      switch (r.rule.kind) {
        case FaultKind::kLatency:
          sleep_us += r.rule.latency_us;
          break;
        case FaultKind::kDiskFull:
          verdict = IoVerdict::kNoSpace;
          break;
        case FaultKind::kCrash:
          crashed_ = true;
          verdict = IoVerdict::kCrashed;
          break;
        default:
          verdict = IoVerdict::kIoError;
          break;
      }
    }
    if (verdict == IoVerdict::kProceed && op == IoOp::kWrite) {
      CapturePreImage(Track(path), path, offset, bytes);
    }
    if (verdict == IoVerdict::kProceed && op == IoOp::kRename) KeepReplaced(path);
  }
  if (sleep_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
  return verdict;
}

void FaultPlan::KeepReplaced(const std::string& dst) {
  std::error_code ec;
  const bool exists = fs::exists(dst, ec);
  FileState& d = Track(dst);
  if (d.replaced) return;  // an earlier unsynced rename already kept it
  d.replaced = true;
  d.had_durable = exists && !d.is_new;
  d.durable_content.clear();
  if (d.had_durable) {
    // What survives power loss: the content as of its last sync.
    std::string content;
    if (ReadRange(dst, 0, d.synced_size, &content).ok()) d.durable_content = std::move(content);
    for (auto u = d.undo.rbegin(); u != d.undo.rend(); ++u) {
      if (u->first < d.durable_content.size()) {
        d.durable_content.replace(u->first,
                                  std::min(u->second.size(), d.durable_content.size() - u->first),
                                  u->second.substr(0, d.durable_content.size() - u->first));
      }
    }
  }
}

void FaultPlan::Created(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = files_[path];
  f = FileState{};
  f.is_new = true;
}

void FaultPlan::Synced(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = Track(path);
  f.synced_size = SizeOf(path);
  f.undo.clear();
}

void FaultPlan::DirSynced(const std::string& dir) {
  std::lock_guard<std::mutex> l(mu_);
  const fs::path d = fs::path(dir).lexically_normal();
  for (auto& [path, f] : files_) {
    if (fs::path(path).parent_path().lexically_normal() != d) continue;
    f.is_new = false;
    f.replaced = false;
    f.durable_content.clear();
    f.had_durable = false;
  }
}

void FaultPlan::Renamed(const std::string& src, const std::string& dst) {
  std::lock_guard<std::mutex> l(mu_);
  FileState moved = Track(src);
  files_.erase(src);
  auto it = files_.find(dst);
  // Before(kRename, dst) kept what the destination durably held; the moved
  // file inherits that until the directory is synced.
  if (it != files_.end() && it->second.replaced) {
    moved.replaced = true;
    moved.had_durable = it->second.had_durable;
    moved.durable_content = std::move(it->second.durable_content);
  }
  files_[dst] = std::move(moved);
}

void FaultPlan::Deleted(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  files_.erase(path);
}

void FaultPlan::CrashNow() {
  std::lock_guard<std::mutex> l(mu_);
  crashed_ = true;
}

StatusOr<PowerLossReport> FaultPlan::SimulatePowerLoss() {
  std::lock_guard<std::mutex> l(mu_);
  PowerLossReport rep;
  for (auto& [path, f] : files_) {
    std::error_code ec;
    if (f.replaced) {
      // The rename never reached the disk: the old file is back (or, when
      // the destination was new too, nothing is).
      if (f.had_durable) {
        std::string tmp = path + ".listbench-restore";
        {
          int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
          if (fd < 0) return Status::IOError(path + ": cannot restore the file a rename replaced");
          ::close(fd);
        }
        LB_RETURN_IF_ERROR(WriteRange(tmp, 0, f.durable_content));
        fs::rename(tmp, path, ec);
        if (ec) return Status::IOError(path + ": cannot restore: " + ec.message());
      } else {
        fs::remove(path, ec);
      }
      ++rep.files_restored;
      rep.files.push_back(BaseName(path));
      continue;
    }
    if (f.is_new) {
      if (fs::remove(path, ec)) {
        ++rep.files_deleted;
        rep.files.push_back(BaseName(path));
      }
      continue;
    }
    bool exists = false;
    uint64_t size = SizeOf(path, &exists);
    if (!exists) continue;
    for (auto it = f.undo.rbegin(); it != f.undo.rend(); ++it) {
      LB_RETURN_IF_ERROR(WriteRange(path, it->first, it->second));
      ++rep.regions_restored;
    }
    if (!f.undo.empty() || size != f.synced_size) rep.files.push_back(BaseName(path));
    if (size != f.synced_size) {
      if (size > f.synced_size) rep.bytes_dropped += size - f.synced_size;
      fs::resize_file(path, f.synced_size, ec);
      if (ec) return Status::IOError(path + ": cannot truncate: " + ec.message());
      ++rep.files_truncated;
    }
  }
  files_.clear();
  crashed_ = false;
  std::sort(rep.files.begin(), rep.files.end());
  return rep;
}

}  // namespace listbench
