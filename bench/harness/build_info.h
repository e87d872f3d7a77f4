// What a result must say about the build that produced it.
#ifndef LISTBENCH_BENCH_HARNESS_BUILD_INFO_H_
#define LISTBENCH_BENCH_HARNESS_BUILD_INFO_H_

#include <string>

namespace listbench {

std::string ListbenchVersion();  // e.g. "0.1.0"
std::string GitCommit();         // short hash at configure time, or "unknown"
std::string BuildType();         // CMAKE_BUILD_TYPE, e.g. "Release"
std::string CompilerVersion();   // e.g. "g++ 12.2.0"
bool SanitizersEnabled();
std::string CxxFlags();  // compiler flags of the build type, e.g. "-O3 -DNDEBUG"
// "yes" when the linked RocksDB library was built with assertions (checked
// at configure time), "no", or "unknown".
std::string RocksDbAssertions();

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_BUILD_INFO_H_
