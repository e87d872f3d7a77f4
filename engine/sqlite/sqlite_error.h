// FromSqlite: the one place where SQLite result codes become Status.
//
//   SQLITE_OK / ROW / DONE            -> OK
//   SQLITE_CONSTRAINT                 -> Conflict (should never escape: the
//                                        engine checks constraints first)
//   SQLITE_CORRUPT / NOTADB / FORMAT  -> Corruption
//   SQLITE_MISUSE / RANGE / TOOBIG / MISMATCH -> InvalidArgument
//   SQLITE_FULL                       -> IOError, message starting "disk full"
//   everything else (IOERR*, CANTOPEN, BUSY, NOMEM, ...) -> IOError
//
// The message names `context` (what was being done, e.g. the SQL or the
// file) and SQLite's own text.
#ifndef LISTBENCH_ENGINE_SQLITE_SQLITE_ERROR_H_
#define LISTBENCH_ENGINE_SQLITE_SQLITE_ERROR_H_

#include <sqlite3.h>

#include <string_view>

#include "core/status.h"

namespace listbench {

// `db` may be null; when given, its last error message is included.
Status FromSqlite(int rc, sqlite3* db, std::string_view context);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SQLITE_ERROR_H_
