// The migration (migration/migrating_store.h, bench/drivers/migrate_run.h) at CI scale: every
// phase transition in order with every answer equal to a plain legacy
// store's; a rollback after cutover that leaves the legacy store equal to
// the new one; the canary gate holding (and rolling back) on a low Service
// Performance Index; a stale backfill copy never replacing a newer dual
// write; a state file from another format refused untouched; the state
// file's round trip and its in-flight record (torn records ignored); the
// canary controller's seeded draws and its gate on no evidence; and the whole
// migration killed at every crash site in turn -- and at seeded sites with
// I/O errors on the new store -- and resumed with no failed request, no lost
// write and no difference.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/drivers/migrate_run.h"
#include "core/canonical.h"
#include "core/store_wrapper.h"
#include "engine/store_dir.h"
#include "migration/canary_controller.h"
#include "migration/migrating_store.h"
#include "migration/state_file.h"
#include "sim/scenario.h"
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

// Small settings: every phase is reached within a few thousand requests.
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

// A legacy store, a clone of it as the reference, an empty new store and
// a trace of the mixed workload.
struct Fixture {
  TempDir tmp;
  std::unique_ptr<Store> legacy, reference, target;
  std::vector<Op> trace;

  explicit Fixture(uint64_t ops) {
    DatasetSpec spec;
    spec.listings = kListings;
    spec.seed = 1;
    StoreOptions o;
    DatasetCatalog catalog;
    std::filesystem::create_directory(tmp.Sub("base"));
    std::filesystem::create_directory(tmp.Sub("new"));
    {
      auto s = OpenStore(Engine::kSqlite, tmp.Sub("base"), o);
      if (!s.ok()) {
        ADD_FAILURE() << s.status().ToString();
        return;
      }
      auto loader = (*s)->NewBulkLoader();
      EXPECT_TRUE(GenerateDataset(spec, loader.get(), &catalog).ok());
      EXPECT_TRUE(loader->Finish().ok());
    }
    EXPECT_TRUE(CloneStore(Engine::kSqlite, tmp.Sub("base"), tmp.Sub("legacy")).ok());
    EXPECT_TRUE(CloneStore(Engine::kSqlite, tmp.Sub("base"), tmp.Sub("reference")).ok());
    legacy = OpenStore(Engine::kSqlite, tmp.Sub("legacy"), o).value();
    reference = OpenStore(Engine::kSqlite, tmp.Sub("reference"), o).value();
    target = OpenStore(Engine::kRocksDb, tmp.Sub("new"), o).value();
    StatusOr<WorkloadSpec> w = ParseWorkloadFile(Workload());
    EXPECT_TRUE(w.ok());
    trace = MakeTrace(catalog, TraceSpecFor(*w, ops, 7));
  }

  // The new store holds what the reference holds, and its invariants.
  void ExpectTargetHoldsTheReference() {
    Verifier v(reference.get(), target.get());
    VerifierCheckpoint c;
    ASSERT_TRUE(v.Run(&c).ok());
    EXPECT_EQ(c.report.differences(), 0u);
    std::vector<std::string> violations;
    ASSERT_TRUE(target->CheckInvariants(&violations).ok());
    EXPECT_TRUE(violations.empty()) << violations.front();
  }

  std::unique_ptr<MigratingStore> Open(MigrationOptions o, Store* target_override = nullptr) {
    auto m = MigratingStore::Open(legacy.get(), target_override ? target_override : target.get(),
                                  tmp.Sub("migration"), std::move(o));
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(*m) : nullptr;
  }

  // Runs requests (each also on the reference, answers compared) with one
  // Step after each, until the migration reaches a final phase and `after`
  // more requests ran, or the trace ends. Returns the number of requests.
  size_t Drive(MigratingStore& m, size_t after = 50,
               std::optional<MigrationPhase> until = std::nullopt) {
    EXPECT_TRUE(m.Begin().ok());
    size_t i = 0, final_at = SIZE_MAX;
    for (; i < trace.size(); ++i) {
      if (until && m.phase() == *until) break;
      const std::string got = ExecuteOp(m, trace[i]);
      const std::string want = ExecuteOp(*reference, trace[i]);
      EXPECT_EQ(got, want) << "request " << i << " " << DescribeOp(trace[i]) << " in phase "
                           << MigrationPhaseName(m.phase());
      if (got != want) break;
      Status s = m.Step();
      EXPECT_TRUE(s.ok()) << s.ToString();
      const bool final =
          m.phase() == MigrationPhase::kFinalized || m.phase() == MigrationPhase::kRolledBack;
      if (final && final_at == SIZE_MAX) final_at = i;
      if (final && i >= final_at + after) break;
    }
    return i;
  }
};

std::vector<std::string> PhasesOf(const MigratingStore& m) {
  std::vector<std::string> out;
  for (const PhaseChange& c : m.transitions()) out.emplace_back(MigrationPhaseName(c.to));
  return out;
}

TEST(Migration, EveryPhaseInOrderWithEveryAnswerUnchanged) {
  Fixture f(30000);
  auto m = f.Open(SmallOptions());
  ASSERT_NE(m, nullptr);
  f.Drive(*m);
  ASSERT_EQ(m->phase(), MigrationPhase::kFinalized);
  const std::vector<std::string> want = {"dual_write", "backfill", "shadow_verify", "canary",
                                         "canary",     "canary",   "canary",        "canary",
                                         "cutover",    "finalized"};
  EXPECT_EQ(PhasesOf(*m), want);
  // The canary served reads from the new store, and every shadowed read
  // matched.
  EXPECT_GT(m->counters().new_store_reads, 0u);
  EXPECT_GT(m->counters().shadow_reads, 0u);
  EXPECT_EQ(m->counters().shadow_mismatches, 0u);
  EXPECT_GT(m->counters().backfill_rows, 0u);
  // The new store, the source of truth now, holds what the reference holds.
  f.ExpectTargetHoldsTheReference();
  // Finalized: the point of no return.
  EXPECT_EQ(m->Rollback("too late").code(), StatusCode::kInvalidArgument);
}

// A bulk loader that fails its first AddApplication (an I/O error).
class FailingOnceLoader : public BulkLoader {
 public:
  FailingOnceLoader(std::unique_ptr<BulkLoader> inner, bool fail)
      : inner_(std::move(inner)), fail_(fail) {}
  Status AddTenant(const Tenant& t) override { return inner_->AddTenant(t); }
  Status AddLandlord(const Landlord& l) override { return inner_->AddLandlord(l); }
  Status AddListing(const Listing& l, std::span<const Image> images) override {
    return inner_->AddListing(l, images);
  }
  Status AddApplicant(const Applicant& a) override { return inner_->AddApplicant(a); }
  Status AddApplication(const Application& a) override {
    if (fail_) return Status::IOError("injected: bulk loader write");
    return inner_->AddApplication(a);
  }
  Status AddPayment(const Payment& p) override { return inner_->AddPayment(p); }
  Status Finish() override { return inner_->Finish(); }

 private:
  std::unique_ptr<BulkLoader> inner_;
  bool fail_;
};

// The new store, whose first bulk loader fails.
class FirstLoaderFails : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  std::unique_ptr<BulkLoader> NewBulkLoader() override {
    return std::make_unique<FailingOnceLoader>(target()->NewBulkLoader(), loaders_++ == 0);
  }
  int loaders_ = 0;
};

TEST(Migration, BulkCopyRecordsDualWritesAndStartsAgainAfterAFailedLoad) {
  Fixture f(30000);
  FirstLoaderFails target(f.target.get());
  MigrationOptions o = SmallOptions();
  ASSERT_EQ(o.backfill, BackfillMode::kBulk);  // the default
  auto m = f.Open(o, &target);
  ASSERT_NE(m, nullptr);
  f.Drive(*m);
  ASSERT_EQ(m->phase(), MigrationPhase::kFinalized);
  const MigrationCounters c = m->counters();
  EXPECT_EQ(target.loaders_, 2);
  EXPECT_EQ(c.backfill_restarts, 1u);
  // Writes during the copy were recorded, not copied, and copied after it.
  EXPECT_GT(c.bulk_recorded, 0u);
  EXPECT_GT(c.bulk_copied, 0u);
  EXPECT_EQ(c.backfill_chunk_fallbacks, 0u);
  EXPECT_EQ(c.shadow_mismatches, 0u);
  f.ExpectTargetHoldsTheReference();
}

// Entities whose parents arrive after the copy passed their place (a new
// listing, then an application for it) are left out of the load and come
// with the recorded writes.
TEST(Migration, BulkCopyLeavesOutChildrenOfParentsItDidNotSee) {
  Fixture f(10);
  MigrationOptions o = SmallOptions();
  o.dual_write_steps = 1;
  o.chunk_rows = 100000;  // one chunk per kind
  auto m = f.Open(o);
  ASSERT_NE(m, nullptr);
  ASSERT_TRUE(m->Begin().ok());
  ASSERT_TRUE(m->Step().ok());  // -> backfill
  ASSERT_TRUE(m->Step().ok());  // empties the new store, opens the loader
  // Tenants, landlords, listings (with images), applicants: the copy has
  // passed the listings.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(m->Step().ok());
  StatusOr<Entity> first = f.legacy->GetEntity(EntityKind::kListing, EntityKey(1));
  ASSERT_TRUE(first.ok());
  Listing l = std::get<Listing>(*first);
  l.id = 900001;
  l.version = 1;
  l.status = ListingStatus::kActive;
  const Image img{l.id, 0, "https://img.example/900001-0.jpg", 800, 600, 120000};
  ASSERT_TRUE(m->AddListing(l, std::span<const Image>(&img, 1)).ok());
  ASSERT_TRUE(f.reference->AddListing(l, std::span<const Image>(&img, 1)).ok());
  std::vector<EntityRow> applicants;
  ASSERT_TRUE(f.legacy->ScanEntities(EntityKind::kApplicant, "", 1000, &applicants).ok());
  Applicant who;
  for (const EntityRow& r : applicants) {
    if (std::get<Applicant>(r.entity).tenant == l.tenant) who = std::get<Applicant>(r.entity);
  }
  ASSERT_NE(who.id, 0u);
  const Application a{900002, l.tenant, l.id, who.id, ApplicationStatus::kSubmitted, 1, 1};
  ASSERT_TRUE(m->SubmitApplication(a).ok());
  ASSERT_TRUE(f.reference->SubmitApplication(a).ok());
  for (int i = 0; i < 20 && m->phase() == MigrationPhase::kBackfill; ++i) {
    ASSERT_TRUE(m->Step().ok());
  }
  EXPECT_NE(m->phase(), MigrationPhase::kBackfill);
  EXPECT_GE(m->counters().bulk_skipped, 1u);  // the application
  EXPECT_GE(m->counters().bulk_recorded, 2u);
  f.ExpectTargetHoldsTheReference();
}

TEST(Migration, ABackfillIsResumedOnlyInItsOwnMode) {
  Fixture f(10);
  {
    auto m = f.Open(SmallOptions());
    ASSERT_NE(m, nullptr);
    ASSERT_TRUE(m->Begin().ok());
  }
  MigrationOptions o = SmallOptions();
  o.backfill = BackfillMode::kChecked;
  auto m = MigratingStore::Open(f.legacy.get(), f.target.get(), f.tmp.Sub("migration"), o);
  ASSERT_EQ(m.status().code(), StatusCode::kInvalidArgument) << m.status().ToString();
  EXPECT_NE(m.status().message().find("mode bulk"), std::string::npos) << m.status().ToString();
}

TEST(Migration, RollbackAfterCutoverLeavesTheLegacyStoreComplete) {
  Fixture f(30000);
  MigrationOptions o = SmallOptions();
  o.rollback_after_cutover = true;
  auto m = f.Open(o);
  ASSERT_NE(m, nullptr);
  f.Drive(*m, /*after=*/0);  // stop at the rollback: afterwards only the legacy store is written
  ASSERT_EQ(m->phase(), MigrationPhase::kRolledBack);
  ASSERT_TRUE(m->last_diff().has_value());  // the rollback's own diff
  EXPECT_EQ(m->last_diff()->differences(), 0u);
  std::vector<std::string> phases = PhasesOf(*m);
  ASSERT_GE(phases.size(), 2u);
  EXPECT_EQ(phases[phases.size() - 2], "cutover");
  // Writes taken during cutover went to the new store first and back to the
  // legacy store: the two are equal, and equal to the reference.
  StatusOr<VerifierReport> d = m->DiffNow();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->differences(), 0u);
  Verifier v(f.reference.get(), f.legacy.get());
  VerifierCheckpoint c;
  ASSERT_TRUE(v.Run(&c).ok());
  EXPECT_EQ(c.report.differences(), 0u);
}

// Answers every search with one hit fewer: the shadow reads disagree.
class DropsASearchHit : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  StatusOr<SearchResult> Search(const SearchQuery& q) override {
    StatusOr<SearchResult> r = target()->Search(q);
    if (r.ok() && !r->hits.empty()) r->hits.pop_back();
    return r;
  }
};

TEST(Migration, GateHoldsOnALowIndexAndRollsBack) {
  Fixture f(20000);
  DropsASearchHit bad(f.target.get());
  MigrationOptions o = SmallOptions();
  o.max_hold_steps = 300;
  auto m = f.Open(o, &bad);
  ASSERT_NE(m, nullptr);
  f.Drive(*m, 10);
  // Never served a read from the new store: the gate held in shadow verify
  // until the hold limit, then rolled back.
  EXPECT_EQ(m->phase(), MigrationPhase::kRolledBack);
  EXPECT_EQ(m->counters().new_store_reads, 0u);
  EXPECT_GT(m->counters().gate_holds, 300u);
  EXPECT_GT(m->counters().shadow_mismatches, 0u);
  const std::vector<std::string> phases = PhasesOf(*m);
  EXPECT_EQ(std::count(phases.begin(), phases.end(), "canary"), 0);
  EXPECT_NE(m->status().last_gate.find("SPI"), std::string::npos) << m->status().last_gate;
  EXPECT_TRUE(std::filesystem::exists(f.tmp.Sub("migration/shadow-mismatches.log")));
}

TEST(Migration, AStaleBackfillCopyNeverReplacesANewerDualWrite) {
  Fixture f(10);
  MigrationOptions o = SmallOptions();
  o.backfill = BackfillMode::kChecked;
  o.dual_write_steps = 1;
  o.chunk_rows = 100000;  // one chunk per kind: read in one Step, written in the next
  auto m = f.Open(o);
  ASSERT_NE(m, nullptr);
  ASSERT_TRUE(m->Begin().ok());
  ASSERT_TRUE(m->Step().ok());  // -> backfill
  ASSERT_EQ(m->phase(), MigrationPhase::kBackfill);
  // Between each read and write of a chunk, update listing 1 and decide an
  // application, so both kinds' chunks are stale when written.
  StatusOr<Entity> l = f.legacy->GetEntity(EntityKind::kListing, EntityKey(1));
  ASSERT_TRUE(l.ok());
  uint64_t version = std::get<Listing>(*l).version;
  EntityId submitted = 0;
  std::vector<EntityRow> apps;
  ASSERT_TRUE(f.legacy->ScanEntities(EntityKind::kApplication, "", 100000, &apps).ok());
  for (const EntityRow& r : apps) {
    if (std::get<Application>(r.entity).status == ApplicationStatus::kSubmitted) {
      submitted = std::get<Application>(r.entity).id;
      break;
    }
  }
  ASSERT_NE(submitted, 0u);
  const TenantId tenant = std::get<Listing>(*l).tenant;
  for (int i = 0; i < 40 && m->phase() == MigrationPhase::kBackfill; ++i) {
    ListingUpdate u;
    u.tenant = tenant;
    u.listing = 1;
    u.expected_version = version;
    u.price = 100000 + i;
    u.now = 2000000000 + i;
    StatusOr<uint64_t> v = m->UpdateListing(u);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    version = *v;
    if (i == 10) {
      const Application a = std::get<Application>(
          f.legacy->GetEntity(EntityKind::kApplication, EntityKey(submitted)).value());
      ASSERT_TRUE(m->DecideApplication(a.tenant, submitted, true, 2000000100).ok());
    }
    ASSERT_TRUE(m->Step().ok());
  }
  EXPECT_EQ(m->phase(), MigrationPhase::kShadowVerify);
  // Some copies were older than what dual write had put there, and skipped.
  EXPECT_LT(m->counters().backfill_applied, m->counters().backfill_rows);
  StatusOr<Entity> nl = f.target->GetEntity(EntityKind::kListing, EntityKey(1));
  ASSERT_TRUE(nl.ok());
  EXPECT_EQ(std::get<Listing>(*nl).version, version);
  StatusOr<Entity> na = f.target->GetEntity(EntityKind::kApplication, EntityKey(submitted));
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(std::get<Application>(*na).status, ApplicationStatus::kApproved);
  StatusOr<VerifierReport> d = m->DiffNow();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->differences(), 0u);
}

TEST(Migration, RollbackFromEveryPhaseBeforeFinalize) {
  for (MigrationPhase p :
       {MigrationPhase::kDualWrite, MigrationPhase::kBackfill, MigrationPhase::kShadowVerify,
        MigrationPhase::kCanary, MigrationPhase::kCutover}) {
    SCOPED_TRACE(std::string(MigrationPhaseName(p)));
    Fixture f(30000);
    auto m = f.Open(SmallOptions());
    ASSERT_NE(m, nullptr);
    const size_t served = f.Drive(*m, 0, p);
    ASSERT_EQ(m->phase(), p);
    ASSERT_TRUE(m->Rollback("asked").ok());
    EXPECT_EQ(m->phase(), MigrationPhase::kRolledBack);
    // The legacy store serves again, holding exactly what the reference
    // holds, and takes the next requests alone.
    for (size_t i = served; i < served + 200; ++i) {
      EXPECT_EQ(ExecuteOp(*m, f.trace[i]), ExecuteOp(*f.reference, f.trace[i]));
    }
    Verifier v(f.reference.get(), f.legacy.get());
    VerifierCheckpoint c;
    ASSERT_TRUE(v.Run(&c).ok());
    EXPECT_EQ(c.report.differences(), 0u);
  }
}

// Counts the entities PutEntity and PutEntities send to the new store.
class CountsPuts : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  Status PutEntity(const Entity& e, bool* applied) override {
    ++puts;
    return target()->PutEntity(e, applied);
  }
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override {
    puts += es.size();
    return target()->PutEntities(es, applied);
  }
  uint64_t puts = 0;
};

// A crash site that ends the process in the drills ends the Step here.
struct Killed : std::runtime_error {
  Killed() : std::runtime_error("killed") {}
};

TEST(Migration, ResumeAfterACrashRedoesAtMostOneChunk) {
  Fixture f(10);
  uint64_t total = 0;
  for (int k = 0; k < kNumEntityKinds; ++k) {
    std::vector<EntityRow> rows;
    ASSERT_TRUE(f.legacy->ScanEntities(static_cast<EntityKind>(k), "", 1000000, &rows).ok());
    total += rows.size();
  }
  MigrationOptions o = SmallOptions();
  o.backfill = BackfillMode::kChecked;
  o.dual_write_steps = 1;
  o.chunk_rows = 100;
  CountsPuts before(f.target.get());
  uint64_t committed = 0;  // puts of the first five chunks
  {
    int written = 0;
    MigrationOptions ko = o;
    ko.crash_hook = [&](CrashSite s) {
      if (s != CrashSite::kChunkWritten) return;
      if (++written == 5) committed = before.puts;  // its checkpoint follows
      if (written == 6) throw Killed();
    };
    auto m = f.Open(ko, &before);
    ASSERT_NE(m, nullptr);
    ASSERT_TRUE(m->Begin().ok());
    EXPECT_THROW(for (;;) ASSERT_TRUE(m->Step().ok()), Killed);
  }  // the process is gone: nothing after the kill ran
  CountsPuts after(f.target.get());
  auto m = f.Open(o, &after);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->phase(), MigrationPhase::kBackfill);
  EXPECT_EQ(m->counters().resumes, 1u);
  for (int i = 0; i < 10000 && m->phase() == MigrationPhase::kBackfill; ++i) {
    ASSERT_TRUE(m->Step().ok());
  }
  EXPECT_EQ(m->phase(), MigrationPhase::kShadowVerify);
  // Six chunks were written before the kill, the sixth without its
  // checkpoint: resuming redoes that one chunk and nothing else.
  const uint64_t sixth = before.puts - committed;
  EXPECT_GT(sixth, 0u);
  EXPECT_LE(sixth, 100u);
  EXPECT_EQ(after.puts, total - committed);
  EXPECT_EQ(before.puts + after.puts, total + sixth);
  StatusOr<VerifierReport> d = m->DiffNow();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->differences(), 0u);
}

TEST(Migration, BackfillBacksOffOnTheForegroundP99AndKeepsItsRate) {
  Fixture f(2000);
  MigrationOptions o = SmallOptions();
  o.backfill = BackfillMode::kChecked;
  o.dual_write_steps = 1;
  o.backoff_p99_us = 1e-6;  // every request is slower than this: always back off
  auto m = f.Open(o);
  ASSERT_NE(m, nullptr);
  // The p99 needs evidence (100 requests) before it can hold the backfill.
  for (size_t i = 300; i < 450; ++i) (void)ExecuteOp(*m, f.trace[i]);
  ASSERT_TRUE(m->Begin().ok());
  for (size_t i = 0; i < 300; ++i) {
    (void)ExecuteOp(*m, f.trace[i]);
    ASSERT_TRUE(m->Step().ok());
  }
  EXPECT_EQ(m->phase(), MigrationPhase::kBackfill);
  EXPECT_EQ(m->counters().backfill_rows, 0u);
  EXPECT_GT(m->counters().backfill_backoff_steps, 200u);

  // Rate limit on a fake clock: 1,000 rows/s in chunks of 100 and 0.01 s
  // per Step allow one chunk read every 10 Steps; unlimited, a chunk would
  // be read every second Step.
  Fixture g(10);
  auto now = std::chrono::steady_clock::time_point{};
  MigrationOptions r = SmallOptions();
  r.backfill = BackfillMode::kChecked;
  r.dual_write_steps = 1;
  r.chunk_rows = 100;
  r.backfill_rows_per_s = 1000;
  r.clock = [&now] { return now; };
  auto rm = g.Open(r);
  ASSERT_NE(rm, nullptr);
  ASSERT_TRUE(rm->Begin().ok());
  ASSERT_TRUE(rm->Step().ok());  // -> backfill
  for (int i = 0; i < 40; ++i) {
    now += std::chrono::milliseconds(10);
    ASSERT_TRUE(rm->Step().ok());
  }
  EXPECT_GT(rm->counters().backfill_rows, 0u);
  EXPECT_LE(rm->counters().backfill_rows, 400u);  // 0.4 s at 1,000 rows/s
  EXPECT_GE(rm->counters().backfill_rate_waits, 30u);
}

TEST(Migration, StateFromAnotherFormatIsRefusedUntouched) {
  Fixture f(10);
  std::filesystem::create_directories(f.tmp.Sub("migration"));
  const std::string path = f.tmp.Sub("migration/migration-state.json");
  const std::string text = "{\"format\": \"listbench-migration-state/99\"}\n";
  std::ofstream(path) << text;
  auto m =
      MigratingStore::Open(f.legacy.get(), f.target.get(), f.tmp.Sub("migration"), SmallOptions());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(m.status().message().find("migration-state.json"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(path), text);
  std::ofstream(path) << "not json";
  m = MigratingStore::Open(f.legacy.get(), f.target.get(), f.tmp.Sub("migration"), SmallOptions());
  EXPECT_EQ(m.status().code(), StatusCode::kCorruption);
}

TEST(MigrationStateFile, RoundTripAndInflightRecord) {
  TempDir tmp;
  MigrationStateFile file(tmp.path());
  MigrationState s;
  bool found = true;
  ASSERT_TRUE(file.Load(5, &s, &found).ok());
  EXPECT_FALSE(found);
  s.phase = MigrationPhase::kCanary;
  s.canary_index = 2;
  s.backfill_kind = 3;
  s.backfill_last_key = std::string("k\0\xff", 3);
  s.transitions.push_back({MigrationPhase::kDualWrite, 0, 10, "begin"});
  s.counters.steps = 42;
  int before_rename = 0;
  ASSERT_TRUE(file.Save(7, s, [&] { ++before_rename; }).ok());
  EXPECT_EQ(before_rename, 1);
  MigrationState back;
  ASSERT_TRUE(file.Load(5, &back, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(back.phase, MigrationPhase::kCanary);
  EXPECT_EQ(back.canary_index, 2u);
  EXPECT_EQ(back.backfill_kind, 3);
  EXPECT_EQ(back.backfill_last_key, s.backfill_last_key);
  ASSERT_EQ(back.transitions.size(), 1u);
  EXPECT_EQ(back.transitions[0].reason, "begin");
  EXPECT_EQ(back.counters.steps, 42u);
  // A canary step beyond the shares set is refused.
  EXPECT_EQ(file.Load(2, &back, &found).code(), StatusCode::kInvalidArgument);

  ASSERT_TRUE(file.OpenInflight().ok());
  const TouchedEntities touched = {{EntityKind::kListing, EntityKey(5)},
                                   {EntityKind::kApplication, EntityKey(9)}};
  StatusOr<uint64_t> token = file.AddInflight(touched);
  ASSERT_TRUE(token.ok());
  StatusOr<std::optional<TouchedEntities>> read = file.ReadInflight();
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(**read, touched);
  // A second write in progress: the record holds both; each leaves it alone.
  const TouchedEntities other = {{EntityKind::kTenant, EntityKey(3)}};
  StatusOr<uint64_t> token2 = file.AddInflight(other);
  ASSERT_TRUE(token2.ok());
  read = file.ReadInflight();
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, (TouchedEntities{touched[0], touched[1], other[0]}));
  file.RemoveInflight(*token);
  read = file.ReadInflight();
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, other);
  file.RemoveInflight(*token2);
  read = file.ReadInflight();
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
  // A torn record (its checksum does not match) announced a write that never
  // started.
  ASSERT_TRUE(file.AddInflight(touched).ok());
  {
    std::fstream f(tmp.Sub("inflight"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(13);
    f.put('X');
  }
  read = file.ReadInflight();
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
}

TEST(CanaryController, SeededDrawsAndNoGateWithoutADiff) {
  MigrationOptions o = SmallOptions();
  o.canary_shares = {0.5, 1.0};
  MigrationCounterSet counters;
  CanaryController a(&o, &counters), b(&o, &counters);
  int to_new = 0;
  for (int i = 0; i < 1000; ++i) {
    const bool draw = a.DrawNewStore();
    EXPECT_EQ(draw, b.DrawNewStore());
    to_new += draw ? 1 : 0;
  }
  EXPECT_GT(to_new, 400);
  EXPECT_LT(to_new, 600);
  const CanaryDecision d = a.JudgeCanary(0, std::nullopt);
  EXPECT_EQ(d.action, CanaryDecision::Action::kStay);
  EXPECT_EQ(a.last_gate(), "no complete diff yet");
  a.Restore(1);
  EXPECT_EQ(a.share(), 1.0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(a.DrawNewStore());
}

MigrateConfig SmallRun(const TempDir& tmp) {
  MigrateConfig c;
  c.binary = LISTBENCH_BINARY;
  c.listings = kListings;
  c.workload_file = Workload();
  c.seed = 3;
  c.work_dir = tmp.path();
  c.ops_before = 300;
  c.ops_after = 50;
  c.max_ops = 60000;
  c.step_every = 1;
  c.migration = SmallOptions();
  return c;
}

// The migration process reads its scenario from a file.
StatusOr<Scenario> WriteScenario(const TempDir& tmp, const std::string& text) {
  const std::string path = tmp.Sub("scenario.toml");
  std::ofstream(path) << text;
  return ParseScenarioFile(path);
}

void ExpectClean(const MigrateResult& r, const std::string& final_phase) {
  EXPECT_EQ(r.final_phase, final_phase);
  EXPECT_EQ(r.failed_requests, 0u) << (r.failures.empty() ? "" : r.failures.front());
  EXPECT_EQ(r.lost_writes, 0u);
  EXPECT_GT(r.acknowledged_writes, 0u);
  EXPECT_EQ(r.reference_differences, 0u);
  ASSERT_TRUE(r.final_diff.has_value());
  EXPECT_EQ(r.final_diff->differences(), 0u);
  EXPECT_FALSE(r.Failed());
}

TEST(MigrateRun, KilledAtEveryCrashSiteInTurnAndResumed) {
  TempDir tmp;
  MigrateConfig c = SmallRun(tmp);
  // I/O errors on the new store until cutover, so that copies fail and the
  // repair-queue sites are reached too.
  StatusOr<Scenario> sc =
      WriteScenario(tmp,
                    "name = \"t\"\nkind = \"migration\"\n"
                    "[[fault]]\nkind = \"write_error\"\none_in = 4\nmax_fires = 8\nfrom_op = 0\n");
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  c.scenario = *sc;
  // Short degraded spells: the writes after a failed copy queue their copies
  // for 10 Steps, not 100, so the canary's shadow reads are soon current.
  c.migration.degraded_steps = 10;
  c.crash_each_site = true;
  c.migration.backfill = BackfillMode::kChecked;
  StatusOr<MigrateResult> r = RunMigrate(c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectClean(*r, "finalized");
  std::set<std::string> hit(r->crash_sites.begin(), r->crash_sites.end());
  for (int s = 0; s < kNumCrashSites; ++s) {
    EXPECT_TRUE(hit.count(std::string(CrashSiteName(static_cast<CrashSite>(s)))))
        << "never killed at " << CrashSiteName(static_cast<CrashSite>(s));
  }
  EXPECT_EQ(r->crashes, static_cast<uint64_t>(kNumCrashSites));
}

// The bulk copy killed at every crash site in turn, with write errors on the
// new store (fewer than above: every failed loader write starts the copy
// again from an emptied store).
TEST(MigrateRun, BulkCopyKilledAtEveryCrashSiteInTurnAndResumed) {
  TempDir tmp;
  MigrateConfig c = SmallRun(tmp);
  StatusOr<Scenario> sc =
      WriteScenario(tmp,
                    "name = \"t\"\nkind = \"migration\"\n"
                    "[[fault]]\nkind = \"write_error\"\none_in = 40\nmax_fires = 4\nfrom_op = 0\n");
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  c.scenario = *sc;
  c.migration.degraded_steps = 10;
  c.crash_each_site = true;
  ASSERT_EQ(c.migration.backfill, BackfillMode::kBulk);
  // The bulk copy runs as one Step while the request workers go on
  // unpaced, so the requests it takes depend on the machine's load (about
  // 30,000 here, more than 60,000 on a loaded 2-core machine): a trace long
  // enough that the copy always finishes within it.
  c.max_ops = 150000;
  StatusOr<MigrateResult> r = RunMigrate(c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectClean(*r, "finalized");
  EXPECT_EQ(r->crashes, static_cast<uint64_t>(kNumCrashSites));
}

TEST(MigrateRun, SeededKillsWithIoErrorsOnTheNewStore) {
  TempDir tmp;
  MigrateConfig c = SmallRun(tmp);
  StatusOr<Scenario> sc =
      WriteScenario(tmp,
                    "name = \"t\"\nkind = \"migration\"\ncrashes = 6\ncrash_one_in = 60\n"
                    "[[fault]]\nkind = \"write_error\"\none_in = 20\nmax_fires = 50\nfrom_op = 0\n"
                    "until_op = 2000\n");
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  c.scenario = *sc;
  StatusOr<MigrateResult> r = RunMigrate(c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectClean(*r, "finalized");
  EXPECT_EQ(r->crashes, 6u);
  // Copies failed on the new store (or, while it was degraded after a
  // failure, were queued for the drain), went to the repair queue and were
  // drained. The counters come from the last saved state, so a failure in a
  // process killed before its next save may be missing from copy_failures.
  const nlohmann::json& counters = r->migration["counters"];
  EXPECT_GT(counters["copy_failures"].get<uint64_t>() + counters["deferred_copies"].get<uint64_t>(),
            0u)
      << counters.dump();
  EXPECT_GT(counters["repairs_done"].get<uint64_t>(), 0u) << counters.dump();
}

}  // namespace
}  // namespace listbench
