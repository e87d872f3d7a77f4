// NetScenario: a failover run's network faults described as data
// (sim/scenarios/failover-*.toml): how the primary fails, and the delay,
// drop and partition rules (sim/net_fault.h) on the links that reach it.
// The failover experiment's links are "client" (the clients' requests),
// "detector" (the failure detector's probes) and "replication" (the
// replica's log stream); "*" is all of them.
//
// Thread safety: plain functions over values.
//
// Format (every key optional unless marked; unknown keys are errors naming
// file and line):
//   name = "failover-partition"      # required
//   description = "..."
//   seed = 1                         # the NetFaultPlan's seed
//   failure = "kill" | "power_loss" | "partition"
//                                    # how the primary fails: SIGKILL; a
//                                    # simulated power loss (its writes not
//                                    # yet synced are lost, then it stops;
//                                    # the embedded engines); or isolated
//                                    # from clients, detector and replica
//                                    # (default kill)
//   heal_after_ms = 2000             # partition only: the partition heals
//                                    # this long after the replica's promotion
//   [[net]]                          # any number
//   kind = "delay" | "drop" | "partition"   # required
//   link = "client" | "detector" | "replication" | "*"  # default "*"
//   delay_ms = 2.0                   # delay: at least one of delay_ms,
//   jitter_ms = 3.0                  #   jitter_ms (0 to 60000)
//   one_in = 2000                    # drop: required, >= 1
//   from_ms = 0                      # active window from the run's start;
//   until_ms = 0                     #   until 0 = forever
// Numbers may be integers or floats (one_in, seed and heal_after_ms:
// integers).
#ifndef LISTBENCH_SIM_NET_SCENARIO_H_
#define LISTBENCH_SIM_NET_SCENARIO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sim/net_fault.h"

namespace listbench {

enum class FailoverFailure : uint8_t { kKill, kPowerLoss, kPartition };
// "kill", "power_loss", "partition"
std::string_view FailoverFailureName(FailoverFailure f);

struct NetScenario {
  std::string file;  // where it was read from
  std::string name;
  std::string description;
  uint64_t seed = 1;
  FailoverFailure failure = FailoverFailure::kKill;
  uint64_t heal_after_ms = 2000;  // failure = kPartition only
  std::vector<NetFaultRule> rules;
};

// InvalidArgument "<file>:<line>: <problem>" (or "<file>: <problem>" when no
// line applies) for a malformed scenario, and "<file>: no such failover
// scenario file" / "cannot read" (util/toml_file.h).
StatusOr<NetScenario> ParseNetScenarioFile(const std::string& path);
StatusOr<NetScenario> ParseNetScenarioText(const std::string& text, const std::string& name);

}  // namespace listbench

#endif  // LISTBENCH_SIM_NET_SCENARIO_H_
