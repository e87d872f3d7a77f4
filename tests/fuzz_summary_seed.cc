// SeedSummary (tests/fuzz_util.h): apart from the checks, so that the
// libFuzzer targets link without the reporters.
#include "bench/report/summary.h"
#include "tests/fuzz_util.h"

namespace listbench {

std::string SeedSummary() {
  CompareSetup setup;
  setup.spec = {.listings = 2000, .seed = 1};
  StatusOr<WorkloadSpec> w = ParseWorkloadText(
      "name = \"fuzz\"\noperations = 400\nwarmup = 40\n[mix]\nlisting_detail = 2\nsearch = 1\n",
      "fuzz.toml");
  if (w.ok()) setup.workload = *w;
  setup.engines = {Engine::kSqlite, Engine::kRocksDb};
  setup.repeats = 4;
  CompareResult result;
  for (const char* engine : {"sqlite", "rocksdb"}) {
    EngineRun& run = result.engines[engine];
    for (int rep = 0; rep < 4; ++rep) {
      EngineRepeat r;
      r.position = rep % 2;
      for (int kind = 0; kind < 2; ++kind) {
        OpStats& ops = r.run.ops[kind];
        for (int i = 0; i < 50; ++i) {
          ops.latency_ns.Add(1000 + 37 * i + 100 * rep + 500 * kind);
          ++ops.outcomes[0];
        }
        ops.work.queries = 100 + kind;
        ops.work.rows_read = 250;
        ops.io.reads = 7;
        r.run.all.Merge(ops);
      }
      r.run.measured = 100;
      r.run.seconds = 0.5;
      r.run.throughput = 200;
      r.disk_bytes_after = 1 << 20;
      run.repeats.push_back(std::move(r));
    }
  }
  return SummaryJson("compare", setup, result).dump(1);
}

}  // namespace listbench
