#include "bench/drivers/check.h"

#include <fmt/format.h>

#include <cmath>

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
  const std::string bs = bc.value("sqlite_schema", "legacy"),
                    cs = cc.value("sqlite_schema", "legacy");
  if (bs != cs) {
    return Status::InvalidArgument(
        fmt::format("not comparable: config sqlite_schema differs ({} vs {})", bs, cs));
  }
  return Status::OK();
}

// The findings of one op of one engine, appended to `out`.
Status CheckOp(const std::string& engine, const std::string& op, const json& b, const json& c,
               const CheckTolerances& tol, std::vector<CheckFinding>* out) {
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
      out->push_back({engine, op, m, x, y, limit, y > limit});
    }
  }
  for (const char* m : {"io_reads", "io_read_bytes"}) {
    const double x = Num(bw, m, bwhere + ".work"), y = Num(cw, m, cwhere + ".work");
    const double slack = std::string(m) == "io_reads" ? tol.io_slack : tol.io_slack * 4096;
    const double limit = x * (1 + tol.io) + slack;
    if (y > limit) out->push_back({engine, op, m, x, y, limit, true});
  }
  // Medians, not means: at CI scale an op has ~100 samples, and one
  // background flush or compaction stall of a few ms moves its mean 4x.
  const double x = Num(b, "p50_us", bwhere), y = Num(c, "p50_us", cwhere);
  const double limit = x * (1 + tol.time);
  if (y > limit) out->push_back({engine, op, "p50_us", x, y, limit, true});
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

StatusOr<std::vector<CheckFinding>> Check(const json& baseline, const json& current,
                                          const CheckTolerances& tol) {
  LB_RETURN_IF_ERROR(Comparable(baseline, current));
  std::vector<CheckFinding> out;
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
      LB_RETURN_IF_ERROR(CheckOp(engine, op, b, cops[op], tol, &out));
    }
  }
  // The SQLite/RocksDB ratio of median latency, per op, within each run.
  if (be.contains("sqlite") && be.contains("rocksdb") && ce.contains("sqlite") &&
      ce.contains("rocksdb")) {
    for (const auto& [op, unused] : Field(be["sqlite"], "ops", "baseline engines.sqlite").items()) {
      (void)unused;
      const double x = P50Ratio(be, op, "baseline engines");
      const double y = P50Ratio(ce, op, "current engines");
      if (x <= 0 || y <= 0) continue;
      if (std::abs(std::log(y / x)) > std::log(1 + tol.ratio)) {
        out.push_back({"sqlite/rocksdb", op, "p50_ratio", x, y, x * (1 + tol.ratio), true});
      }
    }
  }
  return out;
}

}  // namespace

StatusOr<std::vector<CheckFinding>> CheckSummaries(const json& baseline, const json& current,
                                                   const CheckTolerances& tol) {
  try {
    return Check(baseline, current, tol);
  } catch (const MissingField& m) {
    return Status::InvalidArgument("not a listbench summary: no " + m.path);
  }
}

}  // namespace listbench
