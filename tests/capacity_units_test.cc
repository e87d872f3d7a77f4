// Golden tests of the DynamoDB capacity-unit rounding rules
// (engine/rocks/capacity_units.h): reads round up to 4 KB per get or per
// query sum, writes round up the larger image to 1 KB, at least 1 unit each.
#include "engine/rocks/capacity_units.h"

#include <gtest/gtest.h>

namespace listbench::rocks {
namespace {

TEST(CapacityUnitsTest, GetRoundsItemUpToFourKilobytes) {
  EXPECT_EQ(ReadUnitsForGet(1), 1u);
  EXPECT_EQ(ReadUnitsForGet(4096), 1u);
  EXPECT_EQ(ReadUnitsForGet(4097), 2u);
  EXPECT_EQ(ReadUnitsForGet(3 * 4096), 3u);
  EXPECT_EQ(ReadUnitsForGet(10 * 1024), 3u);  // AWS's example: 10 KB -> 12 KB
}

TEST(CapacityUnitsTest, GetOfMissingItemCostsOneUnit) { EXPECT_EQ(ReadUnitsForGet(0), 1u); }

TEST(CapacityUnitsTest, QuerySumsThenRounds) {
  EXPECT_EQ(ReadUnitsForQuery(3 * 1500), 2u);  // 4500 bytes: 2, not 3 x 1
  EXPECT_EQ(ReadUnitsForQuery(4096), 1u);
  EXPECT_EQ(ReadUnitsForQuery(4097), 2u);
}

TEST(CapacityUnitsTest, EmptyQueryCostsOneUnit) { EXPECT_EQ(ReadUnitsForQuery(0), 1u); }

TEST(CapacityUnitsTest, WriteRoundsLargerImageUpToOneKilobyte) {
  EXPECT_EQ(WriteUnitsForItem(0, 1), 1u);
  EXPECT_EQ(WriteUnitsForItem(0, 1024), 1u);
  EXPECT_EQ(WriteUnitsForItem(0, 1025), 2u);
  EXPECT_EQ(WriteUnitsForItem(3000, 100), 3u);  // shrinking: the before image counts
  EXPECT_EQ(WriteUnitsForItem(100, 3000), 3u);
}

TEST(CapacityUnitsTest, DeleteChargesTheDeletedItem) {
  EXPECT_EQ(WriteUnitsForItem(2048, 0), 2u);
  EXPECT_EQ(WriteUnitsForItem(0, 0), 1u);  // absent or unknown: the minimum
}

TEST(CapacityUnitsTest, ItemSizeIsKeyPlusValueBytes) {
  EXPECT_EQ(ItemBytes(20, 1004), 1024u);
  EXPECT_EQ(WriteUnitsForItem(0, ItemBytes(21, 1004)), 2u);
}

// The rules are constexpr, so they can be checked at compile time too.
static_assert(ReadUnitsForGet(4097) == 2);
static_assert(WriteUnitsForItem(3000, 100) == 3);

}  // namespace
}  // namespace listbench::rocks
