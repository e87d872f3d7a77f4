#include "bench/harness/store_setup.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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

// Whether `m` describes a load (complete or not) of `spec` with this
// generator and index profile (SQLite and PostgreSQL).
bool SameDataset(const Manifest& m, const DatasetSpec& spec, const StoreOptions& options) {
  return m.listings == spec.listings && m.seed == spec.seed &&
         m.generator_version == kGeneratorVersion &&
         (!HasIndexProfiles(m.engine) || m.sqlite_schema == options.sqlite_schema);
}

bool Matches(const Manifest& m, const DatasetSpec& spec, const StoreOptions& options) {
  return m.complete && SameDataset(m, spec, options);
}

// The first difference between the recorded fingerprint and the current
// one, in words.
std::string FingerprintChange(const StoreFingerprint& was, const StoreFingerprint& now) {
  for (const DataFileStamp& w : was) {
    auto it = std::find_if(now.begin(), now.end(),
                           [&](const DataFileStamp& n) { return n.name == w.name; });
    if (it == now.end()) return w.name + " is gone";
    if (it->bytes != w.bytes) {
      return w.name + " changed size (" + std::to_string(w.bytes) + " -> " +
             std::to_string(it->bytes) + " bytes)";
    }
    if (it->mtime_ns != w.mtime_ns) return w.name + " was modified";
  }
  for (const DataFileStamp& n : now) {
    auto it = std::find_if(was.begin(), was.end(),
                           [&](const DataFileStamp& w) { return w.name == n.name; });
    if (it == was.end()) return n.name + " is new";
  }
  return "";
}

// Why the complete load described by `m` needs the engine's full check
// before it is reused ("" when it does not); `*now` gets its fingerprint.
StatusOr<std::string> ReasonToCheck(Engine engine, const std::string& dir, const Manifest& m,
                                    bool verify, StoreFingerprint* now) {
  StatusOr<StoreFingerprint> f = FingerprintStoreFiles(engine, dir);
  if (!f.ok()) return f.status();
  *now = std::move(*f);
  if (!m.fingerprint) return std::string("its manifest records no fingerprint of its data files");
  if (*m.fingerprint != *now) {
    return "its data files changed since it was loaded: " + FingerprintChange(*m.fingerprint, *now);
  }
  if (verify) return std::string("--verify-store");
  return std::string();
}

// The check's report `message` about `dir` as part of one line: without a
// leading "<dir>: ", its lines (SQLite's integrity_check gives one per
// problem) joined with "; ", at most kMaxProblemChars long.
std::string OneLineProblem(std::string message, const std::string& dir) {
  constexpr size_t kMaxProblemChars = 300;
  if (message.rfind(dir + ": ", 0) == 0) message.erase(0, dir.size() + 2);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  std::string out;
  for (char c : message) {
    if (c == '\n') {
      out += "; ";
    } else {
      out += c;
    }
  }
  if (out.size() > kMaxProblemChars) out = out.substr(0, kMaxProblemChars) + " ...";
  return out;
}

// Checks the complete load in `dir` (manifest `m`) before it is reused: OK
// (recording the current fingerprint after a full check that passed), or
// Corruption "<dir>: the pristine load is damaged (<problem>)".
Status CheckBeforeReuse(Engine engine, const std::string& dir, Manifest m, bool verify,
                        bool progress, bool* verified) {
  StoreFingerprint now;
  StatusOr<std::string> reason = ReasonToCheck(engine, dir, m, verify, &now);
  if (!reason.ok()) return reason.status();
  *verified = false;
  if (reason->empty()) return Status::OK();
  if (progress) {
    std::fprintf(stderr, "checking the %s store in %s (%s)\n",
                 std::string(EngineName(engine)).c_str(), dir.c_str(), reason->c_str());
  }
  Status s = VerifyStoreFiles(engine, dir);
  if (!s.ok()) {
    return Status::Corruption(dir + ": the pristine load is damaged (" +
                              OneLineProblem(s.message(), dir) + ")");
  }
  *verified = true;
  // The files as the check left them: PostgreSQL's check starts a server,
  // which may write to the relation files it reads (hint bits).
  StatusOr<StoreFingerprint> after = FingerprintStoreFiles(engine, dir);
  if (!after.ok()) return after.status();
  if (m.fingerprint == *after) return Status::OK();
  m.fingerprint = std::move(*after);
  return WriteManifest(dir, m);
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
  StatusOr<StoreFingerprint> fingerprint = FingerprintStoreFiles(engine, dir);
  if (!fingerprint.ok()) return fingerprint.status();
  m.fingerprint = std::move(*fingerprint);
  m.complete = true;
  LB_RETURN_IF_ERROR(WriteManifest(dir, m));
  return report;
}

// Another dataset's load in `dir` (manifest `m`), as an error.
Status AnotherDataset(Engine engine, const std::string& dir, const Manifest& m) {
  return Status::InvalidArgument(
      dir + ": already holds " + (m.complete ? "" : "an incomplete load of ") +
      "another dataset (listings=" + std::to_string(m.listings) +
      " seed=" + std::to_string(m.seed) + " generator=" + std::to_string(m.generator_version) +
      (HasIndexProfiles(engine) ? " sqlite_schema=" + std::string(SqliteSchemaName(m.sqlite_schema))
                                : std::string()) +
      "); use --replace or another --data-dir");
}

// Decides about the store already in the non-empty `dir`: true when it is
// reused (*report filled), false when it was deleted to be loaded again, or
// an error saying why it is neither.
StatusOr<bool> ReuseOrClear(Engine engine, const std::string& dir, const DatasetSpec& spec,
                            const StoreOptions& options, const LoadReuse& reuse, bool progress,
                            LoadReport* report) {
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
  const std::string name(EngineName(engine));
  // A PostgreSQL store on another server than the one asked for holds
  // another load, whatever its manifest says.
  const bool here = StoreOnRequestedServer(engine, dir, options);
  if (here && Matches(*m, spec, options)) {
    Status s = CheckBeforeReuse(engine, dir, *m, reuse.verify, progress, &report->verified);
    if (s.ok()) {
      report->engine = engine;
      report->dir = dir;
      report->reused = true;
      report->counts.listings = m->listings;
      if (progress) {
        std::fprintf(stderr, "reusing %s store in %s (listings=%llu seed=%llu)\n", name.c_str(),
                     dir.c_str(), static_cast<unsigned long long>(m->listings),
                     static_cast<unsigned long long>(m->seed));
      }
      return true;
    }
    if (s.code() != StatusCode::kCorruption) return s;
    if (reuse.existing != ExistingLoad::kReplace) {
      return Status::Corruption(s.message() + "; rerun with --replace to load it again");
    }
    if (progress) std::fprintf(stderr, "%s; loading it again\n", s.message().c_str());
  } else if (here && !m->complete && SameDataset(*m, spec, options)) {
    if (progress) {
      std::fprintf(stderr, "%s: holds an unfinished load of the same dataset; loading it again\n",
                   dir.c_str());
    }
  } else if (reuse.existing == ExistingLoad::kRefuse) {
    return AnotherDataset(engine, dir, *m);
  }
  LB_RETURN_IF_ERROR(RemoveStoreDir(dir));
  return false;
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
  LB_RETURN_IF_ERROR(ReleaseStoreDir(dir));
  fs::remove_all(dir, ec);
  if (ec) return Status::IOError(dir + ": cannot delete: " + ec.message());
  return Status::OK();
}

StatusOr<LoadReport> PrepareStore(Engine engine, const std::string& data_dir,
                                  const DatasetSpec& spec, const StoreOptions& options,
                                  const LoadReuse& reuse, bool progress) {
  if (spec.listings == 0) return Status::InvalidArgument("--listings: must be at least 1");
  LB_RETURN_IF_ERROR(CheckDataDir(data_dir));
  const std::string dir = EngineDir(data_dir, engine, options.sqlite_schema);
  std::error_code ec;
  if (fs::exists(dir, ec) && !IsEmptyDir(dir)) {
    LoadReport report;
    StatusOr<bool> reused = ReuseOrClear(engine, dir, spec, options, reuse, progress, &report);
    if (!reused.ok()) return reused.status();
    if (*reused) return report;
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
