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

#include "engine/rocks/items.h"
#include "engine/rocks/key_codec.h"
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

  const WorkStats w1 = store_->work_stats();
  // Gets: listing, applicant, marker (absent), LST item.
  Application a{10, 1, 2, 2, ApplicationStatus::kSubmitted, 1700000000, 1700000000};
  ASSERT_TRUE(store_->SubmitApplication(a).ok());
  const WorkStats d2 = store_->work_stats() - w1;
  EXPECT_EQ(d2.queries, 5u);
  EXPECT_EQ(d2.rows_read, 3u);
  EXPECT_EQ(d2.rows_written, 5u);  // primary, 2 copies, marker, LST
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

TEST_F(RocksStoreTest, OpenRefusesMissingDirectory) {
  EXPECT_TRUE(OpenRocksStore(tmp_.Sub("nope"), {}).status().IsNotFound());
}

}  // namespace
}  // namespace listbench
