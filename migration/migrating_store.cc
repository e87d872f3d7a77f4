#include "migration/migrating_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/canonical.h"
#include "util/posix_file.h"
#include "util/random.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Touched = std::vector<std::pair<EntityKind, std::string>>;

constexpr std::string_view kStateFormat = "listbench-migration-state/1";
constexpr std::string_view kStateFile = "migration-state.json";
constexpr std::string_view kQueueFile = "repair-queue.log";
constexpr std::string_view kInflightFile = "inflight";
constexpr std::string_view kMismatchLog = "shadow-mismatches.log";
constexpr char kInflightMagic[4] = {'L', 'B', 'I', 'F'};

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

std::string Hex(std::string_view bytes) {
  std::string out;
  for (char c : bytes) out += fmt::format("{:02x}", static_cast<uint8_t>(c));
  return out;
}

bool Unhex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string RepairPayload(EntityKind kind, const std::string& key) {
  return std::string(1, static_cast<char>(kind)) + key;
}

bool ParseRepairPayload(const std::string& payload, EntityKind* kind, std::string* key) {
  if (payload.empty() || static_cast<uint8_t>(payload[0]) >= kNumEntityKinds) return false;
  *kind = static_cast<EntityKind>(payload[0]);
  *key = payload.substr(1);
  return true;
}

double UsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

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
  X(backfill_backoff_steps) \
  X(backfill_rate_waits) \
  X(shadow_reads) \
  X(shadow_mismatches) \
  X(new_store_reads) \
  X(verify_passes) \
  X(gate_holds) \
  X(inflight_recovered) \
  X(canary_fallbacks) \
  X(step_errors) \
  X(deferred_copies) \
  X(resumes)
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
  j["spi_window"] = o.spi.window;
  j["spi_target_latency_us"] = o.spi.target_latency_us;
  j["spi_min_samples"] = o.spi.min_samples;
}

void from_json(const nlohmann::json& j, MigrationOptions& o) {
#define LB_GET(f) j.at(#f).get_to(o.f);
  LB_OPTIONS(LB_GET)
#undef LB_GET
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
#define LB_GET(f) c.f = j.at(#f).get<uint64_t>();
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
  c.step = j.at("step").get<uint64_t>();
  c.requests = j.at("requests").get<uint64_t>();
  c.reason = j.at("reason").get<std::string>();
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

// ---- Open, state -------------------------------------------------------------

MigratingStore::MigratingStore(Store* legacy, Store* target, std::string dir,
                               MigrationOptions options)
    : legacy_(legacy),
      target_(target),
      dir_(std::move(dir)),
      opt_(std::move(options)),
      spi_(opt_.spi),
      gate_(opt_.gate_threshold) {
  recent_us_.reserve(opt_.p99_window);
  bf_refill_ = Now();
}

MigratingStore::~MigratingStore() {
  if (inflight_fd_ >= 0) ::close(inflight_fd_);
}

StatusOr<std::unique_ptr<MigratingStore>> MigratingStore::Open(Store* legacy, Store* target,
                                                               const std::string& dir,
                                                               MigrationOptions options) {
  LB_RETURN_IF_ERROR(ValidateMigrationOptions(options));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("{}: cannot create directory: {}", dir, ec.message()));
  std::unique_ptr<MigratingStore> m(new MigratingStore(legacy, target, dir, std::move(options)));
  bool found = false;
  LB_RETURN_IF_ERROR(m->LoadState(&found));
  StatusOr<std::unique_ptr<RepairQueue>> q =
      RepairQueue::Open((fs::path(dir) / kQueueFile).string());
  if (!q.ok()) return q.status();
  m->queue_ = std::move(*q);
  const std::string inflight = (fs::path(dir) / kInflightFile).string();
  m->inflight_fd_ = ::open(inflight.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m->inflight_fd_ < 0) return PosixError("open " + inflight, errno);
  if (found) {
    m->counters_.resumes++;
    LB_RETURN_IF_ERROR(m->RecoverInflight());
  }
  return m;
}

Status MigratingStore::SaveState() {
  nlohmann::json j = {
      {"format", kStateFormat},
      {"seed", opt_.seed},
      {"phase", MigrationPhaseName(phase_)},
      {"canary_index", canary_index_},
      {"backfill", {{"kind", bf_kind_}, {"last_key", Hex(bf_last_key_)}}},
      {"verifier", vck_},
      {"transitions", transitions_},
      {"counters", counters_},
  };
  if (last_diff_) j["last_diff"] = *last_diff_;
  return WriteFileAtomically((fs::path(dir_) / kStateFile).string(), j.dump(1) + "\n",
                             [this] { Crash(CrashSite::kStateTempWritten); });
}

Status MigratingStore::LoadState(bool* found) {
  const std::string path = (fs::path(dir_) / kStateFile).string();
  std::string text;
  Status s = ReadWholeFile(path, &text);
  *found = false;
  if (s.code() == StatusCode::kNotFound) return Status::OK();
  LB_RETURN_IF_ERROR(s);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(path + ": not a migration state file (not a JSON object)");
  }
  if (!j.contains("format") || !j["format"].is_string()) {
    return Status::Corruption(path + ": not a migration state file (no \"format\")");
  }
  if (j["format"].get<std::string>() != kStateFormat) {
    return Status::NotSupported(
        fmt::format("{}: migration state format \"{}\", this build reads \"{}\"", path,
                    j["format"].get<std::string>(), kStateFormat));
  }
  try {
    std::optional<MigrationPhase> p = ParseMigrationPhase(j.at("phase").get<std::string>());
    if (!p) return Status::Corruption(path + ": unknown phase");
    phase_ = *p;
    canary_index_ = j.at("canary_index").get<size_t>();
    if (canary_index_ >= opt_.canary_shares.size()) {
      return Status::InvalidArgument(
          fmt::format("{}: canary step {} but only {} canary shares are set", path, canary_index_,
                      opt_.canary_shares.size()));
    }
    bf_kind_ = j.at("backfill").at("kind").get<int>();
    if (bf_kind_ < 0 || bf_kind_ > kNumEntityKinds ||
        !Unhex(j.at("backfill").at("last_key").get<std::string>(), &bf_last_key_)) {
      return Status::Corruption(path + ": bad backfill checkpoint");
    }
    vck_ = j.at("verifier").get<VerifierCheckpoint>();
    if (j.contains("last_diff")) last_diff_ = j["last_diff"].get<VerifierReport>();
    transitions_ = j.at("transitions").get<std::vector<PhaseChange>>();
    counters_ = j.at("counters").get<MigrationCounters>();
  } catch (const std::exception& e) {
    return Status::Corruption(fmt::format("{}: damaged migration state: {}", path, e.what()));
  }
  *found = true;
  return Status::OK();
}

// The in-flight record: magic | length u32 | crc32(body) u32 | body, body =
// (kind u8 | key length u8 | key)*. A record that does not check out was
// being written when the process died, before the write it announces ran.
Status MigratingStore::WriteInflight(const Touched& touched) {
  std::string body;
  for (const auto& [kind, key] : touched) {
    body.push_back(static_cast<char>(kind));
    body.push_back(static_cast<char>(key.size()));
    body += key;
  }
  std::string rec(kInflightMagic, 4);
  auto put32 = [&rec](uint32_t v) {
    for (int i = 0; i < 4; ++i) rec.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  put32(static_cast<uint32_t>(body.size()));
  put32(Crc32(body.data(), body.size()));
  rec += body;
  if (::pwrite(inflight_fd_, rec.data(), rec.size(), 0) != static_cast<ssize_t>(rec.size())) {
    return PosixError("write " + dir_ + "/inflight", errno);
  }
  return Status::OK();
}

void MigratingStore::ClearInflight() {
  const char zero[4] = {0, 0, 0, 0};
  // A failure leaves a record that Open copies again: harmless.
  [[maybe_unused]] ssize_t n = ::pwrite(inflight_fd_, zero, sizeof(zero), 0);
}

Status MigratingStore::RecoverInflight() {
  std::string data;
  LB_RETURN_IF_ERROR(ReadWholeFile(dir_ + "/" + std::string(kInflightFile), &data));
  if (data.size() < 12 || data.compare(0, 4, kInflightMagic, 4) != 0) return Status::OK();
  auto get32 = [&data](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data[at + i]);
    return v;
  };
  const uint32_t len = get32(4);
  if (data.size() < 12 + size_t{len} || get32(8) != Crc32(data.data() + 12, len)) {
    return Status::OK();  // torn: the write it announced never started
  }
  Store* from = Primary();
  Store* to = Secondary();
  size_t at = 12;
  while (at + 2 <= 12 + size_t{len}) {
    const auto kind = static_cast<EntityKind>(data[at]);
    const size_t klen = static_cast<uint8_t>(data[at + 1]);
    const std::string key = data.substr(at + 2, klen);
    at += 2 + klen;
    if (from == nullptr || to == nullptr) continue;
    counters_.inflight_recovered++;
    Status s = CopyEntity(kind, key, from, to, 0);
    if (!s.ok()) Enqueue(kind, key);
  }
  ClearInflight();
  return Status::OK();
}

// ---- Routing -------------------------------------------------------------------

Clock::time_point MigratingStore::Now() const { return opt_.clock ? opt_.clock() : Clock::now(); }

void MigratingStore::Crash(CrashSite site) {
  if (opt_.crash_hook) opt_.crash_hook(site);
}

Store* MigratingStore::Primary() const {
  switch (phase_) {
    case MigrationPhase::kCutover:
    case MigrationPhase::kFinalized:
      return target_;
    default:
      return legacy_;
  }
}

Store* MigratingStore::Secondary() const {
  switch (phase_) {
    case MigrationPhase::kDualWrite:
    case MigrationPhase::kBackfill:
    case MigrationPhase::kShadowVerify:
    case MigrationPhase::kCanary:
      return target_;
    case MigrationPhase::kCutover:
      return legacy_;
    default:
      return nullptr;
  }
}

Store* MigratingStore::ReadPrimary() {
  if (phase_ != MigrationPhase::kCanary) return Primary();
  const double share = opt_.canary_shares[canary_index_];
  const uint64_t draw = MixBits(opt_.seed ^ MixBits(read_draws_++));
  const double u = static_cast<double>(draw >> 11) * 0x1.0p-53;
  return u < share ? target_ : legacy_;
}

void MigratingStore::RecordForeground(double us) {
  if (recent_us_.size() < opt_.p99_window) {
    recent_us_.push_back(us);
  } else {
    recent_us_[recent_next_] = us;
    recent_next_ = (recent_next_ + 1) % opt_.p99_window;
  }
}

double MigratingStore::RecentP99() const {
  if (recent_us_.empty()) return 0;
  std::vector<double> v = recent_us_;
  const size_t at = std::min(v.size() - 1, static_cast<size_t>(std::ceil(0.99 * v.size())) - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(at), v.end());
  return v[at];
}

template <typename F>
auto MigratingStore::Read(F fn) -> decltype(fn(std::declval<Store&>())) {
  RunPendingShadow();
  counters_.requests++;
  Store* primary = ReadPrimary();
  const bool shadowed = phase_ == MigrationPhase::kShadowVerify ||
                        phase_ == MigrationPhase::kCanary || phase_ == MigrationPhase::kCutover;
  if (primary == target_) counters_.new_store_reads++;
  const Clock::time_point t0 = Now();
  auto r = fn(*primary);
  const double us = UsBetween(t0, Now());
  // During the canary the legacy store is still the source of truth: a read
  // the new store fails is answered by it instead (and counted).
  if (phase_ == MigrationPhase::kCanary && primary == target_ &&
      (r.status().code() == StatusCode::kIOError || r.status().code() == StatusCode::kCorruption)) {
    counters_.canary_fallbacks++;
    spi_.Record(false, us);
    r = fn(*legacy_);
    RecordForeground(UsBetween(t0, Now()));
    return r;
  }
  RecordForeground(us);
  if (shadowed) {
    PendingShadow p;
    p.run = [fn](Store& s) { return CanonicalOutcome(fn(s)); };
    p.other = primary == target_ ? legacy_ : target_;
    p.primary_outcome = CanonicalOutcome(r);
    p.primary_is_new = primary == target_;
    p.primary_us = us;
    shadow_ = std::move(p);
  }
  return r;
}

void MigratingStore::RunPendingShadow() {
  if (!shadow_) return;
  PendingShadow p = std::move(*shadow_);
  shadow_.reset();
  const Clock::time_point t0 = Now();
  const std::string other = p.run(*p.other);
  const double us = UsBetween(t0, Now());
  const bool matched = other == p.primary_outcome;
  spi_.Record(matched, p.primary_is_new ? p.primary_us : us);
  counters_.shadow_reads++;
  if (matched) return;
  counters_.shadow_mismatches++;
  if (mismatches_logged_ >= opt_.mismatch_log_limit) return;
  mismatches_logged_++;
  std::ofstream log(fs::path(dir_) / kMismatchLog, std::ios::app);
  log << fmt::format("phase {} read {}: {} store said: {}\n  {} store said: {}\n",
                     MigrationPhaseName(phase_), counters_.requests,
                     p.primary_is_new ? "new (primary)" : "legacy (primary)", p.primary_outcome,
                     p.primary_is_new ? "legacy (shadow)" : "new (shadow)", other);
}

template <typename F>
auto MigratingStore::Write(Touched touched, F fn) -> decltype(fn(std::declval<Store&>())) {
  RunPendingShadow();
  counters_.requests++;
  Store* primary = Primary();
  Store* secondary = Secondary();
  const Clock::time_point t0 = Now();
  if (secondary == nullptr) {
    auto r = fn(*primary);
    RecordForeground(UsBetween(t0, Now()));
    return r;
  }
  Status intent = WriteInflight(touched);
  auto r = fn(*primary);
  Crash(CrashSite::kDualWritePrimaryDone);
  const StatusCode code = [&] {
    if constexpr (std::is_same_v<decltype(r), Status>) {
      return r.code();
    } else {
      return r.status().code();
    }
  }();
  // A write the source of truth rejected changed nothing; one that failed
  // with IOError may have taken effect, so it is copied like a success.
  if (code == StatusCode::kOk || code == StatusCode::kIOError) {
    counters_.dual_writes++;
    for (const auto& [kind, key] : touched) {
      if (Degraded()) {
        // The other store failed lately: its recovery (an engine may reopen
        // itself) must not land on requests; the drain copies it later.
        counters_.deferred_copies++;
        Enqueue(kind, key);
        continue;
      }
      Status s = CopyEntity(kind, key, primary, secondary, 0);
      if (!s.ok()) {
        counters_.copy_failures++;
        degraded_until_step_ = counters_.steps + opt_.degraded_steps;
        Enqueue(kind, key);
      }
    }
  }
  Crash(CrashSite::kDualWriteSecondaryDone);
  if (intent.ok()) ClearInflight();
  RecordForeground(UsBetween(t0, Now()));
  return r;
}

// ---- Copies ---------------------------------------------------------------------

Status MigratingStore::PutWithParents(const Entity& e, Store* from, Store* to, int depth,
                                      bool* applied) {
  Status s = to->PutEntity(e, applied);
  if (s.code() != StatusCode::kNotFound || depth > 4) return s;
  for (const auto& [kind, key] : EntityParents(e)) {
    LB_RETURN_IF_ERROR(CopyEntity(kind, key, from, to, depth + 1));
  }
  return to->PutEntity(e, applied);
}

Status MigratingStore::CopyEntity(EntityKind kind, const std::string& key, Store* from, Store* to,
                                  int depth) {
  StatusOr<Entity> e = from->GetEntity(kind, key);
  if (e.status().code() == StatusCode::kNotFound) return Status::OK();  // nothing to copy
  if (!e.ok()) return e.status();
  bool applied = false;
  LB_RETURN_IF_ERROR(PutWithParents(*e, from, to, depth, &applied));
  if (kind != EntityKind::kListing) return Status::OK();
  // A listing travels with its images.
  const EntityId id = std::get<Listing>(*e).id;
  for (int32_t pos = 0;; ++pos) {
    StatusOr<Entity> img = from->GetEntity(EntityKind::kImage, ImageEntityKey(id, pos));
    if (img.status().code() == StatusCode::kNotFound) break;
    if (!img.ok()) return img.status();
    LB_RETURN_IF_ERROR(to->PutEntity(*img, &applied));
  }
  return Status::OK();
}

void MigratingStore::Enqueue(EntityKind kind, const std::string& key) {
  StatusOr<uint64_t> seq = queue_->Append(RepairPayload(kind, key));
  if (!seq.ok()) {
    counters_.repair_queue_failures++;
    unqueued_.emplace_back(kind, key);
    return;
  }
  Crash(CrashSite::kRepairEnqueued);
}

Status MigratingStore::DrainRepairs(size_t max) {
  Store* from = Primary();
  Store* to = Secondary();
  if (from == nullptr || to == nullptr) return Status::OK();
  while (!unqueued_.empty() && max > 0) {
    const auto [kind, key] = unqueued_.back();
    if (!CopyEntity(kind, key, from, to, 0).ok()) {
      degraded_until_step_ = counters_.steps + opt_.degraded_steps;
      return Status::OK();  // retry later
    }
    unqueued_.pop_back();
    counters_.repairs_done++;
    --max;
  }
  if (queue_->Depth() == 0) return Status::OK();
  for (const RepairEntry& e : queue_->Pending()) {
    if (max-- == 0) break;
    EntityKind kind;
    std::string key;
    if (!ParseRepairPayload(e.payload, &kind, &key)) {
      return Status::Corruption(fmt::format("repair queue entry {} names no entity", e.seq));
    }
    if (!CopyEntity(kind, key, from, to, 0).ok()) {
      degraded_until_step_ = counters_.steps + opt_.degraded_steps;
      return Status::OK();  // retry later
    }
    // Re-check: both sides must now hold the same.
    StatusOr<Entity> a = from->GetEntity(kind, key);
    StatusOr<Entity> b = to->GetEntity(kind, key);
    if (a.ok() != b.ok() || (a.ok() && CanonicalEntity(*a) != CanonicalEntity(*b))) {
      return Status::OK();  // not yet in step; retry later
    }
    Crash(CrashSite::kRepairCopied);
    LB_RETURN_IF_ERROR(queue_->Acknowledge(e.seq));
    counters_.repairs_done++;
  }
  return Status::OK();
}

// ---- Step -----------------------------------------------------------------------

Status MigratingStore::Begin() {
  if (phase_ != MigrationPhase::kLegacy) {
    return Status::InvalidArgument(
        fmt::format("migration: Begin in phase {}, not legacy", MigrationPhaseName(phase_)));
  }
  return Transition(MigrationPhase::kDualWrite, "begin");
}

Status MigratingStore::Transition(MigrationPhase to, const std::string& reason) {
  if (to == MigrationPhase::kShadowVerify || to == MigrationPhase::kCutover) {
    vck_ = VerifierCheckpoint{};  // a fresh pass, all of it in the new phase
  }
  if (to == MigrationPhase::kCanary || to == MigrationPhase::kShadowVerify ||
      to == MigrationPhase::kCutover) {
    spi_ = ServicePerformanceIndex(opt_.spi);
  }
  phase_ = to;
  phase_steps_ = 0;
  hold_steps_ = 0;
  passes_in_phase_ = 0;
  clean_passes_in_phase_ = 0;
  transitions_.push_back({to, counters_.steps, counters_.requests, reason});
  LB_RETURN_IF_ERROR(SaveState());
  Crash(CrashSite::kStateCommitted);
  Crash(CrashSite::kPhaseChange);
  return Status::OK();
}

Status MigratingStore::BackfillStep() {
  if (bf_kind_ >= kNumEntityKinds) return Status::OK();
  if (!bf_chunk_ready_) {
    if (opt_.backoff_p99_us > 0 && recent_us_.size() >= std::min<size_t>(100, opt_.p99_window) &&
        RecentP99() > opt_.backoff_p99_us) {
      counters_.backfill_backoff_steps++;
      return Status::OK();
    }
    if (opt_.backfill_rows_per_s > 0) {
      const Clock::time_point now = Now();
      bf_tokens_ =
          std::min(bf_tokens_ + opt_.backfill_rows_per_s * UsBetween(bf_refill_, now) / 1e6,
                   2.0 * static_cast<double>(opt_.chunk_rows));
      bf_refill_ = now;
      if (bf_tokens_ < static_cast<double>(opt_.chunk_rows)) {
        counters_.backfill_rate_waits++;
        return Status::OK();
      }
      bf_tokens_ -= static_cast<double>(opt_.chunk_rows);
    }
    if (!legacy_
             ->ScanEntities(static_cast<EntityKind>(bf_kind_), bf_last_key_, opt_.chunk_rows,
                            &bf_chunk_)
             .ok()) {
      counters_.step_errors++;  // retry next Step
      return Status::OK();
    }
    counters_.backfill_rows += bf_chunk_.size();
    bf_chunk_ready_ = true;
    Crash(CrashSite::kChunkRead);
    return Status::OK();
  }
  for (const EntityRow& row : bf_chunk_) {
    bool applied = false;
    Status s = PutWithParents(row.entity, legacy_, target_, 0, &applied);
    if (!s.ok()) {
      counters_.copy_failures++;
      Enqueue(KindOf(row.entity), row.key);
    } else if (applied) {
      counters_.backfill_applied++;
    }
  }
  Crash(CrashSite::kChunkWritten);
  counters_.backfill_chunks++;
  if (bf_chunk_.size() < opt_.chunk_rows) {
    bf_kind_++;
    bf_last_key_.clear();
  } else {
    bf_last_key_ = bf_chunk_.back().key;
  }
  bf_chunk_.clear();
  bf_chunk_ready_ = false;
  LB_RETURN_IF_ERROR(SaveState());
  Crash(CrashSite::kStateCommitted);
  return Status::OK();
}

Status MigratingStore::VerifyStep() {
  Verifier v(legacy_, target_);
  if (!v.Run(&vck_, opt_.verifier_pages_per_step).ok()) {
    counters_.step_errors++;  // the checkpoint keeps what was compared; retry next Step
    return Status::OK();
  }
  Crash(CrashSite::kVerifierPage);
  if (!vck_.complete()) return Status::OK();
  last_diff_ = vck_.report;
  counters_.verify_passes++;
  passes_in_phase_++;
  if (last_diff_->differences() == 0) clean_passes_in_phase_++;
  vck_ = VerifierCheckpoint{};
  LB_RETURN_IF_ERROR(SaveState());
  Crash(CrashSite::kStateCommitted);
  return Status::OK();
}

Status MigratingStore::EvaluateCanary() {
  const uint64_t depth = queue_->Depth() + UnqueuedDepth();
  GateDecision d;
  if (!last_diff_) {
    d.reason = "no complete diff yet";
  } else {
    d = gate_.Evaluate(spi_, depth, last_diff_->differences());
  }
  last_gate_ = d.reason;
  if (d.advance()) {
    const double share = opt_.canary_shares[canary_index_];
    if (canary_index_ + 1 == opt_.canary_shares.size()) {
      return Transition(MigrationPhase::kCutover,
                        fmt::format("canary at {:g}% passed: {}", share * 100, d.reason));
    }
    canary_index_++;
    hold_steps_ = 0;
    spi_ = ServicePerformanceIndex(opt_.spi);
    transitions_.push_back({MigrationPhase::kCanary, counters_.steps, counters_.requests,
                            fmt::format("canary {:g}% -> {:g}%: {}", share * 100,
                                        opt_.canary_shares[canary_index_] * 100, d.reason)});
    LB_RETURN_IF_ERROR(SaveState());
    Crash(CrashSite::kStateCommitted);
    Crash(CrashSite::kPhaseChange);
    return Status::OK();
  }
  if (spi_.has_enough_evidence()) {
    counters_.gate_holds++;
    hold_steps_++;
    if (opt_.max_hold_steps > 0 && hold_steps_ > opt_.max_hold_steps) {
      return Rollback(fmt::format("canary held for {} steps: {}", hold_steps_, d.reason));
    }
  }
  return Status::OK();
}

Status MigratingStore::Step() {
  RunPendingShadow();
  counters_.steps++;
  phase_steps_++;
  LB_RETURN_IF_ERROR(DrainRepairs(opt_.repairs_per_step));
  const uint64_t depth = queue_->Depth() + UnqueuedDepth();
  switch (phase_) {
    case MigrationPhase::kLegacy:
    case MigrationPhase::kFinalized:
    case MigrationPhase::kRolledBack:
      return Status::OK();
    case MigrationPhase::kDualWrite:
      if (phase_steps_ >= opt_.dual_write_steps) {
        return Transition(MigrationPhase::kBackfill,
                          fmt::format("{} steps of dual write", phase_steps_));
      }
      return Status::OK();
    case MigrationPhase::kBackfill:
      LB_RETURN_IF_ERROR(BackfillStep());
      if (bf_kind_ >= kNumEntityKinds && depth == 0) {
        return Transition(MigrationPhase::kShadowVerify,
                          fmt::format("backfill done: {} entities read, {} written",
                                      counters_.backfill_rows, counters_.backfill_applied));
      }
      return Status::OK();
    case MigrationPhase::kShadowVerify: {
      LB_RETURN_IF_ERROR(VerifyStep());
      if (passes_in_phase_ == 0) return Status::OK();
      GateDecision d = gate_.Evaluate(spi_, depth, last_diff_->differences());
      last_gate_ = d.reason;
      if (clean_passes_in_phase_ > 0 && d.advance()) {
        return Transition(MigrationPhase::kCanary,
                          fmt::format("full diff clean; canary at {:g}%: {}",
                                      opt_.canary_shares[0] * 100, d.reason));
      }
      if (spi_.has_enough_evidence() || last_diff_->differences() > 0) {
        counters_.gate_holds++;
        if (opt_.max_hold_steps > 0 && ++hold_steps_ > opt_.max_hold_steps) {
          return Rollback(
              fmt::format("shadow verify held for {} steps: {}", hold_steps_, d.reason));
        }
      }
      return Status::OK();
    }
    case MigrationPhase::kCanary:
      LB_RETURN_IF_ERROR(VerifyStep());
      return EvaluateCanary();
    case MigrationPhase::kCutover:
      if (phase_steps_ < opt_.cutover_steps) return Status::OK();
      if (opt_.rollback_after_cutover) return Rollback("asked to roll back after cutover");
      LB_RETURN_IF_ERROR(VerifyStep());
      if (clean_passes_in_phase_ > 0 && depth == 0) {
        return Transition(MigrationPhase::kFinalized,
                          fmt::format("{} steps in cutover; final diff clean", phase_steps_));
      }
      return Status::OK();
  }
  return Status::OK();
}

Status MigratingStore::Rollback(const std::string& reason) {
  RunPendingShadow();
  if (phase_ == MigrationPhase::kFinalized) {
    return Status::InvalidArgument("migration: finalized; the legacy store is no longer written");
  }
  if (phase_ == MigrationPhase::kRolledBack) return Status::OK();
  if (phase_ == MigrationPhase::kCutover) {
    // The legacy store must be complete before it serves again.
    while (queue_->Depth() + UnqueuedDepth() > 0) {
      const uint64_t before = queue_->Depth() + UnqueuedDepth();
      LB_RETURN_IF_ERROR(DrainRepairs(before));
      if (queue_->Depth() + UnqueuedDepth() == before) {
        return Status::IOError(fmt::format(
            "migration: rollback: {} repairs cannot be copied to the legacy store", before));
      }
    }
    StatusOr<VerifierReport> d = DiffNow();
    if (!d.ok()) return d.status();
    if (d->differences() != 0) {
      return Status::Corruption(fmt::format(
          "migration: rollback refused: the legacy store differs from the new one in {} "
          "entities ({} missing, {} extra, {} mismatched)",
          d->differences(), d->missing(), d->extra(), d->mismatched()));
    }
  }
  return Transition(MigrationPhase::kRolledBack, reason);
}

StatusOr<VerifierReport> MigratingStore::DiffNow() {
  RunPendingShadow();
  Verifier v(legacy_, target_);
  VerifierCheckpoint c;
  LB_RETURN_IF_ERROR(v.Run(&c));
  last_diff_ = c.report;
  return c.report;
}

MigrationStatus MigratingStore::status() const {
  MigrationStatus s;
  s.phase = phase_;
  if (phase_ == MigrationPhase::kCanary) s.canary_share = opt_.canary_shares[canary_index_];
  if (phase_ == MigrationPhase::kCutover || phase_ == MigrationPhase::kFinalized) {
    s.canary_share = 1;
  }
  s.spi = spi_.Value();
  s.repair_queue_depth = queue_->Depth() + UnqueuedDepth();
  s.backfill_kind = bf_kind_;
  s.backfill_rows = counters_.backfill_rows;
  if (last_diff_) s.last_diff = last_diff_->differences();
  s.last_gate = last_gate_;
  return s;
}

// ---- Store ------------------------------------------------------------------------

StatusOr<ListingDetail> MigratingStore::GetListingDetail(TenantId tenant, EntityId listing) {
  return Read([=](Store& s) { return s.GetListingDetail(tenant, listing); });
}
StatusOr<LandlordPortfolio> MigratingStore::GetLandlordPortfolio(TenantId tenant,
                                                                 EntityId landlord) {
  return Read([=](Store& s) { return s.GetLandlordPortfolio(tenant, landlord); });
}
StatusOr<SearchResult> MigratingStore::Search(const SearchQuery& q) {
  return Read([q](Store& s) { return s.Search(q); });
}
StatusOr<ApplicantProfile> MigratingStore::GetApplicantProfile(TenantId tenant,
                                                               EntityId applicant) {
  return Read([=](Store& s) { return s.GetApplicantProfile(tenant, applicant); });
}
StatusOr<ListingApplications> MigratingStore::GetListingApplications(TenantId tenant,
                                                                     EntityId listing) {
  return Read([=](Store& s) { return s.GetListingApplications(tenant, listing); });
}

Status MigratingStore::SubmitApplication(const Application& a) {
  return Write({{EntityKind::kApplication, EntityKey(a.id)}},
               [&](Store& s) { return s.SubmitApplication(a); });
}

Status MigratingStore::RecordPayment(const Payment& p) {
  Touched touched = {{EntityKind::kApplication, EntityKey(p.application)}};
  // The payment's key names its applicant, which only the application knows.
  if (Store* primary = Primary(); Secondary() != nullptr) {
    StatusOr<Entity> app = primary->GetEntity(EntityKind::kApplication, EntityKey(p.application));
    if (app.ok()) {
      touched.emplace_back(EntityKind::kPayment,
                           PaymentEntityKey(std::get<Application>(*app).applicant, p.id));
    }
  }
  return Write(std::move(touched), [&](Store& s) { return s.RecordPayment(p); });
}

StatusOr<uint64_t> MigratingStore::UpdateListing(const ListingUpdate& u) {
  return Write({{EntityKind::kListing, EntityKey(u.listing)}},
               [&](Store& s) { return s.UpdateListing(u); });
}

Status MigratingStore::AddListing(const Listing& l, std::span<const Image> images) {
  return Write({{EntityKind::kListing, EntityKey(l.id)}},
               [&](Store& s) { return s.AddListing(l, images); });
}

Status MigratingStore::DecideApplication(TenantId tenant, EntityId application, bool approve,
                                         int64_t now) {
  return Write({{EntityKind::kApplication, EntityKey(application)}},
               [&](Store& s) { return s.DecideApplication(tenant, application, approve, now); });
}

Status MigratingStore::AddTenant(const Tenant& t) {
  return Write({{EntityKind::kTenant, EntityKey(t.id)}}, [&](Store& s) { return s.AddTenant(t); });
}

Status MigratingStore::AddLandlord(const Landlord& l) {
  return Write({{EntityKind::kLandlord, EntityKey(l.id)}},
               [&](Store& s) { return s.AddLandlord(l); });
}

Status MigratingStore::CheckInvariants(std::vector<std::string>* violations) {
  RunPendingShadow();
  return Primary()->CheckInvariants(violations);
}

Status MigratingStore::ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                                    std::vector<EntityRow>* out) {
  RunPendingShadow();
  return Primary()->ScanEntities(kind, after, limit, out);
}

StatusOr<Entity> MigratingStore::GetEntity(EntityKind kind, std::string_view key) {
  RunPendingShadow();
  return Primary()->GetEntity(kind, key);
}

Status MigratingStore::PutEntity(const Entity& e, bool* applied) {
  RunPendingShadow();
  return Primary()->PutEntity(e, applied);
}

StatusOr<uint64_t> MigratingStore::DiskBytes() {
  StatusOr<uint64_t> a = legacy_->DiskBytes();
  if (!a.ok()) return a;
  StatusOr<uint64_t> b = target_->DiskBytes();
  if (!b.ok()) return b;
  return *a + *b;
}

IoStats MigratingStore::io_stats() const { return legacy_->io_stats() + target_->io_stats(); }

WorkStats MigratingStore::work_stats() const {
  return legacy_->work_stats() + target_->work_stats();
}

}  // namespace listbench
