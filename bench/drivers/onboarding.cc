#include "bench/drivers/onboarding.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>

#include "util/random.h"

namespace listbench {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t Ns(Clock::duration d) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

void RunPhase(Store& store, std::span<const Op> ops, PhaseStats* stats,
              const std::function<void()>& after_each) {
  for (const Op& op : ops) {
    const Clock::time_point t0 = Clock::now();
    const Status s = RunOp(store, op);
    stats->latency_ns.Add(Ns(Clock::now() - t0));
    if (!s.ok()) ++stats->errors;
    if (s.IsStorageError()) ++stats->storage_errors;
    if (after_each) after_each();
  }
}

// Tallies the cross-tenant probe.
class Probe {
 public:
  explicit Probe(OnboardingResult* r) : r_(r) {}
  // A request that must come back NotFound.
  template <typename T>
  void ExpectNotFound(const StatusOr<T>& got, const std::string& what) {
    ++r_->probe_requests;
    if (got.ok()) {
      Leak(what + " was answered");
    } else if (!got.status().IsNotFound()) {
      Leak(what + " failed with " + got.status().ToString());
    }
  }
  // A search whose hits must all belong (by id range) to the asking tenant.
  void ExpectOwnHits(const StatusOr<SearchResult>& got, bool want_new, EntityId id_base,
                     const std::string& what) {
    ++r_->probe_requests;
    if (!got.ok()) {
      Leak(what + " failed with " + got.status().ToString());
      return;
    }
    for (const SearchHit& h : got->hits) {
      if ((h.listing.id >= id_base) != want_new) {
        Leak(fmt::format("{} returned listing {}", what, h.listing.id));
        return;
      }
    }
  }

 private:
  void Leak(std::string what) {
    ++r_->probe_leaks;
    if (r_->leak_examples.size() < 5) r_->leak_examples.push_back(std::move(what));
  }
  OnboardingResult* r_;
};

}  // namespace

NewTenant MakeNewTenant(const DatasetCatalog& catalog, const OnboardingSpec& spec) {
  NewTenant n;
  Random rng(spec.seed, /*stream=*/0x0b0a);
  const Tenant& model = catalog.tenants.front();
  n.tenant = {static_cast<TenantId>(catalog.tenants.size() + 1), "Onboarded Lettings",
              model.country, model.currency, model.gateway};
  const int64_t now = catalog.max_time + 1;
  for (uint32_t i = 0; i < spec.landlords; ++i) {
    const EntityId id = spec.id_base + i;
    n.landlords.push_back({id, n.tenant.id, fmt::format("Onboarded Landlord {}", i),
                           fmt::format("landlord{}@onboarded.example", i),
                           static_cast<int32_t>(rng.Uniform(51)), now});
  }
  const std::vector<std::string>& cities = catalog.cities_by_tenant.front();
  const size_t n_cities = std::min<size_t>(cities.size(), 8);
  for (uint32_t i = 0; i < spec.listings; ++i) {
    Listing l;
    l.id = spec.id_base + i;
    l.tenant = n.tenant.id;
    l.landlord = spec.id_base + rng.Uniform(std::max<uint32_t>(spec.landlords, 1));
    l.city = cities[rng.Uniform(n_cities)];
    l.postcode = fmt::format("OB{}", i);
    l.bedrooms = static_cast<int32_t>(rng.Uniform(5));
    l.price = 60000 + 500 * static_cast<int64_t>(rng.Uniform(400));
    l.title = fmt::format("Onboarded {}-bed home in {}", l.bedrooms, l.city);
    l.description = "Imported with the tenant.";
    l.status = ListingStatus::kActive;
    l.created = l.updated = now;
    l.version = 1;
    std::vector<Image> imgs;
    const int k = static_cast<int>(rng.Uniform(4));
    for (int p = 0; p < k; ++p) {
      imgs.push_back({l.id, p, fmt::format("https://img.onboarded.example/{}/{}.jpg", l.id, p),
                      1600, 1200, 240000 + p});
    }
    n.listings.push_back(std::move(l));
    n.images.push_back(std::move(imgs));
  }
  return n;
}

namespace {

// The new tenant's data serves: every new listing and landlord is read back.
void ReadNewTenant(Store& store, const NewTenant& nt, OnboardingResult* r) {
  for (const Listing& l : nt.listings) {
    ++r->new_tenant_reads;
    if (store.GetListingDetail(nt.tenant.id, l.id).ok()) ++r->new_tenant_reads_ok;
  }
  for (const Landlord& l : nt.landlords) {
    ++r->new_tenant_reads;
    if (store.GetLandlordPortfolio(nt.tenant.id, l.id).ok()) ++r->new_tenant_reads_ok;
  }
}

// The probe: nobody sees anyone else's entities.
void ProbeIsolation(Store& store, const NewTenant& nt, const DatasetCatalog& catalog,
                    const OnboardingSpec& spec, OnboardingResult* r) {
  Probe probe(r);
  const size_t n_new = std::min<size_t>(spec.probe_sample, nt.listings.size());
  for (TenantId t = 1; t <= catalog.tenants.size(); ++t) {
    for (size_t i = 0; i < n_new; ++i) {
      const EntityId id = nt.listings[i].id;
      probe.ExpectNotFound(store.GetListingDetail(t, id),
                           fmt::format("tenant {}: listing {}", t, id));
      probe.ExpectNotFound(store.GetListingApplications(t, id),
                           fmt::format("tenant {}: applications of listing {}", t, id));
    }
    for (const Landlord& l : nt.landlords) {
      probe.ExpectNotFound(store.GetLandlordPortfolio(t, l.id),
                           fmt::format("tenant {}: landlord {}", t, l.id));
    }
  }
  const size_t n_old = std::min<size_t>(spec.probe_sample, catalog.listings.size());
  for (size_t i = 0; i < n_old; ++i) {
    const EntityId id = 1 + i * catalog.listings.size() / n_old;
    const TenantId me = nt.tenant.id;
    probe.ExpectNotFound(store.GetListingDetail(me, id), fmt::format("new tenant: listing {}", id));
    probe.ExpectNotFound(store.GetLandlordPortfolio(me, catalog.listings[id - 1].landlord),
                         fmt::format("new tenant: landlord {}", catalog.listings[id - 1].landlord));
    const EntityId applicant = 1 + i * catalog.applicant_tenant.size() / n_old;
    if (applicant <= catalog.applicant_tenant.size()) {
      probe.ExpectNotFound(store.GetApplicantProfile(me, applicant),
                           fmt::format("new tenant: applicant {}", applicant));
    }
  }
  const std::vector<std::string>& cities = catalog.cities_by_tenant.front();
  for (size_t c = 0; c < std::min<size_t>(cities.size(), 8); ++c) {
    const SearchQuery mine{nt.tenant.id, cities[c], 0, INT64_MAX, 0, kMaxSearchLimit};
    probe.ExpectOwnHits(store.Search(mine), /*want_new=*/true, spec.id_base,
                        "new tenant: search in " + cities[c]);
    SearchQuery theirs = mine;
    theirs.tenant = catalog.tenants.front().id;
    probe.ExpectOwnHits(store.Search(theirs), /*want_new=*/false, spec.id_base,
                        fmt::format("tenant {}: search in {}", theirs.tenant, cities[c]));
  }
}

}  // namespace

StatusOr<OnboardingResult> RunOnboarding(Store& store, std::span<const Op> trace,
                                         const DatasetCatalog& catalog,
                                         const OnboardingSpec& spec) {
  OnboardingResult r;
  const NewTenant nt = MakeNewTenant(catalog, spec);
  // The onboarding requests, in dependency order.
  std::vector<std::function<Status()>> steps;
  steps.push_back([&] { return store.AddTenant(nt.tenant); });
  for (const Landlord& l : nt.landlords) steps.push_back([&] { return store.AddLandlord(l); });
  for (size_t i = 0; i < nt.listings.size(); ++i) {
    steps.push_back([&, i] { return store.AddListing(nt.listings[i], nt.images[i]); });
  }
  size_t next = 0;
  Status storage_failure;
  Clock::time_point first, last;
  auto step = [&] {
    if (next >= steps.size() || !storage_failure.ok()) return;
    const Clock::time_point t0 = Clock::now();
    if (next == 0) first = t0;
    const Status s = steps[next++]();
    last = Clock::now();
    ++r.onboarding_requests;
    r.longest_onboarding_request_ns = std::max(r.longest_onboarding_request_ns, Ns(last - t0));
    if (!s.ok()) ++r.onboarding_failures;
    if (s.IsStorageError()) storage_failure = s;
  };

  const size_t third = trace.size() / 3;
  RunPhase(store, trace.subspan(0, third), &r.before, nullptr);
  RunPhase(store, trace.subspan(third, third), &r.during, step);
  while (next < steps.size() && storage_failure.ok()) step();
  LB_RETURN_IF_ERROR(storage_failure);
  r.onboarding_seconds = std::chrono::duration<double>(last - first).count();
  RunPhase(store, trace.subspan(2 * third), &r.after, nullptr);

  ReadNewTenant(store, nt, &r);
  ProbeIsolation(store, nt, catalog, spec, &r);
  return r;
}

}  // namespace listbench
