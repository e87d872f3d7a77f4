// Reading the project's TOML data files (workloads/*.toml, sim/scenarios/*.toml)
// with toml++, so that every such file reports problems the same way: one
// InvalidArgument line "<file>:<line>: <problem>".
#ifndef LISTBENCH_UTIL_TOML_FILE_H_
#define LISTBENCH_UTIL_TOML_FILE_H_

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace listbench {

// InvalidArgument "<file>:<line>: <problem>" for the node (or "<file>:
// <problem>" when `at` is null or has no source position).
Status TomlProblem(const std::string& file, const toml::node* at, const std::string& problem);

// Parses `text` (named `name` in messages); a syntax error is a TomlProblem.
StatusOr<toml::table> ParseTomlText(const std::string& text, const std::string& name);

// Reads the file at `path` whole. InvalidArgument "<path>: no such <what>
// file" (also for a directory) or "<path>: cannot read the <what> file".
StatusOr<std::string> ReadDataFile(const std::string& path, std::string_view what);

}  // namespace listbench

#endif  // LISTBENCH_UTIL_TOML_FILE_H_
