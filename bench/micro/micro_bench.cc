// The second tier of benchmarks (RocksDB's microbench/ style): every access
// pattern R1-R5 and W1-W5 on each engine, as Google Benchmark cases named
// <code>_<pattern>/<engine>/listings:<N>. Each iteration replays the next
// request of a pre-generated trace of that pattern only (aimed at the
// dataset as the verify stream is, without must-fail requests), so the
// engines see the same requests. p50/p99 of the per-request latency are
// reported as counters next to Google Benchmark's mean.
//
//   build/listbench_micro --benchmark_format=json [--listings=N] [--seed=S]
//
// Stores are loaded once per engine into a temporary directory (removed at
// exit); setup is not timed.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "bench/harness/histogram.h"
#include "bench/harness/runner.h"
#include "engine/store_dir.h"
#include "workloads/dataset.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

uint64_t g_listings = 20000;
uint64_t g_seed = 1;
fs::path g_dir;

struct Loaded {
  std::unique_ptr<Store> store;
  Status status;
};

// One loaded store per engine, created on first use; closed by main()
// before static destruction (RocksDB must close before its own statics go).
std::map<Engine, Loaded> g_stores;

Loaded& StoreFor(Engine e) {
  auto it = g_stores.find(e);
  if (it != g_stores.end()) return it->second;
  Loaded& l = g_stores[e];
  const fs::path dir = g_dir / std::string(EngineName(e));
  fs::create_directories(dir);
  StatusOr<std::unique_ptr<Store>> s = OpenStore(e, dir.string(), StoreOptions{});
  if (!s.ok()) {
    l.status = s.status();
    return l;
  }
  std::unique_ptr<BulkLoader> loader = (*s)->NewBulkLoader();
  StatusOr<DatasetCounts> c = GenerateDataset({g_listings, g_seed}, loader.get(), nullptr);
  l.status = c.ok() ? loader->Finish() : c.status();
  loader.reset();
  l.store = std::move(*s);
  return l;
}

const DatasetCatalog& Catalog() {
  static const DatasetCatalog* c = [] {
    auto* cat = new DatasetCatalog;
    (void)GenerateDataset({g_listings, g_seed}, nullptr, cat);
    return cat;
  }();
  return *c;
}

void BM_Pattern(benchmark::State& state, Engine engine, OpKind kind) {
  Loaded& l = StoreFor(engine);
  if (!l.status.ok()) {
    state.SkipWithError(l.status.ToString().c_str());
    return;
  }
  // One trace per pattern, shared by the engines. Google Benchmark calls
  // this function several times (to size the run); each engine continues
  // where it stopped, so writes keep meeting the state they were aimed at.
  static std::map<OpKind, std::vector<Op>> traces;
  static std::map<std::pair<Engine, OpKind>, size_t> positions;
  std::vector<Op>& trace = traces[kind];
  if (trace.empty()) {
    TraceSpec t;
    t.mix[static_cast<int>(kind)] = 1;
    // Decisions need submitted applications and payments approved ones: the
    // trace interleaves the requests that produce them, run untimed.
    if (kind == OpKind::kDecideApplication) t.mix[static_cast<int>(OpKind::kSubmitApplication)] = 1;
    if (kind == OpKind::kRecordPayment) {
      t.mix[static_cast<int>(OpKind::kSubmitApplication)] = 2;
      t.mix[static_cast<int>(OpKind::kDecideApplication)] = 2;
    }
    t.ops = 200000;
    t.seed = g_seed + static_cast<uint64_t>(kind);
    trace = MakeTrace(Catalog(), t);
  }
  Histogram h;
  size_t& i = positions[{engine, kind}];
  uint64_t errors = 0;
  for (auto _ : state) {
    while (KindOf(trace[i]) != kind) {  // a producer request, untimed
      state.PauseTiming();
      (void)RunOp(*l.store, trace[i]);
      if (++i == trace.size()) i = 0;
      state.ResumeTiming();
    }
    const auto start = std::chrono::steady_clock::now();
    const Status s = RunOp(*l.store, trace[i]);
    const auto end = std::chrono::steady_clock::now();
    h.Add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count()));
    if (!s.ok()) {
      if (s.code() == StatusCode::kIOError || s.code() == StatusCode::kCorruption) {
        state.SkipWithError(s.ToString().c_str());
        break;
      }
      ++errors;  // e.g. a state conflict in a write stream: counted, not fatal
    }
    if (++i == trace.size()) i = 0;
  }
  state.counters["p50_us"] = static_cast<double>(h.Percentile(0.50)) / 1000.0;
  state.counters["p99_us"] = static_cast<double>(h.Percentile(0.99)) / 1000.0;
  state.counters["errors"] = static_cast<double>(errors);
}

// A store that answers every request at once with an empty result: what the
// runner costs per request on top of the store call.
class NullStore final : public Store {
 public:
  std::string_view Name() const override { return "null"; }
  std::unique_ptr<BulkLoader> NewBulkLoader() override { return nullptr; }
  Status Clear() override { return Status::OK(); }
  StatusOr<ListingDetail> GetListingDetail(TenantId, EntityId) override { return ListingDetail{}; }
  StatusOr<LandlordPortfolio> GetLandlordPortfolio(TenantId, EntityId) override {
    return LandlordPortfolio{};
  }
  StatusOr<SearchResult> Search(const SearchQuery&) override { return SearchResult{}; }
  StatusOr<ApplicantProfile> GetApplicantProfile(TenantId, EntityId) override {
    return ApplicantProfile{};
  }
  StatusOr<ListingApplications> GetListingApplications(TenantId, EntityId) override {
    return ListingApplications{};
  }
  Status SubmitApplication(const Application&) override { return Status::OK(); }
  Status RecordPayment(const Payment&) override { return Status::OK(); }
  StatusOr<uint64_t> UpdateListing(const ListingUpdate&) override { return uint64_t{1}; }
  Status AddListing(const Listing&, std::span<const Image>) override { return Status::OK(); }
  Status DecideApplication(TenantId, EntityId, bool, int64_t) override { return Status::OK(); }
  Status AddTenant(const Tenant&) override { return Status::OK(); }
  Status AddLandlord(const Landlord&) override { return Status::OK(); }
  Status CheckInvariants(std::vector<std::string>*) override { return Status::OK(); }
  Status ScanEntities(EntityKind, std::string_view, size_t, std::vector<EntityRow>* out) override {
    out->clear();
    return Status::OK();
  }
  StatusOr<Entity> GetEntity(EntityKind, std::string_view) override {
    return Status::NotFound("null store");
  }
  Status PutEntity(const Entity&, bool* applied) override {
    *applied = false;
    return Status::OK();
  }
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override {
    applied->assign(es.size(), 0);
    return Status::OK();
  }
  StatusOr<uint64_t> DiskBytes() override { return uint64_t{0}; }
  IoStats io_stats() const override { return {}; }
  WorkStats work_stats() const override { return {}; }
  BackgroundWork background_work() const override { return {}; }
};

// The runner's own cost per request (bench/harness/runner.h: timing decorator,
// histograms, modelled profiles, series), against a bare loop of RunOp calls
// on the same null store. The difference is what the runner adds to every
// measured latency.
void BM_RunnerOverhead(benchmark::State& state, bool with_runner) {
  static const std::vector<Op> trace = [] {
    TraceSpec t;
    t.mix[static_cast<int>(OpKind::kListingDetail)] = 1;
    t.ops = 10000;
    t.seed = g_seed;
    return MakeTrace(Catalog(), t);
  }();
  NullStore store;
  for (auto _ : state) {
    if (with_runner) {
      RunResult r = RunTrace(store, trace, RunOptions{});
      benchmark::DoNotOptimize(r.measured);
    } else {
      for (const Op& op : trace) benchmark::DoNotOptimize(RunOp(store, op));
    }
  }
  // Seconds per request (printed with an SI prefix, e.g. "95n").
  state.counters["per_request"] = benchmark::Counter(
      static_cast<double>(trace.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * trace.size()));
}

// Reads --listings=N and --seed=S, leaving the rest to Google Benchmark.
void TakeOwnFlags(int* argc, char** argv) {
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    if (std::strncmp(argv[i], "--listings=", 11) == 0) {
      g_listings = std::strtoull(argv[i] + 11, nullptr, 10);
    } else if (std::strncmp(argv[i], "--seed=", 7) == 0) {
      g_seed = std::strtoull(argv[i] + 7, nullptr, 10);
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
}

}  // namespace
}  // namespace listbench

int main(int argc, char** argv) {
  using namespace listbench;
  TakeOwnFlags(&argc, argv);
  if (g_listings == 0) {
    std::fprintf(stderr, "listbench_micro: --listings must be at least 1\n");
    return 2;
  }
  char tmpl[] = "/tmp/listbench-micro-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    std::fprintf(stderr, "listbench_micro: cannot create a temporary directory\n");
    return 3;
  }
  g_dir = tmpl;
  benchmark::AddCustomContext("listings", std::to_string(g_listings));
  benchmark::AddCustomContext("seed", std::to_string(g_seed));
  for (int k = 0; k < kNumOpKinds; ++k) {
    const auto kind = static_cast<OpKind>(k);
    for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
      const std::string name = std::string(OpKindCode(kind)) + "_" + std::string(OpKindName(kind)) +
                               "/" + std::string(EngineName(e)) +
                               "/listings:" + std::to_string(g_listings);
      benchmark::RegisterBenchmark(name.c_str(), BM_Pattern, e, kind)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RegisterBenchmark("runner_overhead/bare_loop", BM_RunnerOverhead, false)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("runner_overhead/run_trace", BM_RunnerOverhead, true)
      ->Unit(benchmark::kMicrosecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_stores.clear();
  std::error_code ec;
  fs::remove_all(g_dir, ec);
  return 0;
}
