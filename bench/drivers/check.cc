#include "bench/drivers/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "bench/harness/mann_whitney.h"
#include "bench/harness/spread.h"

namespace listbench {
namespace {

using nlohmann::json;

// A field a summary must have and lacks; becomes InvalidArgument naming it.
struct MissingField {
  std::string path;
};

// j[key], where `where` names j ("baseline engines.sqlite.ops.search").
const json& Field(const json& j, const char* key, const std::string& where) {
  const auto it = j.is_object() ? j.find(key) : j.end();
  if (it == j.end()) throw MissingField{where + "." + key};
  return *it;
}

double Num(const json& j, const char* key, const std::string& where) {
  const json& v = Field(j, key, where);
  if (!v.is_number()) throw MissingField{where + "." + key + " (not a number)"};
  return v.get<double>();
}

// The workload's client threads; a summary from before client threads ran
// one.
int64_t Threads(const json& w, const std::string& where) {
  const auto it = w.find("threads");
  if (it == w.end()) return 1;
  if (!it->is_number_integer()) throw MissingField{where + ".threads (not an integer)"};
  return it->get<int64_t>();
}

// The summary's store configuration; an empty object when it has none.
const json& Config(const json& j, const std::string& where) {
  static const json kNone = json::object();
  const auto it = j.find("config");
  if (it == j.end()) return kNone;
  if (!it->is_object()) throw MissingField{where + ".config (not an object)"};
  return *it;
}

// The configuration's SQLite index profile; "legacy" when it has none.
std::string Schema(const json& config, const std::string& where) {
  const auto it = config.find("sqlite_schema");
  if (it == config.end()) return "legacy";
  if (!it->is_string()) throw MissingField{where + ".config.sqlite_schema (not a string)"};
  return it->get<std::string>();
}

Status Comparable(const json& b, const json& c) {
  if (!b.contains("engines") || !c.contains("engines")) {
    return Status::InvalidArgument("not a listbench summary (no \"engines\")");
  }
  for (const char* key : {"seed", "listings"}) {
    const json& x = Field(b, key, "baseline");
    const json& y = Field(c, key, "current");
    if (x != y) {
      return Status::InvalidArgument(
          fmt::format("not comparable: {} differs ({} vs {})", key, x.dump(), y.dump()));
    }
  }
  const json& bw = Field(b, "workload", "baseline");
  const json& cw = Field(c, "workload", "current");
  for (const char* key : {"name", "mix", "keys", "operations", "warmup", "target_rate"}) {
    if (Field(bw, key, "baseline workload") != Field(cw, key, "current workload")) {
      return Status::InvalidArgument(fmt::format("not comparable: workload {} differs", key));
    }
  }
  // Client threads change every latency, and lost races change counted
  // work; a summary without them ran one client. Durability and the WAL
  // change every write's timing. (A different cache is compared, not
  // refused: that is how a starved cache shows up, in the seam reads.)
  const int64_t bt = Threads(bw, "baseline workload"), ct = Threads(cw, "current workload");
  if (bt != ct) {
    return Status::InvalidArgument(
        fmt::format("not comparable: workload threads differs ({} vs {})", bt, ct));
  }
  const json& bc = Config(b, "baseline");
  const json& cc = Config(c, "current");
  for (const char* key : {"durable", "rocksdb_wal"}) {
    const json x = bc.contains(key) ? bc.at(key) : json(),
               y = cc.contains(key) ? cc.at(key) : json();
    if (x != y) {
      return Status::InvalidArgument(
          fmt::format("not comparable: config {} differs ({} vs {})", key, x.dump(), y.dump()));
    }
  }
  // The normalized design's indexes change its counted work by design; a
  // summary from before the profiles existed ran the legacy indexes.
  const std::string bs = Schema(bc, "baseline"), cs = Schema(cc, "current");
  if (bs != cs) {
    return Status::InvalidArgument(
        fmt::format("not comparable: config sqlite_schema differs ({} vs {})", bs, cs));
  }
  return Status::OK();
}

// The findings of one op of one engine, appended to `out`.
Status CheckOp(const std::string& engine, const std::string& op, const json& b, const json& c,
               const CheckTolerances& tol, TimingMethod timing, std::vector<CheckFinding>* out) {
  const std::string bwhere = "baseline engines." + engine + ".ops." + op;
  const std::string cwhere = "current engines." + engine + ".ops." + op;
  if (Num(b, "count", bwhere) != Num(c, "count", cwhere)) {
    return Status::InvalidArgument(fmt::format("not comparable: {} {} count {} vs {}", engine, op,
                                               Num(b, "count", bwhere), Num(c, "count", cwhere)));
  }
  const json& bw = Field(b, "work", bwhere);
  const json& cw = Field(c, "work", cwhere);
  for (const char* m : {"queries", "rows_read", "rows_written", "read_units", "write_units"}) {
    const double x = Num(bw, m, bwhere + ".work"), y = Num(cw, m, cwhere + ".work");
    const double limit = x * (1 + tol.work) + 1e-9;
    if (y > limit || y < x * (1 - tol.work) - 1e-9) {
      out->push_back({engine, op, m, x, y, limit, y > limit, {}});
    }
  }
  for (const char* m : {"io_reads", "io_read_bytes"}) {
    const double x = Num(bw, m, bwhere + ".work"), y = Num(cw, m, cwhere + ".work");
    const double slack = std::string(m) == "io_reads" ? tol.io_slack : tol.io_slack * 4096;
    const double limit = x * (1 + tol.io) + slack;
    if (y > limit) out->push_back({engine, op, m, x, y, limit, true, {}});
  }
  if (timing != TimingMethod::kTolerance) return Status::OK();
  // Medians, not means: at CI scale an op has ~100 samples, and one
  // background flush or compaction stall of a few ms moves its mean 4x.
  const double x = Num(b, "p50_us", bwhere), y = Num(c, "p50_us", cwhere);
  const double limit = x * (1 + tol.time);
  if (y > limit) out->push_back({engine, op, "p50_us", x, y, limit, true, {}});
  return Status::OK();
}

// The SQLite/RocksDB ratio of median latency of `op` within one run's
// engines, or 0 when either engine lacks the op.
double P50Ratio(const json& engines, const std::string& op, const std::string& where) {
  const json& so = Field(Field(engines, "sqlite", where), "ops", where + ".sqlite");
  const json& ro = Field(Field(engines, "rocksdb", where), "ops", where + ".rocksdb");
  if (!so.contains(op) || !ro.contains(op)) return 0.0;
  const double s = Num(so[op], "p50_us", where + ".sqlite.ops." + op);
  const double r = Num(ro[op], "p50_us", where + ".rocksdb.ops." + op);
  return r > 0 ? s / r : 0.0;
}

bool BothEngines(const json& engines) {
  return engines.contains("sqlite") && engines.contains("rocksdb");
}

// The tolerance rule of the SQLite/RocksDB ratio of median latency, per op,
// within each run.
void CheckRatioByTolerance(const json& be, const json& ce, const CheckTolerances& tol,
                           std::vector<CheckFinding>* out) {
  for (const auto& [op, unused] : Field(be["sqlite"], "ops", "baseline engines.sqlite").items()) {
    (void)unused;
    const double x = P50Ratio(be, op, "baseline engines");
    const double y = P50Ratio(ce, op, "current engines");
    if (x <= 0 || y <= 0) continue;
    if (std::abs(std::log(y / x)) > std::log(1 + tol.ratio)) {
      out->push_back({"sqlite/rocksdb", op, "p50_ratio", x, y, x * (1 + tol.ratio), true, {}});
    }
  }
}

// The summary's repetitions: "repeat", 1 when it has none.
int RepeatCount(const json& j, const std::string& where) {
  const auto it = j.find("repeat");
  if (it == j.end()) return 1;
  if (!it->is_number_integer() || it->get<int64_t>() < 1) {
    throw MissingField{where + ".repeat (not a positive integer)"};
  }
  return static_cast<int>(it->get<int64_t>());
}

// The p50 of pattern `op` in each of the engine block's `n` repetitions
// (`where` names the block).
std::vector<double> RepeatP50s(const json& engine, const std::string& op, int n,
                               const std::string& where) {
  const json& reps = Field(engine, "repeats", where);
  if (!reps.is_array() || reps.size() != static_cast<size_t>(n)) {
    throw MissingField{fmt::format("{}.repeats ({} entries where \"repeat\" says {})", where,
                                   reps.is_array() ? reps.size() : 0, n)};
  }
  std::vector<double> v;
  for (size_t i = 0; i < reps.size(); ++i) {
    const std::string at = fmt::format("{}.repeats[{}]", where, i);
    v.push_back(Num(Field(Field(reps[i], "ops", at), op.c_str(), at + ".ops"), "p50_us",
                    at + ".ops." + op));
  }
  return v;
}

// How one U test judges: the least move that fails, a factor the
// baseline's figures are scaled by first (the machine's drift), and whether
// a move down fails too.
struct UTestRule {
  double min_change = 0;
  double scale = 1;
  bool either_way = false;
};

// The U test between two sets of repetitions of one figure: a finding when
// p < alpha and the median moved by more than the rule's least move from
// the scaled baseline (up, or with `either_way` down too, is a
// regression). The finding shows the baseline's median unscaled and the
// limit scaled.
void UTestFinding(const std::string& engine, const std::string& op, const char* metric,
                  std::vector<double> b, const std::vector<double>& c, const UTestRule& rule,
                  double alpha, std::vector<CheckFinding>* out) {
  const double raw = SpreadOf(b).median;
  for (double& v : b) v *= rule.scale;
  const double x = raw * rule.scale, y = SpreadOf(c).median;
  if (!(x > 0) || !(y > 0)) return;
  const UTestResult u = MannWhitneyU(b, c);
  if (!(u.p < alpha)) return;
  const bool slower = y > x * (1 + rule.min_change);
  const bool faster = y * (1 + rule.min_change) < x;
  if (!slower && !faster) return;
  const double limit = slower ? x * (1 + rule.min_change) : x / (1 + rule.min_change);
  out->push_back({engine, op, metric, raw, y, limit, slower || rule.either_way, u.p});
}

// One engine's pattern: the p50 of each of its repetitions in the baseline
// and in the current summary.
struct PatternP50s {
  std::string engine, op;
  std::vector<double> baseline, current;
};

// Every engine's patterns of the baseline, with their repetitions' p50s.
std::vector<PatternP50s> AllPatternP50s(const json& be, const json& ce, const CheckResult& r) {
  std::vector<PatternP50s> out;
  for (const auto& [engine, bj] : be.items()) {
    for (const auto& [op, unused] : bj["ops"].items()) {
      (void)unused;
      out.push_back({engine, op,
                     RepeatP50s(bj, op, r.baseline_repeats, "baseline engines." + engine),
                     RepeatP50s(ce[engine], op, r.current_repeats, "current engines." + engine)});
    }
  }
  return out;
}

// Across machines: the median, over every pattern, of the current median
// p50 over the baseline's.
double MachineDrift(const std::vector<PatternP50s>& patterns) {
  std::vector<double> moves;
  for (const PatternP50s& p : patterns) {
    const double x = SpreadOf(p.baseline).median, y = SpreadOf(p.current).median;
    if (x > 0 && y > 0) moves.push_back(y / x);
  }
  return moves.empty() ? 1.0 : SpreadOf(moves).median;
}

// The drift as a finding when it is past max_drift either way (a faster
// machine is reported, not failed).
void DriftFinding(double drift, const CheckTolerances& tol, std::vector<CheckFinding>* out) {
  const double limit = 1 + tol.max_drift;
  if (drift > limit) out->push_back({"all", "all", "drift", 1.0, drift, limit, true, {}});
  if (drift * limit < 1) out->push_back({"all", "all", "drift", 1.0, drift, 1 / limit, false, {}});
}

// Timing by the U test: every engine's ops (across machines, against the
// baseline times the machine's drift), then the SQLite/RocksDB ratio of
// each repetition's p50s.
void CheckTimingByUTest(const json& be, const json& ce, const CheckTolerances& tol,
                        CheckResult* r) {
  std::vector<CheckFinding>* out = &r->findings;
  const std::vector<PatternP50s> patterns = AllPatternP50s(be, ce, *r);
  UTestRule op_rule{tol.min_change, 1.0, /*either_way=*/false};
  if (tol.across_machines) {
    r->drift = MachineDrift(patterns);
    op_rule.scale = *r->drift;
    DriftFinding(*r->drift, tol, out);
  }
  for (const PatternP50s& p : patterns) {
    UTestFinding(p.engine, p.op, "p50_us", p.baseline, p.current, op_rule, tol.alpha, out);
  }
  if (!BothEngines(be) || !BothEngines(ce)) return;
  const UTestRule ratio_rule{tol.across_machines ? tol.ratio : tol.min_change, 1.0,
                             /*either_way=*/true};
  // Per repetition, SQLite's p50 over RocksDB's, for the ops both served.
  const auto ratios = [](const json& engines, const std::string& op, int n, const char* side) {
    const std::string where = std::string(side) + " engines.";
    const std::vector<double> s = RepeatP50s(engines["sqlite"], op, n, where + "sqlite");
    const std::vector<double> k = RepeatP50s(engines["rocksdb"], op, n, where + "rocksdb");
    std::vector<double> v;
    for (size_t i = 0; i < s.size(); ++i) v.push_back(k[i] > 0 ? s[i] / k[i] : 0.0);
    return v;
  };
  for (const auto& [op, unused] : be["sqlite"]["ops"].items()) {
    (void)unused;
    if (!be["rocksdb"]["ops"].contains(op)) continue;
    UTestFinding("sqlite/rocksdb", op, "p50_ratio", ratios(be, op, r->baseline_repeats, "baseline"),
                 ratios(ce, op, r->current_repeats, "current"), ratio_rule, tol.alpha, out);
  }
}

// Per engine of the current summary with storage errors, a line naming the
// engine, their count and the first.
std::vector<std::string> StorageErrors(const json& current) {
  std::vector<std::string> out;
  for (const auto& [engine, e] : Field(current, "engines", "current").items()) {
    const std::string where = "current engines." + engine;
    const double n = Num(e, "storage_errors", where);
    if (n <= 0) continue;
    const json& first = Field(e, "storage_error", where);
    out.push_back(fmt::format("{}: {} storage error{} (IOError or Corruption), the first: {}",
                              engine, n, n == 1 ? "" : "s",
                              first.is_string() ? first.get<std::string>() : "-"));
  }
  return out;
}

StatusOr<CheckResult> Check(const json& baseline, const json& current, const CheckTolerances& tol) {
  CheckResult result;
  result.storage_errors = StorageErrors(current);
  if (!result.storage_errors.empty()) return result;
  LB_RETURN_IF_ERROR(Comparable(baseline, current));
  result.baseline_repeats = RepeatCount(baseline, "baseline");
  result.current_repeats = RepeatCount(current, "current");
  if (result.baseline_repeats >= kMinUTestRepeats && result.current_repeats >= kMinUTestRepeats) {
    result.timing = TimingMethod::kUTest;
  }
  std::vector<CheckFinding>& out = result.findings;
  const json& be = baseline["engines"];
  const json& ce = current["engines"];
  for (const auto& [engine, bj] : be.items()) {
    if (!ce.contains(engine)) {
      return Status::InvalidArgument(
          fmt::format("not comparable: no {} in the current run", engine));
    }
    const json& bops = Field(bj, "ops", "baseline engines." + engine);
    const json& cops = Field(ce[engine], "ops", "current engines." + engine);
    for (const auto& [op, b] : bops.items()) {
      if (!cops.contains(op)) {
        return Status::InvalidArgument(fmt::format("not comparable: {} has no {} ops", engine, op));
      }
      LB_RETURN_IF_ERROR(CheckOp(engine, op, b, cops[op], tol, result.timing, &out));
    }
  }
  if (result.timing == TimingMethod::kUTest) {
    CheckTimingByUTest(be, ce, tol, &result);
  } else if (BothEngines(be) && BothEngines(ce)) {
    CheckRatioByTolerance(be, ce, tol, &out);
  }
  return result;
}

}  // namespace

StatusOr<nlohmann::json> ParseSummaryText(const std::string& text, const std::string& name) {
  // Comparing and printing a value recurse into it: refuse deep nesting.
  int deepest = 0;
  const json::parser_callback_t depth = [&deepest](int d, json::parse_event_t, json&) {
    deepest = std::max(deepest, d);
    return true;
  };
  json j = json::parse(text, depth, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument(name + ": not valid JSON");
  if (deepest > kMaxSummaryDepth) {
    return Status::InvalidArgument(
        fmt::format("{}: nested deeper than {} levels", name, kMaxSummaryDepth));
  }
  return j;
}

StatusOr<CheckResult> CheckSummaries(const json& baseline, const json& current,
                                     const CheckTolerances& tol) {
  try {
    return Check(baseline, current, tol);
  } catch (const MissingField& m) {
    return Status::InvalidArgument("not a listbench summary: no " + m.path);
  }
}

}  // namespace listbench
