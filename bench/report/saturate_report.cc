#include "bench/report/saturate_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "bench/report/plot.h"
#include "bench/report/result_files.h"
#include "bench/report/summary.h"

namespace listbench {
namespace {

using nlohmann::json;

bool MeetsSlo(const SaturateStep& s, double slo_p99_ms) {
  return KeptUp(s) && s.p99_ms <= slo_p99_ms;
}

double MaxAchieved(const SaturateEngineResult& er) {
  double m = 0;
  for (const SaturateStep& s : er.steps) m = std::max(m, s.achieved);
  return m;
}

// A step index as numbered in the outputs (from 1), or null.
json StepNumber(const std::optional<size_t>& i) { return i ? json(*i + 1) : json(nullptr); }

json ConfigJson(const SaturateSetup& s) {
  const SaturateOptions& o = s.options;
  return {{"threads", o.threads},
          {"start_rate", o.start_rate},
          {"factor", o.factor},
          {"step_seconds", o.step_seconds},
          {"max_steps", o.max_steps},
          {"slo_p99_ms", o.slo_p99_ms},
          {"warmup", o.warmup},
          {"cache_mb", s.cache_mb},
          {"durable", s.store_options.durable},
          {"sqlite_schema", SqliteSchemaName(s.store_options.sqlite_schema)},
          {"kept_up_share", kKeptUpShare},
          {"plateau_epsilon", kPlateauEpsilon},
          {"knee_rule",
           "last step before one that served < kept_up_share of offered, had p50 > "
           "the first step's p99, or rose < plateau_epsilon"}};
}

json StepJson(size_t i, const SaturateStep& s, double slo_p99_ms) {
  return {{"step", i + 1},
          {"offered", s.offered},
          {"achieved", s.achieved},
          {"ops", s.ops},
          {"seconds", s.seconds},
          {"p50_ms", s.p50_ms},
          {"p95_ms", s.p95_ms},
          {"p99_ms", s.p99_ms},
          {"max_ms", s.max_ms},
          {"errors", s.errors},
          {"lock_wait_share", s.lock_wait_share},
          {"retries", s.retries},
          {"kept_up", KeptUp(s)},
          {"meets_slo", MeetsSlo(s, slo_p99_ms)}};
}

}  // namespace

json SaturateEngineJson(const SaturateEngineResult& er, double slo_p99_ms) {
  json steps = json::array();
  for (size_t i = 0; i < er.steps.size(); ++i) {
    steps.push_back(StepJson(i, er.steps[i], slo_p99_ms));
  }
  return {{"load",
           {{"reused", er.load.reused},
            {"seconds", er.load.seconds},
            {"disk_bytes", er.load.disk_bytes}}},
          {"cache_bytes", er.cache_bytes},
          {"stop", SaturateStopName(er.stop)},
          {"knee_reached", er.knee_reached},
          {"knee", StepNumber(er.knee)},
          {"slo_rate", er.slo_step ? json(er.steps[*er.slo_step].offered) : json(nullptr)},
          {"slo_step", StepNumber(er.slo_step)},
          {"max_achieved", MaxAchieved(er)},
          {"steps", steps}};
}

namespace {

// ---- the plot ---------------------------------------------------------------

std::string PlotName(Engine e) { return "saturate-" + std::string(EngineName(e)); }

std::string PlotData(const SaturateEngineResult& er) {
  std::string dat = "# achieved_ops_s p50_ms p99_ms offered_ops_s\n";
  for (const SaturateStep& s : er.steps) {
    dat += fmt::format("{:.3f} {:.4f} {:.4f} {:.3f}\n", s.achieved, s.p50_ms, s.p99_ms, s.offered);
  }
  return dat;
}

std::string PlotScript(const SaturateSetup& s, const SaturateEngineResult& er) {
  const std::string name = PlotName(er.engine);
  std::string gp = fmt::format(
      "set terminal pngcairo size 1000,620 noenhanced font ',10'\nset output '{0}.png'\n"
      "set logscale y\nset grid xtics ytics\nset key left top\n"
      "set xlabel 'achieved throughput (ops/s)'\nset ylabel 'latency from intended start (ms, "
      "log scale)'\n"
      "set title \"{1}: latency vs throughput, {2} client thread(s), open loop\\nSLO p99 <= {3} "
      "ms\"\n",
      name, EngineName(er.engine), s.options.threads, s.options.slo_p99_ms);
  if (er.knee) {
    const SaturateStep& k = er.steps[*er.knee];
    gp += fmt::format(
        "set label 1 'knee: {:.0f} ops/s' at {:.3f},{:.4f} offset 1,1 point pt 6 ps 2\n",
        k.achieved, k.achieved, k.p99_ms);
  }
  gp += fmt::format(
      "plot '{0}.dat' using 1:3 with linespoints pt 7 lw 2 lc rgb '#d62728' title 'p99', \\\n"
      "     '{0}.dat' using 1:2 with linespoints pt 5 lw 2 lc rgb '#1f77b4' title 'p50', \\\n"
      "     {1} with lines dt 2 lw 2 lc rgb '#000000' title 'SLO p99 {1} ms'\n",
      name, s.options.slo_p99_ms);
  return gp;
}

// Draws each engine's curve; false (with a note on stderr) when it cannot.
Status WritePlots(const std::string& dir, const SaturateSetup& s, const SaturateResult& r) {
  if (!HaveGnuplot()) {
    std::fprintf(stderr, "listbench saturate: gnuplot not installed; no plots drawn\n");
    return Status::OK();
  }
  for (const SaturateEngineResult& er : r.engines) {
    if (er.steps.empty()) continue;
    const std::string name = PlotName(er.engine);
    LB_RETURN_IF_ERROR(WriteTextFile(dir + "/" + name + ".dat", PlotData(er)));
    if (!RunGnuplot(dir, name, PlotScript(s, er))) {
      std::fprintf(stderr, "listbench saturate: gnuplot failed on %s.gp; no plot drawn\n",
                   name.c_str());
    }
  }
  return Status::OK();
}

// "knee at step 7: offered 2847 ops/s, achieved 2840 ops/s, p99 1.21 ms".
std::string KneeLine(const SaturateEngineResult& er) {
  if (!er.knee_reached) {
    return er.stop == SaturateStop::kMaxSteps
               ? "knee not reached: the last step still scaled (raise --max-steps)"
               : fmt::format("knee not reached before the steps stopped ({})",
                             SaturateStopName(er.stop));
  }
  if (!er.knee) return "no knee: the first step already degraded (lower --start-rate)";
  const SaturateStep& k = er.steps[*er.knee];
  return fmt::format("knee at step {}: offered {:.0f} ops/s, achieved {:.0f} ops/s, p99 {:.2f} ms",
                     *er.knee + 1, k.offered, k.achieved, k.p99_ms);
}

std::string SloLine(const SaturateEngineResult& er, double slo_p99_ms) {
  if (!er.slo_step) {
    return fmt::format("no step met p99 <= {} ms while keeping up (lower --start-rate)",
                       slo_p99_ms);
  }
  const SaturateStep& s = er.steps[*er.slo_step];
  return fmt::format(
      "highest offered rate meeting p99 <= {} ms: {:.0f} ops/s (step {}, p99 {:.2f} ms)",
      slo_p99_ms, s.offered, *er.slo_step + 1, s.p99_ms);
}

}  // namespace

json SaturateJson(const SaturateSetup& s, const SaturateResult& r) {
  json out = {{"command", "saturate"},       {"seed", s.spec.seed},
              {"listings", s.spec.listings}, {"workload", WorkloadJson(s.workload)},
              {"config", ConfigJson(s)},     {"build", BuildInfoJson(r.build)}};
  out["engines"] = json::object();
  for (const SaturateEngineResult& er : r.engines) {
    out["engines"][std::string(EngineName(er.engine))] =
        SaturateEngineJson(er, s.options.slo_p99_ms);
  }
  return out;
}

std::string SaturateCsv(const SaturateSetup& s, const SaturateResult& r) {
  std::string csv =
      "engine,step,offered,achieved,ops,seconds,p50_ms,p95_ms,p99_ms,max_ms,errors,"
      "lock_wait_share,retries,kept_up,meets_slo,knee\n";
  for (const SaturateEngineResult& er : r.engines) {
    for (size_t i = 0; i < er.steps.size(); ++i) {
      const SaturateStep& st = er.steps[i];
      csv += fmt::format(
          "{},{},{:.1f},{:.1f},{},{:.3f},{:.4f},{:.4f},{:.4f},{:.4f},{},{:.4f},{},{},{},{}\n",
          EngineName(er.engine), i + 1, st.offered, st.achieved, st.ops, st.seconds, st.p50_ms,
          st.p95_ms, st.p99_ms, st.max_ms, st.errors, st.lock_wait_share, st.retries,
          KeptUp(st) ? 1 : 0, MeetsSlo(st, s.options.slo_p99_ms) ? 1 : 0, er.knee == i ? 1 : 0);
    }
  }
  return csv;
}

Status WriteSaturateOutputs(const std::string& dir, const SaturateSetup& s,
                            const SaturateResult& r) {
  LB_RETURN_IF_ERROR(WriteJsonFile(dir + "/saturate.json", SaturateJson(s, r)));
  LB_RETURN_IF_ERROR(WriteTextFile(dir + "/saturate.csv", SaturateCsv(s, r)));
  return WritePlots(dir, s, r);
}

void PrintSaturateTable(const SaturateSetup& s, const SaturateResult& r) {
  const SaturateOptions& o = s.options;
  fmt::print(
      "saturate: {} listings, seed {}, {} client thread{}, open loop, steps of {} s from {} "
      "ops/s x{}, SLO p99 <= {} ms\n",
      s.spec.listings, s.spec.seed, o.threads, o.threads == 1 ? "" : "s", o.step_seconds,
      o.start_rate, o.factor, o.slo_p99_ms);
  for (const SaturateEngineResult& er : r.engines) {
    fmt::print("\n{:<8} {:>4} {:>10} {:>10} {:>8} {:>8} {:>8} {:>9} {:>7} {:>6}\n",
               EngineName(er.engine), "step", "offered/s", "achieved/s", "p50 ms", "p95 ms",
               "p99 ms", "max ms", "errors", "lock%");
    for (size_t i = 0; i < er.steps.size(); ++i) {
      const SaturateStep& st = er.steps[i];
      fmt::print(
          "{:<8} {:>4} {:>10.0f} {:>10.0f} {:>8.2f} {:>8.2f} {:>8.2f} {:>9.2f} {:>7} "
          "{:>6.1f}{}\n",
          "", i + 1, st.offered, st.achieved, st.p50_ms, st.p95_ms, st.p99_ms, st.max_ms, st.errors,
          100 * st.lock_wait_share, er.knee == i ? "  <- knee" : "");
    }
    fmt::print("  stopped: {}\n  {}\n  {}\n", SaturateStopName(er.stop), KneeLine(er),
               SloLine(er, o.slo_p99_ms));
  }
}

}  // namespace listbench
