#include "engine/rocks/info_log.h"

#include <sys/time.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>

namespace listbench::rocks {
namespace {

constexpr uint64_t kStartOverBytes = uint64_t{1} << 20;

class InfoLog : public rocksdb::Logger {
 public:
  InfoLog(std::unique_ptr<rocksdb::FSWritableFile> file, rocksdb::InfoLogLevel level)
      : rocksdb::Logger(level), file_(std::move(file)) {}
  ~InfoLog() override { CloseFile().PermitUncheckedError(); }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    const int prefix = Timestamp(line, sizeof(line));
    va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(line + prefix, sizeof(line) - prefix - 1, format, copy);
    va_end(copy);
    if (n < 0) return;
    size_t len = std::min(sizeof(line) - 2, static_cast<size_t>(prefix) + static_cast<size_t>(n));
    if (line[len - 1] != '\n') line[len++] = '\n';
    std::lock_guard<std::mutex> lock(mu_);
    if (file_ == nullptr) return;  // never opened, or a write failed: dropped
    rocksdb::IOStatus s = file_->Append(rocksdb::Slice(line, len), rocksdb::IOOptions(), nullptr);
    if (s.ok()) s = file_->Flush(rocksdb::IOOptions(), nullptr);
    if (!s.ok()) CloseLocked().PermitUncheckedError();
  }

 protected:
  rocksdb::Status CloseImpl() override { return CloseFile(); }

 private:
  // "2026/12/04-18:00:00.123456 " into `out`; returns its length.
  static int Timestamp(char* out, size_t size) {
    struct timeval now;
    ::gettimeofday(&now, nullptr);
    struct tm t;
    ::localtime_r(&now.tv_sec, &t);
    const int n = std::snprintf(out, size, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld ", t.tm_year + 1900,
                                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                                static_cast<long>(now.tv_usec));
    return n < 0 ? 0 : n;
  }

  rocksdb::Status CloseFile() {
    std::lock_guard<std::mutex> lock(mu_);
    return CloseLocked();
  }
  rocksdb::Status CloseLocked() {
    if (file_ == nullptr) return rocksdb::Status::OK();
    const rocksdb::IOStatus s = file_->Close(rocksdb::IOOptions(), nullptr);
    file_.reset();
    return s;
  }

  std::mutex mu_;
  std::unique_ptr<rocksdb::FSWritableFile> file_;  // guarded by mu_; null once closed
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewInfoLog(const std::shared_ptr<rocksdb::FileSystem>& fs,
                                            const std::string& dir, rocksdb::InfoLogLevel level) {
  const std::string path = dir + "/LOG";
  const rocksdb::FileOptions fo;
  uint64_t size = 0;
  const bool start_over =
      fs->GetFileSize(path, rocksdb::IOOptions(), &size, nullptr).ok() && size > kStartOverBytes;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  const rocksdb::IOStatus s = start_over ? fs->NewWritableFile(path, fo, &file, nullptr)
                                         : fs->ReopenWritableFile(path, fo, &file, nullptr);
  if (!s.ok()) file.reset();
  return std::make_shared<InfoLog>(std::move(file), level);
}

}  // namespace listbench::rocks
