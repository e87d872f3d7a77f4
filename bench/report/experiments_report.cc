#include "bench/report/experiments_report.h"

#include <fmt/format.h>

#include <vector>

#include "bench/report/failover_report.h"
#include "bench/report/result_files.h"
#include "bench/report/saturate_report.h"
#include "bench/report/summary.h"

namespace listbench {
namespace {

double Ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

nlohmann::json OnboardingPhaseJson(const PhaseStats& p) {
  const Histogram& h = p.latency_ns;
  return {{"count", h.count()},
          {"mean_us", h.mean() / 1000.0},
          {"p50_us", static_cast<double>(h.Percentile(0.5)) / 1000.0},
          {"p99_us", P99Us(h)},
          {"max_us", MaxUs(h)},
          {"errors", p.errors},
          {"storage_errors", p.storage_errors}};
}

nlohmann::json WritePhaseJson(const WritePhase& p) {
  const Histogram& h = p.latency_ns;
  return {
      {"count", h.count()},           {"failed", p.failed},
      {"mean_us", h.mean() / 1000.0}, {"p50_us", static_cast<double>(h.Percentile(0.50)) / 1000.0},
      {"p99_us", P99Us(h)},           {"max_us", MaxUs(h)}};
}

// {"<code name>": count} of the non-zero counts.
nlohmann::json OutcomesJson(const std::array<uint64_t, 7>& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (int c = 0; c < static_cast<int>(counts.size()); ++c) {
    if (counts[c] > 0) j[std::string(StatusCodeName(static_cast<StatusCode>(c)))] = counts[c];
  }
  return j;
}

nlohmann::json WritesJson(const SchemaChangeResult& r) {
  nlohmann::json by_op = nlohmann::json::object();
  for (int k = 0; k < kNumOpKinds; ++k) {
    const nlohmann::json o = OutcomesJson(r.outcomes_by_op[k]);
    if (!o.empty()) by_op[std::string(OpKindName(static_cast<OpKind>(k)))] = o;
  }
  return {{"rate", r.rate},
          {"attempted", r.attempted},
          {"failed", r.failed},
          {"contract_outcomes", r.contract_outcomes},
          {"outcomes", OutcomesJson(r.outcomes)},
          {"outcomes_by_op", by_op},
          {"first_failure", r.first_failure},
          {"storage_errors", r.storage_error ? 1 : 0},
          {"storage_error",
           r.storage_error ? nlohmann::json(r.storage_error->ToString()) : nlohmann::json()},
          {"writer_seconds", r.writer_seconds},
          {"trace_exhausted", r.trace_exhausted},
          {"longest_stall_ms", LongestStallMs(r)},
          {"longest_gap_ms", LongestGapMs(r)},
          {"all", WritePhaseJson(r.all)},
          {"before", WritePhaseJson(r.before)},
          {"during", WritePhaseJson(r.during)},
          {"after", WritePhaseJson(r.after)},
          {"in_flight", WritePhaseJson(r.in_flight)}};
}

}  // namespace

double LongestStallMs(const SchemaChangeResult& r) { return Ms(r.longest_stall_ns); }
double LongestGapMs(const SchemaChangeResult& r) { return Ms(r.longest_gap_ns); }
double LongestStepMs(const SchemaChangeResult& r) { return Ms(r.change.longest_step_ns); }
double InFlightStallMs(const SchemaChangeResult& r) { return Ms(r.in_flight.latency_ns.max()); }
double MaxUs(const Histogram& h) { return static_cast<double>(h.max()) / 1000.0; }
double P99Us(const Histogram& h) { return static_cast<double>(h.Percentile(0.99)) / 1000.0; }

nlohmann::json OnboardingJson(const OnboardingResult& r, const OnboardingSpec& spec) {
  return {{"spec",
           {{"landlords", spec.landlords},
            {"listings", spec.listings},
            {"seed", spec.seed},
            {"id_base", spec.id_base},
            {"probe_sample", spec.probe_sample}}},
          {"before", OnboardingPhaseJson(r.before)},
          {"during", OnboardingPhaseJson(r.during)},
          {"after", OnboardingPhaseJson(r.after)},
          {"onboarding_requests", r.onboarding_requests},
          {"onboarding_failures", r.onboarding_failures},
          {"onboarding_seconds", r.onboarding_seconds},
          {"longest_onboarding_request_us",
           static_cast<double>(r.longest_onboarding_request_ns) / 1000.0},
          {"new_tenant_reads", r.new_tenant_reads},
          {"new_tenant_reads_ok", r.new_tenant_reads_ok},
          {"probe_requests", r.probe_requests},
          {"probe_leaks", r.probe_leaks},
          {"leak_examples", r.leak_examples}};
}

nlohmann::json SchemaChangeResultJson(const SchemaChangeResult& r) {
  const SchemaChangeStats& s = r.change;
  const SchemaChangeCheck& k = r.check;
  return {
      {"method", SchemaChangeMethodName(r.method)},
      {"engine", SchemaChangeEngine(r.method)},
      {"completed", r.completed},
      {"change_error", r.change_error},
      {"step_failures", r.step_failures},
      {"change_seconds", r.change_seconds},
      {"change_start_s", r.change_start_s},
      {"change",
       {{"steps", s.steps},
        {"rows_upgraded", s.rows_upgraded},
        {"longest_step_ms", Ms(s.longest_step_ns)},
        {"total_step_ms", Ms(s.total_step_ns)},
        {"write_bytes", s.write_bytes}}},
      {"end_state",
       {{"listings", k.listings},
        {"missing", k.missing},
        {"stored_v1", k.stored_v1},
        {"stored_v2", k.stored_v2},
        {"wrong", k.wrong},
        {"sampled", k.sampled},
        {"sample_mismatches", k.sample_mismatches}}},
      {"writes", WritesJson(r)},
  };
}

nlohmann::json SchemaChangeSuiteJson(const SchemaChangeSuiteResult& suite) {
  const SchemaChangeSuiteSpec& spec = suite.spec;
  nlohmann::json methods = nlohmann::json::array();
  for (const SchemaChangeResult& m : suite.methods) methods.push_back(SchemaChangeResultJson(m));
  return {
      {"command", "schema-change"},
      {"seed", spec.dataset.seed},
      {"listings", spec.dataset.listings},
      {"rate", spec.rate},
      {"batch", spec.experiment.change.batch_size},
      {"batch_pause_ms", spec.experiment.step_pause_ms},
      {"before_s", spec.experiment.before_s},
      {"after_s", spec.experiment.after_s},
      {"busy_timeout_ms", spec.store_options.busy_timeout_ms},
      {"verify_sample", spec.experiment.verify_sample},
      {"workload", WorkloadJson(suite.workload)},
      {"config",
       {{"durable", spec.store_options.durable},
        {"rocksdb_wal", spec.store_options.rocksdb_wal},
        {"sqlite_schema", SqliteSchemaName(spec.store_options.sqlite_schema)},
        {"cache_mb", spec.store_options.cache_bytes >> 20}}},
      {"build", BuildInfoJson(suite.build)},
      {"methods", methods},
      {"storage_failure", suite.storage_failure ? nlohmann::json(suite.storage_failure->ToString())
                                                : nlohmann::json()}};
}

nlohmann::json UnderLoadJson(const UnderLoadResult& ul) {
  nlohmann::json out = {{"hardware_threads", ul.hardware_threads},
                        {"ops", ul.spec.ops},
                        {"warmup", ul.spec.warmup},
                        {"repeats", ul.spec.repeats},
                        {"warm_cache_factor", ul.spec.warm_cache_factor},
                        {"workloads", nlohmann::json::array()},
                        {"runs", nlohmann::json::array()},
                        {"cells", nlohmann::json::array()},
                        {"saturate", nlohmann::json::array()}};
  for (const UnderLoadWorkload& w : ul.workloads) {
    out["workloads"].push_back({{"name", w.name}, {"warm", w.warm}, {"warm_ops", w.warm_ops}});
  }
  for (const UnderLoadRun& r : ul.runs) {
    const Histogram& h = r.run.all.latency_ns;
    out["runs"].push_back({{"workload", r.workload},
                           {"engine", r.engine},
                           {"clients", r.clients},
                           {"repeat", r.repeat},
                           {"warm", r.warm},
                           {"cache_mb", r.cache_bytes >> 20},
                           {"ops", r.run.measured},
                           {"seconds", r.run.seconds},
                           {"throughput", r.run.throughput},
                           {"p50_us", static_cast<double>(h.Percentile(0.5)) / 1000.0},
                           {"p99_us", P99Us(h)},
                           {"lock_wait_share", LockWaitShare(r.run)},
                           {"retries", r.run.all.retries},
                           {"errors", r.run.all.errors()}});
  }
  const auto spread = SpreadJson;
  for (const UnderLoadCell& c : UnderLoadCells(ul)) {
    out["cells"].push_back({{"workload", c.workload},
                            {"engine", c.engine},
                            {"clients", c.clients},
                            {"warm", c.warm},
                            {"cache_mb", c.cache_bytes >> 20},
                            {"throughput", spread(c.throughput)},
                            {"vs_1_client", spread(c.scaling)},
                            {"p50_us", spread(c.p50_us)},
                            {"p99_us", spread(c.p99_us)},
                            {"lock_wait_share", spread(c.lock_wait_share)},
                            {"retries", c.retries},
                            {"errors", c.errors}});
  }
  const SaturateOptions& o = ul.spec.saturate;
  out["saturate_config"] = {{"threads", o.threads},     {"start_rate", o.start_rate},
                            {"factor", o.factor},       {"step_seconds", o.step_seconds},
                            {"max_steps", o.max_steps}, {"slo_p99_ms", o.slo_p99_ms}};
  for (const auto& [workload, sr] : ul.saturate) {
    nlohmann::json w = {{"workload", workload}};
    for (const SaturateEngineResult& er : sr.engines) {
      w["engines"][std::string(EngineName(er.engine))] = SaturateEngineJson(er, o.slo_p99_ms);
    }
    out["saturate"].push_back(std::move(w));
  }
  return out;
}

nlohmann::json ReportMigrationJson(const MigrateConfig& c, const MigrateResult& m) {
  return {{"listings", c.listings},
          {"threads", c.threads},
          {"workload_file", c.workload_file},
          {"migration_seconds", m.migration_seconds},
          {"final_phase", m.final_phase},
          {"requests", m.requests},
          {"failed_requests", m.failed_requests},
          {"lost_writes", m.lost_writes},
          {"reference_differences", m.reference_differences},
          {"final_diff",
           m.final_diff ? nlohmann::json(m.final_diff->differences()) : nlohmann::json(nullptr)},
          {"throughput_before", m.before.Throughput()},
          {"throughput_backfill", m.backfill.Throughput()},
          {"p99_before_us", P99Us(m.before_ns)},
          {"p99_backfill_us", P99Us(m.backfill_ns)},
          {"passed", !m.Failed()}};
}

nlohmann::json ExperimentsJson(const ExperimentsResult& r) {
  nlohmann::json out;
  for (const auto& [engine, ob] : r.onboarding) {
    out["onboarding"][engine] = OnboardingJson(ob, r.onboarding_spec);
  }
  out["schema_change"] = SchemaChangeSuiteJson(r.schema_change);
  if (!r.under_load.runs.empty()) out["under_load"] = UnderLoadJson(r.under_load);
  if (r.migration && r.migration_config) {
    out["migration"] = ReportMigrationJson(*r.migration_config, *r.migration);
  }
  for (const FailoverResult& f : r.failovers) out["failovers"].push_back(FailoverJson(f));
  return out;
}

std::string SchemaChangeTable(const SchemaChangeSuiteResult& suite) {
  std::string t =
      fmt::format("{:<16} {:>10} {:>10} {:>9} {:>14} {:>9} {:>9} {:>9} {:>16} {:>11} {:>8}\n",
                  "method", "change_ms", "step_ms", "rewritten", "flight_ms(n)", "stall_ms",
                  "gap_ms", "base_ms", "p99_during(n)", "failed", "no_field");
  for (const SchemaChangeResult& m : suite.methods) {
    const uint64_t n = m.during.latency_ns.count();
    const std::string p99 = n == 0
                                ? std::string("-(0)")
                                : fmt::format("{:.1f}({})", P99Us(m.during.latency_ns) / 1000.0, n);
    const std::string flight =
        fmt::format("{:.1f}({})", InFlightStallMs(m), m.in_flight.latency_ns.count());
    const std::string missing =
        m.completed ? std::to_string(m.check.missing) : std::string("incomplete");
    t += fmt::format(
        "{:<16} {:>10.3f} {:>10.3f} {:>9} {:>14} {:>9.1f} {:>9.1f} {:>9.1f} {:>16} {:>11} {:>8}\n",
        SchemaChangeMethodName(m.method), m.change_seconds * 1e3, LongestStepMs(m),
        m.change.rows_upgraded, flight, LongestStallMs(m), LongestGapMs(m),
        MaxUs(m.before.latency_ns) / 1000.0, p99, fmt::format("{}/{}", m.failed, m.attempted),
        missing);
  }
  t += "step_ms: the change's longest step (SQLite: one write transaction, from waiting for the\n"
       "write lock to releasing it);\n"
       "rewritten: listings the change itself wrote a value into; flight_ms(n): longest latency\n"
       "of the n writes in flight during the change (due before it ended, done after it began);\n"
       "stall_ms: longest write latency from its due time in the whole run; gap_ms: longest time\n"
       "between two write completions; base_ms: longest stall before the change started (the\n"
       "same run, no change); p99_during(n): p99 ms of the n writes due during the change;\n"
       "failed: writes that failed (IOError, e.g. database is locked) / writes attempted;\n"
       "no_field: listings a reader sees without energy_rating afterwards.\n";
  const std::string split = SchemaChangeSplitText(suite);
  return split.empty() ? t : t + "\n" + split;
}

namespace {

const SchemaChangeResult* FindMethod(const SchemaChangeSuiteResult& suite, SchemaChangeMethod m) {
  for (const SchemaChangeResult& r : suite.methods) {
    if (r.method == m) return &r;
  }
  return nullptr;
}

std::string Bytes(uint64_t b) {
  if (b < 1024) return fmt::format("{} B", b);
  if (b < (uint64_t{1} << 20)) return fmt::format("{:.1f} KiB", static_cast<double>(b) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(b) / (1 << 20));
}

int64_t Signed(uint64_t v) { return static_cast<int64_t>(v); }

// One method's figures, as a list item.
std::string Figures(const SchemaChangeResult& r) {
  std::string out = fmt::format("- {}: ", SchemaChangeMethodName(r.method));
  if (!r.completed) out += fmt::format("did not complete ({}); ", r.change_error);
  return out + fmt::format(
                   "took {:.3f} ms in {} step(s), the longest {:.3f} ms; rewrote {} listings "
                   "({} written); longest stall of the {} write(s) in flight during it {:.1f} ms; "
                   "{} of {} writes of the run failed.\n",
                   r.change_seconds * 1e3, r.change.steps, LongestStepMs(r), r.change.rows_upgraded,
                   Bytes(r.change.write_bytes), r.in_flight.latency_ns.count(), InFlightStallMs(r),
                   r.failed, r.attempted);
}

// "a minus b": the signed differences of the figures Figures() shows.
std::string Difference(const SchemaChangeResult& a, const SchemaChangeResult& b) {
  return fmt::format(
      "{} minus {}: took {:+.3f} ms, longest step {:+.3f} ms, listings rewritten {:+}, longest "
      "stall in flight {:+.1f} ms, failed writes {:+}.",
      SchemaChangeMethodName(a.method), SchemaChangeMethodName(b.method),
      (a.change_seconds - b.change_seconds) * 1e3, LongestStepMs(a) - LongestStepMs(b),
      Signed(a.change.rows_upgraded) - Signed(b.change.rows_upgraded),
      InFlightStallMs(a) - InFlightStallMs(b), Signed(a.failed) - Signed(b.failed));
}

// One data model (normalized), the backfilling methods against sqlite-lazy.
std::string MethodPart(const std::vector<const SchemaChangeResult*>& backfills,
                       const SchemaChangeResult& lazy) {
  std::string out =
      "**The method's part** -- one data model (the normalized schema), backfilling against "
      "deriving on read:\n\n";
  for (const SchemaChangeResult* b : backfills) out += Figures(*b);
  out += Figures(lazy) + "\n";
  for (const SchemaChangeResult* b : backfills) out += Difference(*b, lazy) + "\n";
  return out +
         "These differences are the method's: the tables, the engine and the writes are "
         "the same.\n\n";
}

// One method (lazy), the normalized schema against the single table.
std::string ModelPart(const SchemaChangeResult& lazy, const SchemaChangeResult& rocks) {
  return "**The data model's part** -- one method (lazy: nothing rewritten, the field derived "
         "on read), the normalized schema against the single table:\n\n" +
         Figures(lazy) + Figures(rocks) + "\n" + Difference(lazy, rocks) +
         "\nThis difference is the data model's (with its engine): the method is the same.\n\n";
}

// Each backfilling method's gap to rocksdb-lazy, split into the two parts,
// which add up to it.
std::string GapSplit(const std::vector<const SchemaChangeResult*>& backfills,
                     const SchemaChangeResult& lazy, const SchemaChangeResult& rocks) {
  if (backfills.empty()) return "";
  std::string out =
      "**Which part is the method and which the data model** (this run's figures; the "
      "method's part is a backfilling method minus sqlite-lazy, one data model; the data "
      "model's part sqlite-lazy minus rocksdb-lazy, one method; the two add up to the "
      "gap):\n\n";
  for (const SchemaChangeResult* b : backfills) {
    const std::string name(SchemaChangeMethodName(b->method));
    out += fmt::format(
        "- {} against rocksdb-lazy: the longest stall in flight differs by {:+.1f} ms, of which "
        "{:+.1f} ms is the method ({} minus sqlite-lazy) and {:+.1f} ms the data model "
        "(sqlite-lazy minus rocksdb-lazy); the change's duration by {:+.3f} ms, of which "
        "{:+.3f} ms is the method and {:+.3f} ms the data model.\n",
        name, InFlightStallMs(*b) - InFlightStallMs(rocks),
        InFlightStallMs(*b) - InFlightStallMs(lazy), name,
        InFlightStallMs(lazy) - InFlightStallMs(rocks),
        (b->change_seconds - rocks.change_seconds) * 1e3,
        (b->change_seconds - lazy.change_seconds) * 1e3,
        (lazy.change_seconds - rocks.change_seconds) * 1e3);
  }
  return out + "\n";
}

}  // namespace

std::string SchemaChangeSplitText(const SchemaChangeSuiteResult& suite) {
  const SchemaChangeResult* lazy = FindMethod(suite, SchemaChangeMethod::kSqliteLazy);
  if (lazy == nullptr) return "";
  std::vector<const SchemaChangeResult*> backfills;
  for (SchemaChangeMethod m :
       {SchemaChangeMethod::kSqliteBlocking, SchemaChangeMethod::kSqliteBatched}) {
    if (const SchemaChangeResult* r = FindMethod(suite, m)) backfills.push_back(r);
  }
  const SchemaChangeResult* rocks = FindMethod(suite, SchemaChangeMethod::kRocksLazy);
  std::string out;
  if (rocks != nullptr) out += GapSplit(backfills, *lazy, *rocks);
  if (!backfills.empty()) out += MethodPart(backfills, *lazy);
  if (rocks != nullptr) out += ModelPart(*lazy, *rocks);
  return out;
}

}  // namespace listbench
