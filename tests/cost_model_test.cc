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
  in.strong_read_unit_multiplier = 1;
  // 1,000 calls x (2 read units x 0.5 x $0.25/M + 3 write units x 2 x $1.25/M)
  // = 1,000 x (0.25e-6 + 7.5e-6) = $0.00775.
  EXPECT_NEAR(DynamoUsdPer1000Calls(in, {2, 0, 3}), 0.00775, 1e-12);
  // + 4 strongly consistent read units x 1 x $0.25/M = + 1,000 x 1e-6.
  EXPECT_NEAR(DynamoUsdPer1000Calls(in, {2, 4, 3}), 0.00875, 1e-12);
  EXPECT_EQ(DynamoUsdPer1000Calls(in, {}), 0);
}

TEST(CostModelTest, InstancePerThousandCalls) {
  CostInputs in;
  in.sql_instance_usd_per_hour = 0.36;
  // 100 calls/s = 360,000 calls/hour: $0.36 / 360 = $0.001 per 1,000 calls.
  EXPECT_NEAR(InstanceUsdPer1000Calls(in, 100, 1.0), 0.001, 1e-12);
  // Busy a tenth of the time: 36,000 calls/hour, $0.01 per 1,000.
  EXPECT_NEAR(InstanceUsdPer1000Calls(in, 100, 0.1), 0.01, 1e-12);
  EXPECT_EQ(InstanceUsdPer1000Calls(in, 0, 1.0), 0);
  EXPECT_EQ(InstanceUsdPer1000Calls(in, 100, 0), 0);
}

}  // namespace
}  // namespace listbench
