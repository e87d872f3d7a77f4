// A tenant onboarded while the workload runs: its requests interleave with
// the workload's without storage errors, its data serves, and the
// cross-tenant probe finds nothing of one tenant in another's answers -- and
// does find it when a store leaks (the probe can fail).
#include "bench/drivers/onboarding.h"

#include <gtest/gtest.h>

#include "core/store_wrapper.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

class OnboardingTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    auto s = testing::OpenNewStore(GetParam(), tmp_.Sub("store"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto loader = store_->NewBulkLoader();
    ASSERT_TRUE(GenerateDataset({.listings = 300, .seed = 3}, loader.get(), &catalog_).ok());
    ASSERT_TRUE(loader->Finish().ok());
    TraceSpec t;
    t.mix.fill(1);
    t.ops = 600;
    t.seed = 3;
    trace_ = MakeTrace(catalog_, t);
    spec_.landlords = 5;
    spec_.listings = 40;
    spec_.probe_sample = 20;
  }
  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
  DatasetCatalog catalog_;
  std::vector<Op> trace_;
  OnboardingSpec spec_;
};

TEST_P(OnboardingTest, NewTenantServesAndNothingCrossesTenants) {
  auto r = RunOnboarding(*store_, trace_, catalog_, spec_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->onboarding_requests, 1u + 5u + 40u);
  EXPECT_EQ(r->onboarding_failures, 0u);
  EXPECT_EQ(
      r->before.latency_ns.count() + r->during.latency_ns.count() + r->after.latency_ns.count(),
      trace_.size());
  EXPECT_EQ(r->before.storage_errors + r->during.storage_errors + r->after.storage_errors, 0u);
  EXPECT_EQ(r->new_tenant_reads, 45u);
  EXPECT_EQ(r->new_tenant_reads_ok, 45u);
  EXPECT_GT(r->probe_requests, 0u);
  EXPECT_EQ(r->probe_leaks, 0u) << r->leak_examples.front();
  std::vector<std::string> violations;
  ASSERT_TRUE(store_->CheckInvariants(&violations).ok());
  EXPECT_TRUE(violations.empty()) << violations.front();
}

// A store that answers R1 for whichever tenant owns the listing.
class IgnoresTenantOnDetail : public StoreWrapper {
 public:
  IgnoresTenantOnDetail(Store* s, TenantId onboarded) : StoreWrapper(s), onboarded_(onboarded) {}
  StatusOr<ListingDetail> GetListingDetail(TenantId t, EntityId l) override {
    auto r = StoreWrapper::GetListingDetail(t, l);
    if (r.ok() || !r.status().IsNotFound()) return r;
    return StoreWrapper::GetListingDetail(onboarded_, l);
  }

 private:
  TenantId onboarded_;
};

TEST_P(OnboardingTest, ProbeCatchesALeakingStore) {
  IgnoresTenantOnDetail leaky(store_.get(), static_cast<TenantId>(catalog_.tenants.size() + 1));
  auto r = RunOnboarding(leaky, trace_, catalog_, spec_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->probe_leaks, catalog_.tenants.size() * spec_.probe_sample);
  EXPECT_FALSE(r->leak_examples.empty());
}

TEST(OnboardingData, IsDeterministicAndAboveTheDatasetIds) {
  DatasetCatalog c;
  ASSERT_TRUE(GenerateDataset({.listings = 100, .seed = 1}, nullptr, &c).ok());
  OnboardingSpec spec;
  spec.listings = 30;
  const NewTenant a = MakeNewTenant(c, spec), b = MakeNewTenant(c, spec);
  EXPECT_EQ(a.listings, b.listings);
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.tenant.id, c.tenants.size() + 1);
  for (const Listing& l : a.listings) {
    EXPECT_GE(l.id, spec.id_base);
    EXPECT_GE(l.landlord, spec.id_base);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, OnboardingTest,
                         ::testing::Values(Engine::kSqlite, Engine::kRocksDb),
                         [](const auto& p) { return std::string(EngineName(p.param)); });

}  // namespace
}  // namespace listbench
