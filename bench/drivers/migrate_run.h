// The driver behind `listbench migrate`: loads the legacy store, runs the
// live workload through a MigratingStore (migration/migrating_store.h) from
// phase legacy to finalized (or rolled_back), one migration Step every
// `step_every` requests, and checks the outcome against a plain legacy
// store that runs the same requests in the same order (the reference: what
// users would have seen without a migration). The reference replays each
// child process's requests once that process has exited, so it does not
// take the machine's cores from the measured requests and the migration.
//
// The migration runs in a child process (`listbench migrate-child`, the
// `binary`, fed the configuration through a file and reporting on its
// stdout; exec'd, since a fork of a process with RocksDB's threads would
// lack them). A migration scenario (sim/scenario.h, kind = "migration")
// kills it with SIGKILL at seeded crash sites (migration/migration_types.h
// CrashSite) and the driver starts another child that resumes it; its
// [[fault]] rules inject I/O faults into the new store at request indices
// counted from the start of dual write. A request that a kill interrupted
// got no answer: it is counted apart, and whether it took effect is read off
// the source of truth (bench/harness/write_probe.h) before the workload goes
// on with the next request. Without [[fault]] rules, a request answered with
// IOError or Corruption ends the run: the child exits 3 naming the stores
// and the request, and RunMigrate fails with that line.
//
// Request workers: `threads` of them serve the trace, dealt as
// bench/harness/runner.h deals it (request i to worker i % threads), each in
// a closed loop. They keep the trace's order where order decides an answer,
// so that every answer can be compared byte for byte with the reference's:
// a write starts once every earlier request is answered, and any request
// once every earlier write is; reads between two writes run at once. The
// answers reach the parent in the order they were given, which is then an
// order the reference can replay. At a kill, either some reads or one write
// are in flight; the next child skips the requests answered or interrupted.
//
// The migration's own work runs on its own thread (migration/migration_worker.h):
// at most one Step per `step_every` requests served, never on a request
// thread. The final diff runs with requests held off (and outside the
// timeline's clock).
//
// Measurement: request latency is service time in a closed loop, measured
// around the MigratingStore call (both legs of a dual write included; shadow
// reads run after the response, at the start of the worker's next request).
// Throughput per period (before, during the backfill, during, after) is its
// requests over the span from its first request's start to its last one's
// end, on the child's clock (continued across restarts).
//
// Thread safety: RunMigrate runs on the calling thread (and its children's
// threads); MigrateChild starts the request workers and the migration
// worker in its process.
#ifndef LISTBENCH_BENCH_DRIVERS_MIGRATE_RUN_H_
#define LISTBENCH_BENCH_DRIVERS_MIGRATE_RUN_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/histogram.h"
#include "bench/harness/store_setup.h"
#include "core/status.h"
#include "core/store_options.h"
#include "migration/migrating_store.h"
#include "migration/verifier.h"
#include "sim/scenario.h"

namespace listbench {

struct MigrateConfig {
  std::string binary;  // the listbench executable (runs the child)
  uint64_t listings = 1000;
  std::string workload_file;  // workloads/*.toml
  // The dataset's generator seed and the trace seed (as in `load` and
  // `run`); the migration's canary draws and the scenario's kills are
  // derived from it too.
  uint64_t seed = 1;
  bool durable = false;    // every store in the durable configuration
  uint64_t cache_mb = 64;  // each store's cache (StoreOptions::cache_bytes)
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;  // the legacy (SQLite) store's indexes
  std::string work_dir = "work";                      // <work_dir>/migrate/...
  LoadReuse reuse{ExistingLoad::kReplaceOther};  // of its pristine load (not in the child's config)
  uint64_t ops_before = 20000;       // requests on the legacy store before the migration begins
  uint64_t max_ops = 2000000;        // trace length: the migration must finish within it
  uint64_t ops_after = 2000;         // requests after the final phase
  uint64_t step_every = 4;           // at most one migration Step per this many requests
  uint64_t threads = 2;              // request workers
  MigrationOptions migration;        // crash_hook and clock are the driver's
  std::optional<Scenario> scenario;  // kind = "migration"; the child reads scenario->file
  // Instead of the scenario's seeded kills: the k-th process (k = 0..9) is
  // killed at the first call of crash site k (migration/migration_types.h CrashSite),
  // so that every site is hit once and resumed from (a site the rest of the
  // run never reaches ends the kills there).
  bool crash_each_site = false;
  bool progress = false;  // progress lines on stderr
};

// One second of the run (the child's clock, continued across restarts).
struct MigrateSecond {
  double t = 0;  // seconds since the first request
  uint64_t requests = 0;
  double p99_us = 0;
  std::string phase;
  double canary_share = 0;
  double spi = -1;  // -1: no value
  uint64_t repair_queue = 0;
  uint64_t backfill_rows = 0;
};

// The requests of one period of the run and their span on the child's clock.
struct MigratePeriod {
  uint64_t requests = 0;
  double first_s = 0;  // the first request's start
  double last_s = 0;   // the last request's end
  void Add(double start_s, double end_s);
  double Throughput() const;  // requests/s over the span (0: no span)
};

struct MigrateResult {
  uint64_t requests = 0;              // answered requests
  uint64_t failed_requests = 0;       // answers that differ from the reference's
  std::vector<std::string> failures;  // the first few, described
  uint64_t interrupted_requests = 0;  // requests a kill left unanswered
  uint64_t interrupted_writes_landed = 0;
  uint64_t acknowledged_writes = 0;
  uint64_t lost_writes = 0;                  // acknowledged, absent from the final source of truth
  uint64_t reference_differences = 0;        // final source of truth vs the reference, all kinds
  std::optional<VerifierReport> final_diff;  // legacy vs new at the final phase
  std::string final_phase;
  uint64_t crashes = 0;
  std::vector<std::string> crash_sites;  // where each kill hit
  uint64_t faults_injected = 0;
  Histogram before_ns, during_ns, after_ns;  // request latency by period
  Histogram backfill_ns;                     // the part of during in phase backfill
  MigratePeriod before, during, after, backfill;
  double migration_seconds = 0;  // Begin to the final phase
  double total_seconds = 0;
  std::vector<MigrateSecond> timeline;
  nlohmann::json migration;  // the final child's report: counters, transitions, options
  bool Failed() const;
};

// Runs it. Errors: bad configuration or scenario (InvalidArgument), a store
// that cannot be prepared, a child that fails other than by the planned
// kills, a trace too short for the migration to finish.
StatusOr<MigrateResult> RunMigrate(const MigrateConfig& config);

// What one child process is asked to do.
struct MigrateChildPlan {
  uint64_t start = 0;          // the first request to run
  std::vector<uint64_t> skip;  // requests after it not to run (answered or interrupted)
  int64_t probe = -1;          // a write a kill interrupted: report whether it landed
  uint64_t crash_at = 0;       // kill at this crash-site call (0: never)
  int site = -1;               // or at the first call of this CrashSite
  double t_offset = 0;         // seconds earlier children ran (for the timeline)
};

// The child's side (`listbench migrate-child --config FILE ...`): runs the
// migration from the configuration RunMigrate wrote, as `plan` says,
// reporting line by line on stdout. Returns the process exit status.
int MigrateChild(const std::string& config_file, const MigrateChildPlan& plan);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_MIGRATE_RUN_H_
