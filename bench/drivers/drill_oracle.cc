#include "bench/drivers/drill_oracle.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>

namespace listbench {

void AckLog::Answered(uint64_t write, const std::string& outcome) {
  Say(fmt::format("A {} {}", write, outcome));
}

void AckLog::Say(const std::string& line) {
  const std::string l = line + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  size_t done = 0;
  while (done < l.size()) {
    const ssize_t w = ::write(fd_, l.data() + done, l.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the parent is gone
    done += static_cast<size_t>(w);
  }
}

OracleLineKind ParseOracleLine(std::string l, ChildOracle* oracle, uint64_t* write) {
  if (!l.empty() && l.back() == '\n') l.pop_back();
  ++oracle->lines;
  if (l.size() > 2 && (l[0] == 'B' || l[0] == 'A') && l[1] == ' ') {
    char* end = nullptr;
    const uint64_t i = std::strtoull(l.c_str() + 2, &end, 10);
    *write = i;
    WriteRecord& w = oracle->writes[i];
    if (l[0] == 'B') {
      w.began_line = oracle->lines;
      return OracleLineKind::kBegan;
    }
    w.outcome = (end != nullptr && *end == ' ') ? std::string(end + 1) : "?";
    w.answered = true;
    w.answered_line = oracle->lines;
    return OracleLineKind::kAnswered;
  }
  if (l.rfind("S ", 0) == 0) {
    oracle->started = std::strtoull(l.c_str() + 2, nullptr, 10);
  } else if (l.rfind("P ", 0) == 0) {
    oracle->power_loss = l.substr(2);
  }
  return OracleLineKind::kOther;
}

bool Acknowledged(const std::string& outcome) { return outcome.rfind("ok", 0) == 0; }

bool UnknownOutcome(const WriteRecord& w) {
  return !w.answered || w.outcome.empty() || w.outcome == "io_error" || w.outcome == "?";
}

OracleCheck CheckOracle(Store& s, const WorkloadData& d, const ChildOracle& oracle) {
  OracleCheck c;
  for (const auto& [i, w] : oracle.writes) {
    const bool acked = w.answered && Acknowledged(w.outcome);
    const bool unknown = !acked && UnknownOutcome(w);
    if (!acked && !unknown) {
      ++c.outcomes[w.outcome];
      continue;  // rejected (conflict, not_found, ...): changed nothing
    }
    ++c.outcomes[acked ? "ok" : (w.answered ? w.outcome : "no_outcome")];
    StatusOr<bool> present =
        i < d.trace.size() ? Present(s, d, d.trace[i], acked ? VersionOf(w.outcome) : 0)
                           : StatusOr<bool>(Status::InvalidArgument("no such write in the trace"));
    if (!present.ok()) {
      c.probe_errors.push_back(
          fmt::format("probe of write {} failed: {}", i, present.status().ToString()));
      continue;
    }
    if (*present) c.present.push_back(i);
    if (acked) {
      ++c.acknowledged;
      if (!*present) {
        ++c.lost;
        c.lost_writes.push_back(i);
      }
    } else {
      ++c.unknown;
      if (*present) ++c.unknown_present;
    }
  }
  return c;
}

std::vector<std::pair<uint64_t, uint64_t>> RealTimeHoles(const ChildOracle& oracle,
                                                         const std::vector<uint64_t>& present) {
  // The present write announced last: any acknowledged write answered before
  // that announcement must be present too.
  uint64_t last_began = 0, last_write = 0;
  for (uint64_t i : present) {
    auto it = oracle.writes.find(i);
    if (it != oracle.writes.end() && it->second.began_line > last_began) {
      last_began = it->second.began_line;
      last_write = i;
    }
  }
  const std::set<uint64_t> survived(present.begin(), present.end());
  std::vector<std::pair<uint64_t, uint64_t>> holes;
  for (const auto& [i, w] : oracle.writes) {
    if (!w.answered || !Acknowledged(w.outcome) || survived.count(i) != 0) continue;
    if (w.answered_line < last_began) holes.push_back({i, last_write});
  }
  return holes;
}

}  // namespace listbench
