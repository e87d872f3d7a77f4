#include "bench/harness/build_info.h"

#include <rocksdb/version.h>
#include <sqlite3.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

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
  return f;
}
std::string RocksDbAssertions() { return LISTBENCH_ROCKSDB_ASSERTS; }
bool SanitizersEnabled() {
#ifdef LISTBENCH_SANITIZE_BUILD
  return true;
#else
  return false;
#endif
}

namespace {

// First "model name" of /proc/cpuinfo.
std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

uint64_t MemoryBytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(size) : 0;
}

std::vector<std::string> BuildWarnings() {
  std::vector<std::string> warnings;
#ifndef NDEBUG
  warnings.push_back(
      "listbench built without NDEBUG (assertions on): timings are not representative");
#endif
  if (BuildType() != "Release" && BuildType() != "RelWithDebInfo") {
    warnings.push_back("build type " + BuildType() + " is not an optimized build");
  }
  if (SanitizersEnabled()) warnings.push_back("sanitizer build: timings are not representative");
  if (RocksDbAssertions() == "yes") {
    warnings.push_back(
        "the RocksDB library was built with assertions on (Debian's librocksdb calls "
        "__assert_fail): RocksDB timings include their cost");
  }
  return warnings;
}

}  // namespace

BuildInfo CurrentBuildInfo() {
  utsname u{};
  ::uname(&u);
  BuildInfo b;
  b.listbench_version = ListbenchVersion();
  b.git_commit = GitCommit();
  b.build_type = BuildType();
  b.compiler = CompilerVersion();
  b.cxx_flags = CxxFlags();
  b.sanitizers = SanitizersEnabled();
  b.rocksdb_version = std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." +
                      std::to_string(ROCKSDB_PATCH);
  b.rocksdb_assertions = RocksDbAssertions();
  b.sqlite_version = sqlite3_libversion();
  b.cpu = CpuModel();
  b.memory_bytes = MemoryBytes();
  b.cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  b.kernel = std::string(u.sysname) + " " + u.release;
  b.warnings = BuildWarnings();
  return b;
}

}  // namespace listbench
