#include "tests/store_test_util.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/canonical.h"

namespace listbench::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "listbench-test-XXXXXX").string();
  char* p = ::mkdtemp(tmpl.data());
  if (p == nullptr) std::abort();
  // Searchable by others: a PostgreSQL store inside runs its server as the
  // postgres user when the tests run as root.
  ::chmod(p, 0755);
  path_ = p;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

template <typename T>
const T& ById(const std::vector<T>& v, EntityId id) {
  for (const T& x : v) {
    if (x.id == id) return x;
  }
  std::abort();
}

Image Img(EntityId listing, int32_t pos) {
  return {listing,
          pos,
          "https://img.example/" + std::to_string(listing) + "/" + std::to_string(pos) + ".jpg",
          1024 + pos,
          768,
          200000 + pos};
}

TinyDataset MakeTiny() {
  TinyDataset d;
  d.tenants = {{1, "Harbour Lettings", "GB", "GBP", "stripe"},
               {2, "Kanal Wohnen", "DE", "EUR", "adyen"}};
  d.landlords = {{1, 1, "Alice Reed", "alice@example.co.uk", 45, 1600000000},
                 {2, 1, "Bob \"Bricks\" Stone", "bob@example.co.uk", 30, 1600000100},
                 {3, 2, "Clara Weiss", "clara@example.de", 40, 1600000200}};
  auto listing = [](EntityId id, TenantId t, EntityId ll, std::string city, int64_t price,
                    int32_t beds, ListingStatus st) {
    Listing l;
    l.id = id;
    l.tenant = t;
    l.landlord = ll;
    l.city = std::move(city);
    l.postcode = "PC" + std::to_string(id);
    l.price = price;
    l.bedrooms = beds;
    l.title = std::to_string(beds) + "-bed in " + l.city + " #" + std::to_string(id);
    l.description =
        "A description with a \\ backslash and \"quotes\" for listing " + std::to_string(id);
    l.status = st;
    l.created = 1610000000 + static_cast<int64_t>(id);
    l.updated = l.created + 10;
    l.version = 1;
    return l;
  };
  d.listings = {listing(1, 1, 1, "London", 150000, 2, ListingStatus::kActive),
                listing(2, 1, 1, "London", 120000, 1, ListingStatus::kActive),
                listing(3, 1, 2, "London", 120000, 3, ListingStatus::kActive),
                listing(4, 1, 2, "Leeds", 90000, 2, ListingStatus::kLet),
                listing(5, 2, 3, "Berlin", 110000, 2, ListingStatus::kActive),
                listing(6, 1, 1, "London", 300000, 4, ListingStatus::kWithdrawn)};
  d.images = {
      {Img(1, 0), Img(1, 1)}, {Img(2, 0)}, {}, {Img(4, 0)}, {Img(5, 0), Img(5, 1), Img(5, 2)}, {}};
  d.applicants = {{1, 1, "Dan Moss", "dan@example.com", 4200000},
                  {2, 1, "Eve Hart", "eve@example.com", 5100000},
                  {3, 2, "Finn Kraus", "finn@example.de", 3900000}};
  d.applications = {{1, 1, 1, 1, ApplicationStatus::kSubmitted, 1620000001, 1620000001},
                    {2, 1, 1, 2, ApplicationStatus::kApproved, 1620000002, 1620000102},
                    {3, 1, 2, 1, ApplicationStatus::kPaid, 1620000003, 1620000203},
                    {4, 1, 4, 2, ApplicationStatus::kRejected, 1620000004, 1620000104},
                    {5, 2, 5, 3, ApplicationStatus::kApproved, 1620000005, 1620000105}};
  d.payments = {{1, 1, 3, 150000, "GBP", "stripe", PaymentStatus::kCaptured, 1620000300},
                {2, 1, 3, 120000, "GBP", "stripe", PaymentStatus::kRefunded, 1620000400}};
  return d;
}

}  // namespace

const Listing& TinyDataset::listing(EntityId id) const { return ById(listings, id); }
const std::vector<Image>& TinyDataset::images_of(EntityId id) const {
  for (size_t i = 0; i < listings.size(); ++i) {
    if (listings[i].id == id) return images[i];
  }
  std::abort();
}
const Landlord& TinyDataset::landlord(EntityId id) const { return ById(landlords, id); }
const Applicant& TinyDataset::applicant(EntityId id) const { return ById(applicants, id); }
const Application& TinyDataset::application(EntityId id) const { return ById(applications, id); }
const Payment& TinyDataset::payment(EntityId id) const { return ById(payments, id); }

const TinyDataset& Tiny() {
  static const TinyDataset* d = new TinyDataset(MakeTiny());
  return *d;
}

std::string TinyAnswers(Store& s) {
  std::string out;
  for (TenantId t : {1u, 2u}) {
    for (EntityId id = 1; id <= 7; ++id) {
      out += CanonicalOutcome(s.GetListingDetail(t, id)) + "\n";
      out += CanonicalOutcome(s.GetLandlordPortfolio(t, id)) + "\n";
      out += CanonicalOutcome(s.GetApplicantProfile(t, id)) + "\n";
      out += CanonicalOutcome(s.GetListingApplications(t, id)) + "\n";
    }
    out += CanonicalOutcome(s.Search({t, "London", 0, 1000000, 0, 100})) + "\n";
  }
  return out;
}

StatusOr<std::unique_ptr<Store>> OpenNewStore(Engine engine, const std::string& dir,
                                              const StoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directory(dir, ec);
  if (ec) return Status::IOError(dir + ": cannot create: " + ec.message());
  return OpenStore(engine, dir, options);
}

Status LoadTiny(Store& store) {
  const TinyDataset& d = Tiny();
  std::unique_ptr<BulkLoader> loader = store.NewBulkLoader();
  for (const auto& t : d.tenants) LB_RETURN_IF_ERROR(loader->AddTenant(t));
  for (const auto& l : d.landlords) LB_RETURN_IF_ERROR(loader->AddLandlord(l));
  for (size_t i = 0; i < d.listings.size(); ++i) {
    LB_RETURN_IF_ERROR(loader->AddListing(d.listings[i], d.images[i]));
  }
  for (const auto& a : d.applicants) LB_RETURN_IF_ERROR(loader->AddApplicant(a));
  for (const auto& a : d.applications) LB_RETURN_IF_ERROR(loader->AddApplication(a));
  for (const auto& p : d.payments) LB_RETURN_IF_ERROR(loader->AddPayment(p));
  return loader->Finish();
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CliResult RunListbench(const std::string& args, const TempDir& scratch) {
  const std::string out = scratch.Sub("stdout"), err = scratch.Sub("stderr");
  const std::string cmd =
      std::string(LISTBENCH_BINARY) + " " + args + " >" + out + " 2>" + err + " </dev/null";
  const int rc = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

}  // namespace listbench::testing
