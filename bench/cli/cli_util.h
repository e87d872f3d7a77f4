// Helpers shared by the listbench subcommands: flag parsing that turns every
// problem into one Status line, and dataset flags. The result-file helpers
// every command uses (BuildInfoJson, WriteJsonFile, CheckOutputPath) come with
// it from bench/report/result_files.h.
//
// Thread safety: plain functions.
#ifndef LISTBENCH_BENCH_CLI_CLI_UTIL_H_
#define LISTBENCH_BENCH_CLI_CLI_UTIL_H_

#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "bench/harness/store_setup.h"
#include "bench/report/result_files.h"
#include "core/status.h"
#include "core/store_options.h"
#include "workloads/dataset.h"

namespace listbench {

// The most client threads --threads accepts (as in a workload file).
inline constexpr int kMaxThreads = 256;

// Adds --listings, --seed, --durable and --sqlite-schema (shared by every
// command that loads).
void AddDatasetFlags(cxxopts::Options& options);
// Reads them back; InvalidArgument for --listings 0 or an unknown
// --sqlite-schema.
StatusOr<DatasetSpec> DatasetSpecFromFlags(const cxxopts::ParseResult& r);
StatusOr<StoreOptions> StoreOptionsFromFlags(const cxxopts::ParseResult& r);
// --sqlite-schema alone (for commands that take it outside AddDatasetFlags);
// InvalidArgument naming the flag for an unknown profile.
StatusOr<SqliteSchema> SqliteSchemaFromFlags(const cxxopts::ParseResult& r);

// A comma list of milliseconds, each in (0, 3600000], for `flag`; "none":
// the empty list. InvalidArgument naming the flag otherwise.
StatusOr<std::vector<double>> ParseMsList(const std::string& flag, const std::string& text);

// Adds --verify-store and --replace (shared by every command that reuses a
// pristine load in WORK/base), which there replaces another dataset without
// being asked; --replace lets it replace a damaged load too.
void AddLoadReuseFlags(cxxopts::Options& options);
// Reads them back: ExistingLoad::kReplace with --replace, else
// kReplaceOther.
LoadReuse LoadReuseFromFlags(const cxxopts::ParseResult& r);

// Parses argv. Unknown flags, malformed values and stray positional
// arguments become InvalidArgument. Adds and handles -h/--help: `*help` is
// set when help was printed and the command should exit 0.
StatusOr<cxxopts::ParseResult> ParseFlags(cxxopts::Options& options, int argc, char** argv,
                                          bool* help);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_CLI_CLI_UTIL_H_
