#include "migration/shadow_reader.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace listbench {
namespace {

constexpr std::string_view kMismatchLog = "shadow-mismatches.log";

uint64_t NextReaderId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

}  // namespace

ShadowReader::ShadowReader(std::string dir, const MigrationOptions* options,
                           MigrationCounterSet* counters)
    : id_(NextReaderId()), dir_(std::move(dir)), opt_(*options), counters_(*counters) {}

ShadowReader::Slot& ShadowReader::ThreadSlot() {
  thread_local Slot slot;
  return slot;
}

uint64_t ShadowReader::ReadBegins() const {
  // Ended first: if begun equals it just after, no write was in progress at
  // that moment.
  const uint64_t ended = writes_ended_.load();
  const uint64_t begun = writes_begun_.load();
  return begun == ended ? begun : kBusy;
}

void ShadowReader::Arm(std::function<std::string(Store&)> run, Store* other,
                       std::string primary_outcome, bool primary_is_new, double primary_us,
                       uint64_t token) {
  Pending p;
  p.run = std::move(run);
  p.other = other;
  p.primary_outcome = std::move(primary_outcome);
  p.primary_is_new = primary_is_new;
  p.primary_us = primary_us;
  p.token = token;
  Slot& slot = ThreadSlot();
  slot.owner = id_;
  slot.pending = std::move(p);
}

std::optional<ShadowOutcome> ShadowReader::RunPending(MigrationPhase phase, uint64_t request) {
  Slot& slot = ThreadSlot();
  if (slot.owner != id_ || !slot.pending) return std::nullopt;
  Pending p = std::move(*slot.pending);
  slot.pending.reset();
  if (p.token == kBusy) {
    counters_.Add(&MigrationCounters::shadow_skipped);
    return std::nullopt;
  }
  const auto t0 = MigrationNow(opt_);
  const std::string other = p.run(*p.other);
  const double us = std::chrono::duration<double, std::micro>(MigrationNow(opt_) - t0).count();
  if (writes_begun_.load() != p.token) {  // a write began since the primary read
    counters_.Add(&MigrationCounters::shadow_skipped);
    return std::nullopt;
  }
  const bool matched = other == p.primary_outcome;
  counters_.Add(&MigrationCounters::shadow_reads);
  if (!matched) {
    counters_.Add(&MigrationCounters::shadow_mismatches);
    std::lock_guard<std::mutex> lock(log_mu_);
    if (mismatches_logged_ < opt_.mismatch_log_limit) {
      mismatches_logged_++;
      LogMismatch(p, other, phase, request);
    }
  }
  return ShadowOutcome{matched, p.primary_is_new ? p.primary_us : us};
}

void ShadowReader::LogMismatch(const Pending& p, const std::string& other, MigrationPhase phase,
                               uint64_t request) {
  std::ofstream log(std::filesystem::path(dir_) / kMismatchLog, std::ios::app);
  log << fmt::format("phase {} read {}: {} store said: {}\n  {} store said: {}\n",
                     MigrationPhaseName(phase), request,
                     p.primary_is_new ? "new (primary)" : "legacy (primary)", p.primary_outcome,
                     p.primary_is_new ? "legacy (shadow)" : "new (shadow)", other);
}

}  // namespace listbench
