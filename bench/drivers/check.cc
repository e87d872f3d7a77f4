#include "bench/drivers/check.h"

#include <fmt/format.h>

#include <cmath>

namespace listbench {
namespace {

using nlohmann::json;

double Num(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

Status Comparable(const json& b, const json& c) {
  if (!b.contains("engines") || !c.contains("engines")) {
    return Status::InvalidArgument("not a listbench summary (no \"engines\")");
  }
  for (const char* key : {"seed", "listings"}) {
    if (b.value(key, json()) != c.value(key, json())) {
      return Status::InvalidArgument(fmt::format("not comparable: {} differs ({} vs {})", key,
                                                 b.value(key, json()).dump(),
                                                 c.value(key, json()).dump()));
    }
  }
  const json bw = b.value("workload", json::object()), cw = c.value("workload", json::object());
  for (const char* key : {"name", "mix", "keys", "operations", "warmup", "target_rate"}) {
    if (bw.value(key, json()) != cw.value(key, json())) {
      return Status::InvalidArgument(fmt::format("not comparable: workload {} differs", key));
    }
  }
  return Status::OK();
}

}  // namespace

StatusOr<std::vector<CheckFinding>> CheckSummaries(const json& baseline, const json& current,
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
    const json bops = bj.value("ops", json::object());
    const json cops = ce[engine].value("ops", json::object());
    for (const auto& [op, b] : bops.items()) {
      if (!cops.contains(op)) {
        return Status::InvalidArgument(fmt::format("not comparable: {} has no {} ops", engine, op));
      }
      const json& c = cops[op];
      if (Num(b, "count") != Num(c, "count")) {
        return Status::InvalidArgument(fmt::format("not comparable: {} {} count {} vs {}", engine,
                                                   op, Num(b, "count"), Num(c, "count")));
      }
      const json bw = b.value("work", json::object()), cw = c.value("work", json::object());
      for (const char* m : {"queries", "rows_read", "rows_written", "read_units", "write_units"}) {
        const double x = Num(bw, m), y = Num(cw, m);
        const double limit = x * (1 + tol.work) + 1e-9;
        if (y > limit || y < x * (1 - tol.work) - 1e-9) {
          out.push_back({engine, op, m, x, y, limit, y > limit});
        }
      }
      for (const char* m : {"io_reads", "io_read_bytes"}) {
        const double x = Num(bw, m), y = Num(cw, m);
        const double slack = std::string(m) == "io_reads" ? tol.io_slack : tol.io_slack * 4096;
        const double limit = x * (1 + tol.io) + slack;
        if (y > limit) out.push_back({engine, op, m, x, y, limit, true});
      }
      // Medians, not means: at CI scale an op has ~100 samples, and one
      // background flush or compaction stall of a few ms moves its mean 4x.
      const double x = Num(b, "p50_us"), y = Num(c, "p50_us");
      const double limit = x * (1 + tol.time);
      if (y > limit) out.push_back({engine, op, "p50_us", x, y, limit, true});
    }
  }
  // The SQLite/RocksDB ratio of median latency, per op, within each run.
  if (be.contains("sqlite") && be.contains("rocksdb") && ce.contains("sqlite") &&
      ce.contains("rocksdb")) {
    const json sqlite_ops = be["sqlite"].value("ops", json::object());
    for (const auto& [op, unused] : sqlite_ops.items()) {
      (void)unused;
      auto ratio = [&](const json& e) {
        const json& so = e["sqlite"].value("ops", json::object());
        const json& ro = e["rocksdb"].value("ops", json::object());
        if (!so.contains(op) || !ro.contains(op)) return 0.0;
        const double s = Num(so[op], "p50_us");
        const double r = Num(ro[op], "p50_us");
        return r > 0 ? s / r : 0.0;
      };
      const double x = ratio(be), y = ratio(ce);
      if (x <= 0 || y <= 0) continue;
      if (std::abs(std::log(y / x)) > std::log(1 + tol.ratio)) {
        out.push_back({"sqlite/rocksdb", op, "p50_ratio", x, y, x * (1 + tol.ratio), true});
      }
    }
  }
  return out;
}

}  // namespace listbench
