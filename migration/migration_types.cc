#include "migration/migration_types.h"

#include <array>
#include <stdexcept>

namespace listbench {
namespace {

constexpr std::array<std::string_view, 8> kPhaseNames = {"legacy",        "dual_write", "backfill",
                                                         "shadow_verify", "canary",     "cutover",
                                                         "finalized",     "rolled_back"};
constexpr std::array<std::string_view, kNumCrashSites> kCrashSiteNames = {
    "dual_write_primary_done",
    "dual_write_secondary_done",
    "repair_enqueued",
    "repair_copied",
    "chunk_read",
    "chunk_written",
    "state_temp_written",
    "state_committed",
    "verifier_page",
    "phase_change"};

}  // namespace

std::string_view MigrationPhaseName(MigrationPhase p) {
  return kPhaseNames[static_cast<size_t>(p)];
}

std::optional<MigrationPhase> ParseMigrationPhase(std::string_view name) {
  for (size_t i = 0; i < kPhaseNames.size(); ++i) {
    if (kPhaseNames[i] == name) return static_cast<MigrationPhase>(i);
  }
  return std::nullopt;
}

std::string_view CrashSiteName(CrashSite s) { return kCrashSiteNames[static_cast<size_t>(s)]; }

// clang-format off
#define LB_COUNTERS(X) \
  X(steps) \
  X(requests) \
  X(dual_writes) \
  X(copy_failures) \
  X(repairs_done) \
  X(repair_queue_failures) \
  X(backfill_rows) \
  X(backfill_applied) \
  X(backfill_chunks) \
  X(backfill_chunk_fallbacks) \
  X(backfill_backoff_steps) \
  X(backfill_rate_waits) \
  X(shadow_reads) \
  X(shadow_mismatches) \
  X(shadow_skipped) \
  X(new_store_reads) \
  X(verify_passes) \
  X(gate_holds) \
  X(inflight_recovered) \
  X(canary_fallbacks) \
  X(step_errors) \
  X(deferred_copies) \
  X(resumes) \
  X(backfill_restarts) \
  X(bulk_skipped) \
  X(bulk_recorded) \
  X(bulk_copied)
// clang-format on

// clang-format off
#define LB_OPTIONS(X) \
  X(seed) \
  X(dual_write_steps) \
  X(chunk_rows) \
  X(backfill_rows_per_s) \
  X(backoff_p99_us) \
  X(p99_window) \
  X(verifier_pages_per_step) \
  X(repairs_per_step) \
  X(canary_shares) \
  X(gate_threshold) \
  X(max_hold_steps) \
  X(cutover_steps) \
  X(rollback_after_cutover) \
  X(mismatch_log_limit) \
  X(degraded_steps)
// clang-format on

void to_json(nlohmann::json& j, const MigrationOptions& o) {
  j = nlohmann::json::object();
#define LB_PUT(f) j[#f] = o.f;
  LB_OPTIONS(LB_PUT)
#undef LB_PUT
  j["backfill"] = BackfillModeName(o.backfill);
  j["spi_window"] = o.spi.window;
  j["spi_target_latency_us"] = o.spi.target_latency_us;
  j["spi_min_samples"] = o.spi.min_samples;
}

void from_json(const nlohmann::json& j, MigrationOptions& o) {
#define LB_GET(f) j.at(#f).get_to(o.f);
  LB_OPTIONS(LB_GET)
#undef LB_GET
  const std::string mode = j.at("backfill").get<std::string>();
  std::optional<BackfillMode> m = ParseBackfillMode(mode);
  if (!m) throw std::invalid_argument("unknown backfill mode \"" + mode + "\"");
  o.backfill = *m;
  j.at("spi_window").get_to(o.spi.window);
  j.at("spi_target_latency_us").get_to(o.spi.target_latency_us);
  j.at("spi_min_samples").get_to(o.spi.min_samples);
}
#undef LB_OPTIONS

void to_json(nlohmann::json& j, const MigrationCounters& c) {
  j = nlohmann::json::object();
#define LB_PUT(f) j[#f] = c.f;
  LB_COUNTERS(LB_PUT)
#undef LB_PUT
}

void from_json(const nlohmann::json& j, MigrationCounters& c) {
#define LB_GET(f) c.f = JsonCount(j, #f);
  LB_COUNTERS(LB_GET)
#undef LB_GET
}
#undef LB_COUNTERS

void to_json(nlohmann::json& j, const PhaseChange& c) {
  j = {{"to", MigrationPhaseName(c.to)},
       {"step", c.step},
       {"requests", c.requests},
       {"reason", c.reason}};
}

void from_json(const nlohmann::json& j, PhaseChange& c) {
  std::optional<MigrationPhase> to = ParseMigrationPhase(j.at("to").get<std::string>());
  if (!to) throw std::invalid_argument("unknown phase \"" + j.at("to").get<std::string>() + "\"");
  c.to = *to;
  c.step = JsonCount(j, "step");
  c.requests = JsonCount(j, "requests");
  c.reason = j.at("reason").get<std::string>();
}

uint64_t JsonCount(const nlohmann::json& j, const char* key) {
  const nlohmann::json& v = j.at(key);
  if (!v.is_number_unsigned()) {
    throw std::invalid_argument(std::string(key) + " is not a non-negative integer");
  }
  return v.get<uint64_t>();
}

std::string_view BackfillModeName(BackfillMode m) {
  return m == BackfillMode::kBulk ? "bulk" : "checked";
}

std::optional<BackfillMode> ParseBackfillMode(std::string_view name) {
  if (name == "bulk") return BackfillMode::kBulk;
  if (name == "checked") return BackfillMode::kChecked;
  return std::nullopt;
}

std::chrono::steady_clock::time_point MigrationNow(const MigrationOptions& o) {
  return o.clock ? o.clock() : std::chrono::steady_clock::now();
}

void MigrationCrash(const MigrationOptions& o, CrashSite site) {
  if (o.crash_hook) o.crash_hook(site);
}

Status ValidateMigrationOptions(const MigrationOptions& o) {
  if (o.chunk_rows == 0) return Status::InvalidArgument("migration: chunk_rows must be >= 1");
  if (o.backfill_rows_per_s < 0) {
    return Status::InvalidArgument("migration: backfill_rows_per_s must be >= 0");
  }
  if (o.backoff_p99_us < 0)
    return Status::InvalidArgument("migration: backoff_p99_us must be >= 0");
  if (o.p99_window == 0) return Status::InvalidArgument("migration: p99_window must be >= 1");
  if (o.verifier_pages_per_step == 0) {
    return Status::InvalidArgument("migration: verifier_pages_per_step must be >= 1");
  }
  if (o.repairs_per_step == 0) {
    return Status::InvalidArgument("migration: repairs_per_step must be >= 1");
  }
  if (o.canary_shares.empty()) {
    return Status::InvalidArgument("migration: canary_shares must not be empty");
  }
  double prev = 0;
  for (double s : o.canary_shares) {
    if (!(s > prev && s <= 1.0)) {
      return Status::InvalidArgument("migration: canary_shares must rise strictly within (0, 1]");
    }
    prev = s;
  }
  if (o.canary_shares.back() != 1.0) {
    return Status::InvalidArgument("migration: the last canary share must be 1 (100%)");
  }
  if (!(o.gate_threshold > 0 && o.gate_threshold <= 1)) {
    return Status::InvalidArgument("migration: gate_threshold must be in (0, 1]");
  }
  return ValidateSpiOptions(o.spi);
}

}  // namespace listbench
