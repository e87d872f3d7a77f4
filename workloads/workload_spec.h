// WorkloadSpec: an operation mix described as data, in a TOML file like the
// ones shipped in workloads/ (browse.toml, landlord.toml, checkout.toml,
// mixed.toml), in the manner of YCSB's workloads/workloada. Example:
//
//   name = "browse"
//   operations = 200000        # measured operations (or duration_s = 30)
//   warmup = 20000             # operations run before measuring
//   threads = 1                # client threads, 1..256 (the trace is dealt round-robin)
//   target_rate = 0            # ops/s over all clients; > 0 makes the runner open-loop
//   arrivals = "uniform"       # open loop only: uniform | poisson (seeded gaps); an
//                              # error with target_rate = 0
//   [mix]                      # relative weights over R1-R5, W1-W5
//   listing_detail = 50
//   search = 35
//   [keys]
//   distribution = "zipfian"   # uniform | zipfian | latest | hotspot
//   theta = 0.99               # zipfian and latest
//   hot_fraction = 0.2         # hotspot: share of the keys that are hot
//   hot_op_fraction = 0.8      # hotspot: share of the operations they get
//
// Plain value type.
#ifndef LISTBENCH_WORKLOADS_WORKLOAD_SPEC_H_
#define LISTBENCH_WORKLOADS_WORKLOAD_SPEC_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "workloads/op.h"

namespace listbench {

// How an open-loop run's requests arrive: evenly spaced at 1 / rate, or
// with exponential gaps of mean 1 / rate (a Poisson process).
enum class Arrivals { kUniform, kPoisson };
std::string_view ArrivalsName(Arrivals a);  // "uniform" | "poisson"

enum class KeyDistribution { kUniform, kZipfian, kLatest, kHotspot };
std::string_view KeyDistributionName(KeyDistribution d);

struct KeySpec {
  KeyDistribution distribution = KeyDistribution::kUniform;
  double theta = 0.99;           // zipfian, latest
  double hot_fraction = 0.2;     // hotspot
  double hot_op_fraction = 0.8;  // hotspot
};

struct WorkloadSpec {
  std::string name;
  std::string file;                       // where it was read from
  std::array<double, kNumOpKinds> mix{};  // weights, indexed by OpKind
  KeySpec keys;
  uint64_t operations = 0;  // measured operations; 0 when duration_s is used
  double duration_s = 0;    // measured seconds; 0 when operations is used
  uint64_t warmup = 0;      // operations run before measuring
  int threads = 1;
  double target_rate = 0;                  // operations per second; 0 = closed loop
  Arrivals arrivals = Arrivals::kUniform;  // open loop only
};

// The most measured operations, and the most warm-up operations, a workload
// may ask for (the trace of both is generated ahead, in memory).
inline constexpr uint64_t kMaxWorkloadOperations = 1000000000;

// Reads and validates a workload file. On any problem returns
// InvalidArgument with one line "<file>:<line>: <problem>" (the line is
// omitted when the problem is the file as a whole).
StatusOr<WorkloadSpec> ParseWorkloadFile(const std::string& path);
// The same, for text already in memory; `name` stands for the file in errors.
StatusOr<WorkloadSpec> ParseWorkloadText(const std::string& text, const std::string& name);

}  // namespace listbench

#endif  // LISTBENCH_WORKLOADS_WORKLOAD_SPEC_H_
