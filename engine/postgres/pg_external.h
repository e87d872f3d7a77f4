// A PostgreSQL store on a server listbench did not start (--pg-url: a
// remote host, a managed instance, a server of one's own): the store is a
// database of its own on that server, named listbench_<16 hex digits> and
// created by the first open; the store directory holds the manifest and
// `pg-server`, which names the database and the server. Clones are
// server-side copies (CREATE DATABASE ... TEMPLATE), and deleting the store
// directory through the engine (ReleasePgExternal) drops the database.
//
// What listbench does not control on such a server: its shared_buffers
// (StoreOptions::cache_bytes is not applied), its fsync and checkpoint
// settings, and its other load. Durability is set per session
// (synchronous_commit on when durable, off otherwise).
//
// Thread safety: plain functions over files and new connections.
#ifndef LISTBENCH_ENGINE_POSTGRES_PG_EXTERNAL_H_
#define LISTBENCH_ENGINE_POSTGRES_PG_EXTERNAL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace listbench {

// The file in a store directory that marks it as a database on an external
// server.
inline constexpr const char* kPgExternalFileName = "pg-server";

struct PgExternal {
  std::string database;  // listbench_<hex>
  std::string server;    // key=value connection parameters, without dbname
  // The connection string of the store's database.
  std::string ConnInfo() const;
};

// Whether `dir` holds a store on an external server.
bool IsExternalPgStore(const std::string& dir);

// `url` (a libpq URI, postgresql://..., or key=value parameters) as
// key=value parameters without dbname. InvalidArgument naming --pg-url
// and libpq's complaint.
StatusOr<std::string> NormalizePgUrl(const std::string& url);

// Reads `dir`'s pg-server file. NotFound when there is none; Corruption
// when it is malformed.
StatusOr<PgExternal> ReadPgExternal(const std::string& dir);

// Creates a new, empty database on the server at `url` and records it in
// `dir` (which must exist and hold no pg-server file).
StatusOr<PgExternal> CreatePgExternal(const std::string& dir, const std::string& url);

// Copies the closed store in `src_dir` into a new database on the same
// server, recorded in `dst_dir` (created; must not exist) beside a copy of
// src_dir's other files (the manifest).
Status ClonePgExternal(const std::string& src_dir, const std::string& dst_dir);

// Drops the database of the store in `dir` (its sessions ended first);
// OK when `dir` holds no external store or its database is gone already.
Status ReleasePgExternal(const std::string& dir);

// Each relation of the store's database (tables, indexes) as name ->
// (bytes, file node): what changes when the store is written to.
StatusOr<std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>>> PgExternalRelations(
    const std::string& dir);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_POSTGRES_PG_EXTERNAL_H_
