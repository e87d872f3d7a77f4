// Store directories: where each engine's files live, and the manifest that
// says what a directory holds, so that listbench never opens (or damages) a
// directory made by another engine, by an incompatible format version, or
// by nothing of ours.
//
// Layout of a data directory given with --data-dir DIR:
//   DIR/sqlite/         LISTBENCH.json + listbench.sqlite (+ -wal/-shm),
//                       the tuned index profile (SqliteSchema)
//   DIR/sqlite-legacy/  the same with the legacy index profile
//   DIR/rocksdb/        LISTBENCH.json + RocksDB files
//   DIR/postgres/       LISTBENCH.json + pgdata/ (a PostgreSQL cluster), the
//                       tuned index profile
//   DIR/postgres-legacy/ the same with the legacy index profile
// The manifest records engine, store format version, generator version,
// dataset spec (listings, seed), the normalized design's index profile
// (SQLite and PostgreSQL), whether loading
// completed and, once it did, the fingerprint of the data files (name, size
// and modification time of each), which is how a later reuse notices that
// the files changed without reading them.
#ifndef LISTBENCH_ENGINE_STORE_DIR_H_
#define LISTBENCH_ENGINE_STORE_DIR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/store.h"
#include "core/store_options.h"

namespace listbench {

enum class Engine { kSqlite, kRocksDb, kPostgres };
// Bumped when an engine's on-disk layout changes (2: single-table landlord
// uniqueness markers); a store of another version is refused, never read.
inline constexpr int kStoreFormatVersion = 2;
inline constexpr const char* kManifestFileName = "LISTBENCH.json";

std::string_view EngineName(Engine e);  // "sqlite", "rocksdb", "postgres"
// Parses "sqlite", "rocksdb" or "postgres".
std::optional<Engine> ParseEngine(std::string_view name);
// Parses "both" (sqlite, rocksdb), "all" (sqlite, rocksdb, postgres) or a
// comma-separated list of engine names ("sqlite,postgres") into the engines
// it names, in its order; nullopt for an unknown or empty name, or one named
// twice.
std::optional<std::vector<Engine>> ParseEngineList(std::string_view name);
// What ParseEngineList accepts, in words, for flags' help and errors.
inline constexpr const char* kEngineListChoices =
    "sqlite, rocksdb, postgres, both (sqlite,rocksdb), all, or a comma-separated list of engines";

// One file that holds a store's data, as the file system describes it.
struct DataFileStamp {
  std::string name;  // within the store directory
  uint64_t bytes = 0;
  int64_t mtime_ns = 0;  // modification time, ns since the epoch
  bool operator==(const DataFileStamp&) const = default;
};
// A cheap fingerprint of a store's data: its data files sorted by name.
using StoreFingerprint = std::vector<DataFileStamp>;

struct Manifest {
  Engine engine = Engine::kSqlite;
  int format_version = kStoreFormatVersion;
  int generator_version = 0;
  uint64_t listings = 0;
  uint64_t seed = 0;
  // The normalized design's index profile (SQLite and PostgreSQL; kTuned
  // for RocksDB). A SQLite manifest without it was written before the
  // profiles existed, over the legacy indexes.
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;
  bool complete = false;  // loading finished and was made durable
  std::string listbench_version;
  // The data files when the load completed (or when a full check last
  // passed); absent in a manifest written before fingerprints existed.
  std::optional<StoreFingerprint> fingerprint;
  bool operator==(const Manifest&) const = default;
};

// Whether `engine` is the normalized design, which has the two index
// profiles (SqliteSchema): SQLite and PostgreSQL.
bool HasIndexProfiles(Engine engine);

// The name of a design's store directory and results: "rocksdb", "sqlite"
// (the tuned normalized schema), "sqlite-legacy", "postgres" (tuned) or
// "postgres-legacy". `schema` is ignored for RocksDB.
std::string DesignName(Engine engine, SqliteSchema schema);
// The directory of `engine` (with the normalized design's index profile
// `schema`) inside data directory `data_dir`: data_dir/DesignName(engine,
// schema).
std::string EngineDir(const std::string& data_dir, Engine engine,
                      SqliteSchema schema = SqliteSchema::kTuned);

// Reads dir/LISTBENCH.json. NotFound if there is none; Corruption if it is
// unreadable; NotSupported if it names another format version.
StatusOr<Manifest> ReadManifest(const std::string& dir);
// Writes dir/LISTBENCH.json atomically (temp file, fsync, rename, dir fsync).
Status WriteManifest(const std::string& dir, const Manifest& m);
// The manifest in text (`name` stands for the file in messages), as
// ReadManifest reads it: Corruption naming `name` and the field for text that
// is not a manifest (bad JSON, a missing field or one of the wrong type, a
// negative count); NotSupported for another format version.
StatusOr<Manifest> ParseManifestText(const std::string& text, const std::string& name);
// The text WriteManifest writes; ParseManifestText reads it back to `m`.
std::string ManifestText(const Manifest& m);

// Checks that `dir` holds a store of `engine` with a supported format and a
// completed load; the message names the directory and the problem.
StatusOr<Manifest> CheckStoreDir(const std::string& dir, Engine engine);

// Opens the engine's store in `dir` (which CheckStoreDir accepted, or which
// is new and empty when options.create_if_missing).
StatusOr<std::unique_ptr<Store>> OpenStore(Engine engine, const std::string& dir,
                                           const StoreOptions& options);
// Copies a closed, complete store directory (data and manifest) to `dst`,
// which must not exist.
Status CloneStore(Engine engine, const std::string& src, const std::string& dst);

// The fingerprint of the data files of the closed store in `dir`: the files
// that hold data and that reopening or cloning the store leaves alone.
// RocksDB: the *.sst and *.blob files (written once, never changed; the
// MANIFEST-, OPTIONS-, LOG, WAL, CURRENT, IDENTITY and LOCK files are
// rewritten by every read-write open, which a clone does). SQLite: the
// database file and its -wal when that is not empty (the read-only
// connection a clone reads through leaves an empty -wal and -shm behind and
// touches them). PostgreSQL: the regular files under pgdata/base/, the
// relation files, recursively, named relative to `dir`
// ("pgdata/base/16384/2619"), but the relation cache's pg_internal.init
// (rewritten by every server start) and temporary files (pgsql_tmp*); a
// store on a server listbench did not start (engine/postgres/pg_external.h):
// each relation's name, size and file node, as the server reports them.
// IOError if the directory
// cannot be listed or a file cannot be stat'ed.
StatusOr<StoreFingerprint> FingerprintStoreFiles(Engine engine, const std::string& dir);

// The engine's full check of the closed store in `dir`, reading every byte
// of data: RocksDB's VerifyChecksum after a paranoid read-only open, SQLite's
// PRAGMA integrity_check, PostgreSQL's VerifyPgStoreFiles. OK, or Corruption/IOError naming the
// directory and what failed. REQUIRES: no Store is open on `dir`.
Status VerifyStoreFiles(Engine engine, const std::string& dir);

// What must happen before the store directory `dir` is deleted: a
// PostgreSQL store on a server listbench did not start drops its database
// there; nothing for the others (their data is in the directory).
Status ReleaseStoreDir(const std::string& dir);

// Whether the existing store in `dir` is where `options` would put a new
// one: a PostgreSQL store on the --pg-url server (StoreOptions::pg_url),
// or in a cluster of its own when there is none. Always true for the
// embedded engines.
bool StoreOnRequestedServer(Engine engine, const std::string& dir, const StoreOptions& options);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_STORE_DIR_H_
