#include "engine/postgres/pg_template.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "engine/postgres/pg_server.h"
#include "engine/postgres/pg_store.h"
#include "util/posix_file.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

// Creates the (empty) database of a store in the new cluster `pgdata`.
Status CreateStoreDatabase(const std::string& pgdata) {
  PgServerOptions o;
  o.shared_buffers_bytes = size_t{16} << 20;
  StatusOr<std::unique_ptr<PgServer>> server = PgServer::Start(pgdata, o);
  if (!server.ok()) return server.status();
  Status s = CreatePgDatabase((*server)->ConnInfo("postgres"), kPgDatabaseName, "");
  Status stopped = (*server)->Stop();
  return s.ok() ? stopped : s;
}

// The template's directory: ours (made by this user, not a link), searchable
// by the server user.
StatusOr<std::string> TemplateDir() {
  StatusOr<std::string> bin = PgBinDir();
  if (!bin.ok()) return bin.status();
  // .../postgresql/<version>/bin
  const std::string version = fs::path(*bin).parent_path().filename().string();
  const std::string dir =
      "/tmp/listbench-pg-template-" + std::to_string(::geteuid()) + "-" + version;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return PosixError(dir + ": cannot create", errno);
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return PosixError(dir + ": cannot stat", errno);
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
    return Status::IOError(dir + ": not a directory of this user; remove it");
  }
  return dir;
}

// Makes the template in `dir` unless it is ready; the caller holds its lock.
Status MakeTemplate(const std::string& dir) {
  const std::string ready = dir + "/READY", pgdata = dir + "/pgdata";
  std::error_code ec;
  if (fs::exists(ready, ec)) return Status::OK();
  fs::remove_all(pgdata, ec);  // an unfinished one
  LB_RETURN_IF_ERROR(InitPgCluster(pgdata));
  LB_RETURN_IF_ERROR(CreateStoreDatabase(pgdata));
  return WriteFileAtomically(ready, "ready\n", {});
}

}  // namespace

Status NewPgCluster(const std::string& pgdata) {
  StatusOr<std::string> dir = TemplateDir();
  if (!dir.ok()) return dir.status();
  const std::string lock_path = *dir + "/lock";
  const int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) return PosixError(lock_path + ": cannot open", errno);
  Status s = ::flock(lock, LOCK_EX) == 0 ? MakeTemplate(*dir) : PosixError(lock_path, errno);
  ::close(lock);  // the template is only read from here on
  LB_RETURN_IF_ERROR(s);
  std::error_code ec;
  fs::copy(*dir + "/pgdata", pgdata, fs::copy_options::recursive, ec);
  if (ec) return Status::IOError("copy a new cluster into " + pgdata + ": " + ec.message());
  fs::permissions(pgdata, fs::perms::owner_all, fs::perm_options::replace, ec);
  const int fd = ::open(pgdata.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return PosixError(pgdata + ": cannot open", errno);
  const bool synced = ::syncfs(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!synced) return PosixError(pgdata + ": syncfs", err);
  return ChownPgCluster(pgdata);
}

}  // namespace listbench
