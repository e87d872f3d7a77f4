// listbench check: compares a run's summary.json with a committed baseline
// (bench/drivers/check.h says what is compared how). Exit 1 with a table of what
// regressed, or with a line per engine when the current run recorded storage
// errors; 0 otherwise; 2 when the files are not comparable summaries.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/cli/cli_util.h"
#include "bench/cli/commands.h"
#include "bench/drivers/check.h"

namespace listbench {
namespace {

StatusOr<nlohmann::json> ReadSummary(const std::string& flag, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument(fmt::format("{} {}: no such file", flag, path));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad())
    return Status::InvalidArgument(fmt::format("{} {}: cannot read", flag, path));
  return ParseSummaryText(text.str(), flag + " " + path);
}

// Which rule decided the timing, and with what limits.
std::string TimingLine(const CheckResult& c, const CheckTolerances& tol) {
  if (c.timing == TimingMethod::kUTest) {
    const std::string test = fmt::format(
        "check: timing decided by the Mann-Whitney U test over each repetition's p50 ({} "
        "baseline, {} current repetitions)",
        c.baseline_repeats, c.current_repeats);
    if (!c.drift) {
      return fmt::format("{}: a regression when p < {} and the median moved more than {:.0f}%",
                         test, tol.alpha, 100 * tol.min_change);
    }
    return fmt::format(
        "{}, across machines: every pattern's median p50 moved by a median {:.2f}x (this "
        "machine's drift, which may be {:.2f}x-{:.2f}x); a regression when p < {} and a "
        "pattern's median is over {:.2f}x the baseline's times that drift, or the "
        "sqlite/rocksdb ratio moved over {:.2f}x either way",
        test, *c.drift, 1 / (1 + tol.max_drift), 1 + tol.max_drift, tol.alpha, 1 + tol.min_change,
        1 + tol.ratio);
  }
  return fmt::format(
      "check: timing decided by the tolerances ({} baseline, {} current repetition(s); the U "
      "test needs at least {} on each side): each engine's median run's p50 may grow {:.0f}%, "
      "the sqlite/rocksdb p50 ratio move {:.0f}%",
      c.baseline_repeats, c.current_repeats, kMinUTestRepeats, 100 * tol.time, 100 * tol.ratio);
}

// The table of findings and the closing lines; the exit status.
int PrintCheck(const CheckResult& c, const CheckTolerances& tol, const std::string& baseline,
               const std::string& current) {
  if (!c.storage_errors.empty()) {
    for (const std::string& line : c.storage_errors) fmt::print("check: {}\n", line);
    fmt::print("check: FAILED: {} recorded storage errors; its figures were not compared\n",
               current);
    return kExitCheckFailed;
  }
  int regressions = 0;
  if (!c.findings.empty()) {
    fmt::print("{:<15} {:<22} {:<14} {:>12} {:>12} {:>12} {:>8}  verdict\n", "engine", "op",
               "metric", "baseline", "current", "limit", "p");
  }
  for (const CheckFinding& f : c.findings) {
    regressions += f.regression;
    fmt::print("{:<15} {:<22} {:<14} {:>12.3f} {:>12.3f} {:>12.3f} {:>8}  {}\n", f.engine, f.op,
               f.metric, f.baseline, f.current, f.limit,
               f.p_value ? fmt::format("{:.4f}", *f.p_value) : "-",
               f.regression ? "REGRESSED" : "changed (better)");
  }
  fmt::print("{}\n", TimingLine(c, tol));
  fmt::print("check: {} regression(s) against {}\n", regressions, baseline);
  return regressions > 0 ? kExitCheckFailed : kExitOk;
}

}  // namespace

int CheckCommand(int argc, char** argv) {
  cxxopts::Options options("listbench check",
                           "Compare a summary.json with a baseline; exit 1 on a regression.");
  CheckTolerances d;
  options.add_options()("baseline", "baseline summary.json", cxxopts::value<std::string>())(
      "current", "current summary.json", cxxopts::value<std::string>())(
      "work-tolerance", "allowed growth of counted work per request",
      cxxopts::value<double>()->default_value(fmt::format("{}", d.work)))(
      "io-tolerance", "allowed growth of seam reads per request",
      cxxopts::value<double>()->default_value(fmt::format("{}", d.io)))(
      "ratio-tolerance", "allowed move of the sqlite/rocksdb latency ratio",
      cxxopts::value<double>()->default_value(fmt::format("{}", d.ratio)))(
      "time-tolerance", "allowed growth of absolute median (p50) latency",
      cxxopts::value<double>()->default_value(fmt::format("{}", d.time)))(
      "alpha",
      fmt::format("with at least {} repetitions in both summaries: the U test's significance "
                  "level, in (0, 1)",
                  kMinUTestRepeats),
      cxxopts::value<double>()->default_value(fmt::format("{}", d.alpha)))(
      "min-change",
      "with the U test: the least move of the median p50 (or of the sqlite/rocksdb ratio) "
      "that fails",
      cxxopts::value<double>()->default_value(fmt::format("{}", d.min_change)))(
      "across-machines",
      "the baseline was measured on another machine: with the U test, each pattern is judged "
      "against the baseline times this machine's drift (the median move of every pattern), "
      "and the sqlite/rocksdb ratio by --ratio-tolerance")(
      "max-drift", "with --across-machines: the machine's drift may be up to 1 + this, either way",
      cxxopts::value<double>()->default_value(fmt::format("{}", d.max_drift)));
  bool help = false;
  StatusOr<cxxopts::ParseResult> flags = ParseFlags(options, argc, argv, &help);
  if (!flags.ok()) return ReportError("check", flags.status());
  if (help) return kExitOk;
  const cxxopts::ParseResult& r = *flags;
  for (const char* f : {"baseline", "current"}) {
    if (!r.count(f)) {
      return ReportError("check", Status::InvalidArgument(fmt::format("--{} FILE is required", f)));
    }
  }
  CheckTolerances tol;
  tol.work = r["work-tolerance"].as<double>();
  tol.io = r["io-tolerance"].as<double>();
  tol.ratio = r["ratio-tolerance"].as<double>();
  tol.time = r["time-tolerance"].as<double>();
  tol.alpha = r["alpha"].as<double>();
  tol.min_change = r["min-change"].as<double>();
  tol.across_machines = r.count("across-machines") > 0;
  tol.max_drift = r["max-drift"].as<double>();
  for (double t : {tol.work, tol.io, tol.ratio, tol.time, tol.min_change, tol.max_drift}) {
    if (!(t >= 0)) return ReportError("check", Status::InvalidArgument("tolerances must be >= 0"));
  }
  if (!(tol.alpha > 0 && tol.alpha < 1)) {
    return ReportError(
        "check", Status::InvalidArgument(fmt::format("--alpha {}: must be in (0, 1)", tol.alpha)));
  }
  StatusOr<nlohmann::json> base = ReadSummary("--baseline", r["baseline"].as<std::string>());
  if (!base.ok()) return ReportError("check", base.status());
  StatusOr<nlohmann::json> cur = ReadSummary("--current", r["current"].as<std::string>());
  if (!cur.ok()) return ReportError("check", cur.status());
  StatusOr<CheckResult> result = CheckSummaries(*base, *cur, tol);
  if (!result.ok()) return ReportError("check", result.status());
  return PrintCheck(*result, tol, r["baseline"].as<std::string>(), r["current"].as<std::string>());
}

}  // namespace listbench
