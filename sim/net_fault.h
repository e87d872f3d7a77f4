// NetFaultPlan: seeded, replayable network faults on the loopback links
// between the failover experiment's processes (clients, failure detector,
// the replica's log stream -> the primary), in the spirit of the I/O fault
// plan (sim/fault_plan.h). The plan decides; sim/link_proxy.h applies its
// decisions to the bytes of a Unix stream link.
//
// A plan holds rules. Each rule names a kind, a link ("*" = every link) and
// an active window [from_ms, until_ms) measured from Start() (until_ms 0 =
// open-ended):
//   * delay: every chunk on the link is forwarded delay_ms plus a seeded
//     uniform [0, jitter_ms) after it was read;
//   * drop: with a seeded chance 1/one_in per chunk the connection is reset
//     (both sides closed). A stream link cannot lose bytes without breaking
//     the stream, so what a flaky link loses is connections;
//   * partition: nothing crosses the link, in either direction, during the
//     window.
// Besides the rules, Partition(link) and Heal(link) cut and restore a link
// imperatively (the failover driver isolates a primary this way).
//
// Determinism: Decide's delay and reset are a pure function of (seed, rule
// index, link name, chunk index) -- never of a shared random stream -- plus
// which rules' windows contain the current time. So the same seed and the
// same sequence of chunks on a link give the same Log(). A link proxy numbers
// the chunks of its link in the order it reads them (both directions, all
// connections): a strict request/response exchange on one connection replays
// exactly; concurrent connections interleave their chunks differently from
// run to run.
//
// Thread safety: all methods are safe for concurrent use.
#ifndef LISTBENCH_SIM_NET_FAULT_H_
#define LISTBENCH_SIM_NET_FAULT_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace listbench {

enum class NetFaultKind : uint8_t { kDelay, kDrop, kPartition };
std::string_view NetFaultKindName(NetFaultKind k);  // "delay", "drop", "partition"
// InvalidArgument naming `name` when it is not a network fault kind.
StatusOr<NetFaultKind> ParseNetFaultKind(std::string_view name);

struct NetFaultRule {
  NetFaultKind kind = NetFaultKind::kDelay;
  std::string link = "*";  // a link name, or "*" for all
  // delay: each chunk forwarded after delay_ms + a seeded uniform [0, jitter_ms).
  double delay_ms = 0, jitter_ms = 0;
  // drop: chance 1/one_in per forwarded chunk that the connection is reset.
  uint64_t one_in = 0;
  // Active window relative to NetFaultPlan::Start(); until_ms 0 = forever.
  double from_ms = 0, until_ms = 0;
};

// InvalidArgument naming the field when a rule is malformed: an empty link;
// a delay without delay_ms or jitter_ms, or either negative or above
// kMaxNetDelayMs; a drop without one_in >= 1; a setting of another kind
// (one_in on a delay, delay_ms on a drop, either on a partition); a negative
// from_ms, or until_ms not after from_ms (unless 0).
inline constexpr double kMaxNetDelayMs = 60000;
Status ValidateNetFaultRule(const NetFaultRule& rule);

// What to do with one chunk.
struct NetDecision {
  double delay_ms = 0;  // sum over the active delay rules
  bool reset = false;   // reset the connection instead of forwarding
};

class NetFaultPlan {
 public:
  // REQUIRES: every rule passes ValidateNetFaultRule.
  NetFaultPlan(uint64_t seed, std::vector<NetFaultRule> rules);
  NetFaultPlan(const NetFaultPlan&) = delete;
  NetFaultPlan& operator=(const NetFaultPlan&) = delete;

  uint64_t seed() const { return seed_; }
  const std::vector<NetFaultRule>& rules() const { return rules_; }

  // Sets time zero of the rules' windows (until then: the plan's creation).
  void Start();
  // Milliseconds since time zero.
  double ElapsedMs() const;

  // Cuts `link` ("*" = every link) until Heal. Heal("*") lifts every
  // imperative partition; Heal(link) lifts Partition(link) only (not a
  // Partition("*"), and not a partition rule's window).
  void Partition(const std::string& link);
  void Heal(const std::string& link);

  // Whether nothing may cross `link` now: an imperative partition or an
  // active partition rule.
  bool Partitioned(const std::string& link) const;
  // Waits up to `max_wait` for `link` to be healed (woken at once by Heal);
  // returns whether it is still partitioned.
  bool WaitWhilePartitioned(const std::string& link, std::chrono::milliseconds max_wait) const;

  // The decision for chunk `chunk` (0-based) of `link`, logged when a fault
  // fires ("client 12 delay 3.250ms", "client 13 reset").
  NetDecision Decide(const std::string& link, uint64_t chunk);

  // What fired, in order; at most kMaxNetLogEntries entries (log_dropped()
  // counts the rest).
  static constexpr size_t kMaxNetLogEntries = size_t{1} << 20;
  std::vector<std::string> Log() const;
  uint64_t log_dropped() const;

 private:
  bool Active(const NetFaultRule& r, double now_ms) const;
  bool PartitionedLocked(const std::string& link) const;  // REQUIRES: mu_ held

  const uint64_t seed_;
  const std::vector<NetFaultRule> rules_;
  mutable std::mutex mu_;
  mutable std::condition_variable healed_;
  std::chrono::steady_clock::time_point start_;
  std::set<std::string> partitioned_;
  std::vector<std::string> log_;
  uint64_t log_dropped_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_SIM_NET_FAULT_H_
