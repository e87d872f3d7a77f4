#include "bench/harness/store_setup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "bench/harness/build_info.h"
#include "bench/harness/disk_space.h"

namespace listbench {
namespace fs = std::filesystem;
namespace {

// Prints "loading <engine>: N/M listings" to stderr: in place on a terminal,
// one line a quarter otherwise.
class ProgressLine {
 public:
  ProgressLine(Engine engine, uint64_t total) : engine_(engine), total_(total) {
    tty_ = ::isatty(STDERR_FILENO) == 1;
  }
  void Update(uint64_t done) {
    const int quarter = static_cast<int>(done * 4 / total_);
    if (!tty_ && quarter == last_quarter_) return;
    last_quarter_ = quarter;
    std::fprintf(stderr, "%sloading %s: %llu/%llu listings (%d%%)%s", tty_ ? "\r" : "",
                 std::string(EngineName(engine_)).c_str(), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total_), static_cast<int>(done * 100 / total_),
                 tty_ ? "" : "\n");
  }
  void Done(const std::string& what) {
    std::fprintf(stderr, "%s%s\n", tty_ ? "\r\033[K" : "", what.c_str());
  }

 private:
  Engine engine_;
  uint64_t total_;
  bool tty_ = false;
  int last_quarter_ = -1;
};

bool IsEmptyDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

bool Matches(const Manifest& m, const DatasetSpec& spec, const StoreOptions& options) {
  return m.complete && m.listings == spec.listings && m.seed == spec.seed &&
         m.generator_version == kGeneratorVersion &&
         (m.engine != Engine::kSqlite || m.sqlite_schema == options.sqlite_schema);
}

// Loads `spec` into the new, empty directory `dir`.
StatusOr<LoadReport> LoadInto(Engine engine, const std::string& dir, const DatasetSpec& spec,
                              const StoreOptions& options, bool progress) {
  Manifest m;
  m.engine = engine;
  m.generator_version = kGeneratorVersion;
  m.listings = spec.listings;
  m.seed = spec.seed;
  m.sqlite_schema = options.sqlite_schema;
  m.complete = false;
  m.listbench_version = ListbenchVersion();
  LB_RETURN_IF_ERROR(WriteManifest(dir, m));

  LoadReport report;
  report.engine = engine;
  report.dir = dir;
  const auto start = std::chrono::steady_clock::now();
  {
    StoreOptions create = options;
    create.create_if_missing = true;
    StatusOr<std::unique_ptr<Store>> store = OpenStore(engine, dir, create);
    if (!store.ok()) return store.status();
    std::unique_ptr<BulkLoader> loader = (*store)->NewBulkLoader();
    ProgressLine line(engine, spec.listings);
    ProgressFn fn = nullptr;
    if (progress) fn = [&line](uint64_t done) { line.Update(done); };
    StatusOr<DatasetCounts> counts = GenerateDataset(spec, loader.get(), nullptr, fn);
    if (!counts.ok()) return counts.status();
    LB_RETURN_IF_ERROR(loader->Finish());
    loader.reset();
    report.counts = *counts;
    report.rows_written = (*store)->work_stats().rows_written;
    StatusOr<uint64_t> bytes = (*store)->DiskBytes();
    if (!bytes.ok()) return bytes.status();
    report.disk_bytes = *bytes;
    if (progress) {
      line.Done(std::string("loaded ") + std::string(EngineName(engine)) + " into " + dir);
    }
  }  // the store closes here; closing is part of the load time
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.complete = true;
  LB_RETURN_IF_ERROR(WriteManifest(dir, m));
  return report;
}

}  // namespace

Status CheckDataDir(const std::string& data_dir) {
  std::error_code ec;
  const fs::path dir(data_dir);
  if (data_dir.empty()) return Status::InvalidArgument("--data-dir: must not be empty");
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Status::InvalidArgument(data_dir + ": exists and is not a directory");
    }
  } else {
    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec)) {
      return Status::InvalidArgument(data_dir + ": parent directory " + parent.string() +
                                     " does not exist");
    }
    if (!fs::create_directory(dir, ec) && ec) {
      return Status::InvalidArgument(data_dir + ": cannot create: " + ec.message());
    }
  }
  if (fs::exists(dir / kManifestFileName, ec)) {
    return Status::InvalidArgument(data_dir +
                                   ": is an engine store directory, not a data directory; "
                                   "pass its parent");
  }
  // Root ignores permission bits, so probe by writing.
  const fs::path probe = dir / (".listbench-probe-" + std::to_string(::getpid()));
  int fd = ::open(probe.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd < 0) {
    return Status::InvalidArgument(data_dir + ": not writable: " + std::strerror(errno));
  }
  ::close(fd);
  fs::remove(probe, ec);
  return Status::OK();
}

Status RemoveStoreDir(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::OK();
  if (!IsEmptyDir(dir) && !fs::exists(fs::path(dir) / kManifestFileName, ec)) {
    return Status::InvalidArgument(dir + ": is not a listbench store; refusing to delete it");
  }
  fs::remove_all(dir, ec);
  if (ec) return Status::IOError(dir + ": cannot delete: " + ec.message());
  return Status::OK();
}

StatusOr<LoadReport> PrepareStore(Engine engine, const std::string& data_dir,
                                  const DatasetSpec& spec, const StoreOptions& options,
                                  ExistingLoad existing, bool progress) {
  if (spec.listings == 0) return Status::InvalidArgument("--listings: must be at least 1");
  LB_RETURN_IF_ERROR(CheckDataDir(data_dir));
  const std::string dir = EngineDir(data_dir, engine, options.sqlite_schema);
  std::error_code ec;
  if (fs::exists(dir, ec) && !IsEmptyDir(dir)) {
    StatusOr<Manifest> m = ReadManifest(dir);
    if (!m.ok()) {
      if (m.status().IsNotFound()) {
        return Status::InvalidArgument(dir +
                                       ": exists and is not a listbench store; "
                                       "refusing to touch it");
      }
      return m.status();  // unreadable manifest or another format version
    }
    if (m->engine != engine) {
      return Status::InvalidArgument(dir + ": holds a " + std::string(EngineName(m->engine)) +
                                     " store, not " + std::string(EngineName(engine)));
    }
    if (Matches(*m, spec, options)) {
      LoadReport report;
      report.engine = engine;
      report.dir = dir;
      report.reused = true;
      report.counts.listings = m->listings;
      if (progress) {
        std::fprintf(stderr, "reusing %s store in %s (listings=%llu seed=%llu)\n",
                     std::string(EngineName(engine)).c_str(), dir.c_str(),
                     static_cast<unsigned long long>(m->listings),
                     static_cast<unsigned long long>(m->seed));
      }
      return report;
    }
    if (existing == ExistingLoad::kRefuse) {
      return Status::InvalidArgument(
          dir + ": already holds " + (m->complete ? "" : "an incomplete load of ") +
          "another dataset (listings=" + std::to_string(m->listings) + " seed=" +
          std::to_string(m->seed) + " generator=" + std::to_string(m->generator_version) +
          (engine == Engine::kSqlite
               ? " sqlite_schema=" + std::string(SqliteSchemaName(m->sqlite_schema))
               : std::string()) +
          "); use --replace or another --data-dir");
    }
    LB_RETURN_IF_ERROR(RemoveStoreDir(dir));
  }
  LB_RETURN_IF_ERROR(CheckSpaceForLoad(engine, options.sqlite_schema, spec.listings, data_dir));
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(dir + ": cannot create: " + ec.message());
  StatusOr<LoadReport> loaded = LoadInto(engine, dir, spec, options, progress);
  if (loaded.ok() || loaded.status().code() != StatusCode::kIOError) return loaded;
  // The manifest still says incomplete: the next load replaces it.
  return Status::IOError(dir + ": loading " + DesignName(engine, options.sqlite_schema) +
                         " failed: " + loaded.status().message());
}

StatusOr<std::unique_ptr<Store>> OpenRunClone(const std::string& work_dir, Engine engine,
                                              const StoreOptions& options) {
  const std::string base = (std::filesystem::path(work_dir) / "base").string();
  const std::string run = (std::filesystem::path(work_dir) / "run").string();
  std::error_code ec;
  std::filesystem::create_directories(run, ec);
  if (ec) return Status::IOError(run + ": cannot create: " + ec.message());
  const std::string src = EngineDir(base, engine, options.sqlite_schema),
                    dst = EngineDir(run, engine, options.sqlite_schema);
  LB_RETURN_IF_ERROR(RemoveStoreDir(dst));
  LB_RETURN_IF_ERROR(CheckSpaceForClone(engine, src, run));
  const Status cloned = CloneStore(engine, src, dst);
  if (cloned.code() == StatusCode::kIOError) {
    return Status::IOError(dst + ": cloning " + src + " failed: " + cloned.message());
  }
  LB_RETURN_IF_ERROR(cloned);
  return ReopenRunClone(work_dir, engine, options);
}

StatusOr<std::unique_ptr<Store>> ReopenRunClone(const std::string& work_dir, Engine engine,
                                                const StoreOptions& options) {
  const std::string run = (std::filesystem::path(work_dir) / "run").string();
  StoreOptions o = options;
  o.create_if_missing = false;
  return OpenStore(engine, EngineDir(run, engine, options.sqlite_schema), o);
}

}  // namespace listbench
