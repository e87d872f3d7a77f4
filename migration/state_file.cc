#include "migration/state_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/posix_file.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStateFormat = "listbench-migration-state/2";
constexpr std::string_view kStateFile = "migration-state.json";
constexpr std::string_view kInflightFile = "inflight";
constexpr char kInflightMagic[4] = {'L', 'B', 'I', 'F'};

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

// The fields of a state file whose format is right; Corruption or
// InvalidArgument naming `path` otherwise.
Status ParseState(const nlohmann::json& j, const std::string& path, size_t num_canary_shares,
                  MigrationState* state) {
  try {
    std::optional<MigrationPhase> p = ParseMigrationPhase(j.at("phase").get<std::string>());
    if (!p) return Status::Corruption(path + ": unknown phase");
    state->phase = *p;
    state->canary_index = JsonCount(j, "canary_index");
    if (state->canary_index >= num_canary_shares) {
      return Status::InvalidArgument(
          fmt::format("{}: canary step {} but only {} canary shares are set", path,
                      state->canary_index, num_canary_shares));
    }
    std::optional<BackfillMode> mode =
        ParseBackfillMode(j.at("backfill").at("mode").get<std::string>());
    if (!mode) return Status::Corruption(path + ": unknown backfill mode");
    state->backfill_mode = *mode;
    const uint64_t kind = JsonCount(j.at("backfill"), "kind");
    if (kind > static_cast<uint64_t>(kNumEntityKinds) ||
        !Unhex(j.at("backfill").at("last_key").get<std::string>(), &state->backfill_last_key)) {
      return Status::Corruption(path + ": bad backfill checkpoint");
    }
    state->backfill_kind = static_cast<int>(kind);
    state->verifier = j.at("verifier").get<VerifierCheckpoint>();
    if (j.contains("last_diff")) state->last_diff = j.at("last_diff").get<VerifierReport>();
    state->transitions = j.at("transitions").get<std::vector<PhaseChange>>();
    state->counters = j.at("counters").get<MigrationCounters>();
  } catch (const std::exception& e) {
    return Status::Corruption(fmt::format("{}: damaged migration state: {}", path, e.what()));
  }
  return Status::OK();
}

}  // namespace

std::string MigrationStateText(uint64_t seed, const MigrationState& state) {
  nlohmann::json j = {
      {"format", kStateFormat},
      {"seed", seed},
      {"phase", MigrationPhaseName(state.phase)},
      {"canary_index", state.canary_index},
      {"backfill",
       {{"mode", BackfillModeName(state.backfill_mode)},
        {"kind", state.backfill_kind},
        {"last_key", Hex(state.backfill_last_key)}}},
      {"verifier", state.verifier},
      {"transitions", state.transitions},
      {"counters", state.counters},
  };
  if (state.last_diff) j["last_diff"] = *state.last_diff;
  return j.dump(1) + "\n";
}

StatusOr<MigrationState> ParseMigrationStateText(const std::string& text, const std::string& name,
                                                 size_t num_canary_shares) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(name + ": not a migration state file (not a JSON object)");
  }
  if (!j.contains("format") || !j["format"].is_string()) {
    return Status::Corruption(name + ": not a migration state file (no \"format\")");
  }
  if (j["format"].get<std::string>() != kStateFormat) {
    return Status::NotSupported(
        fmt::format("{}: migration state format \"{}\", this build reads \"{}\"", name,
                    j["format"].get<std::string>(), kStateFormat));
  }
  MigrationState loaded;
  LB_RETURN_IF_ERROR(ParseState(j, name, num_canary_shares, &loaded));
  return loaded;
}

MigrationStateFile::MigrationStateFile(std::string dir) : dir_(std::move(dir)) {}

MigrationStateFile::~MigrationStateFile() {
  if (inflight_fd_ >= 0) ::close(inflight_fd_);
}

Status MigrationStateFile::Save(uint64_t seed, const MigrationState& state,
                                const std::function<void()>& before_rename) {
  return WriteFileAtomically((fs::path(dir_) / kStateFile).string(),
                             MigrationStateText(seed, state), before_rename);
}

Status MigrationStateFile::Load(size_t num_canary_shares, MigrationState* state, bool* found) {
  const std::string path = (fs::path(dir_) / kStateFile).string();
  std::string text;
  Status s = ReadWholeFile(path, &text);
  *found = false;
  if (s.code() == StatusCode::kNotFound) return Status::OK();
  LB_RETURN_IF_ERROR(s);
  StatusOr<MigrationState> loaded = ParseMigrationStateText(text, path, num_canary_shares);
  if (!loaded.ok()) return loaded.status();
  *state = std::move(*loaded);
  *found = true;
  return Status::OK();
}

Status MigrationStateFile::OpenInflight() {
  const std::string inflight = (fs::path(dir_) / kInflightFile).string();
  inflight_fd_ = ::open(inflight.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (inflight_fd_ < 0) return PosixError("open " + inflight, errno);
  return Status::OK();
}

StatusOr<uint64_t> MigrationStateFile::AddInflight(const TouchedEntities& touched) {
  std::lock_guard<std::mutex> lock(inflight_mu_);
  const uint64_t token = next_token_++;
  inflight_[token] = touched;
  LB_RETURN_IF_ERROR(WriteRecordLocked());
  return token;
}

void MigrationStateFile::RemoveInflight(uint64_t token) {
  std::lock_guard<std::mutex> lock(inflight_mu_);
  inflight_.erase(token);
  // A failure leaves a record that recovery copies again: harmless.
  [[maybe_unused]] Status s = WriteRecordLocked();
}

void MigrationStateFile::ClearInflight() {
  std::lock_guard<std::mutex> lock(inflight_mu_);
  inflight_.clear();
  [[maybe_unused]] Status s = WriteRecordLocked();
}

// The record of every write in progress; an empty one is four zero bytes.
Status MigrationStateFile::WriteRecordLocked() {
  if (inflight_.empty()) {
    const char zero[4] = {0, 0, 0, 0};
    if (::pwrite(inflight_fd_, zero, sizeof(zero), 0) != static_cast<ssize_t>(sizeof(zero))) {
      return PosixError("write " + dir_ + "/inflight", errno);
    }
    return Status::OK();
  }
  std::string body;
  for (const auto& [token, touched] : inflight_) {
    for (const auto& [kind, key] : touched) {
      body.push_back(static_cast<char>(kind));
      body.push_back(static_cast<char>(key.size()));
      body += key;
    }
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

StatusOr<std::optional<TouchedEntities>> MigrationStateFile::ReadInflight() const {
  std::string data;
  LB_RETURN_IF_ERROR(ReadWholeFile(dir_ + "/" + std::string(kInflightFile), &data));
  if (data.size() < 12 || data.compare(0, 4, kInflightMagic, 4) != 0) {
    return std::optional<TouchedEntities>();
  }
  auto get32 = [&data](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data[at + i]);
    return v;
  };
  const uint32_t len = get32(4);
  if (data.size() < 12 + size_t{len} || get32(8) != Crc32(data.data() + 12, len)) {
    return std::optional<TouchedEntities>();  // torn: the write it announced never started
  }
  TouchedEntities touched;
  size_t at = 12;
  while (at + 2 <= 12 + size_t{len}) {
    const auto kind = static_cast<EntityKind>(data[at]);
    const size_t klen = static_cast<uint8_t>(data[at + 1]);
    touched.emplace_back(kind, data.substr(at + 2, klen));
    at += 2 + klen;
  }
  return std::optional<TouchedEntities>(std::move(touched));
}

}  // namespace listbench
