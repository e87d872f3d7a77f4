#include "bench/report/result_files.h"

#include <cmath>
#include <filesystem>
#include <fstream>

namespace listbench {
namespace fs = std::filesystem;

nlohmann::json BuildInfoJson(const BuildInfo& b) {
  return {
      {"listbench_version", b.listbench_version},
      {"cpu", b.cpu},
      {"memory_bytes", b.memory_bytes},
      {"cxx_flags", b.cxx_flags},
      {"rocksdb_assertions", b.rocksdb_assertions},
      {"warnings", b.warnings},
      {"git_commit", b.git_commit},
      {"build_type", b.build_type},
      {"compiler", b.compiler},
      {"sanitizers", b.sanitizers},
      {"rocksdb_version", b.rocksdb_version},
      {"sqlite_version", b.sqlite_version},
      {"kernel", b.kernel},
      {"cores", b.cores},
  };
}

nlohmann::json BuildInfoJson() { return BuildInfoJson(CurrentBuildInfo()); }

nlohmann::json SpreadJson(const Spread& s) {
  const auto r4 = [](double v) { return std::round(v * 10000.0) / 10000.0; };
  return {{"median", r4(s.median)}, {"min", r4(s.min)}, {"max", r4(s.max)}, {"n", s.n}};
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
