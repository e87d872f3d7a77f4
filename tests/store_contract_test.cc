// The Store contract (core/store.h), checked with exact expected results on
// every engine through one fixture, in the manner of LevelDB's db_test.cc
// option loop: the same assertions run on SQLite, RocksDB and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/canonical.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

using testing::Tiny;

// A design the contract runs on: an engine and, for SQLite, its index
// profile (the answers must not depend on it).
struct Design {
  Engine engine;
  SqliteSchema schema;
};

class StoreContractTest : public ::testing::TestWithParam<Design> {
 protected:
  void SetUp() override {
    dir_ = tmp_.Sub("store");
    std::filesystem::create_directory(dir_);
    Open(/*create=*/true);
    ASSERT_TRUE(testing::LoadTiny(*store_).ok());
  }

  void Open(bool create) {
    store_.reset();
    StoreOptions o;
    o.create_if_missing = create;
    o.sqlite_schema = GetParam().schema;
    auto s = OpenStore(GetParam().engine, dir_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  // The canonical answers of every read pattern over the whole dataset; used
  // to show that a failed write changed nothing and that reopening loses
  // nothing.
  std::string Snapshot() {
    std::string out;
    for (TenantId t : {1u, 2u}) {
      for (EntityId id = 1; id <= 8; ++id) {
        out += CanonicalOutcome(store_->GetListingDetail(t, id)) + "\n";
        out += CanonicalOutcome(store_->GetLandlordPortfolio(t, id)) + "\n";
        out += CanonicalOutcome(store_->GetApplicantProfile(t, id)) + "\n";
        out += CanonicalOutcome(store_->GetListingApplications(t, id)) + "\n";
      }
      for (const char* city : {"London", "Leeds", "Berlin"}) {
        out += CanonicalOutcome(store_->Search({t, city, 0, 1000000, 0, 100})) + "\n";
      }
    }
    return out;
  }

  void ExpectNoViolations() {
    std::vector<std::string> v;
    ASSERT_TRUE(store_->CheckInvariants(&v).ok());
    EXPECT_TRUE(v.empty()) << v.front();
  }

  static ListingSummary Summary(const Listing& l) {
    return {l.id, l.city, l.price, l.bedrooms, l.title, l.status};
  }
  static SearchHit Hit(EntityId id) {
    const auto& imgs = Tiny().images_of(id);
    SearchHit h{Summary(Tiny().listing(id)), std::nullopt};
    if (!imgs.empty()) h.first_image = imgs.front();
    return h;
  }
  static Application NewApplication(EntityId id, TenantId t, EntityId listing, EntityId applicant) {
    return {id, t, listing, applicant, ApplicationStatus::kRejected, 1700000000, 1};
  }

  testing::TempDir tmp_;
  std::string dir_;
  std::unique_ptr<Store> store_;
};

// ---- R1 ----------------------------------------------------------------------

TEST_P(StoreContractTest, ListingDetail) {
  auto r = store_->GetListingDetail(1, 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->listing, Tiny().listing(1));
  EXPECT_EQ(r->images, Tiny().images_of(1));
  EXPECT_EQ(r->landlord, (LandlordSummary{1, "Alice Reed", 45}));

  auto none = store_->GetListingDetail(1, 3);  // a listing without images
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->images.empty());
  EXPECT_EQ(none->landlord.name, "Bob \"Bricks\" Stone");
}

TEST_P(StoreContractTest, ListingDetailIsTenantIsolated) {
  EXPECT_TRUE(store_->GetListingDetail(2, 1).status().IsNotFound());   // tenant 1's listing
  EXPECT_TRUE(store_->GetListingDetail(1, 5).status().IsNotFound());   // tenant 2's listing
  EXPECT_TRUE(store_->GetListingDetail(1, 99).status().IsNotFound());  // no such listing
  EXPECT_TRUE(store_->GetListingDetail(7, 1).status().IsNotFound());   // no such tenant
  EXPECT_TRUE(store_->GetListingDetail(2, 5).ok());
}

// ---- R2 ----------------------------------------------------------------------

TEST_P(StoreContractTest, LandlordPortfolio) {
  auto r = store_->GetLandlordPortfolio(1, 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->landlord, Tiny().landlord(1));
  // Listings by id; open = submitted or approved (applications 1 and 2 on
  // listing 1); the paid application 3 on listing 2 is not open.
  std::vector<PortfolioEntry> want = {{Summary(Tiny().listing(1)), 2},
                                      {Summary(Tiny().listing(2)), 0},
                                      {Summary(Tiny().listing(6)), 0}};
  EXPECT_EQ(r->listings, want);

  auto two = store_->GetLandlordPortfolio(1, 2);
  ASSERT_TRUE(two.ok());
  // The rejected application 4 on listing 4 is not open either.
  std::vector<PortfolioEntry> want2 = {{Summary(Tiny().listing(3)), 0},
                                       {Summary(Tiny().listing(4)), 0}};
  EXPECT_EQ(two->listings, want2);
}

TEST_P(StoreContractTest, LandlordPortfolioIsTenantIsolated) {
  EXPECT_TRUE(store_->GetLandlordPortfolio(2, 1).status().IsNotFound());
  EXPECT_TRUE(store_->GetLandlordPortfolio(1, 3).status().IsNotFound());
  EXPECT_TRUE(store_->GetLandlordPortfolio(1, 42).status().IsNotFound());
  auto r = store_->GetLandlordPortfolio(2, 3);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->listings.size(), 1u);
  EXPECT_EQ(r->listings[0].open_applications, 1);  // application 5, approved
}

// ---- R3 ----------------------------------------------------------------------

TEST_P(StoreContractTest, SearchOrdersByPriceThenId) {
  auto r = store_->Search({1, "London", 100000, 200000, 0, 10});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // 2 and 3 tie at 120000 (id order), then 1; 6 is withdrawn, 5 is tenant 2's.
  EXPECT_EQ(r->hits, (std::vector<SearchHit>{Hit(2), Hit(3), Hit(1)}));
  EXPECT_FALSE(r->hits[1].first_image.has_value());
}

TEST_P(StoreContractTest, SearchFiltersAndLimits) {
  auto beds = store_->Search({1, "London", 0, 1000000, 2, 10});
  ASSERT_TRUE(beds.ok());
  EXPECT_EQ(beds->hits, (std::vector<SearchHit>{Hit(3), Hit(1)}));

  auto one = store_->Search({1, "London", 0, 1000000, 0, 1});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->hits, (std::vector<SearchHit>{Hit(2)}));

  auto bounds = store_->Search({1, "London", 120000, 120000, 0, 10});  // inclusive bounds
  ASSERT_TRUE(bounds.ok());
  EXPECT_EQ(bounds->hits, (std::vector<SearchHit>{Hit(2), Hit(3)}));

  auto let = store_->Search({1, "Leeds", 0, 1000000, 0, 10});  // listing 4 is let
  ASSERT_TRUE(let.ok());
  EXPECT_TRUE(let->hits.empty());
}

TEST_P(StoreContractTest, SearchIsTenantIsolated) {
  auto other = store_->Search({2, "London", 0, 1000000, 0, 100});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->hits.empty());
  auto berlin = store_->Search({1, "Berlin", 0, 1000000, 0, 100});
  ASSERT_TRUE(berlin.ok());
  EXPECT_TRUE(berlin->hits.empty());
  auto own = store_->Search({2, "Berlin", 0, 1000000, 0, 100});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->hits, (std::vector<SearchHit>{Hit(5)}));
  auto nobody = store_->Search({9, "London", 0, 1000000, 0, 100});
  ASSERT_TRUE(nobody.ok());
  EXPECT_TRUE(nobody->hits.empty());
}

TEST_P(StoreContractTest, SearchRejectsInvalidArguments) {
  EXPECT_TRUE(store_->Search({1, "London", 0, 10, 0, 0}).status().IsInvalidArgument());
  EXPECT_TRUE(
      store_->Search({1, "London", 0, 10, 0, kMaxSearchLimit + 1}).status().IsInvalidArgument());
  EXPECT_TRUE(store_->Search({1, "London", 11, 10, 0, 5}).status().IsInvalidArgument());
  EXPECT_TRUE(store_->Search({1, "London", 0, 10, -1, 5}).status().IsInvalidArgument());
  // Checked before anything is read: an unknown tenant changes nothing.
  EXPECT_TRUE(store_->Search({9, "London", 0, 10, 0, 0}).status().IsInvalidArgument());
}

// ---- R4 ----------------------------------------------------------------------

TEST_P(StoreContractTest, ApplicantProfile) {
  auto r = store_->GetApplicantProfile(1, 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->applicant, Tiny().applicant(1));
  std::vector<ApplicationWithListing> apps = {{Tiny().application(1), Tiny().listing(1).title},
                                              {Tiny().application(3), Tiny().listing(2).title}};
  EXPECT_EQ(r->applications, apps);
  EXPECT_EQ(r->payments, (std::vector<Payment>{Tiny().payment(1), Tiny().payment(2)}));

  auto two = store_->GetApplicantProfile(1, 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->applications.size(), 2u);
  EXPECT_TRUE(two->payments.empty());
}

TEST_P(StoreContractTest, ApplicantProfileIsTenantIsolated) {
  EXPECT_TRUE(store_->GetApplicantProfile(2, 1).status().IsNotFound());
  EXPECT_TRUE(store_->GetApplicantProfile(1, 3).status().IsNotFound());
  EXPECT_TRUE(store_->GetApplicantProfile(1, 77).status().IsNotFound());
}

// ---- R5 ----------------------------------------------------------------------

TEST_P(StoreContractTest, ListingApplications) {
  auto r = store_->GetListingApplications(1, 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<ApplicationWithApplicant> want = {{Tiny().application(1), {1, "Dan Moss", 4200000}},
                                                {Tiny().application(2), {2, "Eve Hart", 5100000}}};
  EXPECT_EQ(r->applications, want);
  auto empty = store_->GetListingApplications(1, 3);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->applications.empty());
}

TEST_P(StoreContractTest, ListingApplicationsIsTenantIsolated) {
  EXPECT_TRUE(store_->GetListingApplications(1, 5).status().IsNotFound());
  EXPECT_TRUE(store_->GetListingApplications(2, 1).status().IsNotFound());
  EXPECT_TRUE(store_->GetListingApplications(1, 50).status().IsNotFound());
}

// ---- W1 ----------------------------------------------------------------------

TEST_P(StoreContractTest, SubmitApplication) {
  ASSERT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 2, 2)).ok());
  // Status forced to submitted and updated to submitted.
  Application want{10, 1, 2, 2, ApplicationStatus::kSubmitted, 1700000000, 1700000000};
  auto r5 = store_->GetListingApplications(1, 2);
  ASSERT_TRUE(r5.ok());
  ASSERT_EQ(r5->applications.size(), 2u);
  EXPECT_EQ(r5->applications[1].application, want);
  EXPECT_EQ(r5->applications[1].applicant.name, "Eve Hart");
  auto r4 = store_->GetApplicantProfile(1, 2);
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->applications.back(), (ApplicationWithListing{want, Tiny().listing(2).title}));
  auto r2 = store_->GetLandlordPortfolio(1, 1);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->listings[1].open_applications, 1);
  ExpectNoViolations();
}

TEST_P(StoreContractTest, SubmitApplicationErrorsInContractOrder) {
  const std::string before = Snapshot();
  // NotFound: listing first (another tenant's listing is a missing one), then applicant.
  EXPECT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 5, 1)).IsNotFound());
  EXPECT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 2, 3)).IsNotFound());
  EXPECT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 99, 1)).IsNotFound());
  // NotFound wins over Conflict: missing listing with a duplicate id.
  EXPECT_TRUE(store_->SubmitApplication(NewApplication(1, 1, 99, 1)).IsNotFound());
  // Conflict: listing not active; duplicate id, also another tenant's.
  EXPECT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 4, 1)).IsConflict());
  EXPECT_TRUE(store_->SubmitApplication(NewApplication(1, 1, 2, 2)).IsConflict());
  EXPECT_TRUE(store_->SubmitApplication(NewApplication(5, 1, 2, 2)).IsConflict());
  EXPECT_EQ(Snapshot(), before);
}

// ---- W2 ----------------------------------------------------------------------

TEST_P(StoreContractTest, RecordPaymentMarksApplicationPaid) {
  Payment p{10, 1, 2, 99000, "GBP", "stripe", PaymentStatus::kCaptured, 1700000500};
  ASSERT_TRUE(store_->RecordPayment(p).ok());
  auto r4 = store_->GetApplicantProfile(1, 2);
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->payments, (std::vector<Payment>{p}));
  EXPECT_EQ(r4->applications[0].application.status, ApplicationStatus::kPaid);
  EXPECT_EQ(r4->applications[0].application.updated, 1700000500);
  auto r2 = store_->GetLandlordPortfolio(1, 1);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->listings[0].open_applications, 1);  // application 2 is no longer open
  // An application already paid takes further payments.
  Payment again{11, 1, 3, 5000, "GBP", "stripe", PaymentStatus::kCaptured, 1700000600};
  EXPECT_TRUE(store_->RecordPayment(again).ok());
  ExpectNoViolations();
}

TEST_P(StoreContractTest, RecordPaymentErrorsInContractOrder) {
  const std::string before = Snapshot();
  auto pay = [](EntityId id, TenantId t, EntityId app, int64_t amount) {
    return Payment{id, t, app, amount, "GBP", "stripe", PaymentStatus::kCaptured, 1700000500};
  };
  EXPECT_TRUE(store_->RecordPayment(pay(10, 1, 99, 0)).IsInvalidArgument());
  EXPECT_TRUE(store_->RecordPayment(pay(10, 1, 2, -5)).IsInvalidArgument());
  EXPECT_TRUE(store_->RecordPayment(pay(10, 1, 5, 100)).IsNotFound());  // tenant 2's
  EXPECT_TRUE(store_->RecordPayment(pay(10, 2, 2, 100)).IsNotFound());
  EXPECT_TRUE(store_->RecordPayment(pay(1, 1, 99, 100)).IsNotFound());
  EXPECT_TRUE(store_->RecordPayment(pay(10, 1, 1, 100)).IsConflict());  // submitted
  EXPECT_TRUE(store_->RecordPayment(pay(10, 1, 4, 100)).IsConflict());  // rejected
  EXPECT_TRUE(store_->RecordPayment(pay(1, 1, 2, 100)).IsConflict());   // duplicate id
  EXPECT_EQ(Snapshot(), before);
}

// ---- W3 ----------------------------------------------------------------------

TEST_P(StoreContractTest, UpdateListingPriceMovesItInSearch) {
  ListingUpdate u{1, 2, 1, 125000, std::nullopt, 1700000700};
  auto v = store_->UpdateListing(u);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 2u);
  auto r1 = store_->GetListingDetail(1, 2);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->listing.price, 125000);
  EXPECT_EQ(r1->listing.version, 2u);
  EXPECT_EQ(r1->listing.updated, 1700000700);
  auto r3 = store_->Search({1, "London", 100000, 200000, 0, 10});
  ASSERT_TRUE(r3.ok());
  ASSERT_EQ(r3->hits.size(), 3u);
  EXPECT_EQ(r3->hits[0].listing.id, 3u);
  EXPECT_EQ(r3->hits[1].listing.id, 2u);
  EXPECT_EQ(r3->hits[1].listing.price, 125000);
  auto r2 = store_->GetLandlordPortfolio(1, 1);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->listings[1].listing.price, 125000);
  ExpectNoViolations();
}

TEST_P(StoreContractTest, UpdateListingStatusLeavesAndRejoinsSearch) {
  ASSERT_TRUE(store_->UpdateListing({1, 1, 1, std::nullopt, ListingStatus::kLet, 1700000800}).ok());
  auto r3 = store_->Search({1, "London", 0, 1000000, 0, 10});
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->hits, (std::vector<SearchHit>{Hit(2), Hit(3)}));
  auto r2 = store_->GetLandlordPortfolio(1, 1);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->listings[0].listing.status, ListingStatus::kLet);
  // Applying to a let listing is a conflict now.
  EXPECT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 1, 1)).IsConflict());
  // Price and status together, back on the market.
  auto v = store_->UpdateListing({1, 1, 2, 99000, ListingStatus::kActive, 1700000900});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 3u);
  r3 = store_->Search({1, "London", 0, 1000000, 0, 10});
  ASSERT_TRUE(r3.ok());
  ASSERT_EQ(r3->hits.size(), 3u);
  EXPECT_EQ(r3->hits[0].listing.id, 1u);
  EXPECT_EQ(r3->hits[0].first_image, Tiny().images_of(1).front());
  ExpectNoViolations();
}

TEST_P(StoreContractTest, UpdateListingErrorsInContractOrder) {
  const std::string before = Snapshot();
  EXPECT_TRUE(store_->UpdateListing({1, 99, 1, std::nullopt, std::nullopt, 1})
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(store_->UpdateListing({1, 99, 1, 0, std::nullopt, 1}).status().IsInvalidArgument());
  EXPECT_TRUE(store_->UpdateListing({1, 5, 1, 100, std::nullopt, 1}).status().IsNotFound());
  EXPECT_TRUE(store_->UpdateListing({2, 1, 1, 100, std::nullopt, 1}).status().IsNotFound());
  EXPECT_TRUE(store_->UpdateListing({1, 1, 2, 100, std::nullopt, 1}).status().IsConflict());
  EXPECT_TRUE(store_->UpdateListing({1, 1, 0, 100, std::nullopt, 1}).status().IsConflict());
  EXPECT_EQ(Snapshot(), before);
  // A second writer with the version it read first loses.
  ASSERT_TRUE(store_->UpdateListing({1, 1, 1, 100, std::nullopt, 2}).ok());
  EXPECT_TRUE(store_->UpdateListing({1, 1, 1, 200, std::nullopt, 3}).status().IsConflict());
}

// ---- W4 ----------------------------------------------------------------------

TEST_P(StoreContractTest, AddListing) {
  Listing l = Tiny().listing(3);
  l.id = 7;
  l.price = 100000;
  l.bedrooms = 2;
  l.title = "Fresh 2-bed";
  std::vector<Image> imgs = {{7, 0, "https://img.example/7/0.jpg", 800, 600, 1000},
                             {7, 1, "https://img.example/7/1.jpg", 800, 600, 2000}};
  ASSERT_TRUE(store_->AddListing(l, imgs).ok());
  auto r1 = store_->GetListingDetail(1, 7);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->listing, l);
  EXPECT_EQ(r1->images, imgs);
  EXPECT_EQ(r1->landlord.id, 2u);
  auto r3 = store_->Search({1, "London", 0, 1000000, 2, 10});
  ASSERT_TRUE(r3.ok());
  ASSERT_FALSE(r3->hits.empty());
  EXPECT_EQ(r3->hits[0], (SearchHit{Summary(l), imgs[0]}));
  auto r2 = store_->GetLandlordPortfolio(1, 2);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->listings.back(), (PortfolioEntry{Summary(l), 0}));
  // A listing without images, not active: in the portfolio, not in search.
  Listing w = l;
  w.id = 8;
  w.status = ListingStatus::kWithdrawn;
  ASSERT_TRUE(store_->AddListing(w, {}).ok());
  auto r3b = store_->Search({1, "London", 0, 1000000, 2, 10});
  ASSERT_TRUE(r3b.ok());
  EXPECT_EQ(r3b->hits.size(), r3->hits.size());
  ExpectNoViolations();
}

TEST_P(StoreContractTest, AddListingErrorsInContractOrder) {
  const std::string before = Snapshot();
  Listing l = Tiny().listing(3);
  l.id = 7;
  std::vector<Image> ok_imgs = {{7, 0, "u", 1, 1, 1}};
  auto bad = [&](auto mutate, std::vector<Image> imgs) {
    Listing x = l;
    mutate(x);
    return store_->AddListing(x, imgs);
  };
  EXPECT_TRUE(bad([](Listing& x) { x.price = 0; }, ok_imgs).IsInvalidArgument());
  EXPECT_TRUE(bad([](Listing& x) { x.bedrooms = -1; }, ok_imgs).IsInvalidArgument());
  EXPECT_TRUE(bad([](Listing& x) { x.title.clear(); }, ok_imgs).IsInvalidArgument());
  EXPECT_TRUE(bad([](Listing&) {}, {{7, 1, "u", 1, 1, 1}}).IsInvalidArgument());  // gap at 0
  EXPECT_TRUE(bad([](Listing&) {}, {{8, 0, "u", 1, 1, 1}}).IsInvalidArgument());  // other listing
  EXPECT_TRUE(bad(
                  [](Listing& x) {
                    x.id = 1;
                    x.price = 0;
                  },
                  {})
                  .IsInvalidArgument());
  EXPECT_TRUE(bad([](Listing& x) { x.landlord = 3; }, ok_imgs).IsNotFound());  // tenant 2's
  EXPECT_TRUE(bad(
                  [](Listing& x) {
                    x.landlord = 42;
                    x.id = 1;
                  },
                  {})
                  .IsNotFound());
  EXPECT_TRUE(bad([](Listing& x) { x.id = 1; }, {}).IsConflict());
  EXPECT_TRUE(bad([](Listing& x) { x.id = 5; }, {}).IsConflict());  // tenant 2's id
  EXPECT_EQ(Snapshot(), before);
}

// ---- Onboarding ----------------------------------------------------------------

TEST_P(StoreContractTest, OnboardedTenantServesAndStaysIsolated) {
  const std::string before = Snapshot();
  ASSERT_TRUE(store_->AddTenant({3, "Porto Casas", "PT", "EUR", "adyen"}).ok());
  const Landlord ll{9, 3, "Rui Lima", "rui@example.pt", 38, 1700000000};
  ASSERT_TRUE(store_->AddLandlord(ll).ok());
  auto empty = store_->GetLandlordPortfolio(3, 9);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->landlord, ll);
  EXPECT_TRUE(empty->listings.empty());

  Listing l = Tiny().listing(3);
  l.id = 20;
  l.tenant = 3;
  l.landlord = 9;
  l.city = "London";  // a city the other tenants use too
  std::vector<Image> imgs = {{20, 0, "https://img.example/20/0.jpg", 800, 600, 1000}};
  ASSERT_TRUE(store_->AddListing(l, imgs).ok());
  auto r1 = store_->GetListingDetail(3, 20);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->landlord.id, 9u);
  auto r3 = store_->Search({3, "London", 0, 10000000, 0, 100});
  ASSERT_TRUE(r3.ok());
  ASSERT_EQ(r3->hits.size(), 1u);
  EXPECT_EQ(r3->hits[0].listing.id, 20u);
  // Nothing of tenant 3 is visible to the others, nor theirs to it.
  EXPECT_TRUE(store_->GetListingDetail(1, 20).status().IsNotFound());
  EXPECT_TRUE(store_->GetLandlordPortfolio(1, 9).status().IsNotFound());
  EXPECT_TRUE(store_->GetListingDetail(3, 1).status().IsNotFound());
  EXPECT_EQ(Snapshot(), before);  // the other tenants' answers are unchanged
  ExpectNoViolations();
}

TEST_P(StoreContractTest, OnboardingErrorsInContractOrder) {
  const std::string before = Snapshot();
  EXPECT_TRUE(store_->AddTenant({3, "", "PT", "EUR", "adyen"}).IsInvalidArgument());
  EXPECT_TRUE(store_->AddTenant({1, "X", "PRT", "EUR", "adyen"}).IsInvalidArgument());
  EXPECT_TRUE(store_->AddTenant({1, "X", "PT", "E", "adyen"}).IsInvalidArgument());
  EXPECT_TRUE(store_->AddTenant({1, "X", "PT", "EUR", "adyen"}).IsConflict());
  EXPECT_TRUE(store_->AddLandlord({9, 1, "", "e", 10, 1}).IsInvalidArgument());
  EXPECT_TRUE(store_->AddLandlord({1, 1, "N", "e", 51, 1}).IsInvalidArgument());
  EXPECT_TRUE(store_->AddLandlord({1, 7, "N", "e", 10, 1}).IsNotFound());  // no tenant 7
  EXPECT_TRUE(store_->AddLandlord({1, 1, "N", "e", 10, 1}).IsConflict());
  EXPECT_TRUE(store_->AddLandlord({3, 1, "N", "e", 10, 1}).IsConflict());  // tenant 2's id
  EXPECT_EQ(Snapshot(), before);
  ExpectNoViolations();
}

// ---- W5 ----------------------------------------------------------------------

TEST_P(StoreContractTest, DecideApplication) {
  ASSERT_TRUE(store_->DecideApplication(1, 1, /*approve=*/true, 1700001000).ok());
  auto r5 = store_->GetListingApplications(1, 1);
  ASSERT_TRUE(r5.ok());
  EXPECT_EQ(r5->applications[0].application.status, ApplicationStatus::kApproved);
  EXPECT_EQ(r5->applications[0].application.updated, 1700001000);
  auto r2 = store_->GetLandlordPortfolio(1, 1);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->listings[0].open_applications, 2);  // approved is still open
  EXPECT_TRUE(store_->DecideApplication(1, 1, false, 1700001001).IsConflict());

  ASSERT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 1, 2)).ok());
  ASSERT_TRUE(store_->DecideApplication(1, 10, /*approve=*/false, 1700001002).ok());
  r2 = store_->GetLandlordPortfolio(1, 1);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->listings[0].open_applications, 2);
  auto r4 = store_->GetApplicantProfile(1, 2);
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->applications.back().application.status, ApplicationStatus::kRejected);
  ExpectNoViolations();
}

TEST_P(StoreContractTest, DecideApplicationErrorsInContractOrder) {
  const std::string before = Snapshot();
  EXPECT_TRUE(store_->DecideApplication(1, 5, true, 1).IsNotFound());  // tenant 2's
  EXPECT_TRUE(store_->DecideApplication(2, 1, true, 1).IsNotFound());
  EXPECT_TRUE(store_->DecideApplication(1, 99, true, 1).IsNotFound());
  EXPECT_TRUE(store_->DecideApplication(1, 2, true, 1).IsConflict());   // approved
  EXPECT_TRUE(store_->DecideApplication(1, 3, false, 1).IsConflict());  // paid
  EXPECT_EQ(Snapshot(), before);
}

// ---- Store as a whole ----------------------------------------------------------

TEST_P(StoreContractTest, FreshLoadHoldsItsInvariants) { ExpectNoViolations(); }

TEST_P(StoreContractTest, ReopenKeepsEverything) {
  ASSERT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 2, 2)).ok());
  ASSERT_TRUE(store_->UpdateListing({1, 3, 1, 111000, std::nullopt, 1700002000}).ok());
  const std::string before = Snapshot();
  Open(/*create=*/false);
  EXPECT_EQ(Snapshot(), before);
  ExpectNoViolations();
}

TEST_P(StoreContractTest, ClearEmptiesTheStoreForAnotherBulkLoad) {
  ASSERT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 2, 2)).ok());
  const std::string loaded = Snapshot();
  ASSERT_TRUE(store_->Clear().ok());
  // Nothing of any kind is left, and every read says so.
  std::vector<EntityRow> rows;
  for (int k = 0; k < kNumEntityKinds; ++k) {
    ASSERT_TRUE(store_->ScanEntities(static_cast<EntityKind>(k), "", 100, &rows).ok());
    EXPECT_TRUE(rows.empty()) << EntityKindName(static_cast<EntityKind>(k));
  }
  EXPECT_TRUE(store_->GetListingDetail(1, 1).status().IsNotFound());
  EXPECT_TRUE(store_->Clear().ok());  // an empty store clears too
  ExpectNoViolations();
  // Loaded again, it answers as the first load did before the write.
  ASSERT_TRUE(testing::LoadTiny(*store_).ok());
  ASSERT_TRUE(store_->SubmitApplication(NewApplication(10, 1, 2, 2)).ok());
  EXPECT_EQ(Snapshot(), loaded);
  ExpectNoViolations();
  Open(/*create=*/false);
  EXPECT_EQ(Snapshot(), loaded);
}

TEST_P(StoreContractTest, OpenWithoutCreateOnEmptyDirIsNotFound) {
  const std::string empty = tmp_.Sub("empty");
  std::filesystem::create_directory(empty);
  StoreOptions o;
  o.create_if_missing = false;
  o.sqlite_schema = GetParam().schema;
  EXPECT_TRUE(OpenStore(GetParam().engine, empty, o).status().IsNotFound());
}

TEST_P(StoreContractTest, CountersMoveWithWork) {
  const WorkStats w0 = store_->work_stats();
  ASSERT_TRUE(store_->GetListingDetail(1, 1).ok());
  const WorkStats w1 = store_->work_stats();
  EXPECT_GT(w1.queries, w0.queries);
  EXPECT_GT(w1.rows_read, w0.rows_read);
  EXPECT_EQ(w1.rows_written, w0.rows_written);
  ASSERT_TRUE(store_->DecideApplication(1, 1, true, 1700003000).ok());
  EXPECT_GT(store_->work_stats().rows_written, w1.rows_written);
  auto bytes = store_->DiskBytes();
  ASSERT_TRUE(bytes.ok());
  EXPECT_GT(*bytes, 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContractTest,
                         ::testing::Values(Design{Engine::kSqlite, SqliteSchema::kTuned},
                                           Design{Engine::kSqlite, SqliteSchema::kLegacy},
                                           Design{Engine::kRocksDb, SqliteSchema::kTuned},
                                           Design{Engine::kPostgres, SqliteSchema::kTuned}),
                         [](const ::testing::TestParamInfo<Design>& p) {
                           std::string name = DesignName(p.param.engine, p.param.schema);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace listbench
