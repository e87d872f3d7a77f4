// What a result must say about the build that produced it and the machine it
// ran on: the single facts (ListbenchVersion() ...) and, gathered once, the
// BuildInfo every result file records (its JSON form is in
// bench/report/result_files.h).
//
// Thread safety: every function is safe to call from any thread.
#ifndef LISTBENCH_BENCH_HARNESS_BUILD_INFO_H_
#define LISTBENCH_BENCH_HARNESS_BUILD_INFO_H_

#include <cstdint>
#include <string>
#include <vector>

namespace listbench {

std::string ListbenchVersion();  // e.g. "0.1.0"
std::string GitCommit();         // short hash at configure time, or "unknown"
std::string BuildType();         // CMAKE_BUILD_TYPE, e.g. "Release"
std::string CompilerVersion();   // e.g. "g++ 12.2.0"
bool SanitizersEnabled();
// The compiler flags of the build type and the project's compile options,
// e.g. "-O3 -DNDEBUG -Wall -Wextra -Wshadow -Werror".
std::string CxxFlags();
// "yes" when the linked RocksDB library was built with assertions (checked
// at configure time), "no", or "unknown".
std::string RocksDbAssertions();

// The build and machine facts of one result.
struct BuildInfo {
  std::string listbench_version;
  std::string git_commit;
  std::string build_type;
  std::string compiler;
  std::string cxx_flags;
  bool sanitizers = false;
  std::string rocksdb_version;     // "MAJOR.MINOR.PATCH" of the linked library
  std::string rocksdb_assertions;  // as RocksDbAssertions()
  std::string sqlite_version;
  std::string cpu;            // first "model name" of /proc/cpuinfo, or "unknown"
  uint64_t memory_bytes = 0;  // physical memory, 0 if unknown
  long cores = 0;             // online processors
  std::string kernel;         // "Linux 6.1.0-..."
  // Why timings from this build are not representative (debug build,
  // sanitizers, a RocksDB library with assertions); empty when they are.
  std::vector<std::string> warnings;
};

// The facts of this build on this machine, read now.
BuildInfo CurrentBuildInfo();

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_BUILD_INFO_H_
