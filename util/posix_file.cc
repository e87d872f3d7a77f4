#include "util/posix_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace listbench {

Status PosixError(const std::string& context, int err) {
  return Status::IOError(fmt::format("{}: {}", context, std::strerror(err)));
}

uint32_t Crc32(const char* p, size_t n) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError("write " + path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status SyncFd(int fd, const std::string& path) {
  if (::fsync(fd) != 0) return PosixError("fsync " + path, errno);
  return Status::OK();
}

namespace {
std::string DirOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}
}  // namespace

Status SyncParentDir(const std::string& path) {
  const std::string dir = DirOf(path);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return PosixError("open directory " + dir, errno);
  Status s = SyncFd(fd, dir);
  ::close(fd);
  return s;
}

Status WriteFileAtomically(const std::string& path, const std::string& contents,
                           const std::function<void()>& before_rename, mode_t mode) {
  const std::string tmp = path + ".tmp";
  // Created afresh (a temp file left by an earlier run would keep its own
  // permissions through O_TRUNC).
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return PosixError("create " + tmp, errno);
  Status s = WriteAll(fd, contents, tmp);
  if (s.ok()) s = SyncFd(fd, tmp);
  ::close(fd);
  if (s.ok() && before_rename) before_rename();
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = PosixError("rename " + tmp + " to " + path, errno);
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncParentDir(path);
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return PosixError("open " + path, errno);
  }
  out->clear();
  char buf[1 << 16];
  Status s;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      s = PosixError("read " + path, errno);
      break;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return s;
}

}  // namespace listbench
