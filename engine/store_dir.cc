#include "engine/store_dir.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/postgres/pg_external.h"
#include "engine/postgres/pg_store.h"
#include "engine/rocks/rocks_store.h"
#include "engine/sqlite/sqlite_store.h"
#include "util/posix_file.h"

namespace listbench {
namespace fs = std::filesystem;
namespace {

constexpr const char* kManifestMagic = "listbench-store";

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Whether `name` in a store directory of `engine` is one of its data files.
// (PostgreSQL's data files are found apart, PgRelationFiles.)
bool IsDataFile(Engine engine, const std::string& name) {
  if (engine == Engine::kRocksDb) return EndsWith(name, ".sst") || EndsWith(name, ".blob");
  return name == kSqliteFileName || name == std::string(kSqliteFileName) + "-wal";
}

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// The data files directly in `dir` (SQLite, RocksDB), unsorted.
StatusOr<StoreFingerprint> TopLevelDataFiles(Engine engine, const std::string& dir) {
  StoreFingerprint f;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!IsDataFile(engine, name)) continue;
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0) {
      return PosixError(it->path().string() + ": cannot stat", errno);
    }
    // An empty -wal holds no data; the read-only connection a clone reads
    // through leaves one behind, touched by every clone.
    if (engine == Engine::kSqlite && st.st_size == 0 && name != kSqliteFileName) continue;
    f.push_back({name, static_cast<uint64_t>(st.st_size), MtimeNs(st)});
  }
  if (ec) return Status::IOError(dir + ": cannot list: " + ec.message());
  return f;
}

// Whether `path` under pgdata/base is one the server rewrites whatever the
// data: the relation cache's init file (rewritten by every server start)
// and temporary files.
bool IsPgScratchFile(const fs::path& path) {
  if (path.filename() == "pg_internal.init") return true;
  for (const fs::path& part : path) {
    if (part.string().rfind("pgsql_tmp", 0) == 0) return true;
  }
  return false;
}

// The regular files under dir/pgdata/base, recursively, named relative to
// `dir`: a PostgreSQL store's relation files, unsorted.
StatusOr<StoreFingerprint> PgRelationFiles(const std::string& dir) {
  StoreFingerprint f;
  const fs::path root(dir);
  const fs::path base = root / kPgDataDirName / "base";
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(base, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) {
      return PosixError(it->path().string() + ": cannot stat", errno);
    }
    if (!S_ISREG(st.st_mode) || IsPgScratchFile(it->path())) continue;
    f.push_back({it->path().lexically_relative(root).string(), static_cast<uint64_t>(st.st_size),
                 MtimeNs(st)});
  }
  if (ec) return Status::IOError(base.string() + ": cannot list: " + ec.message());
  return f;
}

nlohmann::json FingerprintJson(const StoreFingerprint& f) {
  nlohmann::json files = nlohmann::json::array();
  for (const DataFileStamp& d : f) {
    files.push_back({{"name", d.name}, {"bytes", d.bytes}, {"mtime_ns", d.mtime_ns}});
  }
  return files;
}

// The "data_files" array; nullopt if it is malformed.
std::optional<StoreFingerprint> FingerprintFromJson(const nlohmann::json& files) {
  if (!files.is_array()) return std::nullopt;
  StoreFingerprint f;
  for (const nlohmann::json& d : files) {
    if (!d.is_object() || !d.contains("name") || !d["name"].is_string() || !d.contains("bytes") ||
        !d["bytes"].is_number_unsigned() || !d.contains("mtime_ns") ||
        !d["mtime_ns"].is_number_integer()) {
      return std::nullopt;
    }
    f.push_back(
        {d["name"].get<std::string>(), d["bytes"].get<uint64_t>(), d["mtime_ns"].get<int64_t>()});
  }
  return f;
}

// The manifest's fields, each read with a fallback for when it is absent;
// a field of the wrong type, or out of range, is the first problem kept
// (its getter then returns the fallback).
class ManifestFields {
 public:
  explicit ManifestFields(const nlohmann::json& j) : j_(j) {}

  std::string String(const char* key, const std::string& fallback) {
    const auto it = j_.find(key);
    if (it == j_.end()) return fallback;
    if (!it->is_string()) return Problem(key, "not a string", fallback);
    return it->get<std::string>();
  }
  // An integer within [-2^31, 2^31).
  int64_t Int(const char* key, int64_t fallback) {
    const auto it = j_.find(key);
    if (it == j_.end()) return fallback;
    if (!it->is_number_integer()) return Problem(key, "not an integer", fallback);
    if (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{INT32_MAX}) {
      return Problem(key, "out of range", fallback);
    }
    const int64_t v = it->get<int64_t>();
    if (v < INT32_MIN || v > INT32_MAX) return Problem(key, "out of range", fallback);
    return v;
  }
  // A non-negative integer; 0 when absent.
  uint64_t Count(const char* key) {
    const auto it = j_.find(key);
    if (it == j_.end()) return 0;
    if (!it->is_number_unsigned()) return Problem(key, "not a non-negative integer", uint64_t{0});
    return it->get<uint64_t>();
  }
  bool Bool(const char* key, bool fallback) {
    const auto it = j_.find(key);
    if (it == j_.end()) return fallback;
    if (!it->is_boolean()) return Problem(key, "not true or false", fallback);
    return it->get<bool>();
  }

  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }

 private:
  template <typename T>
  T Problem(const char* key, const char* what, T fallback) {
    if (problem_.empty()) problem_ = std::string(key) + " is " + what;
    return fallback;
  }

  const nlohmann::json& j_;
  std::string problem_;
};

}  // namespace

std::string_view EngineName(Engine e) {
  switch (e) {
    case Engine::kSqlite:
      return "sqlite";
    case Engine::kRocksDb:
      return "rocksdb";
    case Engine::kPostgres:
      return "postgres";
  }
  return "unknown";
}

std::optional<Engine> ParseEngine(std::string_view name) {
  if (name == "sqlite") return Engine::kSqlite;
  if (name == "rocksdb") return Engine::kRocksDb;
  if (name == "postgres") return Engine::kPostgres;
  return std::nullopt;
}

std::optional<std::vector<Engine>> ParseEngineList(std::string_view name) {
  if (name == "both") return std::vector<Engine>{Engine::kSqlite, Engine::kRocksDb};
  if (name == "all") {
    return std::vector<Engine>{Engine::kSqlite, Engine::kRocksDb, Engine::kPostgres};
  }
  std::vector<Engine> engines;
  size_t start = 0;
  while (true) {
    const size_t comma = name.find(',', start);
    const std::string_view part = name.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const std::optional<Engine> e = ParseEngine(part);
    if (!e || std::find(engines.begin(), engines.end(), *e) != engines.end()) return std::nullopt;
    engines.push_back(*e);
    if (comma == std::string_view::npos) return engines;
    start = comma + 1;
  }
}

bool HasIndexProfiles(Engine engine) {
  return engine == Engine::kSqlite || engine == Engine::kPostgres;
}

std::string DesignName(Engine engine, SqliteSchema schema) {
  if (HasIndexProfiles(engine) && schema == SqliteSchema::kLegacy) {
    return std::string(EngineName(engine)) + "-legacy";
  }
  return std::string(EngineName(engine));
}

std::string EngineDir(const std::string& data_dir, Engine engine, SqliteSchema schema) {
  return (fs::path(data_dir) / DesignName(engine, schema)).string();
}

StatusOr<Manifest> ReadManifest(const std::string& dir) {
  const fs::path path = fs::path(dir) / kManifestFileName;
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound(path.string() + ": no listbench manifest");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) return Status::IOError(path.string() + ": cannot read");
  return ParseManifestText(text.str(), path.string());
}

StatusOr<Manifest> ParseManifestText(const std::string& text, const std::string& name) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("magic") || j["magic"] != kManifestMagic) {
    return Status::Corruption(name + ": not a listbench manifest");
  }
  ManifestFields f(j);
  Manifest m;
  const auto engine = ParseEngine(f.String("engine", ""));
  if (f.ok() && !engine) return Status::Corruption(name + ": unknown engine in manifest");
  if (engine) m.engine = *engine;
  const int64_t format = f.Int("format_version", -1);
  m.generator_version = static_cast<int>(f.Int("generator_version", -1));
  m.listings = f.Count("listings");
  m.seed = f.Count("seed");
  m.complete = f.Bool("complete", false);
  if (HasIndexProfiles(m.engine)) {
    // A SQLite manifest from before the profiles is legacy; every PostgreSQL
    // manifest records its profile.
    const char* fallback = m.engine == Engine::kSqlite ? "legacy" : "";
    const auto schema = ParseSqliteSchema(f.String("sqlite_schema", fallback));
    if (f.ok() && !schema) {
      return Status::Corruption(name + ": unknown sqlite_schema in manifest");
    }
    if (schema) m.sqlite_schema = *schema;
  }
  m.listbench_version = f.String("listbench_version", "");
  if (!f.ok()) return Status::Corruption(name + ": bad manifest: " + f.problem());
  if (j.contains("data_files")) {
    m.fingerprint = FingerprintFromJson(j["data_files"]);
    if (!m.fingerprint) return Status::Corruption(name + ": malformed data_files");
  }
  if (format != kStoreFormatVersion) {
    return Status::NotSupported(name + ": store format version " + std::to_string(format) +
                                " (made by listbench " +
                                (m.listbench_version.empty() ? "unknown" : m.listbench_version) +
                                "), this build reads " + std::to_string(kStoreFormatVersion));
  }
  m.format_version = static_cast<int>(format);
  return m;
}

std::string ManifestText(const Manifest& m) {
  nlohmann::json j = {
      {"magic", kManifestMagic},
      {"engine", EngineName(m.engine)},
      {"format_version", m.format_version},
      {"generator_version", m.generator_version},
      {"listings", m.listings},
      {"seed", m.seed},
      {"complete", m.complete},
      {"listbench_version", m.listbench_version},
  };
  if (HasIndexProfiles(m.engine)) {
    j["sqlite_schema"] = SqliteSchemaName(m.sqlite_schema);
  }
  if (m.fingerprint) j["data_files"] = FingerprintJson(*m.fingerprint);
  return j.dump(2) + "\n";
}

Status WriteManifest(const std::string& dir, const Manifest& m) {
  return WriteFileAtomically((fs::path(dir) / kManifestFileName).string(), ManifestText(m));
}

StatusOr<Manifest> CheckStoreDir(const std::string& dir, Engine engine) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir + ": no such store directory");
  StatusOr<Manifest> m = ReadManifest(dir);
  if (!m.ok()) return m.status();
  if (m->engine != engine) {
    return Status::NotSupported(dir + ": holds a " + std::string(EngineName(m->engine)) +
                                " store, not " + std::string(EngineName(engine)));
  }
  if (!m->complete) {
    return Status::Corruption(dir + ": loading never completed; delete it and load again");
  }
  return m;
}

StatusOr<std::unique_ptr<Store>> OpenStore(Engine engine, const std::string& dir,
                                           const StoreOptions& options) {
  switch (engine) {
    case Engine::kSqlite:
      return OpenSqliteStore(dir, options);
    case Engine::kRocksDb:
      return OpenRocksStore(dir, options);
    case Engine::kPostgres:
      return OpenPgStore(dir, options);
  }
  return Status::InvalidArgument("unknown engine");
}

Status CloneStore(Engine engine, const std::string& src, const std::string& dst) {
  std::error_code ec;
  if (fs::exists(dst, ec)) return Status::InvalidArgument(dst + ": already exists");
  switch (engine) {
    case Engine::kSqlite:
      return CloneSqliteStore(src, dst);
    case Engine::kRocksDb:
      return CloneRocksStore(src, dst);
    case Engine::kPostgres:
      return ClonePgStore(src, dst);
  }
  return Status::InvalidArgument("unknown engine");
}

// A store on an external server: its relations as the server reports them
// (the file node in place of a modification time).
StatusOr<StoreFingerprint> PgExternalFingerprint(const std::string& dir) {
  auto rels = PgExternalRelations(dir);
  if (!rels.ok()) return rels.status();
  StoreFingerprint f;
  for (const auto& [name, size_node] : *rels) {
    f.push_back({name, size_node.first, static_cast<int64_t>(size_node.second)});
  }
  return f;
}

StatusOr<StoreFingerprint> FingerprintStoreFiles(Engine engine, const std::string& dir) {
  StatusOr<StoreFingerprint> f = engine != Engine::kPostgres ? TopLevelDataFiles(engine, dir)
                                 : IsExternalPgStore(dir)    ? PgExternalFingerprint(dir)
                                                             : PgRelationFiles(dir);
  if (!f.ok()) return f.status();
  std::sort(f->begin(), f->end(),
            [](const DataFileStamp& a, const DataFileStamp& b) { return a.name < b.name; });
  return f;
}

Status VerifyStoreFiles(Engine engine, const std::string& dir) {
  switch (engine) {
    case Engine::kSqlite:
      return VerifySqliteStoreFiles(dir);
    case Engine::kRocksDb:
      return VerifyRocksStoreFiles(dir);
    case Engine::kPostgres:
      return VerifyPgStoreFiles(dir);
  }
  return Status::InvalidArgument("unknown engine");
}

Status ReleaseStoreDir(const std::string& dir) { return ReleasePgExternal(dir); }

bool StoreOnRequestedServer(Engine engine, const std::string& dir, const StoreOptions& options) {
  if (engine != Engine::kPostgres) return true;
  if (!IsExternalPgStore(dir)) return options.pg_url.empty();
  if (options.pg_url.empty()) return false;
  StatusOr<PgExternal> e = ReadPgExternal(dir);
  StatusOr<std::string> want = NormalizePgUrl(options.pg_url);
  return e.ok() && want.ok() && e->server == *want;
}

}  // namespace listbench
