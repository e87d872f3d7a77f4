// Request validation (core/validate.h): every InvalidArgument rule of every
// request, one malformed request each, sent to both engines over the tiny
// dataset. Both must answer InvalidArgument with the same message, equal to
// the validate function's and to the literal text written here, without
// touching the store (no counted work); valid requests must pass.
#include "core/validate.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

using testing::Tiny;

// One request: what it does to a store, what its validate function says,
// and -- for a malformed request -- the message every engine must give.
struct Case {
  std::string name;
  std::function<Status(StoreRequests&)> send;
  std::function<Status()> validate;
  std::optional<std::string> want;  // nullopt: a valid request
};

template <typename T>
Status StatusOf(const StatusOr<T>& r) {
  return r.ok() ? Status::OK() : r.status();
}

SearchQuery GoodSearch() { return {1, "London", 0, 1000000, 0, 10}; }
Payment GoodPayment() {
  Payment p = Tiny().payment(1);
  p.id = 10;
  return p;
}
ListingUpdate GoodUpdate() { return {1, 1, 1, 1500, std::nullopt, 1700000100}; }
Listing GoodListing() {
  Listing l = Tiny().listing(3);
  l.id = 7;
  return l;
}
std::vector<Image> GoodImages() { return {{7, 0, "u", 1, 1, 1}, {7, 1, "v", 1, 1, 1}}; }
Tenant GoodTenant() { return {3, "Casa", "PT", "EUR", "adyen"}; }
Landlord GoodLandlord() { return {9, 1, "Nia", "n@example.com", 10, 1700000000}; }

Case SearchCase(std::string name, std::function<void(SearchQuery&)> edit,
                std::optional<std::string> want) {
  SearchQuery q = GoodSearch();
  edit(q);
  return {std::move(name), [q](StoreRequests& s) { return StatusOf(s.Search(q)); },
          [q] { return ValidateSearch(q); }, std::move(want)};
}

Case PaymentCase(std::string name, std::function<void(Payment&)> edit,
                 std::optional<std::string> want) {
  Payment p = GoodPayment();
  edit(p);
  return {std::move(name), [p](StoreRequests& s) { return s.RecordPayment(p); },
          [p] { return ValidateRecordPayment(p); }, std::move(want)};
}

Case UpdateCase(std::string name, std::function<void(ListingUpdate&)> edit,
                std::optional<std::string> want) {
  ListingUpdate u = GoodUpdate();
  edit(u);
  return {std::move(name), [u](StoreRequests& s) { return StatusOf(s.UpdateListing(u)); },
          [u] { return ValidateUpdateListing(u); }, std::move(want)};
}

Case ListingCase(std::string name, std::function<void(Listing&, std::vector<Image>&)> edit,
                 std::optional<std::string> want) {
  Listing l = GoodListing();
  std::vector<Image> images = GoodImages();
  edit(l, images);
  return {std::move(name), [l, images](StoreRequests& s) { return s.AddListing(l, images); },
          [l, images] { return ValidateAddListing(l, images); }, std::move(want)};
}

Case TenantCase(std::string name, std::function<void(Tenant&)> edit,
                std::optional<std::string> want) {
  Tenant t = GoodTenant();
  edit(t);
  return {std::move(name), [t](StoreRequests& s) { return s.AddTenant(t); },
          [t] { return ValidateNewTenant(t); }, std::move(want)};
}

Case LandlordCase(std::string name, std::function<void(Landlord&)> edit,
                  std::optional<std::string> want) {
  Landlord l = GoodLandlord();
  edit(l);
  return {std::move(name), [l](StoreRequests& s) { return s.AddLandlord(l); },
          [l] { return ValidateNewLandlord(l); }, std::move(want)};
}

// Every rule of every request, one malformed request each (both ends of a
// range where the rule has two), plus requests that break several rules or
// also name a missing entity: the first rule in the contract's order wins.
std::vector<Case> MalformedRequests() {
  return {
      SearchCase(
          "search limit 0", [](SearchQuery& q) { q.limit = 0; }, "search: limit 0 outside 1..100"),
      SearchCase(
          "search limit 101", [](SearchQuery& q) { q.limit = 101; },
          "search: limit 101 outside 1..100"),
      SearchCase(
          "search prices",
          [](SearchQuery& q) {
            q.min_price = 11;
            q.max_price = 10;
          },
          "search: min_price 11 > max_price 10"),
      SearchCase(
          "search bedrooms", [](SearchQuery& q) { q.min_bedrooms = -1; },
          "search: min_bedrooms -1 < 0"),
      SearchCase(
          "search limit before prices",
          [](SearchQuery& q) {
            q.limit = 0;
            q.min_price = 11;
            q.max_price = 10;
            q.tenant = 9;
          },
          "search: limit 0 outside 1..100"),
      PaymentCase(
          "payment amount 0", [](Payment& p) { p.amount = 0; }, "record_payment: amount 0 <= 0"),
      PaymentCase(
          "payment amount before missing application",
          [](Payment& p) {
            p.amount = -5;
            p.application = 99;
          },
          "record_payment: amount -5 <= 0"),
      UpdateCase(
          "update nothing", [](ListingUpdate& u) { u.price.reset(); },
          "update_listing: neither price nor status given"),
      UpdateCase(
          "update price 0", [](ListingUpdate& u) { u.price = 0; }, "update_listing: price 0 <= 0"),
      UpdateCase(
          "update price before missing listing",
          [](ListingUpdate& u) {
            u.price = -1;
            u.status = ListingStatus::kLet;
            u.listing = 99;
          },
          "update_listing: price -1 <= 0"),
      ListingCase(
          "listing price 0", [](Listing& l, auto&) { l.price = 0; }, "add_listing: price 0 <= 0"),
      ListingCase(
          "listing bedrooms", [](Listing& l, auto&) { l.bedrooms = -1; },
          "add_listing: bedrooms -1 < 0"),
      ListingCase(
          "listing title", [](Listing& l, auto&) { l.title.clear(); }, "add_listing: empty title"),
      ListingCase(
          "listing image of another listing",
          [](Listing&, std::vector<Image>& i) { i[1].listing = 8; },
          "add_listing: image 1 is of listing 8, not 7"),
      ListingCase(
          "listing image positions", [](Listing&, std::vector<Image>& i) { i.erase(i.begin()); },
          "add_listing: image 0 has position 1 (positions are 0..n-1 in order)"),
      ListingCase(
          "listing price before existing id",
          [](Listing& l, std::vector<Image>& i) {
            l.id = 1;
            l.price = -3;
            i.clear();
          },
          "add_listing: price -3 <= 0"),
      TenantCase(
          "tenant name", [](Tenant& t) { t.name.clear(); }, "add_tenant: empty name"),
      TenantCase(
          "tenant country", [](Tenant& t) { t.country = std::string("PRT"); },
          "add_tenant: country 'PRT' is not 2 letters"),
      TenantCase(
          "tenant currency", [](Tenant& t) { t.currency = std::string("E"); },
          "add_tenant: currency 'E' is not 3 letters"),
      LandlordCase(
          "landlord name", [](Landlord& l) { l.name.clear(); }, "add_landlord: empty name"),
      LandlordCase(
          "landlord rating 51", [](Landlord& l) { l.rating = 51; },
          "add_landlord: rating 51 outside 0..50"),
      LandlordCase(
          "landlord rating -1", [](Landlord& l) { l.rating = -1; },
          "add_landlord: rating -1 outside 0..50"),
      LandlordCase(
          "landlord name before missing tenant",
          [](Landlord& l) {
            l.name.clear();
            l.tenant = 9;
          },
          "add_landlord: empty name"),
  };
}

// Valid requests, including the edges of every range.
std::vector<Case> ValidRequests() {
  const auto same = [](auto&) {};
  return {
      SearchCase("search", same, std::nullopt),
      SearchCase(
          "search limit 1, equal prices",
          [](SearchQuery& q) {
            q.limit = 1;
            q.min_price = q.max_price = 5;
          },
          std::nullopt),
      SearchCase(
          "search limit 100", [](SearchQuery& q) { q.limit = 100; }, std::nullopt),
      PaymentCase("payment", same, std::nullopt),
      UpdateCase("update price", same, std::nullopt),
      UpdateCase(
          "update status",
          [](ListingUpdate& u) {
            u.price.reset();
            u.status = ListingStatus::kLet;
          },
          std::nullopt),
      ListingCase(
          "listing without images", [](Listing&, std::vector<Image>& i) { i.clear(); },
          std::nullopt),
      TenantCase("tenant", same, std::nullopt),
      LandlordCase(
          "landlord rating 0", [](Landlord& l) { l.rating = 0; }, std::nullopt),
      LandlordCase(
          "landlord rating 50", [](Landlord& l) { l.rating = 50; }, std::nullopt),
  };
}

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
      const std::string dir = tmp_.Sub(std::string(EngineName(e)));
      StoreOptions o;
      o.create_if_missing = true;
      auto s = testing::OpenNewStore(e, dir, o);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      ASSERT_TRUE(testing::LoadTiny(**s).ok());
      stores_.push_back(std::move(*s));
    }
  }

  testing::TempDir tmp_;
  std::vector<std::unique_ptr<Store>> stores_;  // SQLite, RocksDB
};

TEST_F(ValidateTest, MalformedRequestsGetOneMessageFromBothEngines) {
  const std::string before = testing::TinyAnswers(*stores_[0]);
  for (const Case& c : MalformedRequests()) {
    SCOPED_TRACE(c.name);
    const Status direct = c.validate();
    EXPECT_TRUE(direct.IsInvalidArgument()) << direct.ToString();
    EXPECT_EQ(direct.message(), *c.want);
    std::vector<std::string> messages;
    for (auto& store : stores_) {
      SCOPED_TRACE(std::string(store->Name()));
      const WorkStats work = store->work_stats();
      const Status s = c.send(*store);
      EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
      EXPECT_EQ(s.message(), *c.want);
      messages.push_back(s.message());
      // Checked without reading the store: no counted work.
      const WorkStats spent = store->work_stats() - work;
      EXPECT_EQ(spent.queries, 0u);
      EXPECT_EQ(spent.rows_read, 0u);
      EXPECT_EQ(spent.rows_written, 0u);
      EXPECT_EQ(spent.read_units, 0u);
      EXPECT_EQ(spent.write_units, 0u);
    }
    EXPECT_EQ(messages[0], messages[1]);
  }
  // Nothing changed, and both engines still agree on every read.
  EXPECT_EQ(testing::TinyAnswers(*stores_[0]), before);
  EXPECT_EQ(testing::TinyAnswers(*stores_[1]), before);
}

TEST_F(ValidateTest, ValidRequestsPassOnBothEngines) {
  for (const Case& c : ValidRequests()) {
    SCOPED_TRACE(c.name);
    const Status direct = c.validate();
    EXPECT_TRUE(direct.ok()) << direct.ToString();
    std::vector<StatusCode> codes;
    for (auto& store : stores_) {
      SCOPED_TRACE(std::string(store->Name()));
      const Status s = c.send(*store);
      EXPECT_FALSE(s.IsInvalidArgument()) << s.ToString();
      codes.push_back(s.code());
    }
    EXPECT_EQ(codes[0], codes[1]);
  }
  EXPECT_EQ(testing::TinyAnswers(*stores_[0]), testing::TinyAnswers(*stores_[1]));
}

}  // namespace
}  // namespace listbench
