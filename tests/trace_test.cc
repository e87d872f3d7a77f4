// Operation traces: deterministic for a seed, the mix and the key
// distributions are what the workload asks for.
#include "workloads/trace.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "workloads/key_chooser.h"

namespace listbench {
namespace {

class TraceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    catalog_ = new DatasetCatalog;
    ASSERT_TRUE(GenerateDataset({4000, 4}, nullptr, catalog_).ok());
  }
  static void TearDownTestSuite() { delete catalog_; }
  static DatasetCatalog* catalog_;
};
DatasetCatalog* TraceTest::catalog_ = nullptr;

TEST_F(TraceTest, VerifyTraceIsDeterministicAndCoversEveryKind) {
  const std::vector<Op> a = MakeVerifyTrace(*catalog_, {3000, 8});
  const std::vector<Op> b = MakeVerifyTrace(*catalog_, {3000, 8});
  const std::vector<Op> c = MakeVerifyTrace(*catalog_, {3000, 9});
  ASSERT_EQ(a.size(), 3000u);
  std::set<OpKind> kinds;
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(DescribeOp(a[i]), DescribeOp(b[i]));
    differs |= DescribeOp(a[i]) != DescribeOp(c[i]);
    kinds.insert(KindOf(a[i]));
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(kinds.size(), static_cast<size_t>(kNumOpKinds));
}

TEST_F(TraceTest, FollowsTheMix) {
  TraceSpec t;
  t.mix[static_cast<int>(OpKind::kListingDetail)] = 3;
  t.mix[static_cast<int>(OpKind::kSearch)] = 1;
  t.ops = 20000;
  const std::vector<Op> ops = MakeTrace(*catalog_, t);
  std::map<OpKind, int> n;
  for (const Op& op : ops) ++n[KindOf(op)];
  EXPECT_EQ(n.size(), 2u);
  EXPECT_NEAR(n[OpKind::kListingDetail] / 20000.0, 0.75, 0.02);
}

// Share of R1 operations that go to the most popular `top` listings.
double TopShare(const std::vector<Op>& ops, size_t top) {
  std::map<EntityId, int> per;
  for (const Op& op : ops) ++per[std::get<ListingDetailOp>(op).listing];
  std::vector<int> counts;
  for (auto& [id, c] : per) counts.push_back(c);
  std::sort(counts.rbegin(), counts.rend());
  int sum = 0;
  for (size_t i = 0; i < top && i < counts.size(); ++i) sum += counts[i];
  return static_cast<double>(sum) / ops.size();
}

TEST_F(TraceTest, KeyDistributions) {
  TraceSpec t;
  t.mix[static_cast<int>(OpKind::kListingDetail)] = 1;
  t.ops = 40000;
  const std::vector<Op> uniform = MakeTrace(*catalog_, t);
  t.keys.distribution = KeyDistribution::kZipfian;
  const std::vector<Op> zipf = MakeTrace(*catalog_, t);
  // 1% of 4,000 listings: ~1% of uniform traffic, most of zipfian(0.99).
  EXPECT_LT(TopShare(uniform, 40), 0.03);
  EXPECT_GT(TopShare(zipf, 40), 0.4);
  // Zipfian popularity is scattered, not the lowest ids.
  std::map<EntityId, int> per;
  for (const Op& op : zipf) ++per[std::get<ListingDetailOp>(op).listing];
  const auto top = std::max_element(per.begin(), per.end(),
                                    [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_NE(top->first, 1u);

  t.keys.distribution = KeyDistribution::kLatest;
  int newest = 0;
  for (const Op& op : MakeTrace(*catalog_, t))
    newest += std::get<ListingDetailOp>(op).listing > 3960;
  EXPECT_GT(newest / 40000.0, 0.4);

  t.keys.distribution = KeyDistribution::kHotspot;
  t.keys.hot_fraction = 0.2;
  t.keys.hot_op_fraction = 0.8;
  int hot = 0;
  for (const Op& op : MakeTrace(*catalog_, t)) hot += std::get<ListingDetailOp>(op).listing <= 800;
  EXPECT_NEAR(hot / 40000.0, 0.8, 0.01);
}

TEST_F(TraceTest, WorkloadTraceHasNoMustFailRequests) {
  TraceSpec t;
  t.mix[static_cast<int>(OpKind::kListingDetail)] = 1;
  t.ops = 5000;
  for (const Op& op : MakeTrace(*catalog_, t)) {
    const auto& d = std::get<ListingDetailOp>(op);
    ASSERT_EQ(d.tenant, catalog_->listings[d.listing - 1].tenant);
  }
}

}  // namespace
}  // namespace listbench
