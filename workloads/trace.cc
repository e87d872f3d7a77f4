// Each op is drawn as a kind (the mix) and then, with probability must_fail,
// as a "must fail" variant of that kind; the entity it touches is drawn by
// the key distribution.
#include "workloads/trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/validate.h"
#include "util/random.h"
#include "workloads/key_chooser.h"

namespace listbench {
namespace {

// The verify mix: weights of R1..R5, W1..W5.
constexpr std::array<double, kNumOpKinds> kVerifyMix = {14, 8, 14, 8, 8, 12, 8, 12, 6, 10};
constexpr double kVerifyMustFail = 0.12;

class TraceBuilder {
 public:
  TraceBuilder(const DatasetCatalog& c, const TraceSpec& spec)
      : c_(c),
        spec_(spec),
        rng_(spec.seed, 100),
        listing_keys_(spec.keys, c.listings.size()),
        landlord_keys_(spec.keys, c.landlord_tenant.size()),
        applicant_keys_(spec.keys, c.applicant_tenant.size()),
        listings_(c.listings),
        applications_(c.applications) {
    listings_by_tenant_.resize(c.tenants.size());
    for (size_t i = 0; i < listings_.size(); ++i) {
      listings_by_tenant_[listings_[i].tenant - 1].push_back(i + 1);
    }
    for (size_t i = 0; i < applications_.size(); ++i) Track(i + 1);
    next_payment_ = c.payments + 1;
    now_ = c.max_time;
  }

  std::vector<Op> Build(uint64_t n) {
    const Discrete kind_pick(spec_.mix);
    std::vector<Op> ops;
    ops.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      now_ += 1 + static_cast<int64_t>(rng_.Uniform(60));
      const auto kind = static_cast<OpKind>(kind_pick.Sample(rng_));
      const bool fail = spec_.must_fail > 0 && rng_.Bernoulli(spec_.must_fail);
      ops.push_back(Make(kind, fail));
    }
    return ops;
  }

 private:
  Op Make(OpKind kind, bool fail) {
    switch (kind) {
      case OpKind::kListingDetail: {
        const auto [t, id] = ListingRef(fail);
        return ListingDetailOp{t, id};
      }
      case OpKind::kLandlordPortfolio:
        return Portfolio(fail);
      case OpKind::kSearch:
        return SearchFor(fail);
      case OpKind::kApplicantProfile:
        return Profile(fail);
      case OpKind::kListingApplications: {
        const auto [t, id] = ListingRef(fail);
        return ListingApplicationsOp{t, id};
      }
      case OpKind::kSubmitApplication:
        return Submit(fail);
      case OpKind::kRecordPayment:
        return Pay(fail);
      case OpKind::kUpdateListing:
        return Update(fail);
      case OpKind::kAddListing:
        return AddListing(fail);
      case OpKind::kDecideApplication:
        return Decide(fail);
    }
    return ListingDetailOp{};
  }

  // ---- helpers -------------------------------------------------------------
  TenantId OtherTenant(TenantId t) {
    const auto n = static_cast<TenantId>(c_.tenants.size());
    if (n == 1) return t;  // cannot happen with the generator's 12 tenants
    return static_cast<TenantId>((t - 1 + 1 + rng_.Uniform(n - 1)) % n + 1);
  }
  EntityId AnyListing() { return rng_.Uniform(listings_.size()) + 1; }
  // The entity an operation is about, by the key distribution.
  EntityId KeyListing() { return listing_keys_.Pick(rng_, listings_.size()) + 1; }
  EntityId KeyLandlord() { return landlord_keys_.Pick(rng_, c_.landlord_tenant.size()) + 1; }
  EntityId KeyApplicant() { return applicant_keys_.Pick(rng_, c_.applicant_tenant.size()) + 1; }
  EntityId AnyApplication() { return rng_.Uniform(applications_.size()) + 1; }
  // A listing reference: found, or (must fail) another tenant's or missing.
  std::pair<TenantId, EntityId> ListingRef(bool fail) {
    const EntityId id = KeyListing();
    const TenantId t = listings_[id - 1].tenant;
    if (!fail) return {t, id};
    if (rng_.Bernoulli(0.5)) return {OtherTenant(t), id};
    return {t, listings_.size() + 1000 + rng_.Uniform(1000)};
  }

  void Track(EntityId app) {
    const auto s = applications_[app - 1].status;
    if (s == ApplicationStatus::kSubmitted) submitted_.push_back(app);
    if (s == ApplicationStatus::kApproved) approved_.push_back(app);
  }
  // Draws from `pool` an application still in `status`, dropping stale ones.
  EntityId DrawInStatus(std::vector<EntityId>& pool, ApplicationStatus status) {
    while (!pool.empty()) {
      const size_t i = rng_.Uniform(pool.size());
      const EntityId id = pool[i];
      if (applications_[id - 1].status == status) return id;
      pool[i] = pool.back();
      pool.pop_back();
    }
    return AnyApplication();
  }

  // ---- reads ---------------------------------------------------------------
  Op Portfolio(bool fail) {
    const EntityId id = KeyLandlord();
    TenantId t = c_.landlord_tenant[id - 1];
    if (!fail) return LandlordPortfolioOp{t, id};
    if (rng_.Bernoulli(0.5)) return LandlordPortfolioOp{OtherTenant(t), id};
    return LandlordPortfolioOp{t, c_.landlord_tenant.size() + 1 + rng_.Uniform(1000)};
  }

  Op Profile(bool fail) {
    const EntityId id = KeyApplicant();
    const TenantId t = c_.applicant_tenant[id - 1];
    if (!fail) return ApplicantProfileOp{t, id};
    if (rng_.Bernoulli(0.5)) return ApplicantProfileOp{OtherTenant(t), id};
    return ApplicantProfileOp{t, c_.applicant_tenant.size() + 1 + rng_.Uniform(1000)};
  }

  Op SearchFor(bool fail) {
    // Aim at a real listing's city and price so that most searches find hits.
    const auto& l = listings_[KeyListing() - 1];
    SearchQuery q;
    q.tenant = l.tenant;
    q.city = c_.cities[l.city];
    q.min_price = std::max<int64_t>(0, l.price - static_cast<int64_t>(rng_.Uniform(40000)));
    q.max_price = l.price + static_cast<int64_t>(rng_.Uniform(60000));
    q.min_bedrooms = static_cast<int32_t>(rng_.Uniform(4));
    static constexpr std::array<int32_t, 4> kLimits = {5, 10, 20, 50};
    q.limit = kLimits[rng_.Uniform(kLimits.size())];
    if (rng_.Bernoulli(0.05)) q.tenant = OtherTenant(q.tenant);  // usually another market: empty
    if (fail) {
      switch (rng_.Uniform(3)) {
        case 0:
          q.limit = rng_.Bernoulli(0.5) ? 0 : kMaxSearchLimit + 1;
          break;
        case 1:
          std::swap(q.min_price, q.max_price);
          q.min_price += 1;
          break;
        default:
          q.min_bedrooms = -1;
          break;
      }
    }
    return SearchOp{q};
  }

  // ---- writes --------------------------------------------------------------
  Op Submit(bool fail) {
    Application a;
    a.id = applications_.size() + 1;
    a.applicant = KeyApplicant();
    a.tenant = c_.applicant_tenant[a.applicant - 1];
    const auto& pool = listings_by_tenant_[a.tenant - 1];
    a.listing = pool[rng_.Uniform(pool.size())];
    // Mostly aim at an active listing; the rest tests the Conflict.
    for (int tries = 0; tries < 4 && listings_[a.listing - 1].status != ListingStatus::kActive;
         ++tries) {
      a.listing = pool[rng_.Uniform(pool.size())];
    }
    a.submitted = now_;
    if (fail) {
      switch (rng_.Uniform(4)) {
        case 0:
          a.id = AnyApplication();
          break;  // duplicate id: Conflict
        case 1:
          a.listing = listings_.size() + 500;
          break;  // NotFound listing
        case 2:
          a.tenant = OtherTenant(a.tenant);
          break;  // NotFound listing/applicant
        default:
          a.applicant = c_.applicant_tenant.size() + 500;
          break;  // NotFound applicant
      }
    }
    if (Ok(a)) {
      applications_.push_back({a.tenant, a.listing, a.applicant, ApplicationStatus::kSubmitted});
      submitted_.push_back(a.id);
    }
    return SubmitApplicationOp{a};
  }
  bool Ok(const Application& a) const {
    if (a.id <= applications_.size()) return false;
    if (a.listing > listings_.size() || listings_[a.listing - 1].tenant != a.tenant) return false;
    if (a.applicant > c_.applicant_tenant.size() ||
        c_.applicant_tenant[a.applicant - 1] != a.tenant) {
      return false;
    }
    return listings_[a.listing - 1].status == ListingStatus::kActive;
  }

  Op Pay(bool fail) {
    // Mostly approved applications; sometimes an already paid one (a second
    // payment is allowed).
    EntityId app = rng_.Bernoulli(0.85) ? DrawInStatus(approved_, ApplicationStatus::kApproved)
                                        : AnyApplication();
    Payment p;
    p.id = next_payment_;
    p.application = app;
    p.tenant = applications_[app - 1].tenant;
    const auto& tenant = c_.tenants[p.tenant - 1];
    p.currency = tenant.currency;
    p.gateway = tenant.gateway;
    p.amount = listings_[applications_[app - 1].listing - 1].price;
    p.status = PaymentStatus::kCaptured;
    p.created = now_;
    if (fail) {
      switch (rng_.Uniform(4)) {
        case 0:
          p.amount = -static_cast<int64_t>(rng_.Uniform(2));
          break;  // InvalidArgument
        case 1:
          p.tenant = OtherTenant(p.tenant);
          break;  // NotFound
        case 2:
          p.id = 1 + rng_.Uniform(next_payment_ - 1 == 0 ? 1 : next_payment_ - 1);
          break;
        default:
          p.application = applications_.size() + 700;
          break;  // NotFound
      }
    }
    const bool ok = ValidateRecordPayment(p).ok() && p.application <= applications_.size() &&
                    applications_[p.application - 1].tenant == p.tenant &&
                    (applications_[p.application - 1].status == ApplicationStatus::kApproved ||
                     applications_[p.application - 1].status == ApplicationStatus::kPaid) &&
                    p.id >= next_payment_;
    if (ok) {
      applications_[p.application - 1].status = ApplicationStatus::kPaid;
      ++next_payment_;
    }
    return RecordPaymentOp{p};
  }

  Op Update(bool fail) {
    const EntityId id = KeyListing();
    auto& l = listings_[id - 1];
    ListingUpdate u;
    u.tenant = l.tenant;
    u.listing = id;
    u.expected_version = l.version;
    u.now = now_;
    const uint64_t what = rng_.Uniform(3);
    if (what != 1) {
      u.price =
          std::max<int64_t>(500, l.price + (static_cast<int64_t>(rng_.Uniform(41)) - 20) * 500);
    }
    if (what != 0) {
      static constexpr std::array<double, 3> kTo = {60, 25, 15};
      u.status = static_cast<ListingStatus>(Discrete(kTo).Sample(rng_));
    }
    if (fail) {
      switch (rng_.Uniform(4)) {
        case 0:
          u.expected_version = l.version + 1 + rng_.Uniform(2);
          break;  // stale: Conflict
        case 1:
          u.tenant = OtherTenant(u.tenant);
          break;  // NotFound
        case 2:
          u.price.reset();
          u.status.reset();
          break;  // InvalidArgument
        default:
          u.price = 0;
          break;  // InvalidArgument
      }
    }
    const bool ok =
        ValidateUpdateListing(u).ok() && u.tenant == l.tenant && u.expected_version == l.version;
    if (ok) {
      if (u.price) l.price = *u.price;
      if (u.status) l.status = *u.status;
      ++l.version;
    }
    return UpdateListingOp{u};
  }

  Op AddListing(bool fail) {
    AddListingOp op;
    Listing& l = op.listing;
    l.id = listings_.size() + 1;
    l.landlord = KeyLandlord();
    l.tenant = c_.landlord_tenant[l.landlord - 1];
    const auto& cities = c_.cities_by_tenant[l.tenant - 1];
    const uint32_t city_in_tenant =
        static_cast<uint32_t>(rng_.Uniform(std::min<size_t>(cities.size(), 8)));
    l.city = cities[city_in_tenant];
    l.postcode = fmt::format("NEW{}", l.id);
    l.bedrooms = static_cast<int32_t>(rng_.Uniform(5));
    l.price = 60000 + 500 * static_cast<int64_t>(rng_.Uniform(400));
    l.title = fmt::format("New {}-bed home in {}", l.bedrooms, l.city);
    l.description = "Just listed.";
    l.status = ListingStatus::kActive;
    l.created = l.updated = now_;
    l.version = 1;
    const int n_images = static_cast<int>(rng_.Uniform(4));
    for (int p = 0; p < n_images; ++p) {
      op.images.push_back({l.id, p,
                           fmt::format("https://img.listbench.example/new/{}/{}.jpg", l.id, p),
                           1600, 1200, 250000 + p});
    }
    if (fail) {
      switch (rng_.Uniform(5)) {
        case 0:
          l.id = AnyListing();
          for (auto& img : op.images) img.listing = l.id;
          break;
        case 1:
          l.tenant = OtherTenant(l.tenant);
          break;  // NotFound landlord
        case 2:
          l.price = 0;
          break;  // InvalidArgument
        case 3:
          l.title.clear();
          break;  // InvalidArgument
        default:  // InvalidArgument: positions with a gap
          op.images.push_back(
              {l.id, n_images + 1, "https://img.listbench.example/gap.jpg", 1, 1, 1});
          break;
      }
    }
    const bool ok = ValidateAddListing(l, op.images).ok() && l.id == listings_.size() + 1 &&
                    l.tenant == c_.landlord_tenant[l.landlord - 1];
    if (ok) {
      // City index in the catalog's global list.
      const auto it = std::find(c_.cities.begin(), c_.cities.end(), l.city);
      listings_.push_back({l.tenant, l.landlord, static_cast<uint32_t>(it - c_.cities.begin()),
                           l.price, l.status, l.version});
      listings_by_tenant_[l.tenant - 1].push_back(l.id);
    }
    return op;
  }

  Op Decide(bool fail) {
    const EntityId app = rng_.Bernoulli(0.9)
                             ? DrawInStatus(submitted_, ApplicationStatus::kSubmitted)
                             : AnyApplication();
    DecideApplicationOp d{applications_[app - 1].tenant, app, rng_.Bernoulli(0.6), now_};
    if (fail) {
      switch (rng_.Uniform(2)) {
        case 0:
          d.tenant = OtherTenant(d.tenant);
          break;
        default:
          d.application = applications_.size() + 900;
          break;
      }
    }
    const bool ok = d.application <= applications_.size() &&
                    applications_[d.application - 1].tenant == d.tenant &&
                    applications_[d.application - 1].status == ApplicationStatus::kSubmitted;
    if (ok) {
      applications_[app - 1].status =
          d.approve ? ApplicationStatus::kApproved : ApplicationStatus::kRejected;
      if (d.approve) approved_.push_back(app);
    }
    return d;
  }

  const DatasetCatalog& c_;
  const TraceSpec spec_;
  Random rng_;
  const KeyChooser listing_keys_, landlord_keys_, applicant_keys_;
  std::vector<DatasetCatalog::ListingInfo> listings_;
  std::vector<DatasetCatalog::ApplicationInfo> applications_;
  std::vector<std::vector<EntityId>> listings_by_tenant_;
  std::vector<EntityId> submitted_, approved_;
  EntityId next_payment_ = 1;
  int64_t now_ = 0;
};

}  // namespace

std::vector<Op> MakeTrace(const DatasetCatalog& catalog, const TraceSpec& spec) {
  if (catalog.listings.empty() || catalog.applications.empty() ||
      catalog.applicant_tenant.empty()) {
    return {};
  }
  return TraceBuilder(catalog, spec).Build(spec.ops);
}

TraceSpec TraceSpecFor(const WorkloadSpec& w, uint64_t ops, uint64_t seed) {
  TraceSpec t;
  t.mix = w.mix;
  t.keys = w.keys;
  t.ops = ops;
  t.seed = seed;
  return t;
}

std::vector<Op> MakeVerifyTrace(const DatasetCatalog& catalog, const VerifyTraceSpec& spec) {
  TraceSpec t;
  t.mix = kVerifyMix;
  t.must_fail = kVerifyMustFail;
  t.ops = spec.ops;
  t.seed = spec.seed;
  return MakeTrace(catalog, t);
}

}  // namespace listbench
