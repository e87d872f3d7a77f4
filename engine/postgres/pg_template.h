// New PostgreSQL store clusters without an initdb each: initdb and the
// store's CREATE DATABASE take seconds, so a cluster with an empty store
// database is made once per user and server version, in
// /tmp/listbench-pg-template-<uid>-<version>/ (under a file lock, so that
// concurrent listbench processes make it once; marked ready only when
// complete), and every new store copies it.
//
// Thread safety: safe to call from any thread and any process.
#ifndef LISTBENCH_ENGINE_POSTGRES_PG_TEMPLATE_H_
#define LISTBENCH_ENGINE_POSTGRES_PG_TEMPLATE_H_

#include <string>

#include "core/status.h"

namespace listbench {

// A new cluster at `pgdata` (which must not exist; its parent must) holding
// an empty database kPgDatabaseName: a copy of the template, made durable
// (one syncfs of the file system it is on) and owned by the server user.
Status NewPgCluster(const std::string& pgdata);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_POSTGRES_PG_TEMPLATE_H_
