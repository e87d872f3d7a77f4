// The second tier of benchmarks (RocksDB's microbench/ style): every access
// pattern R1-R5 and W1-W5 on each engine, as Google Benchmark cases named
// <code>_<pattern>/<engine>/listings:<N>. The timed region of an iteration
// is exactly one call of that pattern that succeeds; p50/p99 of the
// per-request latency are reported as counters next to Google Benchmark's
// mean, and `errors` (failed timed calls) must read 0: any failure stops
// the benchmark with SkipWithError and the call's error.
//
//   Reads replay the next request of a pre-generated trace of that pattern
//   only (aimed at the dataset as the verify stream is, without must-fail
//   requests), so the engines see the same requests.
//   Writes time only successful writes, each on fresh keys: before the
//   timed loop, every request of the run is built from the state the
//   engine's earlier write benchmarks left (WriteState: the next free ids,
//   each listing's status and version), and any setup it needs is run
//   then, untimed -- W2 pays an application submitted and approved for it,
//   W5 decides one submitted for it. W1 submits a new application to an
//   active listing, W3 updates a listing at its current version, W4 adds a
//   new listing with 0-3 images.
//
//   build/listbench_micro --benchmark_format=json [--listings=N] [--seed=S]
//
// Stores are loaded once per engine into a temporary directory (removed at
// exit); setup is not timed.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <span>
#include <string>

#include "bench/harness/histogram.h"
#include "bench/harness/runner.h"
#include "engine/store_dir.h"
#include "util/random.h"
#include "workloads/dataset.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

uint64_t g_listings = 20000;
uint64_t g_seed = 1;
fs::path g_dir;

const DatasetCatalog& Catalog() {
  static const DatasetCatalog* c = [] {
    auto* cat = new DatasetCatalog;
    (void)GenerateDataset({g_listings, g_seed}, nullptr, cat);
    return cat;
  }();
  return *c;
}

// What one engine's store holds beyond the catalog, as its write
// benchmarks left it, so that every write they build succeeds: each
// listing's status, price and version (W3 changes them, W4 adds listings),
// and the next free ids. A failed write stops its benchmark, so the state
// never drifts from the store unnoticed.
struct WriteState {
  explicit WriteState(const DatasetCatalog& c)
      : listings(c.listings),
        next_application(c.applications.size() + 1),
        next_payment(c.payments + 1),
        now(c.max_time),
        rng(g_seed, 7) {
    applicants_by_tenant.resize(c.tenants.size());
    for (size_t i = 0; i < c.applicant_tenant.size(); ++i) {
      applicants_by_tenant[c.applicant_tenant[i] - 1].push_back(i + 1);
    }
  }
  std::vector<DatasetCatalog::ListingInfo> listings;  // [listing id - 1]
  std::vector<std::vector<EntityId>> applicants_by_tenant;
  EntityId next_application;
  EntityId next_payment;
  int64_t now;
  Random rng;
};

struct Loaded {
  std::unique_ptr<Store> store;
  Status status;
  std::unique_ptr<WriteState> writes;
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
  l.writes = std::make_unique<WriteState>(Catalog());
  return l;
}

// Runs ops[next], ops[next + 1], ... (wrapping) as the timed iterations,
// each timed alone, and leaves *next after the last one run. The first
// failed call stops the benchmark with SkipWithError.
void TimedLoop(benchmark::State& state, Store& store, std::span<const Op> ops, size_t* next) {
  Histogram h;
  uint64_t errors = 0;
  for (auto _ : state) {
    const Op& op = ops[*next];
    const auto start = std::chrono::steady_clock::now();
    const Status s = RunOp(store, op);
    const auto end = std::chrono::steady_clock::now();
    h.Add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count()));
    if (++*next == ops.size()) *next = 0;
    if (!s.ok()) {
      ++errors;
      state.SkipWithError(
          fmt::format("{} failed: {}", OpKindCode(KindOf(op)), s.ToString()).c_str());
      break;
    }
  }
  state.counters["p50_us"] = static_cast<double>(h.Percentile(0.50)) / 1000.0;
  state.counters["p99_us"] = static_cast<double>(h.Percentile(0.99)) / 1000.0;
  state.counters["errors"] = static_cast<double>(errors);
}

void BM_Read(benchmark::State& state, Engine engine, OpKind kind) {
  Loaded& l = StoreFor(engine);
  if (!l.status.ok()) {
    state.SkipWithError(l.status.ToString().c_str());
    return;
  }
  // One trace per pattern, shared by the engines. Google Benchmark calls
  // this function several times (to size the run); each engine continues
  // where it stopped.
  static std::map<OpKind, std::vector<Op>> traces;
  static std::map<std::pair<Engine, OpKind>, size_t> positions;
  std::vector<Op>& trace = traces[kind];
  if (trace.empty()) {
    TraceSpec t;
    t.mix[static_cast<int>(kind)] = 1;
    t.ops = 200000;
    t.seed = g_seed + static_cast<uint64_t>(kind);
    trace = MakeTrace(Catalog(), t);
  }
  TimedLoop(state, *l.store, trace, &positions[{engine, kind}]);
}

// ---- Write requests -----------------------------------------------------------

// A new application (fresh id) to an active listing, by an applicant of the
// listing's tenant.
StatusOr<Application> NewApplication(WriteState& w) {
  for (int tries = 0; tries < 100000; ++tries) {
    const EntityId id = w.rng.Uniform(w.listings.size()) + 1;
    const DatasetCatalog::ListingInfo& l = w.listings[id - 1];
    const std::vector<EntityId>& applicants = w.applicants_by_tenant[l.tenant - 1];
    if (l.status != ListingStatus::kActive || applicants.empty()) continue;
    const int64_t now = ++w.now;
    return Application{
        w.next_application++,          l.tenant, id, applicants[w.rng.Uniform(applicants.size())],
        ApplicationStatus::kSubmitted, now,      now};
  }
  return Status::NotFound("no active listing with an applicant of its tenant");
}

// A new application, submitted (and approved if `approve`) now: setup, not
// timed.
StatusOr<Application> SubmittedApplication(Store& store, WriteState& w, bool approve) {
  StatusOr<Application> a = NewApplication(w);
  if (!a.ok()) return a.status();
  LB_RETURN_IF_ERROR(store.SubmitApplication(*a));
  if (approve) LB_RETURN_IF_ERROR(store.DecideApplication(a->tenant, a->id, true, ++w.now));
  return a;
}

// A payment (fresh id) of the listing's price for application `a`.
Payment NewPayment(WriteState& w, const Application& a) {
  const Tenant& t = Catalog().tenants[a.tenant - 1];
  return {w.next_payment++,
          a.tenant,
          a.id,
          w.listings[a.listing - 1].price,
          t.currency,
          t.gateway,
          PaymentStatus::kCaptured,
          ++w.now};
}

// An update of a listing at its current version, drawn as the trace draws
// W3 (a new price, a new status, or both), applied to the state.
ListingUpdate NewUpdate(WriteState& w) {
  const EntityId id = w.rng.Uniform(w.listings.size()) + 1;
  DatasetCatalog::ListingInfo& l = w.listings[id - 1];
  ListingUpdate u{l.tenant, id, l.version, std::nullopt, std::nullopt, ++w.now};
  const uint64_t what = w.rng.Uniform(3);
  if (what != 1) {
    u.price =
        std::max<int64_t>(500, l.price + (static_cast<int64_t>(w.rng.Uniform(41)) - 20) * 500);
    l.price = *u.price;
  }
  if (what != 0) {
    static constexpr std::array<double, 3> kTo = {60, 25, 15};  // active, let, withdrawn
    u.status = static_cast<ListingStatus>(Discrete(kTo).Sample(w.rng));
    l.status = *u.status;
  }
  ++l.version;
  return u;
}

// A new listing (fresh id) of a landlord, in one of its tenant's cities,
// with 0-3 images, added to the state.
AddListingOp NewListing(WriteState& w) {
  const DatasetCatalog& c = Catalog();
  AddListingOp op;
  Listing& l = op.listing;
  l.id = w.listings.size() + 1;
  l.landlord = w.rng.Uniform(c.landlord_tenant.size()) + 1;
  l.tenant = c.landlord_tenant[l.landlord - 1];
  const std::vector<std::string>& cities = c.cities_by_tenant[l.tenant - 1];
  l.city = cities[w.rng.Uniform(std::min<size_t>(cities.size(), 8))];
  l.postcode = fmt::format("MICRO{}", l.id);
  l.bedrooms = static_cast<int32_t>(w.rng.Uniform(5));
  l.price = 60000 + 500 * static_cast<int64_t>(w.rng.Uniform(400));
  l.title = fmt::format("New {}-bed home in {}", l.bedrooms, l.city);
  l.description = "Just listed.";
  l.created = l.updated = ++w.now;
  const int n_images = static_cast<int>(w.rng.Uniform(4));
  for (int p = 0; p < n_images; ++p) {
    op.images.push_back({l.id, p,
                         fmt::format("https://img.listbench.example/micro/{}/{}.jpg", l.id, p),
                         1600, 1200, 250000 + p});
  }
  const auto city = std::find(c.cities.begin(), c.cities.end(), l.city);
  w.listings.push_back({l.tenant, l.landlord, static_cast<uint32_t>(city - c.cities.begin()),
                        l.price, ListingStatus::kActive, 1});
  return op;
}

// The request of one iteration of write benchmark `kind`, after running the
// setup it needs.
StatusOr<Op> NextWrite(Store& store, WriteState& w, OpKind kind) {
  switch (kind) {
    case OpKind::kSubmitApplication: {
      StatusOr<Application> a = NewApplication(w);
      if (!a.ok()) return a.status();
      return Op(SubmitApplicationOp{*a});
    }
    case OpKind::kRecordPayment: {
      StatusOr<Application> a = SubmittedApplication(store, w, /*approve=*/true);
      if (!a.ok()) return a.status();
      return Op(RecordPaymentOp{NewPayment(w, *a)});
    }
    case OpKind::kUpdateListing:
      return Op(UpdateListingOp{NewUpdate(w)});
    case OpKind::kAddListing:
      return Op(NewListing(w));
    case OpKind::kDecideApplication: {
      StatusOr<Application> a = SubmittedApplication(store, w, /*approve=*/false);
      if (!a.ok()) return a.status();
      return Op(DecideApplicationOp{a->tenant, a->id, w.rng.Bernoulli(0.6), ++w.now});
    }
    default:
      return Status::InvalidArgument(fmt::format("{} is not a write", OpKindCode(kind)));
  }
}

void BM_Write(benchmark::State& state, Engine engine, OpKind kind) {
  Loaded& l = StoreFor(engine);
  if (!l.status.ok()) {
    state.SkipWithError(l.status.ToString().c_str());
    return;
  }
  // Every request of this run, with its setup done, before the timed loop.
  std::vector<Op> ops;
  ops.reserve(static_cast<size_t>(state.max_iterations));
  for (benchmark::IterationCount n = 0; n < state.max_iterations; ++n) {
    StatusOr<Op> op = NextWrite(*l.store, *l.writes, kind);
    if (!op.ok()) {
      state.SkipWithError(("setup failed: " + op.status().ToString()).c_str());
      return;
    }
    ops.push_back(std::move(*op));
  }
  size_t next = 0;
  TimedLoop(state, *l.store, ops, &next);
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
      benchmark::RegisterBenchmark(name.c_str(), IsWrite(kind) ? BM_Write : BM_Read, e, kind)
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
