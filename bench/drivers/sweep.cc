#include "bench/drivers/sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/harness/child_process.h"
#include "bench/harness/store_setup.h"
#include "workloads/op.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ScaleDir(const SweepConfig& c, uint64_t listings) {
  return (fs::path(c.work_dir) / std::to_string(listings)).string();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The last non-empty line of `text`.
std::string LastLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.empty()) return "(nothing on stderr)";
  const size_t nl = text.find_last_of('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

std::string Join(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

double MiB(uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

// The one place a child's JSON report becomes fields; a missing or
// mistyped field is Corruption naming the file.
Status ReadLoadReport(const std::string& path, Engine engine, SweepPoint* p) {
  try {
    const json j = json::parse(ReadAll(path));
    const json& e = j.at("engines").at(std::string(EngineName(engine)));
    if (e.at("reused").get<bool>()) {
      return Status::Corruption(path + ": the load reused an existing store; nothing was measured");
    }
    p->load_seconds = e.at("seconds").get<double>();
    p->entities = e.at("entities").get<uint64_t>();
    p->engine_writes = e.at("engine_writes").get<uint64_t>();
    p->engine_writes_per_second = e.at("engine_writes_per_second").get<double>();
    p->disk_bytes = e.at("disk_bytes").get<uint64_t>();
    return Status::OK();
  } catch (const json::exception& ex) {
    return Status::Corruption(path + ": unexpected load report: " + ex.what());
  }
}

SweepLatency ReadLatency(const json& op) {
  SweepLatency l;
  l.count = op.at("count").get<uint64_t>();
  l.mean_us = op.at("mean_us").get<double>();
  l.p50_us = op.at("p50_us").get<double>();
  l.p99_us = op.at("p99_us").get<double>();
  return l;
}

Status ReadRunReport(const std::string& path, Engine engine, SweepPoint* p) {
  try {
    const json j = json::parse(ReadAll(path));
    const json& e = j.at("engines").at(std::string(EngineName(engine)));
    if (!e.at("load").at("reused").get<bool>()) {
      return Status::Corruption(path +
                                ": the run loaded its own store instead of reusing the "
                                "sweep's load");
    }
    p->run_seconds = e.at("seconds").get<double>();
    p->throughput = e.at("throughput").get<double>();
    // A run omits disk_bytes_after when its store could not measure it.
    const auto after = e.find("disk_bytes_after");
    p->disk_bytes_after = after != e.end() ? after->get<uint64_t>() : 0;
    p->cache_bytes = e.at("cache_bytes").get<uint64_t>();
    const json& ops = e.at("ops");
    for (int k = 0; k < kNumOpKinds; ++k) {
      const auto kind = static_cast<OpKind>(k);
      const auto it = ops.find(std::string(OpKindName(kind)));
      if (it != ops.end()) p->ops[std::string(OpKindCode(kind))] = ReadLatency(*it);
    }
    p->ops["all"] = ReadLatency(e.at("all"));
    return Status::OK();
  } catch (const json::exception& ex) {
    return Status::Corruption(path + ": unexpected run report: " + ex.what());
  }
}

// The first field of /proc/loadavg, or 0 if it cannot be read.
double LoadAverage1m() {
  std::ifstream in("/proc/loadavg");
  double v = 0;
  return in >> v ? v : 0.0;
}

// Runs the children of one sweep, one at a time, logging their output.
class ChildRunner {
 public:
  ChildRunner(const SweepConfig& c, int total) : config_(c), total_(total) {
    log_.open(fs::path(c.out_dir) / "sweep.log", std::ios::trunc);
    log_ << "listbench sweep: " << Join(c.command_line) << "\n";
  }

  // Runs `listbench <args...>` for `what`; stdout and stderr go to
  // `prefix`.out/.err, then into sweep.log. A failed child is an IOError
  // naming `what` and the child's last stderr line.
  StatusOr<ChildResult> Run(const std::string& what, const std::vector<std::string>& args,
                            const std::string& prefix) {
    ++done_;
    std::fprintf(stderr, "sweep [%d/%d] %s ...", done_, total_, what.c_str());
    std::fflush(stderr);
    const double loadavg = LoadAverage1m();
    std::vector<std::string> argv = {"listbench"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string out = prefix + ".out", err = prefix + ".err";
    StatusOr<ChildResult> r = RunChild(config_.binary, argv, out, err);
    log_ << "\n=== " << what << ": " << Join(argv) << "\n";
    const std::string err_text = ReadAll(err);
    log_ << err_text << ReadAll(out);
    std::error_code ec;
    fs::remove(out, ec);
    fs::remove(err, ec);
    if (!r.ok()) {
      std::fprintf(stderr, " cannot start\n");
      log_ << "=== " << r.status().ToString() << "\n";
      log_.flush();
      return r.status();
    }
    log_ << fmt::format(
        "=== {}: {}, {:.2f} s wall, {:.2f} s CPU, peak RSS {} KiB, load "
        "average {:.2f} at start\n",
        what, r->Describe(), r->wall_seconds, r->user_seconds + r->system_seconds, r->max_rss_kib,
        loadavg);
    log_.flush();
    std::fprintf(stderr, " %s, %.1f s, peak RSS %.1f MiB\n",
                 r->ok() ? "done" : r->Describe().c_str(), r->wall_seconds, MiB(r->max_rss_kib));
    if (!r->ok()) {
      return Status::IOError(
          fmt::format("{}: failed ({}): {}", what, r->Describe(), LastLine(err_text)));
    }
    last_loadavg_ = loadavg;
    return r;
  }

  // The load average when the last successful child started.
  double last_loadavg() const { return last_loadavg_; }

 private:
  const SweepConfig& config_;
  const int total_;
  int done_ = 0;
  double last_loadavg_ = 0;
  std::ofstream log_;
};

std::vector<std::string> RunArgs(const SweepConfig& c, Engine e, uint64_t n,
                                 const std::string& json_path) {
  std::vector<std::string> a = {"run",
                                "--engine",
                                std::string(EngineName(e)),
                                "--listings",
                                std::to_string(n),
                                "--seed",
                                std::to_string(c.seed),
                                "--work-dir",
                                ScaleDir(c, n),
                                "--workload",
                                c.workload_path,
                                "--json",
                                json_path};
  if (c.ops) a.insert(a.end(), {"--ops", std::to_string(*c.ops)});
  if (c.warmup) a.insert(a.end(), {"--warmup", std::to_string(*c.warmup)});
  if (c.cache_mb) a.insert(a.end(), {"--cache-mb", std::to_string(*c.cache_mb)});
  if (c.threads) a.insert(a.end(), {"--threads", std::to_string(*c.threads)});
  a.insert(a.end(), {"--sqlite-schema", std::string(SqliteSchemaName(c.sqlite_schema))});
  return a;
}

std::string SaturateDir(const SweepConfig& c, Engine e, uint64_t n) {
  return (fs::path(ScaleDir(c, n)) / (std::string(EngineName(e)) + "-saturate")).string();
}

// The saturate child's flags: the run's dataset, workload, cache and client
// threads (the workload's when --threads is not given), and the SLO.
std::vector<std::string> SaturateArgs(const SweepConfig& c, Engine e, uint64_t n) {
  const SweepSaturate& s = *c.saturate;
  std::vector<std::string> a = {"saturate",
                                "--engine",
                                std::string(EngineName(e)),
                                "--listings",
                                std::to_string(n),
                                "--seed",
                                std::to_string(c.seed),
                                "--work-dir",
                                ScaleDir(c, n),
                                "--workload",
                                c.workload_path,
                                "--out",
                                SaturateDir(c, e, n),
                                "--threads",
                                std::to_string(c.threads.value_or(c.workload.threads)),
                                "--slo-p99-ms",
                                fmt::format("{}", s.slo_p99_ms)};
  if (c.warmup) a.insert(a.end(), {"--warmup", std::to_string(*c.warmup)});
  if (c.cache_mb) a.insert(a.end(), {"--cache-mb", std::to_string(*c.cache_mb)});
  a.insert(a.end(), {"--sqlite-schema", std::string(SqliteSchemaName(c.sqlite_schema))});
  if (s.start_rate) a.insert(a.end(), {"--start-rate", fmt::format("{}", *s.start_rate)});
  if (s.factor) a.insert(a.end(), {"--factor", fmt::format("{}", *s.factor)});
  if (s.step_seconds) a.insert(a.end(), {"--step-seconds", fmt::format("{}", *s.step_seconds)});
  if (s.max_steps) a.insert(a.end(), {"--max-steps", std::to_string(*s.max_steps)});
  return a;
}

// The one place the saturate child's saturate.json becomes fields.
Status ReadSaturateReport(const std::string& path, Engine engine, SweepSaturatePoint* p) {
  try {
    const json j = json::parse(ReadAll(path));
    const json& e = j.at("engines").at(std::string(EngineName(engine)));
    if (!e.at("load").at("reused").get<bool>()) {
      return Status::Corruption(path +
                                ": saturate loaded its own store instead of reusing the "
                                "sweep's load");
    }
    const json& rate = e.at("slo_rate");
    if (!rate.is_null()) p->slo_rate = rate.get<double>();
    const json& knee = e.at("knee");
    if (!knee.is_null()) {
      p->knee_achieved = e.at("steps").at(knee.get<size_t>() - 1).at("achieved").get<double>();
    }
    p->max_achieved = e.at("max_achieved").get<double>();
    p->stop = e.at("stop").get<std::string>();
    return Status::OK();
  } catch (const json::exception& ex) {
    return Status::Corruption(path + ": unexpected saturate report: " + ex.what());
  }
}

SweepChild ChildStatsOf(const ChildResult& r, double loadavg) {
  return {r.max_rss_kib, r.wall_seconds, r.user_seconds + r.system_seconds, loadavg};
}

// Measures one engine at one scale: the load child, then the run child.
Status MeasurePoint(const SweepConfig& c, Engine e, uint64_t n, ChildRunner& runner,
                    SweepPoint* p) {
  const std::string dir = ScaleDir(c, n);
  const std::string engine(EngineName(e));
  const std::string prefix = (fs::path(dir) / engine).string();
  p->engine = e;
  p->listings = n;

  const std::string load_json = prefix + "-load.json";
  StatusOr<ChildResult> load = runner.Run(
      fmt::format("{} at {} listings: load", engine, n),
      {"load", "--engine", engine, "--listings", std::to_string(n), "--seed",
       std::to_string(c.seed), "--data-dir", (fs::path(dir) / "base").string(), "--sqlite-schema",
       std::string(SqliteSchemaName(c.sqlite_schema)), "--json", load_json},
      prefix + "-load");
  if (!load.ok()) return load.status();
  p->load_child = ChildStatsOf(*load, runner.last_loadavg());
  LB_RETURN_IF_ERROR(ReadLoadReport(load_json, e, p));

  const std::string run_json = prefix + "-run.json";
  StatusOr<ChildResult> run = runner.Run(fmt::format("{} at {} listings: run", engine, n),
                                         RunArgs(c, e, n, run_json), prefix + "-run");
  if (!run.ok()) return run.status();
  p->run_child = ChildStatsOf(*run, runner.last_loadavg());
  LB_RETURN_IF_ERROR(ReadRunReport(run_json, e, p));
  if (!c.saturate) return Status::OK();

  StatusOr<ChildResult> sat = runner.Run(fmt::format("{} at {} listings: saturate", engine, n),
                                         SaturateArgs(c, e, n), prefix + "-saturate");
  if (!sat.ok()) return sat.status();
  SweepSaturatePoint sp;
  sp.child = ChildStatsOf(*sat, runner.last_loadavg());
  LB_RETURN_IF_ERROR(ReadSaturateReport(SaturateDir(c, e, n) + "/saturate.json", e, &sp));
  p->saturate = std::move(sp);
  return Status::OK();
}

// Deletes what the sweep made for `e` in WORK/N: its pristine load and run
// clone (only if they are listbench stores) and the children's reports.
Status CleanEngine(const std::string& dir, Engine e, SqliteSchema schema) {
  LB_RETURN_IF_ERROR(RemoveStoreDir(EngineDir((fs::path(dir) / "base").string(), e, schema)));
  LB_RETURN_IF_ERROR(RemoveStoreDir(EngineDir((fs::path(dir) / "run").string(), e, schema)));
  std::error_code ec;
  const std::string engine(EngineName(e));
  for (const char* suffix : {"-load.json", "-run.json"}) {
    fs::remove(fs::path(dir) / (engine + suffix), ec);
  }
  // The saturate child's outputs, by name; the folder goes only if then empty.
  const fs::path sat = fs::path(dir) / (engine + "-saturate");
  for (const std::string& f :
       {std::string("saturate.json"), std::string("saturate.csv"), "saturate-" + engine + ".png",
        "saturate-" + engine + ".gp", "saturate-" + engine + ".dat"}) {
    fs::remove(sat / f, ec);
  }
  fs::remove(sat, ec);
  return Status::OK();
}

// Removes WORK/N and its base/ and run/ folders if they are now empty;
// anything else left there stays (and is reported on stderr).
void CleanScale(const std::string& dir) {
  std::error_code ec;
  for (const char* sub : {"base", "run"}) fs::remove(fs::path(dir) / sub, ec);
  if (!fs::remove(dir, ec) && fs::exists(dir)) {
    std::fprintf(stderr, "sweep: left %s in place: it holds files the sweep did not make\n",
                 dir.c_str());
  }
}

// The value of `metric` (see FitSweep) at `p`, or nullopt when not measured.
std::optional<double> MetricAt(const SweepPoint& p, const std::string& metric) {
  if (metric == "load_seconds") return p.load_seconds;
  if (metric == "disk_bytes") return static_cast<double>(p.disk_bytes);
  if (metric == "load_peak_rss_kib") return static_cast<double>(p.load_child.peak_rss_kib);
  if (metric == "run_peak_rss_kib") return static_cast<double>(p.run_child.peak_rss_kib);
  const size_t dot = metric.find('.');
  const auto it = p.ops.find(metric.substr(0, dot));
  if (dot == std::string::npos || it == p.ops.end() || it->second.count == 0) return std::nullopt;
  return metric.substr(dot + 1) == "mean_us" ? it->second.mean_us : it->second.p99_us;
}

}  // namespace

std::vector<std::string> SweepOpKeys() {
  std::vector<std::string> keys;
  for (int k = 0; k < kNumOpKinds; ++k) keys.emplace_back(OpKindCode(static_cast<OpKind>(k)));
  keys.emplace_back("all");
  return keys;
}

Status RunSweep(const SweepConfig& c, SweepResult* result) {
  result->build = CurrentBuildInfo();
  const int per_point = c.saturate ? 3 : 2;
  const int total = static_cast<int>(c.engines.size() * c.listings.size() * per_point) + 1;
  ChildRunner runner(c, total);
  // The floor under every peak RSS: the binary and its libraries, started
  // from this process, doing nothing.
  StatusOr<ChildResult> floor = runner.Run("floor: listbench --version", {"--version"},
                                           (fs::path(c.work_dir) / ".sweep-floor").string());
  if (!floor.ok()) return floor.status();
  result->floor_rss_kib = floor->max_rss_kib;

  for (uint64_t n : c.listings) {
    const std::string dir = ScaleDir(c, n);
    std::error_code ec;
    if (!fs::create_directory(dir, ec)) {
      return Status::IOError(dir + ": cannot create" + (ec ? ": " + ec.message() : ": it exists"));
    }
    for (Engine e : c.engines) {
      SweepPoint p;
      Status s = MeasurePoint(c, e, n, runner, &p);
      if (s.ok()) result->points.push_back(std::move(p));
      if (!c.keep) {
        Status cleaned = CleanEngine(dir, e, c.sqlite_schema);
        if (s.ok()) s = cleaned;
      }
      if (!s.ok()) {
        if (!c.keep) CleanScale(dir);
        return s;
      }
    }
    if (!c.keep) CleanScale(dir);
  }
  return Status::OK();
}

std::vector<SweepFit> FitSweep(const std::vector<SweepPoint>& points, Engine engine) {
  std::vector<const SweepPoint*> mine;
  for (const SweepPoint& p : points) {
    if (p.engine == engine) mine.push_back(&p);
  }
  std::sort(mine.begin(), mine.end(),
            [](const SweepPoint* a, const SweepPoint* b) { return a->listings < b->listings; });
  std::vector<std::string> metrics = {"load_seconds", "disk_bytes", "load_peak_rss_kib",
                                      "run_peak_rss_kib"};
  for (const std::string& op : SweepOpKeys()) {
    const bool measured = std::any_of(mine.begin(), mine.end(), [&](const SweepPoint* p) {
      return MetricAt(*p, op + ".mean_us").has_value();
    });
    if (!measured) continue;
    metrics.push_back(op + ".mean_us");
    metrics.push_back(op + ".p99_us");
  }
  std::vector<SweepFit> fits;
  for (const std::string& m : metrics) {
    std::vector<double> x, y;
    for (const SweepPoint* p : mine) {
      if (std::optional<double> v = MetricAt(*p, m)) {
        x.push_back(static_cast<double>(p->listings));
        y.push_back(*v);
      }
    }
    SweepFit f;
    f.metric = m;
    f.points = x.size();
    StatusOr<PowerFit> fit = FitPowerLaw(x, y);
    if (fit.ok()) {
      f.fit = *fit;
    } else {
      f.error = fit.status().message();
    }
    fits.push_back(std::move(f));
  }
  return fits;
}

WorkloadSpec SweepWorkload(const SweepConfig& c) {
  WorkloadSpec w = c.workload;
  if (c.ops) {
    w.operations = *c.ops;
    w.duration_s = 0;
  }
  if (c.warmup) w.warmup = *c.warmup;
  if (c.threads) w.threads = *c.threads;
  return w;
}

}  // namespace listbench
