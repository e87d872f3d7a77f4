// Engine-specific tests of the RocksDB single-table design: the key codec, the
// one-scan-per-read-pattern property (pinned with counted work), the
// invariant check, the format marker, cloning and the counting file system.
#include "engine/rocks/rocks_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/rocks/capacity_units.h"
#include "engine/rocks/items.h"
#include "engine/rocks/key_codec.h"
#include "engine/rocks/memory_budget.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using testing::Tiny;

// ---- Key codec -----------------------------------------------------------------

TEST(RocksKeyCodecTest, IntegersKeepTheirOrder) {
  const std::vector<int64_t> prices = {INT64_MIN, -100000, -1,     0,      1,        255,
                                       256,       99999,   120000, 150000, INT64_MAX};
  std::vector<std::string> keys;
  for (int64_t p : prices) {
    std::string k;
    rocks::PutKeyI64(&k, p);
    keys.push_back(k);
    std::string_view in = k;
    int64_t back = 0;
    ASSERT_TRUE(rocks::GetKeyI64(&in, &back));
    EXPECT_EQ(back, p);
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));

  const std::vector<uint64_t> ids = {0, 1, 255, 256, 65535, 1ull << 32, UINT64_MAX};
  keys.clear();
  for (uint64_t id : ids) {
    std::string k;
    rocks::PutKeyU64(&k, id);
    keys.push_back(k);
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
}

TEST(RocksKeyCodecTest, StringsKeepOrderAndAreNeverPrefixes) {
  const std::vector<std::string> cities = {std::string(""),
                                           std::string("\0", 1),
                                           std::string("\0\0", 2),
                                           std::string("\0\x01", 2),
                                           std::string("\x01", 1),
                                           "Lon",
                                           std::string("Lon\0don", 7),
                                           "London",
                                           "Londonderry",
                                           "\xff\xff"};
  std::vector<std::string> keys;
  for (const std::string& c : cities) {
    std::string k;
    rocks::PutKeyString(&k, c);
    rocks::PutKeyU8(&k, 7);  // something after the string, as in a search key
    keys.push_back(k);
    std::string_view in = k;
    std::string back;
    ASSERT_TRUE(rocks::GetKeyString(&in, &back));
    EXPECT_EQ(back, c);
    EXPECT_EQ(in.size(), 1u);
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  // A city's search prefix never matches another city's items.
  const std::string lon = rocks::SearchCityPrefix(1, "Lon");
  const std::string london = rocks::SearchKey(1, "London", 100, 1);
  EXPECT_NE(london.compare(0, lon.size(), lon), 0);
}

TEST(RocksKeyCodecTest, SearchKeysSortByPriceThenId) {
  EXPECT_LT(rocks::SearchKey(1, "Leeds", 90000, 9), rocks::SearchKey(1, "Leeds", 120000, 2));
  EXPECT_LT(rocks::SearchKey(1, "Leeds", 120000, 2), rocks::SearchKey(1, "Leeds", 120000, 3));
  EXPECT_LT(rocks::SearchKey(1, "Leeds", 120000, 3), rocks::SearchKey(1, "Leeds", 1000000, 1));
}

TEST(RocksItemsTest, SearchHitBedroomsArePeekedWithoutDecoding) {
  for (int32_t beds : {0, 3, 12}) {
    SearchHit h{{42, "Leeds", 123456, beds, "A title", ListingStatus::kActive},
                Image{42, 0, "https://img.example/42/0.jpg", 800, 600, 1000}};
    const std::string v = rocks::EncodeToString(h);
    int32_t got = -1;
    ASSERT_TRUE(rocks::PeekSearchHitBedrooms(v, &got));
    EXPECT_EQ(got, beds);
    EXPECT_FALSE(rocks::PeekSearchHitBedrooms(std::string_view(v).substr(0, 3), &got));
  }
}

TEST(RocksKeyCodecTest, PrefixSuccessor) {
  EXPECT_EQ(rocks::PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(rocks::PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(rocks::PrefixSuccessor("\xff\xff"), "");
}

TEST(RocksKeyCodecTest, ValuesRoundTripAndTruncationIsDetected) {
  Listing l = Tiny().listing(1);
  std::string v = rocks::EncodeToString(l);
  Listing back;
  ASSERT_TRUE(rocks::Decode(v, &back));
  EXPECT_EQ(back, l);
  for (size_t n = 0; n < v.size(); ++n) {
    EXPECT_FALSE(rocks::Decode(std::string_view(v).substr(0, n), &back)) << n;
  }
  EXPECT_FALSE(rocks::Decode(v + "x", &back));  // trailing garbage
  std::string s;
  rocks::PutSignedVarint(&s, INT64_MIN);
  rocks::PutSignedVarint(&s, -1);
  rocks::PutVarint(&s, UINT64_MAX);
  rocks::ValueReader r(s);
  EXPECT_EQ(r.SignedVarint(), INT64_MIN);
  EXPECT_EQ(r.SignedVarint(), -1);
  EXPECT_EQ(r.Varint(), UINT64_MAX);
  EXPECT_TRUE(r.done());
}

TEST(RocksKeyCodecTest, EveryItemKeyParses) {
  rocks::ParsedKey k;
  ASSERT_TRUE(rocks::ParseKey(rocks::ImageKey(3, 7, 2), &k));
  EXPECT_EQ(k.kind, rocks::ParsedKey::Kind::kImage);
  EXPECT_EQ(k.tenant, 3u);
  EXPECT_EQ(k.id, 7u);
  EXPECT_EQ(k.position, 2);
  ASSERT_TRUE(rocks::ParseKey(rocks::SearchKey(2, std::string("a\0b", 3), 5, 9), &k));
  EXPECT_EQ(k.kind, rocks::ParsedKey::Kind::kSearch);
  EXPECT_EQ(k.city, std::string("a\0b", 3));
  EXPECT_EQ(k.price, 5);
  EXPECT_EQ(k.id, 9u);
  ASSERT_TRUE(rocks::ParseKey(rocks::PaymentKey(1, 2, 3), &k));
  EXPECT_EQ(k.kind, rocks::ParsedKey::Kind::kPayment);
  EXPECT_EQ(k.sub, 3u);
  EXPECT_FALSE(rocks::ParseKey("garbage", &k));
}

// ---- The store -------------------------------------------------------------------

class RocksStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.Sub("store");
    fs::create_directory(dir_);
    Open();
    ASSERT_TRUE(testing::LoadTiny(*store_).ok());
  }

  void Open(StoreOptions o = {}) {
    store_.reset();
    auto s = OpenRocksStore(dir_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  // Closes the store and applies `edit` to the raw RocksDB database.
  void EditRaw(const std::function<void(rocksdb::DB*)>& edit) {
    store_.reset();
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir_, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    edit(db.get());
    ASSERT_TRUE(db->Close().ok());
  }

  // Key -> size (key + value bytes) of every item, read from the raw
  // database with the store closed; the store is then reopened, so counted
  // work starts again at zero.
  std::map<std::string, uint64_t> RawSizes() {
    std::map<std::string, uint64_t> out;
    EditRaw([&](rocksdb::DB* db) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        out[it->key().ToString()] = rocks::ItemBytes(it->key().size(), it->value().size());
      }
      ASSERT_TRUE(it->status().ok());
    });
    Open();
    return out;
  }

  // Sizes of the items in [lower, upper), and their count.
  static uint64_t SumRange(const std::map<std::string, uint64_t>& sizes, const std::string& lower,
                           const std::string& upper, size_t* count) {
    uint64_t sum = 0;
    *count = 0;
    for (auto it = sizes.lower_bound(lower); it != sizes.end() && it->first < upper; ++it) {
      sum += it->second;
      ++*count;
    }
    return sum;
  }

  // Size of `key` in `sizes`, 0 if absent.
  static uint64_t SizeOr0(const std::map<std::string, uint64_t>& sizes, const std::string& key) {
    auto it = sizes.find(key);
    return it == sizes.end() ? 0 : it->second;
  }

  // Keys whose items differ between `before` and `after` (added, removed or
  // resized).
  static std::vector<std::string> Changed(const std::map<std::string, uint64_t>& before,
                                          const std::map<std::string, uint64_t>& after) {
    std::vector<std::string> out;
    for (const auto& [k, n] : after) {
      if (SizeOr0(before, k) != n) out.push_back(k);
    }
    for (const auto& [k, n] : before) {
      if (!after.contains(k)) out.push_back(k);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<std::string> Violations() {
    std::vector<std::string> v;
    EXPECT_TRUE(store_->CheckInvariants(&v).ok());
    return v;
  }

  static bool Mentions(const std::vector<std::string>& v, const std::string& what) {
    return std::any_of(v.begin(), v.end(),
                       [&](const std::string& s) { return s.find(what) != std::string::npos; });
  }

  // Names, sizes and contents of the files in `dir`.
  static std::map<std::string, std::string> DirContents(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out[e.path().filename().string()] = ss.str();
    }
    return out;
  }

  testing::TempDir tmp_;
  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RocksStoreTest, NameIsRocksdb) { EXPECT_EQ(store_->Name(), "rocksdb"); }

// Each read pattern is one seek over one item collection; the items it visits
// are exactly those listed in README.md's access-pattern table.
TEST_F(RocksStoreTest, EveryReadIsOneScan) {
  auto work = [&](const auto& read) {
    const WorkStats before = store_->work_stats();
    read();
    return store_->work_stats() - before;
  };
  struct Want {
    const char* name;
    uint64_t rows;
    std::function<void()> read;
  };
  // Every tiny collection sums to well under 4 KB, so each read is one read
  // unit (an empty scan too); capacity units are pinned against real item
  // sizes in the CapacityUnits* tests below.
  const std::vector<Want> wants = {
      // META, IMG#0, IMG#1, OWNER.
      {"R1", 4, [&] { ASSERT_TRUE(store_->GetListingDetail(1, 1).ok()); }},
      // META, LST#1, LST#2, LST#6.
      {"R2", 4, [&] { ASSERT_TRUE(store_->GetLandlordPortfolio(1, 1).ok()); }},
      // Search entries of listings 2, 3, 1 (all in range).
      {"R3", 3,
       [&] {
         ASSERT_TRUE(store_->Search({1, "London", 100000, 200000, 0, 10}).ok());
       }},
      // Stops at the limit.
      {"R3 limit", 1,
       [&] {
         ASSERT_TRUE(store_->Search({1, "London", 0, 1000000, 0, 1}).ok());
       }},
      // Filtered-out items count as read: 2 (1 bed) is visited, then 3.
      {"R3 filter", 2,
       [&] {
         ASSERT_TRUE(store_->Search({1, "London", 0, 1000000, 2, 1}).ok());
       }},
      // APP#1, APP#3, META, PAY#1, PAY#2.
      {"R4", 5, [&] { ASSERT_TRUE(store_->GetApplicantProfile(1, 1).ok()); }},
      // APP#1, APP#2, META.
      {"R5", 3, [&] { ASSERT_TRUE(store_->GetListingApplications(1, 1).ok()); }},
      // Just the META item.
      {"R5 empty", 1, [&] { ASSERT_TRUE(store_->GetListingApplications(1, 3).ok()); }},
      {"R1 missing", 0, [&] { ASSERT_TRUE(store_->GetListingDetail(2, 1).status().IsNotFound()); }},
  };
  for (const Want& w : wants) {
    const WorkStats d = work(w.read);
    EXPECT_EQ(d.queries, 1u) << w.name;
    EXPECT_EQ(d.rows_read, w.rows) << w.name;
    EXPECT_EQ(d.rows_written, 0u) << w.name;
    EXPECT_EQ(d.read_units, 1u) << w.name;
    EXPECT_EQ(d.write_units, 0u) << w.name;
  }
}

TEST_F(RocksStoreTest, WritesAreOneBatchWithPinnedWork) {
  const WorkStats w0 = store_->work_stats();
  // Gets: application, applicant copy, listing copy; approved stays open.
  ASSERT_TRUE(store_->DecideApplication(1, 1, true, 1700000000).ok());
  const WorkStats d1 = store_->work_stats() - w0;
  EXPECT_EQ(d1.queries, 4u);
  EXPECT_EQ(d1.rows_read, 3u);
  EXPECT_EQ(d1.rows_written, 3u);  // primary + 2 copies
  EXPECT_EQ(d1.read_units, 3u);    // three small items
  EXPECT_EQ(d1.write_units, 3u);   // three items under 1 KB

  const WorkStats w1 = store_->work_stats();
  // Gets: listing, applicant, marker (absent), LST item.
  Application a{10, 1, 2, 2, ApplicationStatus::kSubmitted, 1700000000, 1700000000};
  ASSERT_TRUE(store_->SubmitApplication(a).ok());
  const WorkStats d2 = store_->work_stats() - w1;
  EXPECT_EQ(d2.queries, 5u);
  EXPECT_EQ(d2.rows_read, 3u);
  EXPECT_EQ(d2.rows_written, 5u);  // primary, 2 copies, marker, LST
  EXPECT_EQ(d2.read_units, 4u);    // the absent marker costs one unit too
  EXPECT_EQ(d2.write_units, 5u);
}

// ---- Capacity units ----------------------------------------------------------------

// R1 reads the listing's META, IMG# and OWNER items: one query, charged the
// sum of their real sizes rounded up to 4 KB.
TEST_F(RocksStoreTest, CapacityUnitsOfR1AreTheRoundedSumOfTheItemsVisited) {
  const auto sizes = RawSizes();
  size_t n = 0;
  const uint64_t sum = SumRange(sizes, rocks::ListingKey(1, 1),
                                rocks::PrefixSuccessor(rocks::ListingPrefix(1, 1)), &n);
  ASSERT_EQ(n, 4u);  // META, IMG#0, IMG#1, OWNER
  const WorkStats w0 = store_->work_stats();
  ASSERT_TRUE(store_->GetListingDetail(1, 1).ok());
  const WorkStats d = store_->work_stats() - w0;
  EXPECT_EQ(d.rows_read, n);
  EXPECT_EQ(d.read_units, rocks::ReadUnitsForQuery(sum));
  EXPECT_EQ(d.read_units, 1u) << sum << " bytes";
  EXPECT_EQ(d.write_units, 0u);
}

// W1: four gets (listing, applicant, absent marker, LST copy), then one batch
// of five items: four new (before image 0) and the LST copy, whose before
// image is the size its get read.
TEST_F(RocksStoreTest, CapacityUnitsOfW1FollowTheRealItemSizes) {
  const auto before = RawSizes();
  const Listing& l = Tiny().listing(2);
  const std::string lst = rocks::PortfolioKey(1, l.landlord, 2);
  const WorkStats w0 = store_->work_stats();
  ASSERT_TRUE(
      store_
          ->SubmitApplication({10, 1, 2, 2, ApplicationStatus::kSubmitted, 1700000000, 1700000000})
          .ok());
  const WorkStats d = store_->work_stats() - w0;
  const auto after = RawSizes();

  std::vector<std::string> written = {
      rocks::ApplicationKey(1, 10), rocks::ApplicantAppKey(1, 2, 10),
      rocks::ListingAppKey(1, 2, 10), rocks::MarkerKey(rocks::MarkerKind::kApplication, 10), lst};
  std::sort(written.begin(), written.end());
  // The LST copy's open count changes by one: possibly the same size.
  std::vector<std::string> changed = Changed(before, after);
  if (!std::binary_search(changed.begin(), changed.end(), lst)) {
    changed.push_back(lst);
    std::sort(changed.begin(), changed.end());
  }
  ASSERT_EQ(changed, written);

  const uint64_t want_read = rocks::ReadUnitsForGet(before.at(rocks::ListingKey(1, 2))) +
                             rocks::ReadUnitsForGet(before.at(rocks::ApplicantKey(1, 2))) +
                             rocks::ReadUnitsForGet(0) + rocks::ReadUnitsForGet(before.at(lst));
  uint64_t want_write = 0;
  for (const std::string& k : written) {
    want_write += rocks::WriteUnitsForItem(SizeOr0(before, k), after.at(k));
  }
  EXPECT_EQ(d.read_units, want_read);
  EXPECT_EQ(d.write_units, want_write);
  EXPECT_EQ(d.read_units, 4u);
  EXPECT_EQ(d.write_units, 5u);
}

// Items over the unit sizes: a listing with a 3000-byte description (META
// only) and a 1500-byte title (in every summary copy) and three 600-byte
// image URLs. Pins W4, R1 and W3 against the real sizes.
TEST_F(RocksStoreTest, CapacityUnitsRoundLargeItemsUp) {
  Listing l = Tiny().listing(1);
  l.id = 20;
  l.title = std::string(1500, 't');
  l.description = std::string(3000, 'd');
  std::vector<Image> images;
  for (int32_t i = 0; i < 3; ++i) {
    images.push_back({20, i, std::string(600, 'u'), 800, 600, 100000});
  }
  const auto before = RawSizes();
  WorkStats w0 = store_->work_stats();
  ASSERT_TRUE(store_->AddListing(l, images).ok());
  WorkStats d = store_->work_stats() - w0;
  const auto added = RawSizes();

  // W4: landlord get + absent marker get; every written item is new.
  const std::vector<std::string> written = Changed(before, added);
  ASSERT_EQ(written.size(), 8u);  // META, 3 IMG#, OWNER, marker, search entry, LST
  uint64_t want_write = 0;
  for (const std::string& k : written) want_write += rocks::WriteUnitsForItem(0, added.at(k));
  EXPECT_EQ(d.read_units, rocks::ReadUnitsForGet(before.at(rocks::LandlordKey(1, l.landlord))) +
                              rocks::ReadUnitsForGet(0));
  EXPECT_EQ(d.write_units, want_write);
  const uint64_t meta = added.at(rocks::ListingKey(1, 20));
  EXPECT_GT(meta, 4096u);
  EXPECT_EQ(rocks::WriteUnitsForItem(0, meta), 5u);  // ~4.6 KB
  EXPECT_EQ(d.read_units, 2u);
  EXPECT_EQ(d.write_units, 15u);

  // R1: META + 3 IMG# + OWNER, summed and rounded once.
  size_t n = 0;
  const uint64_t sum = SumRange(added, rocks::ListingKey(1, 20),
                                rocks::PrefixSuccessor(rocks::ListingPrefix(1, 20)), &n);
  ASSERT_EQ(n, 5u);
  w0 = store_->work_stats();
  ASSERT_TRUE(store_->GetListingDetail(1, 20).ok());
  d = store_->work_stats() - w0;
  EXPECT_EQ(d.read_units, rocks::ReadUnitsForQuery(sum));
  EXPECT_EQ(d.read_units, 2u) << sum << " bytes";

  // W3 (price change, stays active): gets META, LST and IMG#0; puts META and
  // LST over their read before images; deletes the old search entry (not
  // read in the request: the one-unit minimum) and puts the new one.
  ListingUpdate u;
  u.tenant = 1;
  u.listing = 20;
  u.expected_version = l.version;
  u.price = l.price + 1000;
  u.now = 1700000000;
  w0 = store_->work_stats();
  ASSERT_TRUE(store_->UpdateListing(u).ok());
  d = store_->work_stats() - w0;
  const auto updated = RawSizes();
  const std::string lst = rocks::PortfolioKey(1, l.landlord, 20);
  const std::string old_search = rocks::SearchKey(1, l.city, l.price, 20);
  const std::string new_search = rocks::SearchKey(1, l.city, *u.price, 20);
  ASSERT_TRUE(added.contains(old_search));
  ASSERT_FALSE(updated.contains(old_search));
  EXPECT_EQ(d.read_units, rocks::ReadUnitsForGet(meta) + rocks::ReadUnitsForGet(added.at(lst)) +
                              rocks::ReadUnitsForGet(added.at(rocks::ImageKey(1, 20, 0))));
  EXPECT_EQ(d.write_units, rocks::WriteUnitsForItem(meta, updated.at(rocks::ListingKey(1, 20))) +
                               rocks::WriteUnitsForItem(added.at(lst), updated.at(lst)) +
                               rocks::WriteUnitsForItem(0, 0) +
                               rocks::WriteUnitsForItem(0, updated.at(new_search)));
  EXPECT_EQ(d.read_units, 4u);
  EXPECT_EQ(d.write_units, 11u);
}

// The units of one request of each pattern on the tiny dataset, where every
// item is well under 1 KB: a read is one query (1 unit) or one get per item
// (1 unit each, absent ones included); a write is 1 unit per item written.
TEST_F(RocksStoreTest, CapacityUnitsOfEveryPatternOnTheTinyDataset) {
  struct Want {
    const char* name;
    uint64_t read_units, write_units;
    std::function<void()> request;
  };
  Listing l = Tiny().listing(1);
  l.id = 20;
  const std::vector<Image> images = {{20, 0, "https://img.example/20/0.jpg", 800, 600, 1000}};
  const std::vector<Want> wants = {
      {"R1", 1, 0, [&] { ASSERT_TRUE(store_->GetListingDetail(1, 1).ok()); }},
      {"R2", 1, 0, [&] { ASSERT_TRUE(store_->GetLandlordPortfolio(1, 1).ok()); }},
      {"R3", 1, 0,
       [&] {
         ASSERT_TRUE(store_->Search({1, "London", 100000, 200000, 0, 10}).ok());
       }},
      {"R4", 1, 0, [&] { ASSERT_TRUE(store_->GetApplicantProfile(1, 1).ok()); }},
      {"R5", 1, 0, [&] { ASSERT_TRUE(store_->GetListingApplications(1, 1).ok()); }},
      // Gets: listing, applicant, marker (absent), LST. Puts: primary, 2
      // copies, marker, LST.
      {"W1", 4, 5,
       [&] {
         ASSERT_TRUE(store_
                         ->SubmitApplication(
                             {10, 1, 2, 2, ApplicationStatus::kSubmitted, 1700000000, 1700000000})
                         .ok());
       }},
      // Gets: application, marker (absent), 2 copies, listing META, LST.
      // Puts: payment, marker, primary, 2 copies, LST (approved -> paid
      // closes it).
      {"W2", 6, 6,
       [&] {
         ASSERT_TRUE(store_
                         ->RecordPayment(
                             {3, 1, 2, 5000, "GBP", "stripe", PaymentStatus::kCaptured, 1700000001})
                         .ok());
       }},
      // Gets: META, LST, IMG#0. META, LST, delete + put of the search entry.
      {"W3", 3, 4,
       [&] {
         ListingUpdate u;
         u.tenant = 1;
         u.listing = 1;
         u.expected_version = 1;
         u.price = 160000;
         u.now = 1700000002;
         ASSERT_TRUE(store_->UpdateListing(u).ok());
       }},
      // Gets: landlord, marker (absent). META, IMG#0, OWNER, marker, search
      // entry, LST.
      {"W4", 2, 6, [&] { ASSERT_TRUE(store_->AddListing(l, images).ok()); }},
      // Gets: application, 2 copies, listing META, LST. Primary, 2 copies,
      // LST (reject closes it).
      {"W5", 5, 4, [&] { ASSERT_TRUE(store_->DecideApplication(1, 1, false, 1700000003).ok()); }},
  };
  for (const Want& w : wants) {
    const WorkStats w0 = store_->work_stats();
    w.request();
    const WorkStats d = store_->work_stats() - w0;
    EXPECT_EQ(d.read_units, w.read_units) << w.name;
    EXPECT_EQ(d.write_units, w.write_units) << w.name;
    // With every item under 1 KB, units equal gets/queries and items written.
    EXPECT_EQ(d.write_units, d.rows_written) << w.name;
  }
}

// Loading and checking invariants are not requests: no capacity units.
TEST_F(RocksStoreTest, LoadAndInvariantCheckCountNoCapacityUnits) {
  WorkStats w = store_->work_stats();  // right after LoadTiny
  EXPECT_GT(w.rows_written, 0u);
  EXPECT_EQ(w.read_units, 0u);
  EXPECT_EQ(w.write_units, 0u);
  EXPECT_TRUE(Violations().empty());
  w = store_->work_stats();
  EXPECT_GT(w.rows_read, 0u);
  EXPECT_EQ(w.read_units, 0u);
  EXPECT_EQ(w.write_units, 0u);

  Open();  // reopen
  w = store_->work_stats();
  EXPECT_EQ(w.read_units, 0u);
  EXPECT_EQ(w.write_units, 0u);
  EXPECT_TRUE(Violations().empty());
  EXPECT_EQ(store_->work_stats().read_units, 0u);

  // After a request, the invariant check still adds none.
  ASSERT_TRUE(store_->GetListingDetail(1, 1).ok());
  w = store_->work_stats();
  EXPECT_EQ(w.read_units, 1u);
  EXPECT_TRUE(Violations().empty());
  EXPECT_EQ(store_->work_stats().read_units, w.read_units);
  EXPECT_EQ(store_->work_stats().write_units, 0u);
}

TEST_F(RocksStoreTest, CheckInvariantsDetectsCorruptedCopy) {
  EditRaw([](rocksdb::DB* db) {
    const std::string bad = rocks::EncodeToString(LandlordSummary{1, "Mallory", 45});
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), rocks::OwnerKey(1, 1), bad).ok());
  });
  Open();
  auto v = Violations();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_TRUE(Mentions(v, "OWNER copy of listing 1")) << v[0];
}

TEST_F(RocksStoreTest, CheckInvariantsDetectsStaleOpenCount) {
  EditRaw([](rocksdb::DB* db) {
    PortfolioEntry e{rocks::SummaryOf(Tiny().listing(1)), 7};
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), rocks::PortfolioKey(1, 1, 1), rocks::EncodeToString(e))
            .ok());
  });
  Open();
  EXPECT_TRUE(Mentions(Violations(), "LST copy of listing 1"));
}

TEST_F(RocksStoreTest, CheckInvariantsDetectsMissingAndOrphanIndexEntries) {
  EditRaw([](rocksdb::DB* db) {
    const Listing& l = Tiny().listing(1);
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), rocks::SearchKey(1, l.city, l.price, 1)).ok());
    const Listing& w = Tiny().listing(6);  // withdrawn: must not be indexed
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), rocks::SearchKey(1, w.city, w.price, 6),
                        rocks::EncodeToString(SearchHit{rocks::SummaryOf(w), std::nullopt}))
                    .ok());
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), rocks::ApplicantAppKey(1, 1, 3)).ok());
  });
  Open();
  auto v = Violations();
  EXPECT_EQ(v.size(), 3u);
  EXPECT_TRUE(Mentions(v, "missing search entry of active listing 1"));
  EXPECT_TRUE(Mentions(v, "search entry of inactive listing 6"));
  EXPECT_TRUE(Mentions(v, "missing applicant APP copy of application 3"));
}

TEST_F(RocksStoreTest, WrongFormatMarkerIsRefusedAndLeftUnchanged) {
  EditRaw([](rocksdb::DB* db) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        rocksdb::Slice(rocks::kFormatKey.data(), rocks::kFormatKey.size()),
                        "listbench-rocksdb-single-table/99")
                    .ok());
  });
  const auto before = DirContents(dir_);
  StoreOptions o;
  o.create_if_missing = false;
  auto s = OpenRocksStore(dir_, o);
  ASSERT_EQ(s.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(s.status().message().find(dir_), std::string::npos);
  EXPECT_NE(s.status().message().find("/99"), std::string::npos);
  EXPECT_EQ(DirContents(dir_), before);
}

TEST_F(RocksStoreTest, ForeignRocksDbIsRefused) {
  const std::string other = tmp_.Sub("other");
  rocksdb::Options opt;
  opt.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(opt, other, &raw).ok());
  ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), "k", "v").ok());
  delete raw;
  EXPECT_EQ(OpenRocksStore(other, {}).status().code(), StatusCode::kNotSupported);
}

TEST_F(RocksStoreTest, CloneGivesAnOpenableCopy) {
  ASSERT_TRUE(store_->SubmitApplication({10, 1, 2, 2, ApplicationStatus::kSubmitted, 5, 5}).ok());
  const auto want = store_->GetListingApplications(1, 2);
  ASSERT_TRUE(want.ok());
  store_.reset();
  { std::ofstream(dir_ + "/LISTBENCH.json") << "{}"; }
  const std::string dst = tmp_.Sub("clone");
  ASSERT_TRUE(CloneRocksStore(dir_, dst).ok());
  EXPECT_TRUE(fs::exists(dst + "/LISTBENCH.json"));
  EXPECT_FALSE(CloneRocksStore(dir_, dst).ok());  // dst exists
  StoreOptions o;
  o.create_if_missing = false;
  auto clone = OpenRocksStore(dst, o);
  ASSERT_TRUE(clone.ok()) << clone.status().ToString();
  auto got = (*clone)->GetListingApplications(1, 2);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, *want);
  std::vector<std::string> v;
  ASSERT_TRUE((*clone)->CheckInvariants(&v).ok());
  EXPECT_TRUE(v.empty());
}

TEST_F(RocksStoreTest, CountingFileSystemSeesWritesAndSyncs) {
  StoreOptions durable;
  durable.durable = true;
  Open(durable);
  const IoStats opened = store_->io_stats();
  EXPECT_GT(opened.opens, 0u);
  EXPECT_GT(opened.reads, 0u);  // recovery read the MANIFEST and WAL
  ASSERT_TRUE(store_->DecideApplication(1, 1, true, 1700000000).ok());
  const IoStats d = store_->io_stats() - opened;
  EXPECT_GE(d.writes, 1u);
  EXPECT_GT(d.write_bytes, 0u);
  EXPECT_GE(d.syncs, 1u);

  Open();  // relaxed: WAL on, no sync per write
  const IoStats r0 = store_->io_stats();
  ASSERT_TRUE(store_->DecideApplication(1, 10 - 9, false, 1).IsConflict());
  ASSERT_TRUE(store_->DecideApplication(2, 5, true, 1).IsConflict());
  ASSERT_TRUE(store_->UpdateListing({1, 3, 1, 100, std::nullopt, 1}).ok());
  const IoStats r = store_->io_stats() - r0;
  EXPECT_GE(r.writes, 1u);
  EXPECT_EQ(r.syncs, 0u);
}

// The one budget (engine/rocks/memory_budget.h): the block cache's capacity
// is cache_bytes, and index blocks, filter blocks and the memtables are
// charged to it besides data blocks.
// Each cache shard holds at least 16 MiB, so that a table's full filter
// block (about 1 MiB at 420,000 listings) stays cached: 64 MiB in 4 shards,
// 1 GiB in 64, and a cache smaller than 32 MiB in one.
TEST(RocksMemoryBudgetTest, CacheShardsAreLargeEnoughForAFilterBlock) {
  EXPECT_EQ(RocksMemoryBudgetFor(size_t{64} << 20).cache_shard_bits, 2);
  EXPECT_EQ(RocksMemoryBudgetFor(size_t{1} << 30).cache_shard_bits, 6);
  EXPECT_EQ(RocksMemoryBudgetFor(size_t{4} << 30).cache_shard_bits, 6);
  EXPECT_EQ(RocksMemoryBudgetFor(size_t{31} << 20).cache_shard_bits, 0);
  EXPECT_EQ(RocksMemoryBudgetFor(size_t{1} << 20).cache_shard_bits, 0);
}

TEST_F(RocksStoreTest, BlockCacheHoldsIndexFilterAndMemtableCharges) {
  StoreOptions o;
  o.cache_bytes = size_t{32} << 20;  // write buffers of 1 MiB
  Open(o);
  // A read brings the load's table's index, filter and data blocks into the
  // cache (non-L0 tables load them on first use).
  ASSERT_TRUE(store_->GetListingDetail(1, 1).ok());
  StatusOr<RocksCacheUsage> before = RocksCacheUsageOf(*store_);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->capacity, o.cache_bytes);
  // By role, from RocksDB's scan of the cache (the next call, within 10 s,
  // repeats this one's): index and filter blocks are in the cache, where
  // they were not when they lived in the table readers.
  EXPECT_GT(before->index_bytes, 0u);
  EXPECT_GT(before->filter_bytes, 0u);
  EXPECT_GE(before->usage, before->index_bytes + before->filter_bytes + before->data_bytes);
  // Writes that fill most of one write buffer, without a flush.
  const uint64_t flushes = store_->background_work().flushes;
  for (uint64_t v = 1; v <= 1000; ++v) {
    const ListingUpdate u{1, 1, v, 1000 + static_cast<int64_t>(v), std::nullopt, 1};
    ASSERT_TRUE(store_->UpdateListing(u).ok());
  }
  ASSERT_EQ(store_->background_work().flushes, flushes);
  StatusOr<RocksCacheUsage> after = RocksCacheUsageOf(*store_);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->capacity, o.cache_bytes);
  EXPECT_GT(after->memtable_bytes, size_t{256} << 10);
  // The memtables are charged to the cache (in 256 KiB dummy entries that
  // cover them), beside the blocks.
  EXPECT_GE(after->usage, after->memtable_bytes + before->index_bytes + before->filter_bytes);
  EXPECT_GE(after->usage, before->usage + (size_t{256} << 10));
}

TEST_F(RocksStoreTest, OpenRefusesMissingDirectory) {
  EXPECT_TRUE(OpenRocksStore(tmp_.Sub("nope"), {}).status().IsNotFound());
}

}  // namespace
}  // namespace listbench
