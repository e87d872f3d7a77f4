#include "bench/cli/cli_util.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "engine/postgres/pg_external.h"

namespace listbench {

void AddDatasetFlags(cxxopts::Options& options) {
  options.add_options("dataset")("listings", "number of listings to generate (>= 1)",
                                 cxxopts::value<uint64_t>()->default_value("420000"))(
      "seed", "generator and operation-stream seed",
      cxxopts::value<uint64_t>()->default_value("1"))(
      "durable", "durable configuration: RocksDB syncs every write, SQLite synchronous=FULL")(
      "sqlite-schema",
      "the normalized design's indexes: tuned (covering indexes for R2-R5) or legacy (one narrow "
      "index per lookup)",
      cxxopts::value<std::string>()->default_value("tuned"))(
      "pg-url",
      "postgres: a server listbench did not start (postgresql://user@host:port, or key=value "
      "parameters) to hold the store as a database of its own; default: a cluster listbench "
      "starts",
      cxxopts::value<std::string>()->default_value(""));
}

StatusOr<DatasetSpec> DatasetSpecFromFlags(const cxxopts::ParseResult& r) {
  DatasetSpec spec;
  spec.listings = r["listings"].as<uint64_t>();
  spec.seed = r["seed"].as<uint64_t>();
  if (spec.listings == 0) return Status::InvalidArgument("--listings 0: must be at least 1");
  return spec;
}

StatusOr<SqliteSchema> SqliteSchemaFromFlags(const cxxopts::ParseResult& r) {
  const std::string name = r["sqlite-schema"].as<std::string>();
  const std::optional<SqliteSchema> parsed = ParseSqliteSchema(name);
  if (!parsed)
    return Status::InvalidArgument("--sqlite-schema " + name + ": expected legacy or tuned");
  return *parsed;
}

StatusOr<StoreOptions> StoreOptionsFromFlags(const cxxopts::ParseResult& r) {
  StoreOptions o;
  o.durable = r.count("durable") > 0;
  StatusOr<SqliteSchema> schema = SqliteSchemaFromFlags(r);
  if (!schema.ok()) return schema.status();
  o.sqlite_schema = *schema;
  o.pg_url = r["pg-url"].as<std::string>();
  if (!o.pg_url.empty()) {
    StatusOr<std::string> url = NormalizePgUrl(o.pg_url);
    if (!url.ok()) return url.status();
  }
  return o;
}

void AddLoadReuseFlags(cxxopts::Options& options) {
  options.add_options("pristine load")(
      "verify-store",
      "run the engine's full check of a reused pristine load (RocksDB checksums, SQLite "
      "integrity_check) even when its data files look unchanged")(
      "replace", "delete and load again a pristine load that fails that check");
}

LoadReuse LoadReuseFromFlags(const cxxopts::ParseResult& r) {
  LoadReuse reuse;
  reuse.existing = r.count("replace") ? ExistingLoad::kReplace : ExistingLoad::kReplaceOther;
  reuse.verify = r.count("verify-store") > 0;
  return reuse;
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

StatusOr<std::vector<double>> ParseMsList(const std::string& flag, const std::string& text) {
  std::vector<double> out;
  if (text == "none") return out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !(v > 0) || v > 3600000) {
      return Status::InvalidArgument(flag + " " + text +
                                     ": must be a comma list of milliseconds in (0, 3600000], "
                                     "or none");
    }
    out.push_back(v);
  }
  if (out.empty()) return Status::InvalidArgument(flag + ": must not be empty");
  return out;
}

}  // namespace listbench
