#include "bench/report/sweep_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "bench/report/plot.h"
#include "bench/report/report.h"
#include "bench/report/result_files.h"
#include "bench/report/summary.h"

namespace listbench {
namespace {

using nlohmann::json;

double MiBOfBytes(double bytes) { return bytes / (1024.0 * 1024.0); }
double MiBOfKib(double kib) { return kib / 1024.0; }

std::string Title(Engine e) {
  switch (e) {
    case Engine::kSqlite:
      return "SQLite normalized";
    case Engine::kRocksDb:
      return "RocksDB single-table";
    case Engine::kPostgres:
      return "PostgreSQL normalized";
  }
  return std::string(EngineName(e));
}

// The engine's name in a plot's legend.
std::string Label(Engine e) {
  switch (e) {
    case Engine::kSqlite:
      return "SQLite";
    case Engine::kRocksDb:
      return "RocksDB";
    case Engine::kPostgres:
      return "PostgreSQL";
  }
  return std::string(EngineName(e));
}

// 300 -> "300", 25000 -> "25k", 1600000 -> "1.6M".
std::string ShortScale(uint64_t n) {
  auto trim = [](std::string s) {
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s;
  };
  if (n >= 1'000'000) return trim(fmt::format("{:.2f}", n / 1e6)) + "M";
  if (n >= 1'000) return trim(fmt::format("{:.1f}", n / 1e3)) + "k";
  return std::to_string(n);
}

std::vector<const SweepPoint*> PointsOf(const SweepResult& r, Engine e) {
  std::vector<const SweepPoint*> v;
  for (const SweepPoint& p : r.points) {
    if (p.engine == e) v.push_back(&p);
  }
  std::sort(v.begin(), v.end(),
            [](const SweepPoint* a, const SweepPoint* b) { return a->listings < b->listings; });
  return v;
}

// An exponent to two decimals, without "-0.00".
std::string Exponent(double b) { return fmt::format("{:.2f}", std::abs(b) < 0.005 ? 0.0 : b); }

const SweepFit* FindFit(const std::vector<SweepFit>& fits, const std::string& metric) {
  for (const SweepFit& f : fits) {
    if (f.metric == metric) return &f;
  }
  return nullptr;
}

// "∝ N^1.00 (R² 0.999)", or why there is no fit.
std::string Growth(const std::vector<SweepFit>& fits, const std::string& metric) {
  const SweepFit* f = FindFit(fits, metric);
  if (f == nullptr) return "–";
  if (!f->fit) return f->points < 2 ? "– (fewer than 2 scales)" : "– (" + f->error + ")";
  return fmt::format("∝ N^{} (R² {:.3f})", Exponent(f->fit->b), f->fit->r2);
}

const SweepLatency* OpLatency(const SweepPoint& p, const std::string& key) {
  const auto it = p.ops.find(key);
  return it == p.ops.end() || it->second.count == 0 ? nullptr : &it->second;
}

// The scale-level metrics with their labels, in report order.
struct MetricLabel {
  const char* metric;
  const char* label;
};
constexpr MetricLabel kScaleMetrics[] = {{"load_seconds", "load time"},
                                         {"disk_bytes", "disk size"},
                                         {"load_peak_rss_kib", "load peak RSS"},
                                         {"run_peak_rss_kib", "run peak RSS"}};

// ---- sweep.json ------------------------------------------------------------

json ChildJson(const SweepChild& c) {
  return {{"peak_rss_kib", c.peak_rss_kib},
          {"wall_seconds", c.wall_seconds},
          {"cpu_seconds", c.cpu_seconds},
          {"loadavg_1m_at_start", c.loadavg_1m}};
}

json FitJson(const SweepFit& f) {
  if (!f.fit) return {{"points", f.points}, {"error", f.error}};
  return {{"points", f.points}, {"a", f.fit->a}, {"b", f.fit->b}, {"r2", f.fit->r2}};
}

json LatencyJson(const SweepLatency& l) {
  return {{"count", l.count}, {"mean_us", l.mean_us}, {"p50_us", l.p50_us}, {"p99_us", l.p99_us}};
}

json OptionalJson(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json SaturatePointJson(const SweepSaturatePoint& s) {
  json j = {{"slo_rate", OptionalJson(s.slo_rate)},
            {"knee_achieved", OptionalJson(s.knee_achieved)},
            {"max_achieved", s.max_achieved},
            {"stop", s.stop}};
  j.update(ChildJson(s.child));
  return j;
}

json ConfigJson(const SweepConfig& c) {
  json config = {{"cache_mb", c.cache_mb ? *c.cache_mb : 64},
                 {"durable", false},
                 {"sqlite_schema", SqliteSchemaName(c.sqlite_schema)},
                 {"threads", SweepWorkload(c).threads}};
  if (c.saturate) {
    const SweepSaturate& s = *c.saturate;
    json sat = {{"slo_p99_ms", s.slo_p99_ms}};
    if (s.start_rate) sat["start_rate"] = *s.start_rate;
    if (s.factor) sat["factor"] = *s.factor;
    if (s.step_seconds) sat["step_seconds"] = *s.step_seconds;
    if (s.max_steps) sat["max_steps"] = *s.max_steps;
    config["saturate"] = sat;
  }
  return config;
}

// The SLO rate of a point as the tables show it: "–" without --saturate,
// "none" when no step met the SLO.
std::string SloRateText(const SweepPoint& p) {
  if (!p.saturate) return "–";
  return p.saturate->slo_rate ? fmt::format("{:.0f}", *p.saturate->slo_rate) : "none";
}

json MeasurementJson(const SweepPoint& p) {
  json ops = json::object();
  for (const std::string& k : SweepOpKeys()) {
    const auto it = p.ops.find(k);
    if (it != p.ops.end()) ops[k] = LatencyJson(it->second);
  }
  json load = {{"seconds", p.load_seconds},
               {"entities", p.entities},
               {"engine_writes", p.engine_writes},
               {"engine_writes_per_second", p.engine_writes_per_second},
               {"disk_bytes", p.disk_bytes}};
  load.update(ChildJson(p.load_child));
  json run = {{"seconds", p.run_seconds},
              {"throughput", p.throughput},
              {"disk_bytes_after", p.disk_bytes_after},
              {"cache_bytes", p.cache_bytes},
              {"ops", ops}};
  run.update(ChildJson(p.run_child));
  json out = {
      {"engine", EngineName(p.engine)}, {"listings", p.listings}, {"load", load}, {"run", run}};
  if (p.saturate) out["saturate"] = SaturatePointJson(*p.saturate);
  return out;
}

// ---- sweep.csv ------------------------------------------------------------

std::string Csv(const SweepResult& r) {
  std::string csv =
      "engine,listings,op,count,mean_us,p50_us,p99_us,load_seconds,engine_writes_per_second,"
      "disk_bytes,load_peak_rss_kib,run_peak_rss_kib,throughput,slo_rate,saturate_max_achieved\n";
  for (const SweepPoint& p : r.points) {
    for (const std::string& key : SweepOpKeys()) {
      const auto it = p.ops.find(key);
      if (it == p.ops.end()) continue;
      const SweepLatency& l = it->second;
      // slo_rate: empty without --saturate or when no step met the SLO.
      const std::string slo_rate =
          p.saturate && p.saturate->slo_rate ? fmt::format("{:.1f}", *p.saturate->slo_rate) : "";
      const std::string max_achieved =
          p.saturate ? fmt::format("{:.1f}", p.saturate->max_achieved) : "";
      csv += fmt::format("{},{},{},{},{:.3f},{:.3f},{:.3f},{:.4f},{:.0f},{},{},{},{:.1f},{},{}\n",
                         EngineName(p.engine), p.listings, key, l.count, l.mean_us, l.p50_us,
                         l.p99_us, p.load_seconds, p.engine_writes_per_second, p.disk_bytes,
                         p.load_child.peak_rss_kib, p.run_child.peak_rss_kib, p.throughput,
                         slo_rate, max_achieved);
    }
  }
  return csv;
}

// ---- plots ----------------------------------------------------------------

struct Series {
  std::string label;
  std::string color;
  double scale = 1;             // plotted value = metric value * scale
  std::optional<PowerFit> fit;  // in the metric's own unit
};

std::string EngineStyle(Engine e, bool points) {
  switch (e) {
    case Engine::kSqlite:
      return points ? "pt 7 ps 1.4" : "dt 1 lw 2";
    case Engine::kRocksDb:
      return points ? "pt 5 ps 1.3" : "dt 2 lw 2";
    case Engine::kPostgres:
      return points ? "pt 9 ps 1.4" : "dt 3 lw 2";
  }
  return points ? "pt 1" : "dt 1";
}

std::string XTics(const SweepConfig& c) {
  std::string tics;
  for (uint64_t n : c.listings) {
    tics += fmt::format("{}\"{}\" {}", tics.empty() ? "" : ", ", ShortScale(n), n);
  }
  return "set xtics (" + tics + ")\n";
}

// One plot: for each engine a datablock with a column per metric, each
// plotted as points with its fitted line.
std::string PlotScript(const SweepConfig& c, const SweepResult& r, const std::string& name,
                       const std::string& title, const std::string& ylabel,
                       const std::vector<std::pair<std::string, MetricLabel>>& metrics,
                       const std::map<std::string, double>& scale_of) {
  const double lo = static_cast<double>(c.listings.front()) / 1.3;
  const double hi = static_cast<double>(c.listings.back()) * 1.3;
  std::string gp = fmt::format(
      "set terminal pngcairo size 1150,680 noenhanced font ',10'\nset output '{}.png'\n"
      "set logscale xy\nset datafile missing '?'\nset grid xtics ytics mytics\n"
      "set key outside right top vertical spacing 1.3\nset samples 400\nset xrange [{}:{}]\n"
      "set xlabel 'listings (log scale)'\nset ylabel '{}'\n"
      "set title \"{}\\npoints: measured; lines: fitted a*N^b; circles, solid: SQLite; "
      "squares, dashed: RocksDB; triangles, dotted: PostgreSQL\"\n",
      name, lo, hi, ylabel, title);
  gp += XTics(c);
  std::string plot;
  for (Engine e : c.engines) {
    const std::string engine(EngineName(e));
    gp += "$" + engine + " << EOD\n";
    for (const SweepPoint* p : PointsOf(r, e)) {
      std::string row = std::to_string(p->listings);
      for (const auto& [color, m] : metrics) {
        std::optional<double> v;
        const std::string metric = m.metric;
        if (metric == "disk_bytes")
          v = static_cast<double>(p->disk_bytes);
        else if (metric == "load_peak_rss_kib")
          v = static_cast<double>(p->load_child.peak_rss_kib);
        else if (metric == "run_peak_rss_kib")
          v = static_cast<double>(p->run_child.peak_rss_kib);
        else if (const SweepLatency* l = OpLatency(*p, metric.substr(0, metric.find('.'))))
          v = l->mean_us;
        row += v && *v > 0 ? fmt::format(" {:.6g}", *v * scale_of.at(metric)) : " ?";
      }
      gp += row + "\n";
    }
    gp += "EOD\n";
    const std::vector<SweepFit> fits = FitSweep(r.points, e);
    for (size_t i = 0; i < metrics.size(); ++i) {
      const auto& [color, m] = metrics[i];
      const SweepFit* f = FindFit(fits, m.metric);
      const bool fitted = f != nullptr && f->fit.has_value();
      plot += fmt::format("{}${} using 1:{} with points {} lc rgb '{}' title '{} {}{}'",
                          plot.empty() ? "" : ", \\\n     ", engine, i + 2, EngineStyle(e, true),
                          color, Label(e), m.label, fitted ? "  ∝ N^" + Exponent(f->fit->b) : "");
      if (fitted) {
        plot +=
            fmt::format(", \\\n     {:.9g} * x**{:.9g} with lines {} lc rgb '{}' notitle",
                        f->fit->a * scale_of.at(m.metric), f->fit->b, EngineStyle(e, false), color);
      }
    }
  }
  return gp + "plot " + plot + "\n";
}

std::string LatencyPlot(const SweepConfig& c, const SweepResult& r) {
  const std::vector<std::pair<std::string, MetricLabel>> metrics = {
      {"#000000", {"all.mean_us", "all"}},
      {"#1f77b4", {"R1.mean_us", "R1"}},
      {"#2ca02c", {"R2.mean_us", "R2"}},
      {"#ff7f0e", {"R3.mean_us", "R3"}}};
  std::map<std::string, double> scale;
  for (const auto& [color, m] : metrics) scale[m.metric] = 1;
  return PlotScript(c, r, "sweep_latency", "Mean latency vs listings",
                    "mean latency (µs, log scale)", metrics, scale);
}

std::string SizePlot(const SweepConfig& c, const SweepResult& r) {
  const std::vector<std::pair<std::string, MetricLabel>> metrics = {
      {"#d62728", {"disk_bytes", "disk"}},
      {"#1f77b4", {"load_peak_rss_kib", "load peak RSS"}},
      {"#2ca02c", {"run_peak_rss_kib", "run peak RSS"}}};
  const std::map<std::string, double> scale = {{"disk_bytes", 1.0 / (1024.0 * 1024.0)},
                                               {"load_peak_rss_kib", 1.0 / 1024.0},
                                               {"run_peak_rss_kib", 1.0 / 1024.0}};
  return PlotScript(c, r, "sweep_size", "Disk size and peak resident memory vs listings",
                    "MiB (log scale)", metrics, scale);
}

// ---- sweep.md ---------------------------------------------------------------

std::string EnvironmentSection(const SweepConfig& c, const BuildInfo& b) {
  const WorkloadSpec w = SweepWorkload(c);
  std::string md = "## Environment\n\n| | |\n|---|---|\n" + BuildEnvironmentRows(b);
  auto row = [&](const char* k, const std::string& v) { md += fmt::format("| {} | {} |\n", k, v); };
  row("workload",
      fmt::format("{} (`{}`), keys {}, {} ops after {} warm-up, {} client thread{}, closed loop",
                  w.name, w.file, KeyDistributionName(w.keys.distribution), w.operations, w.warmup,
                  w.threads, w.threads == 1 ? "" : "s"));
  if (c.saturate) {
    row("saturate", fmt::format("highest offered rate (open loop, geometric steps, `listbench "
                                "saturate`) with p99 <= {} ms",
                                c.saturate->slo_p99_ms));
  }
  std::string scales;
  for (uint64_t n : c.listings) scales += (scales.empty() ? "" : ", ") + std::to_string(n);
  row("scales", scales + fmt::format(" listings, seed {}", c.seed));
  row("cache", fmt::format("{} MiB per engine", c.cache_mb ? *c.cache_mb : 64));
  for (const std::string& warning : b.warnings) {
    md += fmt::format("\n> **warning:** {}\n", warning);
  }
  return md + "\n";
}

std::string EngineSection(const SweepConfig& c, const SweepResult& r, Engine e) {
  std::string md = fmt::format("## {} (`{}`)\n\n", Title(e), EngineName(e));
  md += fmt::format(
      "| listings | load s | engine writes/s | disk MiB | load peak RSS MiB | run peak RSS MiB "
      "| ops/s | mean µs | p50 µs | p99 µs |{}\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|{}\n",
      c.saturate ? fmt::format(" ops/s at p99 <= {} ms |", c.saturate->slo_p99_ms) : "",
      c.saturate ? "---:|" : "");
  const std::vector<const SweepPoint*> points = PointsOf(r, e);
  for (const SweepPoint* p : points) {
    const SweepLatency* all = OpLatency(*p, "all");
    md += fmt::format(
        "| {} | {:.2f} | {:.0f} | {:.1f} | {:.1f} | {:.1f} | {:.0f} | {} | {} | {} |{}\n",
        p->listings, p->load_seconds, p->engine_writes_per_second,
        MiBOfBytes(static_cast<double>(p->disk_bytes)),
        MiBOfKib(static_cast<double>(p->load_child.peak_rss_kib)),
        MiBOfKib(static_cast<double>(p->run_child.peak_rss_kib)), p->throughput,
        all ? fmt::format("{:.1f}", all->mean_us) : "–",
        all ? fmt::format("{:.1f}", all->p50_us) : "–",
        all ? fmt::format("{:.1f}", all->p99_us) : "–",
        c.saturate ? " " + SloRateText(*p) + " |" : "");
  }
  md += "\nLatency per access pattern, mean / p99 µs:\n\n| listings |";
  std::string rule = "|---:|";
  for (const std::string& k : SweepOpKeys()) {
    md += " " + k + " |";
    rule += "---:|";
  }
  md += "\n" + rule + "\n";
  for (const SweepPoint* p : points) {
    md += fmt::format("| {} |", p->listings);
    for (const std::string& k : SweepOpKeys()) {
      const SweepLatency* l = OpLatency(*p, k);
      md += l ? fmt::format(" {:.1f} / {:.1f} |", l->mean_us, l->p99_us) : " – |";
    }
    md += "\n";
  }
  return md + "\n";
}

std::string GrowthSection(const SweepConfig& c, const SweepResult& r) {
  std::map<Engine, std::vector<SweepFit>> fits;
  for (Engine e : c.engines) fits[e] = FitSweep(r.points, e);
  std::string md =
      "## Growth with scale\n\n"
      "Each metric fitted as a power law y = a·N^b over the listings N by least squares on "
      "(log N, log y); b = 1 is linear growth, b = 0 is flat; R² is the fit's in log-log space "
      "(a low R² says a power law describes the curve poorly, e.g. a constant floor plus a "
      "growing part).\n\n";
  for (Engine e : c.engines) {
    md += fmt::format(
        "- **{}**: load {}, disk {}, load peak RSS {}, run peak RSS {}, "
        "mean latency {}, p99 {}\n",
        EngineName(e), Growth(fits[e], "load_seconds"), Growth(fits[e], "disk_bytes"),
        Growth(fits[e], "load_peak_rss_kib"), Growth(fits[e], "run_peak_rss_kib"),
        Growth(fits[e], "all.mean_us"), Growth(fits[e], "all.p99_us"));
  }
  md += "\n| metric |";
  std::string rule = "|---|";
  for (Engine e : c.engines) {
    md += " " + Title(e) + " |";
    rule += "---|";
  }
  md += "\n" + rule + "\n";
  auto row = [&](const std::string& label, const std::string& metric) {
    md += "| " + label + " |";
    for (Engine e : c.engines) md += " " + Growth(fits[e], metric) + " |";
    md += "\n";
  };
  for (const MetricLabel& m : kScaleMetrics) row(m.label, m.metric);
  row("mean latency, all requests", "all.mean_us");
  row("p99 latency, all requests", "all.p99_us");

  md += "\nPer access pattern:\n\n| op |";
  rule = "|---|";
  for (Engine e : c.engines) {
    md += fmt::format(" {} mean | {} p99 |", EngineName(e), EngineName(e));
    rule += "---|---|";
  }
  md += "\n" + rule + "\n";
  for (const std::string& k : SweepOpKeys()) {
    if (k == "all") continue;
    const bool any = std::any_of(c.engines.begin(), c.engines.end(), [&](Engine e) {
      return FindFit(fits[e], k + ".mean_us") != nullptr;
    });
    if (!any) continue;
    md += "| " + k + " |";
    for (Engine e : c.engines) {
      md += " " + Growth(fits[e], k + ".mean_us") + " | " + Growth(fits[e], k + ".p99_us") + " |";
    }
    md += "\n";
  }
  return md + "\n";
}

// Where the run peaks of the two engines meet at the largest scale both
// reached, the harness, not the engine, sets the peak; say so when it shows.
std::string RunPeakNote(const SweepConfig& c, const SweepResult& r) {
  if (c.engines.size() < 2) return "";
  uint64_t n = 0;
  for (uint64_t scale : c.listings) {
    const bool all_engines = std::all_of(c.engines.begin(), c.engines.end(), [&](Engine e) {
      return std::any_of(r.points.begin(), r.points.end(),
                         [&](const SweepPoint& p) { return p.engine == e && p.listings == scale; });
    });
    if (all_engines) n = scale;
  }
  if (n == 0) return "";
  std::vector<double> peaks;
  for (const SweepPoint& p : r.points) {
    if (p.listings == n) peaks.push_back(static_cast<double>(p.run_child.peak_rss_kib));
  }
  const auto [lo, hi] = std::minmax_element(peaks.begin(), peaks.end());
  if (*hi <= 0 || (*hi - *lo) / *hi > 0.05) return "";
  return fmt::format(
      " At {} listings the engines' run peaks are within {:.2g}% of each other ({:.1f} and "
      "{:.1f} MiB): there the peak is what `listbench run` holds before timing, not the "
      "engine.",
      n, 100 * (*hi - *lo) / *hi, MiBOfKib(*lo), MiBOfKib(*hi));
}

std::string NotesSection(const SweepConfig& c, const SweepResult& r) {
  uint64_t max_disk = 0;
  double min_load = 1e9, max_load = 0;
  for (const SweepPoint& p : r.points) {
    max_disk = std::max(max_disk, p.disk_bytes);
    for (const SweepChild* child : {&p.load_child, &p.run_child}) {
      min_load = std::min(min_load, child->loadavg_1m);
      max_load = std::max(max_load, child->loadavg_1m);
    }
  }
  const double memory = static_cast<double>(r.build.memory_bytes);
  const long cores = r.build.cores;
  std::string md = "## How this was measured\n\n";
  md +=
      "- Each engine at each scale is measured by two child processes of the same listbench "
      "binary: `listbench load` (fresh store, bulk path; the load time is the one it reports) "
      "and then `listbench run`, which reuses that load, clones it and replays the workload. "
      "Peak RSS is the kernel's `ru_maxrss` of each child (wait4).\n";
  md += fmt::format(
      "- Peak RSS has a floor: `listbench --version` started the same way peaks at {:.1f} MiB "
      "(binary, libraries, and the footprint of the sweep process that Linux carries into a "
      "spawned child's maximum).\n",
      MiBOfKib(static_cast<double>(r.floor_rss_kib)));
  md += fmt::format(
      "- The run's peak includes what `listbench run` builds before timing (the dataset catalog "
      "of N listings and the operation trace) and the engine's cache (at most {} MiB); the OS "
      "page cache holding the store's files is not counted.{}\n",
      c.cache_mb ? *c.cache_mb : 64, RunPeakNote(c, r));
  if (memory > 0) {
    md += fmt::format(
        "- The largest store here is {:.0f} MiB on disk and the machine has {:.1f} GiB of "
        "memory, so {}.\n",
        MiBOfBytes(static_cast<double>(max_disk)), memory / (1 << 30),
        static_cast<double>(max_disk) * 2 < memory
            ? "every store (and its run clone) fits in the page cache: latency growth here is "
              "in-memory growth (deeper indexes, engine-cache misses served from the page "
              "cache), not disk reads"
            : "the largest stores do not fit in the page cache next to their run clones: part "
              "of the latency growth at the top scales is disk reads");
  }
  if (!r.points.empty()) {
    md += fmt::format(
        "- The machine's 1-minute load average when each child started ranged from {:.2f} to "
        "{:.2f} on {} cores; the sweep's own previous child accounts for 1 to 2 of it (the "
        "RocksDB bulk loader keeps two cores busy). Values well above the core count mean "
        "other processes competed for the CPU, and those children's timings are noisier "
        "than the machine can do; each child's load average is in sweep.json.\n",
        min_load, max_load, cores);
  }
  const int threads = SweepWorkload(c).threads;
  md += fmt::format(
      "- Latency is in-process, {} client thread{}, closed loop; `sweep.csv` has every op at "
      "every scale and `sweep.json` the fits' a, b and R².\n",
      threads, threads == 1 ? "" : "s");
  if (c.saturate) {
    md +=
        "- With `--saturate`, a third child (`listbench saturate`, on a fresh clone of the same "
        "load) steps the open-loop offered rate up geometrically with the same client threads "
        "until p99 (from each request's intended start) passes the SLO or throughput stops "
        "rising; the table's SLO column is the highest offered rate of a step that kept up "
        "(achieved >= 90% of offered) with p99 within the SLO, \"none\" when no step did.\n";
  }
  md += "\n";
  return md;
}

std::string Markdown(const SweepConfig& c, const SweepResult& r, bool have_plots,
                     const std::string& plot_note) {
  std::string cmd;
  for (const std::string& a : c.command_line) cmd += (cmd.empty() ? "" : " ") + a;
  std::string md = "# listbench sweep: how each engine grows with the dataset\n\n";
  md += "Generated by `" + cmd + "`.\n\n";
  if (!r.outcome.ok()) {
    md += "> **The sweep stopped early:** " + r.outcome.message() +
          "\n> The tables hold what was measured before that.\n\n";
  }
  md += EnvironmentSection(c, r.build);
  md += GrowthSection(c, r);
  md += "## Plots\n\n";
  md += have_plots ? "![mean latency vs listings](sweep_latency.png)\n\n"
                     "![disk size and peak RSS vs listings](sweep_size.png)\n\n"
                   : "*(" + plot_note + "; the data is in sweep.csv)*\n\n";
  for (Engine e : c.engines) md += EngineSection(c, r, e);
  md += NotesSection(c, r);
  return md;
}

}  // namespace

json SweepJson(const SweepConfig& c, const SweepResult& r) {
  std::error_code ec;
  const std::filesystem::path binary = std::filesystem::read_symlink(c.binary, ec);
  json engines = json::array();
  for (Engine e : c.engines) engines.push_back(EngineName(e));
  json out = {{"command", "sweep"},
              {"command_line", c.command_line},
              {"seed", c.seed},
              {"listings", c.listings},
              {"engines", engines},
              {"workload", WorkloadJson(SweepWorkload(c))},
              {"config", ConfigJson(c)},
              {"listbench_binary", ec ? c.binary : binary.string()},
              {"floor_rss_kib", r.floor_rss_kib},
              {"outcome", r.outcome.ok() ? "ok" : r.outcome.ToString()},
              {"build", BuildInfoJson(r.build)}};
  json measurements = json::array();
  for (const SweepPoint& p : r.points) measurements.push_back(MeasurementJson(p));
  out["measurements"] = measurements;
  json fits = json::object();
  for (Engine e : c.engines) {
    json f = json::object();
    for (const SweepFit& fit : FitSweep(r.points, e)) f[fit.metric] = FitJson(fit);
    fits[std::string(EngineName(e))] = f;
  }
  out["fits"] = {{"model",
                  "y = a * listings^b, least squares on (ln listings, ln y); r2 in "
                  "log-log space"},
                 {"engines", fits}};
  return out;
}

Status WriteSweepOutputs(const SweepConfig& c, const SweepResult& r) {
  LB_RETURN_IF_ERROR(WriteJsonFile(c.out_dir + "/sweep.json", SweepJson(c, r)));
  LB_RETURN_IF_ERROR(WriteTextFile(c.out_dir + "/sweep.csv", Csv(r)));
  bool plotted = false;
  std::string note;
  if (r.points.empty()) {
    note = "plots not drawn: nothing was measured";
  } else if (!HaveGnuplot()) {
    note = "plots not drawn: gnuplot is not installed";
    std::fprintf(stderr, "listbench sweep: gnuplot not installed; sweep.md has no plots\n");
  } else {
    plotted = RunGnuplot(c.out_dir, "sweep_latency", LatencyPlot(c, r)) &&
              RunGnuplot(c.out_dir, "sweep_size", SizePlot(c, r));
    if (!plotted) {
      note = "plots not drawn: gnuplot failed on sweep_latency.gp or sweep_size.gp";
      std::fprintf(stderr, "listbench sweep: gnuplot failed; sweep.md has no plots\n");
    }
  }
  return WriteTextFile(c.out_dir + "/sweep.md", Markdown(c, r, plotted, note));
}

void PrintSweepTable(const SweepConfig& c, const SweepResult& r) {
  fmt::print("{:<8} {:>9} {:>8} {:>10} {:>9} {:>12} {:>11} {:>9} {:>9} {:>9}{}\n", "engine",
             "listings", "load s", "writes/s", "disk MiB", "load RSS MiB", "run RSS MiB", "mean µs",
             "p99 µs", "ops/s", c.saturate ? fmt::format(" {:>10}", fmt::format("SLO ops/s")) : "");
  for (Engine e : c.engines) {
    for (const SweepPoint* p : PointsOf(r, e)) {
      const SweepLatency* all = OpLatency(*p, "all");
      fmt::print(
          "{:<8} {:>9} {:>8.2f} {:>10.0f} {:>9.1f} {:>12.1f} {:>11.1f} {:>9.1f} {:>9.1f} "
          "{:>9.0f}{}\n",
          EngineName(e), p->listings, p->load_seconds, p->engine_writes_per_second,
          MiBOfBytes(static_cast<double>(p->disk_bytes)),
          MiBOfKib(static_cast<double>(p->load_child.peak_rss_kib)),
          MiBOfKib(static_cast<double>(p->run_child.peak_rss_kib)), all ? all->mean_us : 0.0,
          all ? all->p99_us : 0.0, p->throughput,
          c.saturate ? fmt::format(" {:>10}", SloRateText(*p)) : "");
    }
  }
  if (c.saturate) {
    fmt::print("SLO ops/s: the highest offered rate with p99 <= {} ms (listbench saturate)\n",
               c.saturate->slo_p99_ms);
  }
  fmt::print("growth, y = a·N^b (R²):\n");
  for (Engine e : c.engines) {
    const std::vector<SweepFit> fits = FitSweep(r.points, e);
    fmt::print("  {:<8} load {}, disk {}, load RSS {}, run RSS {}, mean {}, p99 {}\n",
               EngineName(e), Growth(fits, "load_seconds"), Growth(fits, "disk_bytes"),
               Growth(fits, "load_peak_rss_kib"), Growth(fits, "run_peak_rss_kib"),
               Growth(fits, "all.mean_us"), Growth(fits, "all.p99_us"));
  }
  fmt::print("wrote {0}/sweep.json, sweep.csv, sweep.md, sweep.log\n", c.out_dir);
}

}  // namespace listbench
