#include "util/toml_file.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace listbench {

Status TomlProblem(const std::string& file, const toml::node* at, const std::string& problem) {
  if (at != nullptr && at->source().begin.line > 0) {
    return Status::InvalidArgument(
        fmt::format("{}:{}: {}", file, at->source().begin.line, problem));
  }
  return Status::InvalidArgument(fmt::format("{}: {}", file, problem));
}

StatusOr<toml::table> ParseTomlText(const std::string& text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(
        fmt::format("{}:{}: {}", name, e.source().begin.line, std::string(e.description())));
  }
}

StatusOr<std::string> ReadDataFile(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument(fmt::format("{}: no such {} file", path, what));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  if (in) ss << in.rdbuf();
  if (!in || in.bad()) {
    return Status::InvalidArgument(fmt::format("{}: cannot read the {} file", path, what));
  }
  return ss.str();
}

}  // namespace listbench
