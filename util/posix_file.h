// Small POSIX file helpers shared by the migration's durable files (the repair
// queue's log, the migration state, the in-flight record): whole writes,
// fsyncs, atomic replacement, whole reads, and the one place errno becomes a
// Status for them.
//
// Thread safety: plain functions on caller-owned descriptors and paths.
#ifndef LISTBENCH_UTIL_POSIX_FILE_H_
#define LISTBENCH_UTIL_POSIX_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"

namespace listbench {

// IOError "<context>: <strerror(err)>".
Status PosixError(const std::string& context, int err);

// zlib crc32 of n bytes.
uint32_t Crc32(const char* p, size_t n);

// Writes all of `data` to `fd` (retrying short writes and EINTR); `path`
// names the file in errors.
Status WriteAll(int fd, const std::string& data, const std::string& path);
Status SyncFd(int fd, const std::string& path);
// fsyncs the directory that holds `path`.
Status SyncParentDir(const std::string& path);

// Replaces `path` with `contents` so that a crash leaves either the old or
// the new file: writes "<path>.tmp", fsyncs it, calls `before_rename` (a
// crash test's hook; may be empty), renames it over `path` and fsyncs the
// directory. On error the temp file is removed. The file is created with
// `mode` (less the umask), so 0600 keeps it private from the start.
Status WriteFileAtomically(const std::string& path, const std::string& contents,
                           const std::function<void()>& before_rename = {}, mode_t mode = 0644);

// Reads the whole file into *out. NotFound when it does not exist.
Status ReadWholeFile(const std::string& path, std::string* out);

}  // namespace listbench

#endif  // LISTBENCH_UTIL_POSIX_FILE_H_
