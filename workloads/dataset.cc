// The generator. Each entity kind draws from its own PRNG stream, so the
// stages are independent of one another; within a stage, draws happen in a
// fixed order per entity. Any change to what is drawn or how must bump
// kGeneratorVersion (the golden test in tests/dataset_test.cc catches it).
#include "workloads/dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "util/random.h"
#include "workloads/places.h"

namespace listbench {
namespace {

constexpr int64_t kEpoch = 1546300800;  // 2019-01-01T00:00:00Z
constexpr int64_t kDay = 86400;
constexpr int64_t kYear = 365 * kDay;

// Ratios to the number of listings (420,000 at full scale).
constexpr double kListingsPerLandlord = 14.0;      // ~30,000 landlords
constexpr double kApplicantsPerListing = 0.476;    // ~200,000
constexpr double kApplicationsPerListing = 0.714;  // ~300,000

struct TenantSeed {
  const char* name;
  const char* country;
  double weight;  // share of landlords and listings
};
constexpr std::array<TenantSeed, 12> kTenants = {{
    {"Harbour Lettings", "GB", 16},
    {"Northern Homes", "GB", 11},
    {"Capital Rentals", "GB", 9},
    {"Thistle Property", "GB", 6},
    {"Westcountry Lets", "GB", 4},
    {"Liffey Lettings", "IE", 5},
    {"Kanal Wohnen", "DE", 10},
    {"Rhein Mieten", "DE", 6},
    {"Clé en Main Location", "FR", 9},
    {"Grachtenhuis Verhuur", "NL", 7},
    {"Casa Alquiler", "ES", 9},
    {"Affitti Italia", "IT", 8},
}};

// Median monthly rent of a two-bedroom flat in the largest city, in whole
// currency units, per market (order of Markets()).
double BaseRent(std::string_view country) {
  if (country == "GB") return 1500;
  if (country == "IE") return 1900;
  if (country == "DE") return 1300;
  if (country == "FR") return 1200;
  if (country == "NL") return 1700;
  if (country == "ES") return 1100;
  return 1000;  // IT
}

// Image count 0..6, mean ~2.6.
constexpr std::array<double, 7> kImageCountWeights = {13, 15, 21, 21, 15, 9, 6};
constexpr std::array<double, 6> kBedroomWeights = {5, 25, 35, 22, 10, 3};
constexpr std::array<double, 3> kListingStatusWeights = {70, 22, 8};  // active, let, withdrawn
// submitted, approved, rejected, withdrawn, paid
constexpr std::array<double, 5> kApplicationStatusWeights = {22, 12, 18, 8, 40};
constexpr std::array<double, 3> kPaymentsPerPaidWeights = {25, 42, 33};  // 1, 2, 3 payments
constexpr std::array<int32_t, 5> kImageWidths = {1024, 1280, 1600, 2048, 4032};

uint64_t Scaled(uint64_t listings, double ratio) {
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(listings * ratio)));
}

std::string PersonName(Random& rng) {
  const auto first = FirstNames();
  const auto last = LastNames();
  return fmt::format("{} {}", first[rng.Uniform(first.size())], last[rng.Uniform(last.size())]);
}

std::string Description(Random& rng) {
  const auto phrases = DescriptionPhrases();
  const int n = static_cast<int>(rng.Range(3, 6));
  std::string d;
  for (int i = 0; i < n; ++i) {
    if (i > 0) d += ' ';
    d += phrases[rng.Uniform(phrases.size())];
  }
  return d;
}

int64_t RoundTo(double v, int64_t unit) {
  return std::max<int64_t>(unit, static_cast<int64_t>(std::llround(v / unit)) * unit);
}

// A payment still to be emitted once every application has been.
struct PendingPayments {
  EntityId application;
  TenantId tenant;
  int64_t rent;
  int64_t first_time;
  int count;
};

class Generator {
 public:
  Generator(const DatasetSpec& spec, BulkLoader* loader, DatasetCatalog* catalog,
            const ProgressFn& progress)
      : spec_(spec), loader_(loader), catalog_(catalog), progress_(progress) {}

  StatusOr<DatasetCounts> Run() {
    LB_RETURN_IF_ERROR(Tenants());
    LB_RETURN_IF_ERROR(Landlords());
    LB_RETURN_IF_ERROR(Listings());
    LB_RETURN_IF_ERROR(Applicants());
    LB_RETURN_IF_ERROR(Applications());
    LB_RETURN_IF_ERROR(Payments());
    if (catalog_ != nullptr) catalog_->max_time = max_time_;
    return counts_;
  }

 private:
  const Market& MarketOf(TenantId t) const { return *tenant_market_[t - 1]; }
  void Seen(int64_t t) { max_time_ = std::max(max_time_, t); }

  Status Tenants() {
    std::vector<double> weights;
    for (size_t i = 0; i < kTenants.size(); ++i) {
      const TenantSeed& s = kTenants[i];
      const Market* market = nullptr;
      for (const Market& m : Markets()) {
        if (m.country == s.country) market = &m;
      }
      tenant_market_.push_back(market);
      weights.push_back(s.weight);
      Tenant t{static_cast<TenantId>(i + 1), s.name, std::string(market->country),
               std::string(market->currency), std::string(market->gateway)};
      if (loader_ != nullptr) LB_RETURN_IF_ERROR(loader_->AddTenant(t));
      if (catalog_ != nullptr) {
        catalog_->tenants.push_back(t);
        std::vector<std::string> cities(market->cities.begin(), market->cities.end());
        catalog_->cities_by_tenant.push_back(std::move(cities));
      }
      ++counts_.tenants;
    }
    if (catalog_ != nullptr) {
      for (const Market& m : Markets()) {
        market_city_base_.push_back(static_cast<uint32_t>(catalog_->cities.size()));
        for (std::string_view c : m.cities) catalog_->cities.emplace_back(c);
      }
    }
    tenant_weights_ = weights;
    return Status::OK();
  }

  Status Landlords() {
    Random rng(spec_.seed, 1);
    const Discrete tenant_pick(tenant_weights_);
    const uint64_t n = Scaled(spec_.listings, 1.0 / kListingsPerLandlord);
    landlord_tenant_.reserve(n);
    landlord_weight_.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      Landlord l;
      l.id = i + 1;
      l.tenant = static_cast<TenantId>(tenant_pick.Sample(rng) + 1);
      l.name = PersonName(rng);
      l.email = fmt::format("landlord{}@t{}.listbench.example", l.id, l.tenant);
      l.rating =
          static_cast<int32_t>(std::clamp<int64_t>(std::llround(38 + 7 * rng.Normal()), 0, 50));
      l.created = kEpoch - 3 * kYear + rng.Range(0, 5 * kYear);
      // Skewed portfolio sizes: a few landlords own many listings.
      landlord_weight_.push_back(rng.LogNormal(0, 1.1));
      landlord_tenant_.push_back(l.tenant);
      Seen(l.created);
      if (loader_ != nullptr) LB_RETURN_IF_ERROR(loader_->AddLandlord(l));
      if (catalog_ != nullptr) catalog_->landlord_tenant.push_back(l.tenant);
      ++counts_.landlords;
    }
    return Status::OK();
  }

  Status Listings() {
    Random rng(spec_.seed, 2);
    const Discrete landlord_pick(landlord_weight_);
    const Discrete image_count(kImageCountWeights);
    const Discrete bedrooms_pick(kBedroomWeights);
    const Discrete status_pick(kListingStatusWeights);
    std::vector<Zipf> city_zipf;
    for (const Market& m : Markets()) city_zipf.emplace_back(m.cities.size(), 1.0);
    listings_by_tenant_.resize(kTenants.size());
    listing_price_.reserve(spec_.listings);
    listing_created_.reserve(spec_.listings);
    std::vector<Image> images;
    for (uint64_t i = 0; i < spec_.listings; ++i) {
      Listing l;
      l.id = i + 1;
      l.landlord = landlord_pick.Sample(rng) + 1;
      l.tenant = landlord_tenant_[l.landlord - 1];
      const Market& m = MarketOf(l.tenant);
      const size_t market_index = static_cast<size_t>(&m - Markets().data());
      const size_t rank = city_zipf[market_index].Sample(rng);
      l.city = std::string(m.cities[rank]);
      l.postcode = fmt::format("{}{} {}{}", m.postcode_prefix, rng.Range(1, 99), rng.Range(1, 9),
                               static_cast<char>('A' + rng.Uniform(26)));
      l.bedrooms = static_cast<int32_t>(bedrooms_pick.Sample(rng));
      const double city_factor = 0.75 + 0.45 / (1.0 + static_cast<double>(rank) / 3.0);
      const double bedroom_factor = 0.56 + 0.22 * l.bedrooms;
      l.price = RoundTo(
          100 * BaseRent(m.country) * city_factor * bedroom_factor * rng.LogNormal(0, 0.3), 500);
      static constexpr std::array<std::string_view, 3> kKinds = {"flat", "house", "maisonette"};
      const std::string_view kind = kKinds[rng.Uniform(kKinds.size())];
      l.title = l.bedrooms == 0
                    ? fmt::format("Studio {} in {}", kind == "house" ? "cottage" : "flat", l.city)
                    : fmt::format("{}-bed {} in {}", l.bedrooms, kind, l.city);
      l.description = Description(rng);
      l.status = static_cast<ListingStatus>(status_pick.Sample(rng));
      l.created = kEpoch + rng.Range(0, 5 * kYear);
      const int updates = static_cast<int>(rng.Range(0, 3));
      l.updated = updates == 0 ? l.created : l.created + rng.Range(kDay, 120 * kDay);
      l.version = 1 + static_cast<uint64_t>(updates);
      Seen(l.updated);

      images.clear();
      const int n_images = static_cast<int>(image_count.Sample(rng));
      for (int p = 0; p < n_images; ++p) {
        Image img;
        img.listing = l.id;
        img.position = p;
        img.url = fmt::format("https://img.listbench.example/t{}/l{}/{}.jpg", l.tenant, l.id, p);
        img.width = kImageWidths[rng.Uniform(kImageWidths.size())];
        img.height = img.width * 3 / 4;
        img.bytes = static_cast<int64_t>(img.width) * img.height / rng.Range(4, 8);
        images.push_back(std::move(img));
      }
      counts_.images += images.size();
      ++counts_.listings;
      listings_by_tenant_[l.tenant - 1].push_back(l.id);
      listing_tenant_.push_back(l.tenant);
      listing_price_.push_back(l.price);
      listing_created_.push_back(l.created);
      if (catalog_ != nullptr) {
        catalog_->listings.push_back({l.tenant, l.landlord,
                                      market_city_base_[market_index] + static_cast<uint32_t>(rank),
                                      l.price, l.status, l.version});
      }
      if (loader_ != nullptr) LB_RETURN_IF_ERROR(loader_->AddListing(l, images));
      if (progress_ && (i + 1) % 10000 == 0) progress_(i + 1);
    }
    if (progress_ && spec_.listings % 10000 != 0) progress_(spec_.listings);
    return Status::OK();
  }

  Status Applicants() {
    Random rng(spec_.seed, 3);
    const uint64_t n = Scaled(spec_.listings, kApplicantsPerListing);
    applicant_tenant_.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      Applicant a;
      a.id = i + 1;
      // Applicants live where the listings are: the tenant of a random listing.
      a.tenant = listing_tenant_[rng.Uniform(spec_.listings)];
      a.name = PersonName(rng);
      a.email = fmt::format("applicant{}@mail.example", a.id);
      a.income = RoundTo(4200000 * rng.LogNormal(0, 0.4), 1000);
      applicant_tenant_.push_back(a.tenant);
      if (loader_ != nullptr) LB_RETURN_IF_ERROR(loader_->AddApplicant(a));
      if (catalog_ != nullptr) catalog_->applicant_tenant.push_back(a.tenant);
      ++counts_.applicants;
    }
    return Status::OK();
  }

  Status Applications() {
    Random rng(spec_.seed, 4);
    const Discrete status_pick(kApplicationStatusWeights);
    const Discrete payments_pick(kPaymentsPerPaidWeights);
    const uint64_t n = Scaled(spec_.listings, kApplicationsPerListing);
    const uint64_t applicants = counts_.applicants;
    for (uint64_t i = 0; i < n; ++i) {
      Application a;
      a.id = i + 1;
      a.applicant = rng.Uniform(applicants) + 1;
      a.tenant = applicant_tenant_[a.applicant - 1];
      const auto& pool = listings_by_tenant_[a.tenant - 1];
      a.listing = pool[rng.Uniform(pool.size())];
      a.status = static_cast<ApplicationStatus>(status_pick.Sample(rng));
      a.submitted = listing_created_[a.listing - 1] + rng.Range(kDay, 60 * kDay);
      a.updated = a.status == ApplicationStatus::kSubmitted
                      ? a.submitted
                      : a.submitted + rng.Range(3600, 20 * kDay);
      if (a.status == ApplicationStatus::kPaid) {
        PendingPayments p{a.id, a.tenant, listing_price_[a.listing - 1], a.updated,
                          static_cast<int>(payments_pick.Sample(rng)) + 1};
        // The application was last updated by its last payment.
        a.updated = p.first_time + (p.count - 1) * 2 * kDay;
        pending_.push_back(p);
      }
      Seen(a.updated);
      if (loader_ != nullptr) LB_RETURN_IF_ERROR(loader_->AddApplication(a));
      if (catalog_ != nullptr) {
        catalog_->applications.push_back({a.tenant, a.listing, a.applicant, a.status});
      }
      ++counts_.applications;
    }
    return Status::OK();
  }

  Status Payments() {
    Random rng(spec_.seed, 5);
    EntityId next_id = 1;
    for (const PendingPayments& pp : pending_) {
      const Market& m = MarketOf(pp.tenant);
      for (int k = 0; k < pp.count; ++k) {
        Payment p;
        p.id = next_id++;
        p.tenant = pp.tenant;
        p.application = pp.application;
        // Holding deposit, first month's rent, then a referencing fee.
        p.amount = k == 0 ? pp.rent * 5 / 4 : k == 1 ? pp.rent : 2500 * (1 + rng.Range(0, 3));
        p.currency = std::string(m.currency);
        p.gateway = std::string(m.gateway);
        const double u = rng.UniformDouble();
        p.status = u < 0.92   ? PaymentStatus::kCaptured
                   : u < 0.97 ? PaymentStatus::kRefunded
                              : PaymentStatus::kFailed;
        p.created = pp.first_time + k * 2 * kDay;
        Seen(p.created);
        if (loader_ != nullptr) LB_RETURN_IF_ERROR(loader_->AddPayment(p));
        ++counts_.payments;
      }
    }
    if (catalog_ != nullptr) catalog_->payments = counts_.payments;
    return Status::OK();
  }

  const DatasetSpec spec_;
  BulkLoader* const loader_;
  DatasetCatalog* const catalog_;
  const ProgressFn& progress_;

  DatasetCounts counts_;
  int64_t max_time_ = 0;
  std::vector<const Market*> tenant_market_;  // [tenant id - 1]
  std::vector<double> tenant_weights_;
  std::vector<uint32_t> market_city_base_;  // first index of each market in catalog cities
  std::vector<TenantId> landlord_tenant_;
  std::vector<double> landlord_weight_;
  std::vector<std::vector<EntityId>> listings_by_tenant_;
  std::vector<TenantId> listing_tenant_;
  std::vector<int64_t> listing_price_, listing_created_;
  std::vector<TenantId> applicant_tenant_;
  std::vector<PendingPayments> pending_;
};

}  // namespace

StatusOr<DatasetCounts> GenerateDataset(const DatasetSpec& spec, BulkLoader* loader,
                                        DatasetCatalog* catalog, const ProgressFn& progress) {
  if (spec.listings == 0) return Status::InvalidArgument("dataset needs at least one listing");
  if (catalog != nullptr) *catalog = DatasetCatalog{};
  return Generator(spec, loader, catalog, progress).Run();
}

}  // namespace listbench
