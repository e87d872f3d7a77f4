#include "sim/net_fault.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "util/random.h"

namespace listbench {
namespace {

// FNV-1a of the link name: its part of the decision's hash input.
uint64_t LinkHash(const std::string& link) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : link) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// The seeded draw of rule `rule` for chunk `chunk` of a link: a pure
// function; `salt` separates a rule's independent draws.
uint64_t Draw(uint64_t seed, size_t rule, uint64_t link_hash, uint64_t chunk, uint64_t salt) {
  return MixBits(
      seed ^ MixBits(link_hash ^ MixBits((uint64_t{rule} << 40) ^ (salt << 32) ^ MixBits(chunk))));
}

bool Matches(const NetFaultRule& r, const std::string& link) {
  return r.link == "*" || r.link == link;
}

Status Problem(const std::string& m) { return Status::InvalidArgument(m); }

Status ValidateDelay(const NetFaultRule& r) {
  if (!(r.delay_ms >= 0 && r.delay_ms <= kMaxNetDelayMs)) {
    return Problem(
        fmt::format("delay_ms = {} is out of range [0, {}]", r.delay_ms, kMaxNetDelayMs));
  }
  if (!(r.jitter_ms >= 0 && r.jitter_ms <= kMaxNetDelayMs)) {
    return Problem(
        fmt::format("jitter_ms = {} is out of range [0, {}]", r.jitter_ms, kMaxNetDelayMs));
  }
  if (r.delay_ms == 0 && r.jitter_ms == 0) return Problem("a delay needs delay_ms or jitter_ms");
  if (r.one_in != 0) return Problem("one_in belongs to kind = \"drop\"");
  return Status::OK();
}

}  // namespace

std::string_view NetFaultKindName(NetFaultKind k) {
  switch (k) {
    case NetFaultKind::kDelay:
      return "delay";
    case NetFaultKind::kDrop:
      return "drop";
    case NetFaultKind::kPartition:
      return "partition";
  }
  return "?";
}

StatusOr<NetFaultKind> ParseNetFaultKind(std::string_view name) {
  for (NetFaultKind k : {NetFaultKind::kDelay, NetFaultKind::kDrop, NetFaultKind::kPartition}) {
    if (NetFaultKindName(k) == name) return k;
  }
  return Status::InvalidArgument(
      fmt::format("unknown network fault kind \"{}\" (delay, drop, partition)", std::string(name)));
}

Status ValidateNetFaultRule(const NetFaultRule& r) {
  if (r.link.empty()) return Problem("link must name a link or be \"*\"");
  if (!(r.from_ms >= 0 && r.from_ms < 1e12)) {
    return Problem(fmt::format("from_ms = {} must be >= 0", r.from_ms));
  }
  if (!(r.until_ms >= 0 && r.until_ms < 1e12) || (r.until_ms != 0 && r.until_ms <= r.from_ms)) {
    return Problem("until_ms must be after from_ms (or 0 = forever)");
  }
  switch (r.kind) {
    case NetFaultKind::kDelay:
      return ValidateDelay(r);
    case NetFaultKind::kDrop:
      if (r.one_in < 1) return Problem("a drop needs one_in >= 1");
      break;
    case NetFaultKind::kPartition:
      if (r.one_in != 0) return Problem("one_in belongs to kind = \"drop\"");
      break;
  }
  if (r.delay_ms != 0 || r.jitter_ms != 0) {
    return Problem("delay_ms and jitter_ms belong to kind = \"delay\"");
  }
  return Status::OK();
}

NetFaultPlan::NetFaultPlan(uint64_t seed, std::vector<NetFaultRule> rules)
    : seed_(seed), rules_(std::move(rules)), start_(std::chrono::steady_clock::now()) {}

void NetFaultPlan::Start() {
  std::lock_guard<std::mutex> l(mu_);
  start_ = std::chrono::steady_clock::now();
}

double NetFaultPlan::ElapsedMs() const {
  std::chrono::steady_clock::time_point start;
  {
    std::lock_guard<std::mutex> l(mu_);
    start = start_;
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

bool NetFaultPlan::Active(const NetFaultRule& r, double now_ms) const {
  return now_ms >= r.from_ms && (r.until_ms == 0 || now_ms < r.until_ms);
}

void NetFaultPlan::Partition(const std::string& link) {
  std::lock_guard<std::mutex> l(mu_);
  partitioned_.insert(link);
}

void NetFaultPlan::Heal(const std::string& link) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (link == "*") {
      partitioned_.clear();
    } else {
      partitioned_.erase(link);
    }
  }
  healed_.notify_all();
}

bool NetFaultPlan::PartitionedLocked(const std::string& link) const {
  if (partitioned_.count("*") > 0 || partitioned_.count(link) > 0) return true;
  const double now_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  for (const NetFaultRule& r : rules_) {
    if (r.kind == NetFaultKind::kPartition && Matches(r, link) && Active(r, now_ms)) return true;
  }
  return false;
}

bool NetFaultPlan::Partitioned(const std::string& link) const {
  std::lock_guard<std::mutex> l(mu_);
  return PartitionedLocked(link);
}

bool NetFaultPlan::WaitWhilePartitioned(const std::string& link,
                                        std::chrono::milliseconds max_wait) const {
  std::unique_lock<std::mutex> l(mu_);
  if (!PartitionedLocked(link)) return false;
  healed_.wait_for(l, max_wait);
  return PartitionedLocked(link);
}

NetDecision NetFaultPlan::Decide(const std::string& link, uint64_t chunk) {
  const double now_ms = ElapsedMs();
  const uint64_t link_hash = LinkHash(link);
  NetDecision d;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const NetFaultRule& r = rules_[i];
    if (!Matches(r, link) || !Active(r, now_ms)) continue;
    if (r.kind == NetFaultKind::kDelay) {
      // 53 random bits -> uniform [0, 1).
      const double u = static_cast<double>(Draw(seed_, i, link_hash, chunk, 1) >> 11) * 0x1.0p-53;
      d.delay_ms += r.delay_ms + u * r.jitter_ms;
    } else if (r.kind == NetFaultKind::kDrop) {
      if (Draw(seed_, i, link_hash, chunk, 2) % r.one_in == 0) d.reset = true;
    }
  }
  if (d.delay_ms == 0 && !d.reset) return d;
  std::string entry = d.reset ? fmt::format("{} {} reset", link, chunk)
                              : fmt::format("{} {} delay {:.3f}ms", link, chunk, d.delay_ms);
  std::lock_guard<std::mutex> l(mu_);
  if (log_.size() < kMaxNetLogEntries) {
    log_.push_back(std::move(entry));
  } else {
    ++log_dropped_;
  }
  return d;
}

std::vector<std::string> NetFaultPlan::Log() const {
  std::lock_guard<std::mutex> l(mu_);
  return log_;
}

uint64_t NetFaultPlan::log_dropped() const {
  std::lock_guard<std::mutex> l(mu_);
  return log_dropped_;
}

}  // namespace listbench
