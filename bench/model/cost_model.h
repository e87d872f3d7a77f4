// The cost row of the report, *modelled*: cost per 1,000 API calls.
//
// Single-table design, priced as DynamoDB on-demand: the capacity units each
// request consumed, counted by the engine from its real item sizes with AWS's
// rounding rules (WorkStats::read_units/write_units, engine/rocks/README.md),
// times the consistency and transaction multipliers, times the price per
// million request units. A read request's reads may be eventually
// consistent; the reads a write makes to check versions and uniqueness
// markers must see the latest state, so they are priced as strongly
// consistent.
//
// Normalized design, priced as a provisioned SQL instance: its hourly price
// divided by the requests per hour it serves, at a stated utilization of a
// throughput measured in the run (an instance of the same size as this
// machine is assumed to sustain what this machine did): an instance busy a
// tenth of the time costs ten times as much per call.
//
// Prices and multipliers are inputs with their date and source; nothing is
// tuned to reproduce the article's $0.12 -> $0.04.
#ifndef LISTBENCH_BENCH_MODEL_COST_MODEL_H_
#define LISTBENCH_BENCH_MODEL_COST_MODEL_H_

#include <string_view>

namespace listbench {

struct CostInputs {
  double usd_per_million_read_units = 0.125;   // DynamoDB on-demand, us-east-1
  double usd_per_million_write_units = 0.625;  // DynamoDB on-demand, us-east-1
  double read_unit_multiplier = 0.5;           // eventually consistent reads (DynamoDB's default)
  double strong_read_unit_multiplier = 1.0;    // strongly consistent reads (inside writes)
  double write_unit_multiplier = 2.0;          // multi-item atomic writes are TransactWriteItems
  double sql_instance_usd_per_hour = 0.225;    // a 2-vCPU provisioned SQL instance
  std::string_view dynamodb_source =
      "AWS DynamoDB pricing, on-demand, US East (N. Virginia), after the 50% on-demand price "
      "cut of 1 Nov 2024: $0.125 per million read request units, $0.625 per million write "
      "request units; 1 read unit = one strongly consistent read of up to 4 KB (eventually "
      "consistent: half), transactional writes consume 2 write units per 1 KB";
  std::string_view sql_source =
      "Amazon RDS for PostgreSQL on-demand, US East (N. Virginia), db.r6g.large (2 vCPU, "
      "16 GiB), Single-AZ, as listed in 2024; storage and I/O charges not included";
};

// The mean capacity units of one call of a workload.
struct UnitsPerCall {
  double eventual_read_units = 0;  // read by read requests
  double strong_read_units = 0;    // read by write requests (checks before writing)
  double write_units = 0;
};

// DynamoDB-style dollars per 1,000 calls.
double DynamoUsdPer1000Calls(const CostInputs& in, const UnitsPerCall& units);

// Provisioned-instance dollars per 1,000 calls when it serves
// `utilization` x `calls_per_second` (utilization in (0, 1]). 0 when either
// is <= 0.
double InstanceUsdPer1000Calls(const CostInputs& in, double calls_per_second, double utilization);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_MODEL_COST_MODEL_H_
