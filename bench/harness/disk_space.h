// Free space checks before a command writes a store: each estimate of
// engine/space_estimate.h compared with what the file system of the target
// directory has free, refused with one line naming the directory, the
// space needed and the space free.
//
// Thread safety: plain functions.
#ifndef LISTBENCH_BENCH_HARNESS_DISK_SPACE_H_
#define LISTBENCH_BENCH_HARNESS_DISK_SPACE_H_

#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/store_options.h"
#include "engine/store_dir.h"

namespace listbench {

// Bytes an unprivileged writer may still use on the file system of `path`
// (statvfs f_bavail): IOError naming `path` if it cannot be asked.
StatusOr<uint64_t> FreeBytes(const std::string& path);

// IOError "<dir>: <what> needs about N MiB, M MiB free" when the file system
// of `dir` (which must exist) has less than `needed` bytes free.
Status CheckSpaceFor(const std::string& dir, const std::string& what, uint64_t needed);

// Before loading `listings` listings into a new store of the design in
// `dir` (the load model of engine/space_estimate.h):
// "<dir>: loading 200,000 listings into rocksdb needs about 305 MiB, 19 MiB free".
Status CheckSpaceForLoad(Engine engine, SqliteSchema schema, uint64_t listings,
                         const std::string& dir);

// Before cloning the closed store `src` into a new directory inside
// `dst_parent` (which must exist): "<dst_parent>: cloning <src> needs ...".
Status CheckSpaceForClone(Engine engine, const std::string& src, const std::string& dst_parent);

// "200,000".
std::string GroupThousands(uint64_t n);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_DISK_SPACE_H_
