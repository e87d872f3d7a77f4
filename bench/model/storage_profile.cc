#include "bench/model/storage_profile.h"

#include <array>
#include <cmath>

namespace listbench {
namespace {

const std::array<StorageProfile, 2> kProfiles = {{
    {"local-nvme", 100, 0, 50, 0,
     "application and database on one host with a local NVMe SSD: 4 KiB random read ~100 us "
     "(datacenter NVMe datasheets give 70-100 us), flush to a drive with power-loss "
     "protection ~50 us, buffered writes 0, no network (assumed figures)"},
    {"network-ssd", 500, 0, 500, 300,
     "database on network-attached SSD: Amazon EBS io2 Block Express is designed for an "
     "average latency under 500 us per 16 KiB I/O (AWS EBS User Guide, 'Amazon EBS "
     "optimization'), used for reads and syncs; buffered writes 0; application-to-database "
     "round trip 300 us within one availability zone (assumed; AWS publishes no figure)"},
}};

}  // namespace

std::span<const StorageProfile> StorageProfiles() { return kProfiles; }

uint64_t RoundTrips(const WorkStats& work) { return work.queries; }

uint64_t ModelledNs(const StorageProfile& p, uint64_t measured_ns, const IoStats& io,
                    uint64_t round_trips) {
  const double extra_us =
      static_cast<double>(io.reads) * p.read_us + static_cast<double>(io.writes) * p.write_us +
      static_cast<double>(io.syncs) * p.sync_us + static_cast<double>(round_trips) * p.rtt_us;
  return measured_ns + static_cast<uint64_t>(std::llround(extra_us * 1000.0));
}

}  // namespace listbench
