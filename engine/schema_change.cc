#include "engine/schema_change.h"

#include "engine/rocks/rocks_schema_change.h"
#include "engine/sqlite/sqlite_schema_change.h"

namespace listbench {

std::string_view SchemaChangeMethodName(SchemaChangeMethod m) {
  switch (m) {
    case SchemaChangeMethod::kSqliteBlocking:
      return "sqlite-blocking";
    case SchemaChangeMethod::kSqliteBatched:
      return "sqlite-batched";
    case SchemaChangeMethod::kSqliteLazy:
      return "sqlite-lazy";
    case SchemaChangeMethod::kRocksLazy:
      return "rocksdb-lazy";
  }
  return "unknown";
}

std::optional<SchemaChangeMethod> ParseSchemaChangeMethod(std::string_view name) {
  for (SchemaChangeMethod m : kAllSchemaChangeMethods) {
    if (name == SchemaChangeMethodName(m)) return m;
  }
  return std::nullopt;
}

std::string SchemaChangeMethodNames() {
  std::string out;
  for (SchemaChangeMethod m : kAllSchemaChangeMethods) {
    if (!out.empty()) out += ", ";
    out += SchemaChangeMethodName(m);
  }
  return out;
}

std::string_view SchemaChangeEngine(SchemaChangeMethod m) {
  return m == SchemaChangeMethod::kRocksLazy ? "rocksdb" : "sqlite";
}

StatusOr<std::unique_ptr<SchemaChange>> NewSchemaChange(StoreAdmin& store, const std::string& dir,
                                                        SchemaChangeMethod method,
                                                        const SchemaChangeOptions& options) {
  if (store.Name() != SchemaChangeEngine(method)) {
    return Status::NotSupported(std::string(SchemaChangeMethodName(method)) +
                                " does not apply to a " + std::string(store.Name()) + " store");
  }
  if (method == SchemaChangeMethod::kRocksLazy) return NewRocksSchemaChange(store, method);
  return NewSqliteSchemaChange(dir, method, options);
}

}  // namespace listbench
