// Result files every command writes: the JSON form of the build header
// (bench/harness/build_info.h) and of a spread, writing a JSON document, and
// checking a destination before a long run starts.
//
// Thread safety: plain functions; each touches only the path it is given.
#ifndef LISTBENCH_BENCH_REPORT_RESULT_FILES_H_
#define LISTBENCH_BENCH_REPORT_RESULT_FILES_H_

#include <nlohmann/json.hpp>
#include <string>

#include "bench/harness/build_info.h"
#include "bench/harness/spread.h"
#include "core/status.h"

namespace listbench {

// The "build" header of a result: { "listbench_version", "git_commit",
// "build_type", "compiler", "cxx_flags", "sanitizers", "rocksdb_version",
// "rocksdb_assertions", "sqlite_version", "cpu", "memory_bytes", "cores",
// "kernel", "warnings" }.
nlohmann::json BuildInfoJson(const BuildInfo& b);
// The same for this build, read now.
nlohmann::json BuildInfoJson();

// A spread of repeated measurements (bench/harness/spread.h):
// { "median", "min", "max", "n" }, rounded to 4 decimals.
nlohmann::json SpreadJson(const Spread& s);

// Writes `j` to `path` (pretty-printed). IOError names the path.
Status WriteJsonFile(const std::string& path, const nlohmann::json& j);

// Checks that a destination given with `flag` (e.g. --json) can be written
// before a long run starts: InvalidArgument when it is a directory or its
// directory does not exist.
Status CheckOutputPath(const std::string& flag, const std::string& path);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_RESULT_FILES_H_
