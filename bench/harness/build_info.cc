#include "bench/harness/build_info.h"

#include "git_stamp.h"  // generated at build time: LISTBENCH_GIT_COMMIT

namespace listbench {

std::string ListbenchVersion() { return LISTBENCH_VERSION; }
std::string GitCommit() { return LISTBENCH_GIT_COMMIT; }
std::string BuildType() { return LISTBENCH_BUILD_TYPE; }
std::string CompilerVersion() {
#if defined(__clang__)
  return std::string("clang++ ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("g++ ") + __VERSION__;
#else
  return "unknown";
#endif
}
std::string CxxFlags() {
  std::string f = LISTBENCH_CXX_FLAGS;
  const size_t b = f.find_first_not_of(' ');
  f = b == std::string::npos ? "" : f.substr(b);
  return f + (SanitizersEnabled() ? " -fsanitize=address,undefined" : "") + " -Wall -Wextra";
}
std::string RocksDbAssertions() { return LISTBENCH_ROCKSDB_ASSERTS; }
bool SanitizersEnabled() {
#ifdef LISTBENCH_SANITIZE_BUILD
  return true;
#else
  return false;
#endif
}

}  // namespace listbench
