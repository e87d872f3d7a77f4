#include "bench/model/cost_model.h"

namespace listbench {

double DynamoUsdPer1000Calls(const CostInputs& in, double read_units_per_call,
                             double write_units_per_call) {
  const double per_call =
      read_units_per_call * in.read_unit_multiplier * in.usd_per_million_read_units / 1e6 +
      write_units_per_call * in.write_unit_multiplier * in.usd_per_million_write_units / 1e6;
  return per_call * 1000.0;
}

double InstanceUsdPer1000Calls(const CostInputs& in, double calls_per_second) {
  if (calls_per_second <= 0) return 0;
  return in.sql_instance_usd_per_hour / (calls_per_second * 3600.0) * 1000.0;
}

}  // namespace listbench
