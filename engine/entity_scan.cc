#include "engine/entity_scan.h"

#include <fmt/format.h>

#include <array>

namespace listbench {
namespace {

constexpr std::array<std::string_view, kNumEntityKinds> kNames = {
    "tenants", "landlords", "listings", "listing_images", "applicants", "applications",
    "payments"};

void PutBigEndian(std::string* dst, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) dst->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t GetBigEndian(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

}  // namespace

std::string_view EntityKindName(EntityKind k) { return kNames[static_cast<size_t>(k)]; }

std::optional<EntityKind> ParseEntityKind(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<EntityKind>(i);
  }
  return std::nullopt;
}

std::string EntityKey(uint64_t id) {
  std::string k;
  PutBigEndian(&k, id, 8);
  return k;
}

std::string ImageEntityKey(EntityId listing, int32_t position) {
  std::string k = EntityKey(listing);
  PutBigEndian(&k, static_cast<uint32_t>(position), 4);
  return k;
}

std::string PaymentEntityKey(EntityId applicant, EntityId payment) {
  std::string k = EntityKey(applicant);
  PutBigEndian(&k, payment, 8);
  return k;
}

bool ParseEntityKey(EntityKind k, std::string_view key, uint64_t* first, uint64_t* second) {
  const size_t second_bytes = k == EntityKind::kImage ? 4 : k == EntityKind::kPayment ? 8 : 0;
  if (key.size() != 8 + second_bytes) return false;
  *first = GetBigEndian(key, 8);
  *second = second_bytes == 0 ? 0 : GetBigEndian(key.substr(8), static_cast<int>(second_bytes));
  return true;
}

std::string EntityKeyToString(EntityKind k, std::string_view key) {
  uint64_t a = 0, b = 0;
  if (!ParseEntityKey(k, key, &a, &b)) {
    std::string hex = "0x";
    for (char c : key) hex += fmt::format("{:02x}", static_cast<uint8_t>(c));
    return hex;
  }
  if (k == EntityKind::kImage || k == EntityKind::kPayment) return fmt::format("{}/{}", a, b);
  return std::to_string(a);
}

}  // namespace listbench
