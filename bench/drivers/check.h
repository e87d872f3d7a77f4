// Regression check between two summaries (bench/report/summary.h) of the same
// workload, seed and scale, as `listbench check` runs it in CI. Summaries of
// different runs are refused with InvalidArgument naming what differs: seed,
// listings, the workload (name, mix, keys, length, warm-up, rate, client
// threads) or the durability configuration (durable, RocksDB WAL). A
// different cache size is compared like any change: its seam reads show it.
//
// * Counted work per request (statements or gets/seeks, rows or items read
//   and written) is deterministic for a seed: compared tightly.
// * I/O reads at the seams per request (blocks/pages fetched) follow from the
//   cache and the file layout: compared with a tolerance and a small
//   absolute slack.
// * Timing, two ways, and the result says which one decided:
//   - With repetitions (`compare --repeat N`): when both summaries carry at
//     least kMinUTestRepeats repetitions, per engine and pattern the p50
//     latency of each baseline repetition is set against each current one
//     by a two-sided Mann-Whitney U test (bench/harness/mann_whitney.h). A
//     regression is p < alpha AND the current median p50 more than
//     min_change above the baseline's; the SQLite/RocksDB p50 ratio of each
//     repetition is tested the same way, a move either way failing. This is
//     the rule of Google Benchmark's tools/compare.py (a two-sided U test at
//     alpha 0.05 over the repetitions' figures) and of Go's benchstat (U
//     test, a change below p 0.05 shown as "~"), with a minimum change so
//     that a significant but small drift of a shared machine does not fail.
//     Each repetition's p50 rather than its mean: at CI scale a pattern has
//     ~100 samples a repetition, and one background flush or compaction
//     stall of a few ms moves a mean several times over.
//     Across machines (`across_machines`: a committed reference measured
//     on another machine, as CI checks against): a whole machine runs
//     faster or slower, every pattern of both engines much alike (a CI
//     machine ran the reference's patterns a median 1.37x slower, each
//     within 0.82x-1.22x of that). The drift is
//     the median, over every engine and pattern, of the current median p50
//     over the baseline's; each pattern's U test is then against the
//     baseline's repetitions times the drift, so a pattern fails when it
//     moved more than min_change beyond the rest of the machine. The drift
//     itself fails beyond max_drift. The engines' relative speed also
//     differs between machines (on that one, a write's SQLite/RocksDB
//     ratio moved 1.58x), so the ratio's least move is then
//     `ratio` rather than min_change. What this cannot see: a change that
//     slows most patterns of both engines alike looks like a slower
//     machine until it passes max_drift (counted work still shows a change
//     in work).
//   - Otherwise (a summary with fewer repetitions, such as one written
//     before repetitions existed), the tolerances: each engine's median
//     repetition is compared loosely in absolute terms (timing drifts
//     between machines) and, tighter, as the SQLite/RocksDB ratio of median
//     latency within one run (both engines ran on the same machine at the
//     same time).
// Only getting worse fails (the SQLite/RocksDB ratio: moving either way);
// getting better is reported, not failed.
//
// Storage errors: a current summary whose engines recorded a request
// answered with IOError or Corruption ("storage_errors" > 0) fails whatever
// its figures, which are then not compared (that run stopped at the error).
// The current summary must have the key (this build writes it). The
// baseline's is not read: a committed reference is a run that passed, and
// one written before the key existed stays usable.
#ifndef LISTBENCH_BENCH_DRIVERS_CHECK_H_
#define LISTBENCH_BENCH_DRIVERS_CHECK_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace listbench {

// The fewest repetitions on each side for the U test to decide timing. With
// 3 and 3 the smallest two-sided p the test can give is 2 / C(6, 3) = 0.1,
// so it could never find anything at alpha 0.05; with 4 and 4 it is 0.029,
// with 5 and 5 0.008 (compare.py asks for at least 2 and ideally 9).
inline constexpr int kMinUTestRepeats = 4;

struct CheckTolerances {
  double work = 0.02;     // counted work may grow 2%
  double io = 0.5;        // seam reads may grow 50% ...
  double io_slack = 0.5;  // ... plus half a read per request
  // Timing by tolerances:
  double ratio = 0.5;  // SQLite/RocksDB median-latency ratio may move by 50% either way
  double time = 3.0;   // absolute median latency may grow 4x (machines differ)
  // Timing by the U test: a regression needs both.
  double alpha = 0.05;       // p below this ...
  double min_change = 0.05;  // ... and the median moved by more than 5%
  // Across machines: the U test's patterns relative to the machine's drift.
  bool across_machines = false;
  double max_drift = 2.0;  // the drift may be up to 3x either way
};

struct CheckFinding {
  std::string engine, op, metric;
  // The figures compared (by the U test: the medians over the
  // repetitions), and the most the current one may be.
  double baseline = 0, current = 0, limit = 0;
  bool regression = false;        // false: got better (listed only for context)
  std::optional<double> p_value;  // the U test's, when it decided
};

enum class TimingMethod {
  kTolerance,  // each engine's median repetition, against the tolerances
  kUTest,      // the repetitions, by the U test and the minimum change
};

struct CheckResult {
  TimingMethod timing = TimingMethod::kTolerance;
  int baseline_repeats = 1, current_repeats = 1;  // a summary without "repeat" ran 1
  std::vector<CheckFinding> findings;             // every metric that moved past its limit
  // Across machines with the U test: the machine's drift (current over
  // baseline, the median over every engine and pattern); it is also a
  // finding (engine and op "all", metric "drift") beyond max_drift.
  std::optional<double> drift;
  // One per engine of the current run with storage errors: the engine, the
  // count and the first error's text. Non-empty: the check fails and
  // `findings` is empty (nothing was compared).
  std::vector<std::string> storage_errors;
};

// The summary in `text` (`name` stands for the file in messages):
// InvalidArgument "<name>: not valid JSON" or "<name>: nested deeper than
// kMaxSummaryDepth". Whether it is a summary is CheckSummaries' question.
inline constexpr int kMaxSummaryDepth = 64;
StatusOr<nlohmann::json> ParseSummaryText(const std::string& text, const std::string& name);

// Compares `current` with `baseline`. InvalidArgument when they are not
// comparable (different workload, seed, listings or operation counts) or
// not summaries: a field the comparison reads that either lacks is an error
// naming it, never a default.
//
// Thread safety: a plain function of its arguments.
StatusOr<CheckResult> CheckSummaries(const nlohmann::json& baseline, const nlohmann::json& current,
                                     const CheckTolerances& tol);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_CHECK_H_
