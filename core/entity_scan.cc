#include "core/entity_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/canonical.h"

namespace listbench {
namespace {

constexpr std::array<std::string_view, kNumEntityKinds> kNames = {
    "tenants", "landlords", "listings", "listing_images", "applicants", "applications", "payments"};

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

std::string CanonicalEntity(const Entity& e) {
  return std::visit([](const auto& v) { return Canonical(v); }, e);
}

uint64_t EntityVersion(const Entity& e) {
  if (const auto* l = std::get_if<Listing>(&e)) return l->version;
  if (const auto* a = std::get_if<Application>(&e)) {
    uint64_t rank = 0;
    switch (a->status) {
      case ApplicationStatus::kSubmitted:
        rank = 0;
        break;
      case ApplicationStatus::kApproved:
      case ApplicationStatus::kRejected:
      case ApplicationStatus::kWithdrawn:
        rank = 1;
        break;
      case ApplicationStatus::kPaid:
        rank = 2;
        break;
    }
    constexpr int64_t kTimeMask = (int64_t{1} << 40) - 1;
    return (rank << 40) | static_cast<uint64_t>(std::clamp<int64_t>(a->updated, 0, kTimeMask));
  }
  return 0;
}

std::vector<std::pair<EntityKind, std::string>> EntityParents(const Entity& e) {
  using P = std::pair<EntityKind, std::string>;
  switch (KindOf(e)) {
    case EntityKind::kTenant:
      return {};
    case EntityKind::kLandlord:
      return {P{EntityKind::kTenant, EntityKey(std::get<Landlord>(e).tenant)}};
    case EntityKind::kListing: {
      const auto& l = std::get<Listing>(e);
      return {P{EntityKind::kTenant, EntityKey(l.tenant)},
              P{EntityKind::kLandlord, EntityKey(l.landlord)}};
    }
    case EntityKind::kImage:
      return {P{EntityKind::kListing, EntityKey(std::get<Image>(e).listing)}};
    case EntityKind::kApplicant:
      return {P{EntityKind::kTenant, EntityKey(std::get<Applicant>(e).tenant)}};
    case EntityKind::kApplication: {
      const auto& a = std::get<Application>(e);
      return {P{EntityKind::kListing, EntityKey(a.listing)},
              P{EntityKind::kApplicant, EntityKey(a.applicant)}};
    }
    case EntityKind::kPayment:
      return {P{EntityKind::kApplication, EntityKey(std::get<Payment>(e).application)}};
  }
  return {};
}

}  // namespace listbench
