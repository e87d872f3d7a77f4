// The cost model's arithmetic, pinned with hand-computed values.
#include "bench/model/cost_model.h"

#include <gtest/gtest.h>

namespace listbench {
namespace {

TEST(CostModelTest, DynamoPerThousandCalls) {
  CostInputs in;
  in.usd_per_million_read_units = 0.25;
  in.usd_per_million_write_units = 1.25;
  in.read_unit_multiplier = 0.5;
  in.write_unit_multiplier = 2;
  // 1,000 calls x (2 read units x 0.5 x $0.25/M + 3 write units x 2 x $1.25/M)
  // = 1,000 x (0.25e-6 + 7.5e-6) = $0.00775.
  EXPECT_NEAR(DynamoUsdPer1000Calls(in, 2, 3), 0.00775, 1e-12);
  EXPECT_EQ(DynamoUsdPer1000Calls(in, 0, 0), 0);
}

TEST(CostModelTest, InstancePerThousandCalls) {
  CostInputs in;
  in.sql_instance_usd_per_hour = 0.36;
  // 100 calls/s = 360,000 calls/hour: $0.36 / 360 = $0.001 per 1,000 calls.
  EXPECT_NEAR(InstanceUsdPer1000Calls(in, 100), 0.001, 1e-12);
  EXPECT_EQ(InstanceUsdPer1000Calls(in, 0), 0);
}

}  // namespace
}  // namespace listbench
