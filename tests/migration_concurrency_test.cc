// The migration with many threads (migration/migrating_store.h,
// migration/migration_worker.h, bench/drivers/migrate_run.h), at CI scale:
// request threads beside the migration's own thread reach finalized with the
// two stores equal at the final phase change, every compared shadow read
// matching and the new store's invariants intact (`migrate` with four
// request workers: tests/migrate_run_threads_test.cc, which runs the
// listbench binary). Built into the ThreadSanitizer stage: the stores here are
// behind one mutex each (SerializedStore), so what runs concurrently is the
// migration's own state.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/store_wrapper.h"
#include "engine/store_dir.h"
#include "migration/migrating_store.h"
#include "migration/migration_worker.h"
#include "tests/store_test_util.h"
#include "workloads/dataset.h"
#include "workloads/op.h"
#include "workloads/trace.h"
#include "workloads/workload_spec.h"

namespace listbench {
namespace {

using testing::TempDir;

constexpr uint64_t kListings = 200;

std::string Workload() { return std::string(LISTBENCH_SOURCE_DIR) + "/workloads/mixed.toml"; }

// A store used by one thread at a time, whatever its engine allows.
class SerializedStore : public StoreWrapper {
  std::mutex mu_;
  template <typename F>
  auto Locked(F f) -> decltype(f()) {
    std::lock_guard<std::mutex> lock(mu_);
    return f();
  }

 public:
  using StoreWrapper::StoreWrapper;
  StatusOr<ListingDetail> GetListingDetail(TenantId t, EntityId l) override {
    return Locked([&] { return target()->GetListingDetail(t, l); });
  }
  StatusOr<LandlordPortfolio> GetLandlordPortfolio(TenantId t, EntityId l) override {
    return Locked([&] { return target()->GetLandlordPortfolio(t, l); });
  }
  StatusOr<SearchResult> Search(const SearchQuery& q) override {
    return Locked([&] { return target()->Search(q); });
  }
  StatusOr<ApplicantProfile> GetApplicantProfile(TenantId t, EntityId a) override {
    return Locked([&] { return target()->GetApplicantProfile(t, a); });
  }
  StatusOr<ListingApplications> GetListingApplications(TenantId t, EntityId l) override {
    return Locked([&] { return target()->GetListingApplications(t, l); });
  }
  Status SubmitApplication(const Application& a) override {
    return Locked([&] { return target()->SubmitApplication(a); });
  }
  Status RecordPayment(const Payment& p) override {
    return Locked([&] { return target()->RecordPayment(p); });
  }
  StatusOr<uint64_t> UpdateListing(const ListingUpdate& u) override {
    return Locked([&] { return target()->UpdateListing(u); });
  }
  Status AddListing(const Listing& l, std::span<const Image> images) override {
    return Locked([&] { return target()->AddListing(l, images); });
  }
  Status DecideApplication(TenantId t, EntityId a, bool approve, int64_t now) override {
    return Locked([&] { return target()->DecideApplication(t, a, approve, now); });
  }
  Status CheckInvariants(std::vector<std::string>* v) override {
    return Locked([&] { return target()->CheckInvariants(v); });
  }
  Status ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                      std::vector<EntityRow>* out) override {
    return Locked([&] { return target()->ScanEntities(kind, after, limit, out); });
  }
  StatusOr<Entity> GetEntity(EntityKind kind, std::string_view key) override {
    return Locked([&] { return target()->GetEntity(kind, key); });
  }
  Status PutEntity(const Entity& e, bool* applied) override {
    return Locked([&] { return target()->PutEntity(e, applied); });
  }
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override {
    return Locked([&] { return target()->PutEntities(es, applied); });
  }
};

// The backfill's chunk writes take a while, as at scale: requests run far
// ahead of the Steps meanwhile.
class SlowChunks : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return target()->PutEntities(es, applied);
  }
};

MigrationOptions SmallOptions() {
  MigrationOptions o;
  o.dual_write_steps = 50;
  o.chunk_rows = 100;
  o.verifier_pages_per_step = 8;
  o.spi = SpiOptions{.window = 100, .target_latency_us = 1e9, .min_samples = 40};
  o.max_hold_steps = 0;
  o.cutover_steps = 100;
  return o;
}

TEST(MigrationConcurrency, RequestThreadsBesideTheMigrationWorkerReachFinalizedInStep) {
  TempDir tmp;
  DatasetSpec spec;
  spec.listings = kListings;
  spec.seed = 1;
  StoreOptions o;
  DatasetCatalog catalog;
  std::filesystem::create_directory(tmp.Sub("legacy"));
  std::filesystem::create_directory(tmp.Sub("new"));
  std::unique_ptr<Store> legacy = OpenStore(Engine::kSqlite, tmp.Sub("legacy"), o).value();
  {
    auto loader = legacy->NewBulkLoader();
    ASSERT_TRUE(GenerateDataset(spec, loader.get(), &catalog).ok());
    ASSERT_TRUE(loader->Finish().ok());
  }
  std::unique_ptr<Store> target = OpenStore(Engine::kRocksDb, tmp.Sub("new"), o).value();
  StatusOr<WorkloadSpec> w = ParseWorkloadFile(Workload());
  ASSERT_TRUE(w.ok());
  const std::vector<Op> trace = MakeTrace(catalog, TraceSpecFor(*w, 60000, 7));
  SerializedStore slegacy(legacy.get()), serialized_target(target.get());
  SlowChunks starget(&serialized_target);

  MigrationOptions mo = SmallOptions();
  std::mutex final_mu;
  std::optional<StatusOr<VerifierReport>> final_diff;
  mo.on_final_diff = [&](const StatusOr<VerifierReport>& d, std::chrono::steady_clock::duration) {
    std::lock_guard<std::mutex> lock(final_mu);
    final_diff = d;
  };
  auto opened = MigratingStore::Open(&slegacy, &starget, tmp.Sub("migration"), mo);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MigratingStore& m = **opened;
  ASSERT_TRUE(m.Begin().ok());

  MigrationWorker worker(&m, /*requests_per_step=*/1);
  constexpr uint64_t kThreads = 3;
  std::atomic<uint64_t> served{0};
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Writes stay in trace order, on thread 0 (their timestamps are the
      // entities' versions); reads are dealt round-robin.
      for (size_t i = 0; i < trace.size() && !worker.done(); ++i) {
        const bool write = IsWrite(KindOf(trace[i]));
        if (write ? t != 0 : i % kThreads != t) continue;
        (void)ExecuteOp(m, trace[i]);
        served.fetch_add(1);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  worker.Stop();
  ASSERT_TRUE(worker.status().ok()) << worker.status().ToString();
  ASSERT_EQ(m.phase(), MigrationPhase::kFinalized)
      << served.load() << " requests; last gate: " << m.status().last_gate
      << "; last diff: " << m.status().last_diff.value_or(0);
  const MigrationCounters c = m.counters();
  EXPECT_EQ(c.requests, served.load());
  EXPECT_GT(c.backfill_rows, 0u);
  EXPECT_GT(c.shadow_reads, 0u);
  EXPECT_EQ(c.shadow_mismatches, 0u);
  EXPECT_GT(c.new_store_reads, 0u);
  // The pace holds in every phase: each Step after a phase's first began
  // once at least one request (requests_per_step) was served since the
  // previous one, so cutover's Steps saw as many requests, not a burst.
  const std::vector<PhaseChange> changes = m.transitions();
  auto at = [&](MigrationPhase p) {
    return std::find_if(changes.begin(), changes.end(),
                        [p](const PhaseChange& pc) { return pc.to == p; });
  };
  const auto cut = at(MigrationPhase::kCutover), fin = at(MigrationPhase::kFinalized);
  ASSERT_NE(cut, changes.end());
  ASSERT_NE(fin, changes.end());
  EXPECT_GE(fin->step - cut->step, SmallOptions().cutover_steps);
  EXPECT_GE(fin->requests - cut->requests + 1, fin->step - cut->step)
      << "cutover from step " << cut->step << " request " << cut->requests << " to step "
      << fin->step << " request " << fin->requests;
  // The stores were equal when the migration finalized.
  std::lock_guard<std::mutex> lock(final_mu);
  ASSERT_TRUE(final_diff.has_value());
  ASSERT_TRUE(final_diff->ok()) << final_diff->status().ToString();
  EXPECT_EQ((*final_diff)->differences(), 0u);
  std::vector<std::string> violations;
  ASSERT_TRUE(target->CheckInvariants(&violations).ok());
  EXPECT_TRUE(violations.empty()) << violations.front();
}

}  // namespace
}  // namespace listbench
