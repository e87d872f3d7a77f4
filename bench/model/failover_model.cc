#include "bench/model/failover_model.h"

namespace listbench {
namespace {

constexpr std::string_view kRoute53Source =
    "Route 53 Developer Guide, \"How Amazon Route 53 determines whether a health check is "
    "healthy\": checks every 10 or 30 seconds; CreateHealthCheck FailureThreshold default 3; "
    "TTL 60 s is an input";

constexpr ManagedFailoverProfile kManagedProfiles[] = {
    {"Route 53 health check, 30 s interval", 30, 3, 60, kRoute53Source},
    {"Route 53 health check, 10 s interval (fast)", 10, 3, 60, kRoute53Source},
};

}  // namespace

std::span<const ManagedFailoverProfile> ManagedFailoverProfiles() { return kManagedProfiles; }

double ModelledManagedFailoverSeconds(const ManagedFailoverProfile& p, double promotion_s) {
  return p.check_interval_s * p.failure_threshold + promotion_s + p.dns_ttl_s;
}

}  // namespace listbench
