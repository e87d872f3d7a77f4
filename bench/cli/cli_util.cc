#include "bench/cli/cli_util.h"

#include <rocksdb/version.h>
#include <sqlite3.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bench/harness/build_info.h"

namespace listbench {
namespace fs = std::filesystem;

void AddDatasetFlags(cxxopts::Options& options) {
  options.add_options("dataset")("listings", "number of listings to generate (>= 1)",
                                 cxxopts::value<uint64_t>()->default_value("420000"))(
      "seed", "generator and operation-stream seed",
      cxxopts::value<uint64_t>()->default_value("1"))(
      "durable", "durable configuration: RocksDB syncs every write, SQLite synchronous=FULL");
}

StatusOr<DatasetSpec> DatasetSpecFromFlags(const cxxopts::ParseResult& r) {
  DatasetSpec spec;
  spec.listings = r["listings"].as<uint64_t>();
  spec.seed = r["seed"].as<uint64_t>();
  if (spec.listings == 0) return Status::InvalidArgument("--listings 0: must be at least 1");
  return spec;
}

StoreOptions StoreOptionsFromFlags(const cxxopts::ParseResult& r) {
  StoreOptions o;
  o.durable = r.count("durable") > 0;
  return o;
}

namespace {

// cxxopts says "Argument 'x' failed to parse" without naming the flag; find
// the flag that x was given to so the one error line names the input.
std::string NameTheFlag(std::string message, int argc, char** argv) {
  if (message.find("failed to parse") == std::string::npos) return message;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0) continue;
    const std::string value = eq != std::string::npos ? arg.substr(eq + 1)
                              : i + 1 < argc          ? std::string(argv[i + 1])
                                                      : std::string();
    if (!value.empty() && message.find(value) != std::string::npos) {
      return arg.substr(0, eq) + " " + value + ": not a valid value";
    }
  }
  return message;
}

}  // namespace

StatusOr<cxxopts::ParseResult> ParseFlags(cxxopts::Options& options, int argc, char** argv,
                                          bool* help) {
  options.add_options()("h,help", "print this help");
  *help = false;
  try {
    cxxopts::ParseResult r = options.parse(argc, argv);
    if (r.count("help")) {
      std::fputs(options.help().c_str(), stdout);
      *help = true;
      return r;
    }
    if (!r.unmatched().empty()) {
      return Status::InvalidArgument("unexpected argument '" + r.unmatched().front() + "'");
    }
    return r;
  } catch (const std::exception& e) {  // cxxopts reports through exceptions
    return Status::InvalidArgument(NameTheFlag(e.what(), argc, argv));
  }
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

}  // namespace

nlohmann::json BuildInfoJson() {
  utsname u{};
  ::uname(&u);
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  nlohmann::json warnings = nlohmann::json::array();
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
  return {
      {"listbench_version", ListbenchVersion()},
      {"cpu", CpuModel()},
      {"memory_bytes", MemoryBytes()},
      {"cxx_flags", CxxFlags()},
      {"rocksdb_assertions", RocksDbAssertions()},
      {"warnings", warnings},
      {"git_commit", GitCommit()},
      {"build_type", BuildType()},
      {"compiler", CompilerVersion()},
      {"sanitizers", SanitizersEnabled()},
      {"rocksdb_version", std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) +
                              "." + std::to_string(ROCKSDB_PATCH)},
      {"sqlite_version", sqlite3_libversion()},
      {"kernel", std::string(u.sysname) + " " + u.release},
      {"cores", ::sysconf(_SC_NPROCESSORS_ONLN)},
  };
}

Status WriteJsonFile(const std::string& path, const nlohmann::json& j) {
  std::ofstream out(path, std::ios::trunc);
  out << j.dump(2) << "\n";
  out.flush();
  if (!out) return Status::IOError(path + ": cannot write");
  return Status::OK();
}

Status CheckOutputPath(const std::string& flag, const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec))
    return Status::InvalidArgument(flag + " " + path + ": is a directory");
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) {
    return Status::InvalidArgument(flag + " " + path + ": directory " + parent.string() +
                                   " does not exist");
  }
  return Status::OK();
}

}  // namespace listbench
