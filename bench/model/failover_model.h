// The *modelled* managed failover beside the measured one of `listbench
// failover`: on a managed deployment, clients learn of a promotion through a
// DNS health check and a DNS record, so the time to recover is modelled as
//
//   modelled = check interval x failure threshold   (the primary declared dead)
//            + promotion                            (measured here)
//            + DNS TTL                              (clients still resolve the
//                                                    old address until it expires)
//
// The inputs are printed with their sources; they are never tuned to the
// article's 45 min -> 4 min 13 s. One machine measures detection, promotion
// and redirection over loopback; it cannot show a network partition between
// availability zones, a DNS resolver's cache, or a cloud control plane.
#ifndef LISTBENCH_BENCH_MODEL_FAILOVER_MODEL_H_
#define LISTBENCH_BENCH_MODEL_FAILOVER_MODEL_H_

#include <span>
#include <string_view>

namespace listbench {

struct ManagedFailoverProfile {
  std::string_view name;
  double check_interval_s = 0;  // between health checks
  int failure_threshold = 0;    // consecutive failed checks to declare it dead
  double dns_ttl_s = 0;         // the record's time to live
  std::string_view source;
};

// Route 53 health checks at their two intervals with the default threshold,
// and a 60 s record TTL (an input, shown as one).
std::span<const ManagedFailoverProfile> ManagedFailoverProfiles();

// The modelled seconds from the failure to clients reaching the promoted
// replica, with `promotion_s` measured.
double ModelledManagedFailoverSeconds(const ManagedFailoverProfile& p, double promotion_s);

// What AWS documents for an RDS Multi-AZ DB instance failover: a range,
// cited, not computed.
inline constexpr double kRdsMultiAzFailoverMinS = 60;
inline constexpr double kRdsMultiAzFailoverMaxS = 120;
inline constexpr std::string_view kRdsMultiAzFailoverSource =
    "AWS RDS User Guide, Multi-AZ failover: \"Failover times are typically 60-120 seconds\"";

}  // namespace listbench

#endif  // LISTBENCH_BENCH_MODEL_FAILOVER_MODEL_H_
