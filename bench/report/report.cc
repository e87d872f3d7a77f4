#include "bench/report/report.h"

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "bench/model/cost_model.h"
#include "bench/model/failover_model.h"
#include "bench/model/storage_profile.h"
#include "bench/report/experiments_report.h"
#include "bench/report/plot.h"
#include "bench/report/summary.h"
#include "engine/rocks/memory_budget.h"
#include "engine/sqlite/sqlite_store.h"

namespace listbench {
namespace {

// The article's figures (../shared/seed/): what each row is compared with.
constexpr double kArticleLegacyMs = 340;
constexpr double kArticleSingleTableMs = 89;
constexpr int kArticleRecords = 400000;
constexpr double kArticleSqlUsdPer1000 = 0.12;  // provisioned RDS, per 1,000 API calls

constexpr std::array<double, 17> kCdfQuantiles = {
    0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.0};

double Us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

// How each engine spent its cache, and how SQLite checkpoints (the rows of
// summary.json's config.rocksdb and config.sqlite).
std::string EngineConfigRows(const CompareResult& result) {
  std::string md;
  const auto mib = [](size_t bytes) { return static_cast<double>(bytes) / (1 << 20); };
  if (const auto it = result.engines.find("rocksdb"); it != result.engines.end()) {
    const RocksMemoryBudget b = RocksMemoryBudgetFor(it->second.cache_bytes);
    md += fmt::format(
        "| RocksDB memory | one budget: a {:.1f} MiB block cache ({} shards) holding data "
        "blocks, index and "
        "filter blocks (cached with high priority, a {:.0f}% high-priority pool; those of L0 "
        "files pinned; full filters, not partitioned) and the memtables, charged to it by a "
        "write buffer manager of {:.1f} MiB ({} write buffers of {:.1f} MiB) |\n",
        mib(b.cache_bytes), 1 << b.cache_shard_bits, 100 * b.high_pri_pool_ratio,
        mib(b.memtable_bytes), b.max_write_buffers, mib(b.write_buffer_bytes));
  }
  if (const auto it = result.engines.find("postgres"); it != result.engines.end()) {
    md += fmt::format(
        "| PostgreSQL memory | `shared_buffers` of {:.1f} MiB, on a server of the store's own "
        "cluster (`engine/postgres/pg_store.h`) |\n",
        mib(it->second.cache_bytes));
  }
  if (const auto it = result.engines.find("sqlite"); it != result.engines.end()) {
    const SqliteWalSettings& w = kSqliteWalSettings;
    md += fmt::format(
        "| SQLite memory and WAL | a {:.1f} MiB page cache shared by the connections; "
        "`wal_autocheckpoint={}` on request connections, PASSIVE checkpoints on the store's "
        "own thread once a commit leaves {} more frames in the WAL (and a RESTART checkpoint, "
        "which waits up to {} ms for readers and writers, from {} frames); `mmap_size={}`: "
        "memory-mapped pages would bypass the VFS that counts and faults reads, and the page "
        "cache that is the budget (`engine/sqlite/README.md`) |\n",
        mib(it->second.cache_bytes), w.wal_autocheckpoint, w.checkpoint_frames, w.restart_wait_ms,
        w.restart_frames, w.mmap_size);
  }
  return md;
}

std::string EnvironmentSection(const CompareSetup& s, const CompareResult& result) {
  const BuildInfo& b = result.build;
  std::string md = "## Environment\n\n| | |\n|---|---|\n" + BuildEnvironmentRows(b);
  auto row = [&](const char* k, const std::string& v) { md += fmt::format("| {} | {} |\n", k, v); };
  const WorkloadSpec& w = s.workload;
  row("workload", fmt::format("{} (`{}`), keys {}, {} ops after {} warm-up", w.name, w.file,
                              KeyDistributionName(w.keys.distribution), w.operations, w.warmup));
  row("dataset", fmt::format("{} listings, seed {}", s.spec.listings, s.spec.seed));
  row("config",
      fmt::format("cache {}, durable {}, SQLite indexes {}",
                  s.cache_share > 0
                      ? fmt::format("{:.0f}% of each engine's data", 100 * s.cache_share)
                      : fmt::format("{} MiB per engine", s.cache_mb),
                  s.store_options.durable, SqliteSchemaName(s.store_options.sqlite_schema)));
  md += EngineConfigRows(result);
  for (const std::string& warning : b.warnings) {
    md += fmt::format("\n> **warning:** {}\n", warning);
  }
  return md + "\n";
}

std::string ModelledSection(const CompareSetup& s, const RunResult& a, const RunResult& b,
                            const EngineRun* pg) {
  const auto profiles = StorageProfiles();
  std::string md = "## Deployed latency (modelled)\n\n";
  md +=
      "*Modelled, not measured:* each request's measured in-process latency plus, from the "
      "profile, a device latency for every I/O the engine issued at its seam (reads its "
      "cache missed, syncs) and a network round trip for every request the application "
      "sent to the database (every SQL statement it ran for the normalized schema, BEGIN, "
      "COMMIT and ROLLBACK included; point gets, iterator seeks and write batches for the "
      "single table). The I/O and round-trip "
      "counts are the counted work of this run. ";
  if (s.cache_share > 0) {
    md += fmt::format("Cache: {:.0f}% of each engine's data on disk", 100 * s.cache_share);
  } else {
    md += fmt::format("Cache: {} MiB per engine", s.cache_mb);
  }
  md +=
      ".\n\n| profile | read µs | sync µs | write µs | round trip µs | source "
      "|\n|---|---:|---:|---:|---:|---|\n";
  for (const StorageProfile& p : profiles) {
    md += fmt::format("| {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {} |\n", p.name, p.read_us,
                      p.sync_us, p.write_us, p.rtt_us, p.source);
  }
  const std::optional<MeasuredRoundTrips> rt =
      pg != nullptr ? MeasuredRoundTripsOf(*pg) : std::nullopt;
  if (rt) {
    md += fmt::format(
        "| loopback, **measured** (PostgreSQL in this run) | – | – | – | {:.1f} | this machine: "
        "{:.2f} round trips per request over the Unix socket, the server's work included |\n",
        rt->us_each, rt->per_request);
  }
  md +=
      "\n| op | profile | SQLite mean µs | p99 | RocksDB mean µs | p99 | SQLite / RocksDB |\n"
      "|---|---|---:|---:|---:|---:|---:|\n";
  auto row = [&](const std::string& name, const OpStats& x, const OpStats& y) {
    for (size_t i = 0; i < profiles.size() && i < x.modelled_ns.size() && i < y.modelled_ns.size();
         ++i) {
      const Histogram& h = x.modelled_ns[i];
      const Histogram& g = y.modelled_ns[i];
      md += fmt::format("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {} |\n", name,
                        profiles[i].name, h.mean() / 1000, Us(h.Percentile(0.99)), g.mean() / 1000,
                        Us(g.Percentile(0.99)),
                        g.mean() > 0 ? fmt::format("{:.2f}x", h.mean() / g.mean()) : "–");
    }
  };
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (a.ops[k].count() == 0) continue;
    row(std::string(OpKindCode(static_cast<OpKind>(k))), a.ops[k], b.ops[k]);
  }
  row("**workload mean**", a.all, b.all);
  md += fmt::format(
      "\nThe article's ratio is {:.1f}x; whatever ratio the model gives is "
      "reported as it comes out.\n\n",
      kArticleLegacyMs / kArticleSingleTableMs);
  return md;
}

// The single table's mean capacity units per call of run `b`: reads of
// read requests eventually consistent, reads inside writes strongly.
UnitsPerCall UnitsOf(const RunResult& b) {
  UnitsPerCall u;
  const uint64_t n = b.all.count();
  if (n == 0) return u;
  for (int k = 0; k < kNumOpKinds; ++k) {
    const WorkStats& w = b.ops[k].work;
    (IsWrite(static_cast<OpKind>(k)) ? u.strong_read_units : u.eventual_read_units) +=
        static_cast<double>(w.read_units);
    u.write_units += static_cast<double>(w.write_units);
  }
  u.eventual_read_units /= static_cast<double>(n);
  u.strong_read_units /= static_cast<double>(n);
  u.write_units /= static_cast<double>(n);
  return u;
}

// SQLite's highest rate meeting the p99 objective on `workload` with many
// clients, when the report's runs under load measured one.
std::optional<double> SqliteSloRate(const CompareResult& result, const std::string& workload) {
  if (!result.experiments) return std::nullopt;
  for (const auto& [name, r] : result.experiments->under_load.saturate) {
    if (name != workload) continue;
    for (const SaturateEngineResult& e : r.engines) {
      if (e.engine == Engine::kSqlite && e.slo_step) return e.steps[*e.slo_step].achieved;
    }
  }
  return std::nullopt;
}

// Whether the measured outcome agrees with the article's, in words.
std::string CostVerdict(const CostInputs& in, double sql_full, double single) {
  if (sql_full <= 0 || single <= 0) return "";
  // The calls per second at which the instance costs the article's figure.
  const double article_rate =
      in.sql_instance_usd_per_hour / 3600.0 / (kArticleSqlUsdPer1000 / 1000);
  const double break_even = sql_full / single;  // utilization at which both cost the same
  if (break_even >= 1) {
    return fmt::format(
        "**This agrees with the article's direction:** request pricing costs less per call "
        "than the instance even at 100% utilization ({:.2f}x cheaper), so the single table "
        "is cheaper at any load this machine can serve.",
        break_even);
  }
  return fmt::format(
      "**This reverses the article's $0.12 → $0.04 at steady load:** the instance, serving "
      "what this machine measured, is cheaper per call than request pricing whenever it is "
      "busy more than {:.1f}% of the time; below that, as for a service idle most of the "
      "day, request pricing is cheaper. The article (provisioned RDS against on-demand "
      "DynamoDB) states no utilization; its $0.12 per 1,000 calls is this instance serving "
      "{:.2f} calls/s. Request units do not depend on utilization; an instance is paid for "
      "by the hour, busy or not.",
      100 * break_even, article_rate);
}

std::string CostSection(const CompareSetup& s, const CompareResult& result, const RunResult& a,
                        const RunResult& b) {
  const CostInputs in;
  std::string md = "## Cost per 1,000 API calls (modelled)\n\n";
  md += "| design | priced as | per call (this run) | $ per 1,000 calls |\n|---|---|---|---:|\n";
  for (double u : {1.0, 0.5, 0.1}) {
    md += fmt::format(
        "| normalized SQL | provisioned instance at ${:.3f}/hour, busy {:.0f}% of the time at "
        "the {:.0f} calls/s measured here (one client) | 1 / {:.0f} s of instance time | "
        "{:.6f} |\n",
        in.sql_instance_usd_per_hour, 100 * u, a.throughput, a.throughput * u,
        InstanceUsdPer1000Calls(in, a.throughput, u));
  }
  if (const std::optional<double> slo = SqliteSloRate(result, s.workload.name)) {
    md += fmt::format(
        "| normalized SQL | the same instance busy 100% of the time at {:.0f} calls/s, the "
        "highest rate meeting p99 ≤ {} ms with many clients (section \"Under load\") | 1 / "
        "{:.0f} s of instance time | {:.6f} |\n",
        *slo, s.slo_p99_ms, *slo, InstanceUsdPer1000Calls(in, *slo, 1.0));
  }
  const UnitsPerCall units = UnitsOf(b);
  const double single = DynamoUsdPer1000Calls(in, units);
  if (single > 0) {
    md += fmt::format(
        "| single-table | on-demand request units: {:.3f} eventually consistent read units "
        "(reads) x {} + {:.3f} strongly consistent read units (checks inside writes) x {} + "
        "{:.3f} write units x {} | engine-counted, AWS rounding | {:.6f} |\n",
        units.eventual_read_units, in.read_unit_multiplier, units.strong_read_units,
        in.strong_read_unit_multiplier, units.write_units, in.write_unit_multiplier, single);
  } else {
    md +=
        "| single-table | on-demand request units | the engine counted no capacity units in "
        "this build | – |\n";
  }
  md += fmt::format(
      "\nThe article claims $0.12 → $0.04 per 1,000 calls. {} Inputs: {}. {}. "
      "The instance rows assume a 2-vCPU instance sustains what this 2-core machine did; "
      "neither figure includes application servers, storage or data transfer.\n\n",
      CostVerdict(in, InstanceUsdPer1000Calls(in, a.throughput, 1.0), single), in.dynamodb_source,
      in.sql_source);
  return md;
}

// The schema-change experiment (bench/drivers/schema_change_bench.h).
std::string SchemaChangeSection(const CompareResult& result) {
  std::string md = "## Schema-change downtime\n\n";
  if (!result.experiments) return md + "*(the schema-change run was not part of this report)*\n\n";
  const SchemaChangeSuiteResult& sc = result.experiments->schema_change;
  md += fmt::format(
      "**Measured in this run:** listings gain `energy_rating`, an EPC band whose backfilled "
      "value is a pure function of the listing id (`engine/schema_change.h`), while a writer "
      "thread replays `{}` (W1-W5) open loop at {:.0f} writes/s on a fresh clone, {:.0f} s "
      "before the change, during it and {:.0f} s after; latency runs from each write's due "
      "time. SQLite's change runs on its own connection (busy timeout {} ms, batches of {} "
      "rows with {:.0f} ms pauses); `sqlite-lazy` adds the field as a `VIRTUAL` generated "
      "column, computed when a row is read, and backfills nothing; the single table switches "
      "to versioned items upgraded lazily (`rocksdb-lazy`).\n\n",
      sc.workload.file, sc.spec.rate, sc.spec.experiment.before_s, sc.spec.experiment.after_s,
      sc.spec.store_options.busy_timeout_ms, sc.spec.experiment.change.batch_size,
      sc.spec.experiment.step_pause_ms);
  md +=
      "| method | change took | longest step | listings rewritten | longest stall of a write "
      "in flight during the change | longest write stall of the run | stall before the change "
      "(baseline) | p99 write during the change | failed writes | listings without the field "
      "|\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const SchemaChangeResult& m : sc.methods) {
    const uint64_t n = m.during.latency_ns.count();
    md += fmt::format(
        "| {} | {:.3f} ms | {:.3f} ms | {} | {:.1f} ms ({} writes) | {:.1f} ms | {:.1f} ms | {} | "
        "{} / {} | {} |\n",
        SchemaChangeMethodName(m.method), m.change_seconds * 1e3, LongestStepMs(m),
        m.change.rows_upgraded, InFlightStallMs(m), m.in_flight.latency_ns.count(),
        LongestStallMs(m), MaxUs(m.before.latency_ns) / 1000.0,
        n == 0 ? std::string("– (no write due)")
               : fmt::format("{:.1f} ms ({} writes)", P99Us(m.during.latency_ns) / 1000.0, n),
        m.failed, m.attempted,
        m.completed ? std::to_string(m.check.missing) : std::string("change incomplete"));
  }
  md += "\n" + SchemaChangeSplitText(sc);
  md +=
      "The article claims zero-downtime schema changes for the single table. A stall is "
      "the longest any write waited past its due time; a write in flight during the change "
      "was due before it ended and done after it began (the writes it can delay); the "
      "baseline column is the same run's longest stall before the change began (WAL "
      "checkpoints, compactions). The longest step is the longest the change worked at "
      "once: on SQLite one write transaction, from waiting for the one write lock to "
      "releasing it. SQLite's ADD COLUMN is itself instant; a backfill holds the write lock "
      "for every row it writes. The lazy methods rewrite nothing -- SQLite's generated "
      "column is computed on every read, the single table's items stay in the old encoding "
      "until written and derive the field on read -- which works because this backfill is "
      "a pure function of the id. More runs and caveats: "
      "`results/schema-change/README.md`.\n\n";
  return md;
}

// Each design's throughput at the p99 objective (bench/drivers/saturate.h).
std::string SloRows(const UnderLoadResult& ul) {
  if (ul.saturate.empty()) return "";
  const SaturateOptions& o = ul.spec.saturate;
  std::string md = fmt::format(
      "**Throughput at p99 ≤ {} ms** (`listbench saturate`): {} client threads, open loop, "
      "offered rate from {:.0f} ops/s up by {}x every {} s until p99 passed the objective, "
      "the store fell behind (served < {:.0f}% of offered) or throughput stopped rising; "
      "latency runs from each request's intended start, so queueing counts.\n\n",
      o.slo_p99_ms, o.threads, o.start_rate, o.factor, o.step_seconds, 100 * kKeptUpShare);
  md +=
      "| workload | design | highest rate meeting the SLO | its p99 | its lock wait | most served "
      "| stopped by |\n|---|---|---:|---:|---:|---:|---|\n";
  for (const auto& [workload, r] : ul.saturate) {
    for (const SaturateEngineResult& e : r.engines) {
      double most = 0;
      for (const SaturateStep& st : e.steps) most = std::max(most, st.achieved);
      std::string rate = "none", p99 = "–", wait = "–";
      if (e.slo_step) {
        const SaturateStep& st = e.steps[*e.slo_step];
        rate = fmt::format("{:.0f} ops/s", st.offered);
        p99 = fmt::format("{:.2f} ms", st.p99_ms);
        wait = fmt::format("{:.1f}%", 100 * st.lock_wait_share);
      }
      md += fmt::format("| {} | {} | {} | {} | {} | {:.0f} ops/s | {} |\n", workload,
                        EngineName(e.engine), rate, p99, wait, most, SaturateStopName(e.stop));
    }
  }
  return md + "\n";
}

// The runs under load (bench/drivers/under_load.h): each design at 1, 2 and
// 4 closed-loop clients per workload, repeated.
std::string UnderLoadSection(const CompareResult& result) {
  std::string md = "## Under load: many clients at once\n\n";
  if (!result.experiments || result.experiments->under_load.runs.empty()) {
    return md + "*(the runs under load were not part of this report)*\n\n";
  }
  const UnderLoadResult& ul = result.experiments->under_load;
  md += fmt::format(
      "**Measured in this run, on a machine with {} hardware threads:** each design served "
      "the same seeded trace ({} measured operations, dealt round-robin to the clients) from "
      "1, 2 and 4 closed-loop client threads, {} times over, the repeats interleaved (repeat "
      "by repeat, each client count, each design) so that a slow spell of the machine falls "
      "on all of them; each figure is the median of the repeats with their range in "
      "brackets. With more clients than cores, added clients can only add queueing, so the "
      "4-client rows show contention, not parallelism. Lock wait is the "
      "share of request time spent waiting for the SQLite database's one write lock "
      "(from `BEGIN IMMEDIATE` until granted); the single table has no database-wide lock: "
      "its lock wait is time spent waiting for another request's key locks (RocksDB "
      "pessimistic transactions), and its retries are transactions run again after a "
      "deadlock or a lock timeout.\n\n",
      ul.hardware_threads, ul.spec.ops, ul.spec.repeats);
  for (const UnderLoadWorkload& w : ul.workloads) {
    if (w.warm) {
      md += fmt::format(
          "- `{}` only reads, so it runs **warm**: one clone per design with a cache that "
          "holds its whole load ({:.2f}x its size on disk), warmed once by {} reads on 2 "
          "clients; every run then replays the same measured reads on that store.\n",
          w.name, ul.spec.warm_cache_factor, w.warm_ops);
    } else {
      md += fmt::format(
          "- `{}` writes: every run starts from a fresh clone of the pristine load, with the "
          "report's cache, and {} warm-up operations.\n",
          w.name, ul.spec.warmup);
    }
  }
  md +=
      "\n| workload | design | clients | cache | throughput | vs 1 client | p50 | p99 | lock "
      "wait | retries | errors |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  const auto ops = [](double v) { return fmt::format("{:.0f}", v); };
  const auto us = [](double v) { return fmt::format("{:.1f}", v); };
  const auto ratio = [](double v) { return fmt::format("{:.2f}x", v); };
  const auto pct = [](double v) { return fmt::format("{:.1f}%", 100 * v); };
  for (const UnderLoadCell& c : UnderLoadCells(ul)) {
    md += fmt::format(
        "| {} | {} | {} | {} MiB | {} ops/s | {} | {} µs | {} µs | {} | {} | {} |\n", c.workload,
        c.engine, c.clients, c.cache_bytes >> 20, SpreadText(c.throughput, ops),
        c.clients == 1 || c.scaling.n == 0 ? std::string("–") : SpreadText(c.scaling, ratio),
        SpreadText(c.p50_us, us), SpreadText(c.p99_us, us), SpreadText(c.lock_wait_share, pct),
        c.retries, c.errors);
  }
  md +=
      "\n\"vs 1 client\" divides each repeat's throughput by the same design's 1-client "
      "throughput in the same repeat (runs minutes apart at most), then takes the median of "
      "those ratios.\n\n";
  return md + SloRows(ul);
}

// The onboarding experiment (bench/drivers/onboarding.h), per engine.
std::string TenantSection(const CompareResult& result) {
  std::string md = "## Multi-tenant isolation, and a tenant added while running\n\n";
  md +=
      "Isolation is a property of the store interface: every read and write pattern on both "
      "engines is tested to answer another tenant's id exactly as a missing one "
      "(`tests/store_contract_test.cc`: `*IsTenantIsolated`, `*ErrorsInContractOrder`, "
      "`OnboardedTenantServesAndStaysIsolated`), and `listbench verify` sends part of its "
      "must-fail requests with another tenant's ids, with both engines agreeing op by op.\n\n";
  if (!result.experiments || result.experiments->onboarding.empty()) {
    return md + "*(the onboarding run was not part of this report)*\n\n";
  }
  const std::map<std::string, OnboardingResult>& ob = result.experiments->onboarding;
  const OnboardingSpec& spec = result.experiments->onboarding_spec;
  md += fmt::format(
      "**Measured in this run:** while the workload's trace ran on a fresh clone of each "
      "store, a new tenant was onboarded -- 1 tenant, {} landlords, {} listings with images, "
      "one onboarding request after each workload request (one client thread serves both, so "
      "nothing else is paused; the longest onboarding request is the longest any workload "
      "request waited behind it). Afterwards every tenant was asked for the others' entities "
      "(a sample of {} listings each way, every new landlord, searches in shared city "
      "names).\n\n",
      spec.landlords, spec.listings, spec.probe_sample);
  md += "| | SQLite normalized | RocksDB single-table |\n|---|---:|---:|\n";
  auto cell = [&](const char* engine, auto fn) -> std::string {
    const auto it = ob.find(engine);
    return it != ob.end() ? fn(it->second) : std::string("–");
  };
  auto row = [&](const std::string& name, auto fn) {
    md += fmt::format("| {} | {} | {} |\n", name, cell("sqlite", fn), cell("rocksdb", fn));
  };
  using R = OnboardingResult;
  row("onboarding requests (failed)", [](const R& r) {
    return fmt::format("{} ({})", r.onboarding_requests, r.onboarding_failures);
  });
  row("onboarding time, interleaved",
      [](const R& r) { return fmt::format("{:.3f} s", r.onboarding_seconds); });
  row("longest onboarding request", [](const R& r) {
    return fmt::format("{:.0f} µs", static_cast<double>(r.longest_onboarding_request_ns) / 1000.0);
  });
  for (const auto& [phase, member] :
       {std::pair{"before", &R::before}, std::pair{"during", &R::during},
        std::pair{"after", &R::after}}) {
    row(fmt::format("workload p50 / p99 / max µs, {} onboarding", phase), [&](const R& r) {
      const Histogram& h = (r.*member).latency_ns;
      return fmt::format("{:.1f} / {:.1f} / {:.0f}",
                         static_cast<double>(h.Percentile(0.5)) / 1000.0, P99Us(h), MaxUs(h));
    });
  }
  row("workload storage errors (all phases)", [](const R& r) {
    return fmt::format("{}",
                       r.before.storage_errors + r.during.storage_errors + r.after.storage_errors);
  });
  row("new tenant's reads answered", [](const R& r) {
    return fmt::format("{} of {}", r.new_tenant_reads_ok, r.new_tenant_reads);
  });
  row("cross-tenant probe: requests, leaks",
      [](const R& r) { return fmt::format("{}, **{}**", r.probe_requests, r.probe_leaks); });
  md +=
      "\nNeither design needs a schema change or a pause to add a tenant: in the single "
      "table a tenant is a new partition-key prefix, in the normalized schema new rows with "
      "a new tenant_id. The article's isolation claim holds for both designs here, because "
      "both enforce it in every query; the partition key makes it structural in the single "
      "table.\n\n";
  return md;
}

}  // namespace

std::string BuildEnvironmentRows(const BuildInfo& b) {
  std::string md;
  auto row = [&](const char* k, const std::string& v) { md += fmt::format("| {} | {} |\n", k, v); };
  row("CPU", b.cpu + fmt::format(", {} cores", b.cores));
  row("memory", fmt::format("{:.1f} GiB", static_cast<double>(b.memory_bytes) / (1 << 30)));
  row("compiler", b.compiler + ", " + b.cxx_flags);
  row("build type", b.build_type);
  row("RocksDB", b.rocksdb_version +
                     (b.rocksdb_assertions == "yes" ? " (library built with assertions)" : ""));
  row("SQLite", b.sqlite_version);
  row("listbench", b.listbench_version + " @ " + b.git_commit);
  return md;
}

namespace {

// The data files the plots read: DIR/cdf.csv and DIR/latency_by_op.dat.
Status WritePlotData(const std::string& dir, const RunResult& a, const RunResult& b) {
  std::string cdf = "quantile,sqlite_us,rocksdb_us\n";
  for (double q : kCdfQuantiles) {
    cdf += fmt::format("{},{:.3f},{:.3f}\n", q, Us(a.all.latency_ns.Percentile(q)),
                       Us(b.all.latency_ns.Percentile(q)));
  }
  LB_RETURN_IF_ERROR(WriteTextFile(dir + "/cdf.csv", cdf));
  std::string by_op = "# op sqlite_mean_us rocksdb_mean_us sqlite_p99_us rocksdb_p99_us\n";
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (a.ops[k].count() == 0) continue;
    by_op += fmt::format("{} {:.3f} {:.3f} {:.3f} {:.3f}\n", OpKindCode(static_cast<OpKind>(k)),
                         a.ops[k].latency_ns.mean() / 1000, b.ops[k].latency_ns.mean() / 1000,
                         Us(a.ops[k].latency_ns.Percentile(0.99)),
                         Us(b.ops[k].latency_ns.Percentile(0.99)));
  }
  LB_RETURN_IF_ERROR(WriteTextFile(dir + "/latency_by_op.dat", by_op));

  return Status::OK();
}

// Draws DIR/latency_cdf.png and DIR/latency_by_op.png; false (said on
// stderr) when gnuplot is missing or failed.
bool DrawPlots(const std::string& dir) {
  bool plotted = false;
  if (HaveGnuplot()) {
    plotted =
        RunGnuplot(
            dir, "latency_cdf",
            "set terminal pngcairo size 900,540 noenhanced\nset output 'latency_cdf.png'\n"
            "set datafile separator ','\nset logscale x\nset key bottom right\n"
            "set xlabel 'latency (µs, log scale)'\nset ylabel 'fraction of requests'\n"
            "set grid\nset title 'Latency CDF, all requests of the workload (measured)'\n"
            "plot 'cdf.csv' every ::1 using 2:1 with linespoints lw 2 title 'SQLite normalized', "
            "'' every ::1 using 3:1 with linespoints lw 2 title 'RocksDB single-table'\n") &&
        RunGnuplot(
            dir, "latency_by_op",
            "set terminal pngcairo size 900,540 noenhanced\nset output 'latency_by_op.png'\n"
            "set style data histograms\nset style histogram clustered gap 1\n"
            "set style fill solid 0.8 border -1\nset ylabel 'mean latency (µs)'\nset grid ytics\n"
            "set title 'Mean latency per access pattern (measured)'\n"
            "plot 'latency_by_op.dat' using 2:xtic(1) title 'SQLite normalized', "
            "'' using 3 title 'RocksDB single-table'\n");
    if (!plotted) std::fprintf(stderr, "listbench compare: gnuplot failed; report has no plots\n");
  } else {
    std::fprintf(stderr, "listbench compare: gnuplot not installed; report has no plots\n");
  }

  return plotted;
}

// What each design did on its own threads during the measured run.
// (PostgreSQL's server does its own in another process: pg's row is what
// the store reported.)
std::string BackgroundRows(const RunResult& a, const RunResult& b, const RunResult* pg) {
  std::string md =
      "**Background work during the measured run, which no request waited for** (counted by "
      "each engine as its jobs completed; their I/O is in neither design's per-request "
      "figures):\n\n| design | flushes | flush time | compactions | compaction time | "
      "checkpoints | checkpoint time | pages written by checkpoints |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  const auto ms = [](uint64_t ns) {
    return fmt::format("{:.1f} ms", static_cast<double>(ns) / 1e6);
  };
  std::vector<std::pair<const char*, const RunResult*>> rows = {{"SQLite", &a}, {"RocksDB", &b}};
  if (pg != nullptr) rows.emplace_back("PostgreSQL", pg);
  for (const auto& [name, r] : rows) {
    const BackgroundWork& w = r->background;
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", name, w.flushes,
                      ms(w.flush_ns), w.compactions, ms(w.compaction_ns), w.checkpoints,
                      ms(w.checkpoint_ns), w.checkpoint_pages);
  }
  return md +
         "\nRocksDB flushes its memtables and compacts its files on background threads; SQLite "
         "checkpoints its WAL into the database file on the store's own thread (never inside a "
         "request). A design that defers more of its work to these threads looks faster per "
         "request than the machine's total work says.\n\n";
}

// Per pattern, each engine's mean, p50 and p99 (PostgreSQL's when `pg` ran)
// and the SQLite/RocksDB ratio of the means.
std::string LatencyTable(const EngineRun& sq, const EngineRun& rk, const EngineRun* pg) {
  std::string md = "| op | pattern | SQLite mean µs | p50 | p99 | RocksDB mean µs | p50 | p99 |";
  md += pg != nullptr ? " PostgreSQL mean µs | p50 | p99 |" : "";
  md += " SQLite / RocksDB (mean) |\n|---|---|---:|---:|---:|---:|---:|---:|";
  md += pg != nullptr ? "---:|---:|---:|" : "";
  md += "---:|\n";
  const auto us = [](double v) { return fmt::format("{:.1f}", v); };
  const auto times = [](double v) { return fmt::format("{:.2f}x", v); };
  const auto cells = [&](const EngineRun& er, int op) {
    const TimingSpread t = TimingSpreadOf(er, op);
    return fmt::format(" {} | {} | {} |", SpreadText(t.mean_us, us), SpreadText(t.p50_us, us),
                       SpreadText(t.p99_us, us));
  };
  auto line = [&](const std::string& code, const std::string& name, int op) {
    const Spread r = MeanRatioSpread(sq, rk, op);
    md += fmt::format("| {} | {} |{}{}{} {} |\n", code, name, cells(sq, op), cells(rk, op),
                      pg != nullptr ? cells(*pg, op) : "", r.n > 0 ? SpreadText(r, times) : "–");
  };
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (sq.run().ops[k].count() == 0) continue;
    const auto kind = static_cast<OpKind>(k);
    line(std::string(OpKindCode(kind)), std::string(OpKindName(kind)), k);
  }
  line("", "**workload mean**", kAllOps);
  return md;
}

// The measured latency table, the ratio against the article's and the plots.
std::string LatencySection(const CompareSetup& s, const EngineRun& sq, const EngineRun& rk,
                           const EngineRun* pg, bool plotted) {
  std::string md;
  md += fmt::format("## Query latency at {} records\n\n", s.spec.listings);
  if (sq.repeats.size() > 1) {
    md += fmt::format(
        "Each engine replayed the trace {} times, each time on a fresh clone of its load, the "
        "engines' order alternating from one repetition to the next; each figure is the median "
        "of the repetitions with their range in brackets, and each ratio the median [range] of "
        "the per-repetition ratios. The plots, the modelled latency and the cost below are "
        "each engine's median repetition (by workload mean latency).\n\n",
        sq.repeats.size());
  }
  md += LatencyTable(sq, rk, pg);
  const auto times = [](double v) { return fmt::format("{:.2f}x", v); };
  md += fmt::format(
      "\n**Measured ratio (workload mean): {}.** The article claims {:.0f} ms → {:.0f} ms "
      "at {} records, {:.1f}x. Its figures are end-to-end API latencies of a deployed service "
      "(network, application tier, a remote database); these are in-process engine latencies "
      "(caches as configured above, after the warm-up; data the cache misses comes from the "
      "OS page cache), so the absolute values are not comparable; the ratio is the "
      "comparable part, and the modelled section below adds device and network time.\n\n",
      SpreadText(MeanRatioSpread(sq, rk, kAllOps), times), kArticleLegacyMs, kArticleSingleTableMs,
      kArticleRecords, kArticleLegacyMs / kArticleSingleTableMs);
  md += BackgroundRows(sq.run(), rk.run(), pg != nullptr ? &pg->run() : nullptr);
  const auto ops = [](double v) { return fmt::format("{:.0f}", v); };
  md += fmt::format(
      "Throughput: SQLite {} ops/s, RocksDB {} ops/s{} (single thread, closed loop).\n\n",
      SpreadText(ThroughputSpread(sq), ops), SpreadText(ThroughputSpread(rk), ops),
      pg != nullptr ? ", PostgreSQL " + SpreadText(ThroughputSpread(*pg), ops) + " ops/s" : "");
  if (plotted) {
    md += "![latency CDF](latency_cdf.png)\n\n![mean latency per pattern](latency_by_op.png)\n\n";
  } else {
    md +=
        "*(plots not drawn: gnuplot is not installed; data in cdf.csv and latency_by_op.dat)*\n\n";
  }

  return md;
}

// The three designs of the decomposition, from one CompareResult.
struct Designs {
  const EngineRun* legacy = nullptr;
  const EngineRun* tuned = nullptr;
  const EngineRun* single = nullptr;
};

std::optional<Designs> DesignsOf(const CompareResult& result) {
  Designs d;
  for (const auto& [name, er] : result.engines) {
    if (er.load.engine == Engine::kRocksDb) {
      d.single = &er;
    } else if (er.load.engine == Engine::kSqlite) {
      (er.sqlite_schema == SqliteSchema::kLegacy ? d.legacy : d.tuned) = &er;
    }
  }
  if (d.legacy == nullptr || d.tuned == nullptr || d.single == nullptr) return std::nullopt;
  return d;
}

// The headline: legacy normalized -> tuned normalized -> single table,
// measured and then modelled, so that a reader sees which part of a
// claimed speed-up is indexing and which the data model.
std::string DecompositionSection(const CompareResult& result) {
  const std::optional<Designs> d = DesignsOf(result);
  std::string md = "## The claim taken apart: indexing or the data model?\n\n";
  if (!d) return md + "*(the legacy-index run was not part of this report)*\n\n";
  const auto us = [](double v) { return fmt::format("{:.1f}", v); };
  const auto times = [](double v) { return fmt::format("{:.2f}x", v); };
  const Designs& x = *d;
  md += fmt::format(
      "The article compares its legacy normalized schema with a single table. Between the "
      "two lie two changes: **indexing** (the same seven tables with covering indexes an "
      "expert would add, `engine/README.md`) and **the data model** (one table whose items "
      "are shaped by the access patterns). All three designs replayed the identical trace, "
      "{} times each, the order alternating; each figure is the median [range] over the "
      "repetitions, each factor the median [range] of the per-repetition ratios, so "
      "indexing x data model multiply to the whole only approximately.\n\n",
      x.tuned->repeats.size());
  md +=
      "| op | legacy normalized mean µs | tuned normalized | single table | whole (legacy / "
      "single) | indexing (legacy / tuned) | data model (tuned / single) |\n"
      "|---|---:|---:|---:|---:|---:|---:|\n";
  auto line = [&](const std::string& name, int op) {
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", name,
                      SpreadText(TimingSpreadOf(*x.legacy, op).mean_us, us),
                      SpreadText(TimingSpreadOf(*x.tuned, op).mean_us, us),
                      SpreadText(TimingSpreadOf(*x.single, op).mean_us, us),
                      SpreadText(MeanRatioSpread(*x.legacy, *x.single, op), times),
                      SpreadText(MeanRatioSpread(*x.legacy, *x.tuned, op), times),
                      SpreadText(MeanRatioSpread(*x.tuned, *x.single, op), times));
  };
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (x.tuned->run().ops[k].count() == 0) continue;
    line(std::string(OpKindCode(static_cast<OpKind>(k))), k);
  }
  line("**workload mean**", kAllOps);
  const Spread whole = MeanRatioSpread(*x.legacy, *x.single, kAllOps);
  const Spread index = MeanRatioSpread(*x.legacy, *x.tuned, kAllOps);
  const Spread model = MeanRatioSpread(*x.tuned, *x.single, kAllOps);
  md += fmt::format(
      "\n**Measured (in-process):** legacy normalized → single table {} (the article claims "
      "{:.1f}x); of that, indexing gives {} and the data model {}.\n\n",
      SpreadText(whole, times), kArticleLegacyMs / kArticleSingleTableMs, SpreadText(index, times),
      SpreadText(model, times));
  const auto profiles = StorageProfiles();
  md +=
      "*Modelled, not measured* (the storage profiles of the section \"Deployed latency\" "
      "below: device time for every read the cache missed and every sync, a network round "
      "trip for every statement or request), workload mean:\n\n"
      "| profile | legacy normalized µs | tuned normalized | single table | whole | indexing "
      "| data model |\n|---|---:|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < profiles.size(); ++i) {
    md += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} |\n", profiles[i].name,
        SpreadText(FigureSpread(*x.legacy, kAllOps, ModelledMeanUs(i)), us),
        SpreadText(FigureSpread(*x.tuned, kAllOps, ModelledMeanUs(i)), us),
        SpreadText(FigureSpread(*x.single, kAllOps, ModelledMeanUs(i)), us),
        SpreadText(FigureRatioSpread(*x.legacy, *x.single, kAllOps, ModelledMeanUs(i)), times),
        SpreadText(FigureRatioSpread(*x.legacy, *x.tuned, kAllOps, ModelledMeanUs(i)), times),
        SpreadText(FigureRatioSpread(*x.tuned, *x.single, kAllOps, ModelledMeanUs(i)), times));
  }
  const bool tuned_compared = result.engines.at("sqlite").sqlite_schema == SqliteSchema::kTuned;
  md += tuned_compared ? "\nThe sections below compare the tuned normalized schema with the "
                         "single table: the fair baseline.\n\n"
                       : "\nThe sections below compare the legacy normalized schema with the "
                         "single table (`--sqlite-schema legacy`): the article's comparison, "
                         "not a fair one.\n\n";
  return md;
}

// The migration row: the live migration this run made, when it made one.
std::string MigrationRow(const CompareResult& result) {
  const std::string committed =
      "Full-scale runs, with kills and I/O errors: `results/migration/README.md` (committed)";
  if (!result.experiments || !result.experiments->migration) {
    return "| Blue-green migration gated on SPI ≥ 0.96 | not a run of this report: `listbench "
           "migrate`. " +
           committed + " |\n";
  }
  const MigrateConfig& c = *result.experiments->migration_config;
  const MigrateResult& m = *result.experiments->migration;
  const double before = m.before.Throughput(), during = m.backfill.Throughput();
  const double p99_before = P99Us(m.before_ns), p99_during = P99Us(m.backfill_ns);
  return fmt::format(
      "| Blue-green migration gated on SPI ≥ 0.96 | **measured in this run** (`listbench "
      "migrate` at {} listings, CI-sized, {} request workers replaying `{}` throughout): the "
      "SQLite store moved to the single table in {:.1f} s, ending in phase {}; during the "
      "backfill {:.0f} req/s against {:.0f} before ({}), p99 {:.0f} µs against {:.0f} µs; "
      "{} of {} answers differed from the reference, {} acknowledged writes lost, final "
      "diff {}: **{}**. {} |\n",
      c.listings, c.threads, c.workload_file, m.migration_seconds, m.final_phase, during, before,
      before > 0 ? fmt::format("{:.2f}x", during / before) : std::string("–"), p99_during,
      p99_before, m.failed_requests, m.requests, m.lost_writes,
      m.final_diff ? std::to_string(m.final_diff->differences()) : std::string("not run"),
      m.Failed() ? "FAILED" : "passed", committed);
}

// The failover row: the report's failovers (each engine, sync and async,
// per detector timeout), measured, beside the article and a modelled
// managed failover.
std::string FailoverRow(const CompareResult& result) {
  const std::string article = "| Failover 45 min → 4 min 13 s | ";
  if (!result.experiments || result.experiments->failovers.empty()) {
    return article +
           "not run (`listbench failover`; results/failover/README.md). `listbench drill` "
           "measures a crashed engine's reopen on the same disk (results/drill/README.md) |\n";
  }
  std::string md = article +
                   "measured below: a primary and a replica on this machine, the primary "
                   "killed (SIGKILL) under 4 clients, a detector (100 ms heartbeat) timing it "
                   "out, the replica promoted, the clients redirected |\n\n";
  md +=
      "| design | replication | detector timeout ms | detection ms | promotion ms | **RTO** ms "
      "| acknowledged writes | **lost** (RPO) | failed requests in the window |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  double promotion_ms = 0;
  size_t n = 0;
  for (const FailoverResult& f : result.experiments->failovers) {
    for (const FailoverRun& run : f.runs) {
      md += fmt::format("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {} | {} | {} |\n",
                        DesignName(f.options.engine, f.options.sqlite_schema),
                        f.options.replication == PgReplication::kSync ? "sync" : "async",
                        run.timeout_ms, run.detection_ms, run.promotion_ms, run.rto_ms,
                        run.writes_acknowledged, run.lost.size(), run.errors_in_window);
      promotion_ms = std::max(promotion_ms, run.promotion_ms);
      ++n;
    }
  }
  md +=
      "\n*Modelled, not measured* (managed failover through DNS, the slowest promotion above "
      "as its promotion): ";
  for (const ManagedFailoverProfile& p : ManagedFailoverProfiles()) {
    md += fmt::format("{}: {:.0f} s x {} + promotion + TTL {:.0f} s = {:.0f} s; ", p.name,
                      p.check_interval_s, p.failure_threshold, p.dns_ttl_s,
                      ModelledManagedFailoverSeconds(p, promotion_ms / 1000));
  }
  md += fmt::format(
      "RDS Multi-AZ as documented: {:.0f}-{:.0f} s. One machine shows what detection, "
      "promotion and redirection cost and whether acknowledged writes survive; it cannot "
      "show a network between machines, a DNS cache or a managed service's control plane. "
      "{} runs; more in results/failover/README.md. (`listbench drill` measures a crashed "
      "engine's reopen on the same disk instead: results/drill/README.md.)\n\n",
      kRdsMultiAzFailoverMinS, kRdsMultiAzFailoverMaxS, n);
  return md + "| claim in the article | listbench |\n|---|---|\n";
}

// The article's rows this report does not measure itself.
std::string OtherRowsSection(const CompareResult& result) {
  std::string md;
  md += "## The article's other rows\n\n";
  md += "| claim in the article | listbench |\n|---|---|\n";
  md +=
      "| Schema-change downtime; multi-tenant isolation, tenant added while running | see the "
      "sections above |\n";
  md += FailoverRow(result);
  md += MigrationRow(result);
  return md;
}

}  // namespace

Status WriteReport(const std::string& dir, const CompareSetup& setup, const CompareResult& result) {
  const auto sq = result.engines.find("sqlite");
  const auto rk = result.engines.find("rocksdb");
  if (sq == result.engines.end() || rk == result.engines.end()) {
    return Status::InvalidArgument("a report needs both engines");
  }
  const RunResult& a = sq->second.run();
  const RunResult& b = rk->second.run();
  LB_RETURN_IF_ERROR(WritePlotData(dir, a, b));
  const bool plotted = DrawPlots(dir);

  std::string md = "# listbench report: normalized SQL vs single-table\n\n";
  md += fmt::format(
      "Generated by `listbench compare --report`. Every figure below was measured on this "
      "machine in this run unless its row says *modelled*; the article's claims "
      "(`../shared/seed/`) stand beside them for comparison.\n\n");
  md += EnvironmentSection(setup, result);
  md += DecompositionSection(result);
  const auto pg = result.engines.find("postgres");
  md += LatencySection(setup, sq->second, rk->second,
                       pg != result.engines.end() ? &pg->second : nullptr, plotted);
  md += ModelledSection(setup, a, b, pg != result.engines.end() ? &pg->second : nullptr);
  md += CostSection(setup, result, a, b);
  md += SchemaChangeSection(result);
  md += UnderLoadSection(result);
  md += TenantSection(result);
  md += OtherRowsSection(result);
  return WriteTextFile(dir + "/report.md", md);
}

}  // namespace listbench
