// The connection pool of the SQLite store (sqlite_store_impl.h): a
// mutex-guarded free list, grown on demand, and the page-cache budget shared
// evenly by the connections it holds; and the checkpointer's own connection,
// outside the pool.
#include <fmt/format.h>

#include <algorithm>

#include "engine/sqlite/schema.h"
#include "engine/sqlite/sqlite_store_impl.h"

namespace listbench {

StatusOr<std::unique_ptr<SqliteStore::Connection>> SqliteStore::NewConnection(int flags) {
  auto c = std::make_unique<Connection>(options_.busy_timeout_ms);
  LB_RETURN_IF_ERROR(OpenSqliteConnection(path_, flags, vfs_->name(), &c->db));
  LB_RETURN_IF_ERROR(c->busy.Install(c->db));
  LB_RETURN_IF_ERROR(ExecSql(c->db, SettingsSql().c_str()));
  if (observer_ != nullptr) {
    LB_RETURN_IF_ERROR(observer_->Attach(c->db));
    c->observer = observer_;
  }
  if (checkpointer_ != nullptr) LB_RETURN_IF_ERROR(checkpointer_->Watch(c->db));
  return c;
}

Status SqliteStore::StartCheckpointer() {
  sqlite3* db = nullptr;
  LB_RETURN_IF_ERROR(
      OpenSqliteConnection(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, vfs_->name(), &db));
  // A checkpoint copies frames without the page cache: the least it takes.
  const Status s = ExecSql(db, (SettingsSql() + " PRAGMA cache_size = -64;").c_str());
  if (!s.ok()) {
    sqlite3_close(db);
    return s;
  }
  StatusOr<std::unique_ptr<Checkpointer>> c =
      Checkpointer::Start(db, &background_, kSqliteWalSettings);
  if (!c.ok()) return c.status();
  checkpointer_ = std::move(*c);
  return checkpointer_->Watch(first_->db);
}

int64_t SqliteStore::CacheShareKib(size_t n) const {
  const size_t kib = options_.cache_bytes / 1024 / std::max<size_t>(n, 1);
  return static_cast<int64_t>(std::max<size_t>(kib, 64));
}

Status SqliteStore::SetCacheKib(Connection& c, int64_t kib) {
  LB_RETURN_IF_ERROR(ExecSql(c.db, fmt::format("PRAGMA cache_size = -{}", kib).c_str()));
  c.cache_kib = kib;
  return Status::OK();
}

StatusOr<SqliteStore::Connection*> SqliteStore::Checkout() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!free_.empty()) {
      Connection* c = free_.back();
      free_.pop_back();
      return c;
    }
  }
  // Every connection is busy: open one more, outside the lock (it reads the
  // file), and set it up as the first one was.
  StatusOr<std::unique_ptr<Connection>> opened =
      NewConnection(SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
  if (!opened.ok()) return opened.status();
  LB_RETURN_IF_ERROR(Prepare(**opened));
  std::lock_guard<std::mutex> lock(pool_mu_);
  connections_.push_back(std::move(*opened));
  const int64_t share = CacheShareKib(connections_.size());
  // Idle connections shrink to the new share now; busy ones when returned.
  // A failed PRAGMA leaves the old size, tried again at the next return.
  for (Connection* idle : free_) {
    if (idle->cache_kib != share) (void)SetCacheKib(*idle, share);
  }
  Connection* c = connections_.back().get();
  (void)SetCacheKib(*c, share);
  return c;
}

void SqliteStore::Return(Connection* c) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  const int64_t share = CacheShareKib(connections_.size());
  if (c->cache_kib != share) (void)SetCacheKib(*c, share);
  free_.push_back(c);
}

}  // namespace listbench
