#include "bench/harness/disk_space.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/space_estimate.h"

namespace listbench {
namespace fs = std::filesystem;
namespace {

std::string MiB(uint64_t bytes) { return GroupThousands((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

// The bytes of the regular files under `dir` (0 if it cannot be listed).
uint64_t TreeBytes(const std::string& dir) {
  std::error_code ec;
  uint64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

bool SameFileSystem(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev;
}

}  // namespace

std::string GroupThousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

StatusOr<uint64_t> FreeBytes(const std::string& path) {
  struct statvfs v;
  if (::statvfs(path.c_str(), &v) != 0) {
    return Status::IOError(path + ": cannot read the free space: " + std::strerror(errno));
  }
  return static_cast<uint64_t>(v.f_bavail) * v.f_frsize;
}

Status CheckSpaceFor(const std::string& dir, const std::string& what, uint64_t needed) {
  StatusOr<uint64_t> free = FreeBytes(dir);
  if (!free.ok()) return free.status();
  if (*free >= needed) return Status::OK();
  return Status::IOError(dir + ": " + what + " needs about " + MiB(needed) + ", " + MiB(*free) +
                         " free");
}

Status CheckSpaceForLoad(Engine engine, SqliteSchema schema, uint64_t listings,
                         const std::string& dir) {
  return CheckSpaceFor(
      dir, "loading " + GroupThousands(listings) + " listings into " + DesignName(engine, schema),
      EstimateLoadBytes(engine, schema, listings));
}

Status CheckSpaceForClone(Engine engine, const std::string& src, const std::string& dst_parent) {
  const uint64_t needed =
      EstimateCloneBytes(engine, TreeBytes(src), SameFileSystem(src, dst_parent));
  return CheckSpaceFor(dst_parent, "cloning " + src, needed);
}

}  // namespace listbench
