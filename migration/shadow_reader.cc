#include "migration/shadow_reader.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace listbench {
namespace {

constexpr std::string_view kMismatchLog = "shadow-mismatches.log";

}  // namespace

ShadowReader::ShadowReader(std::string dir, const MigrationOptions* options,
                           MigrationCounters* counters)
    : dir_(std::move(dir)), opt_(*options), counters_(*counters) {}

void ShadowReader::Arm(std::function<std::string(Store&)> run, Store* other,
                       std::string primary_outcome, bool primary_is_new, double primary_us) {
  Pending p;
  p.run = std::move(run);
  p.other = other;
  p.primary_outcome = std::move(primary_outcome);
  p.primary_is_new = primary_is_new;
  p.primary_us = primary_us;
  pending_ = std::move(p);
}

void ShadowReader::RunPending(ServicePerformanceIndex* spi, MigrationPhase phase,
                              uint64_t request) {
  if (!pending_) return;
  Pending p = std::move(*pending_);
  pending_.reset();
  const auto t0 = MigrationNow(opt_);
  const std::string other = p.run(*p.other);
  const double us = std::chrono::duration<double, std::micro>(MigrationNow(opt_) - t0).count();
  const bool matched = other == p.primary_outcome;
  spi->Record(matched, p.primary_is_new ? p.primary_us : us);
  counters_.shadow_reads++;
  if (matched) return;
  counters_.shadow_mismatches++;
  if (mismatches_logged_ >= opt_.mismatch_log_limit) return;
  mismatches_logged_++;
  LogMismatch(p, other, phase, request);
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
