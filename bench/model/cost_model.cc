#include "bench/model/cost_model.h"

namespace listbench {

double DynamoUsdPer1000Calls(const CostInputs& in, const UnitsPerCall& u) {
  const double read_units = u.eventual_read_units * in.read_unit_multiplier +
                            u.strong_read_units * in.strong_read_unit_multiplier;
  const double per_call =
      read_units * in.usd_per_million_read_units / 1e6 +
      u.write_units * in.write_unit_multiplier * in.usd_per_million_write_units / 1e6;
  return per_call * 1000.0;
}

double InstanceUsdPer1000Calls(const CostInputs& in, double calls_per_second, double utilization) {
  if (calls_per_second <= 0 || utilization <= 0) return 0;
  return in.sql_instance_usd_per_hour / (calls_per_second * utilization * 3600.0) * 1000.0;
}

}  // namespace listbench
