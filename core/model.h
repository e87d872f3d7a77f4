// The listbench domain: the seven entities of the normalized legacy model and
// the result shapes of the read access patterns R1-R5.
//
// Ids are allocated by the caller (like client-generated UUIDs) and are unique
// per entity kind across all tenants. Every entity except an image carries the
// id of the tenant (SaaS customer / white-label brand) that owns it; an image
// belongs to its listing. Times are seconds since the Unix epoch. Money is in
// minor units (pence, cents) of the tenant's currency.
//
// Plain value types; no thread-safety concerns.
#ifndef LISTBENCH_CORE_MODEL_H_
#define LISTBENCH_CORE_MODEL_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace listbench {

using TenantId = uint32_t;
using EntityId = uint64_t;  // landlord, listing, applicant, application, payment ids

enum class ListingStatus : uint8_t { kActive = 0, kLet = 1, kWithdrawn = 2 };
enum class ApplicationStatus : uint8_t {
  kSubmitted = 0,
  kApproved = 1,
  kRejected = 2,
  kWithdrawn = 3,
  kPaid = 4,
};
enum class PaymentStatus : uint8_t { kCaptured = 0, kRefunded = 1, kFailed = 2 };

std::string_view ListingStatusName(ListingStatus s);          // "active", "let", "withdrawn"
std::string_view ApplicationStatusName(ApplicationStatus s);  // "submitted", ...
std::string_view PaymentStatusName(PaymentStatus s);          // "captured", ...

// An application is "open" while it still awaits a decision or a payment.
inline bool IsOpen(ApplicationStatus s) {
  return s == ApplicationStatus::kSubmitted || s == ApplicationStatus::kApproved;
}

struct Tenant {
  TenantId id = 0;
  std::string name;
  std::string country;   // ISO 3166 alpha-2, e.g. "GB"
  std::string currency;  // ISO 4217, e.g. "GBP"
  std::string gateway;   // payment gateway, e.g. "stripe" (UK) or "adyen" (EU)
  auto operator<=>(const Tenant&) const = default;
};

struct Landlord {
  EntityId id = 0;
  TenantId tenant = 0;
  std::string name;
  std::string email;
  int32_t rating = 0;  // tenths of a star, 0..50
  int64_t created = 0;
  auto operator<=>(const Landlord&) const = default;
};

struct Listing {
  EntityId id = 0;
  TenantId tenant = 0;
  EntityId landlord = 0;
  std::string city;
  std::string postcode;
  int64_t price = 0;  // monthly, minor units
  int32_t bedrooms = 0;
  std::string title;
  std::string description;
  ListingStatus status = ListingStatus::kActive;
  int64_t created = 0;
  int64_t updated = 0;
  uint64_t version = 1;  // bumped by every successful update_listing
  auto operator<=>(const Listing&) const = default;
};

struct Image {
  EntityId listing = 0;
  int32_t position = 0;  // 0-based, dense within a listing
  std::string url;
  int32_t width = 0;
  int32_t height = 0;
  int64_t bytes = 0;
  auto operator<=>(const Image&) const = default;
};

struct Applicant {
  EntityId id = 0;
  TenantId tenant = 0;
  std::string name;
  std::string email;
  int64_t income = 0;  // yearly, minor units
  auto operator<=>(const Applicant&) const = default;
};

struct Application {
  EntityId id = 0;
  TenantId tenant = 0;
  EntityId listing = 0;
  EntityId applicant = 0;
  ApplicationStatus status = ApplicationStatus::kSubmitted;
  int64_t submitted = 0;
  int64_t updated = 0;
  auto operator<=>(const Application&) const = default;
};

struct Payment {
  EntityId id = 0;
  TenantId tenant = 0;
  EntityId application = 0;
  int64_t amount = 0;  // minor units
  std::string currency;
  std::string gateway;
  PaymentStatus status = PaymentStatus::kCaptured;
  int64_t created = 0;
  auto operator<=>(const Payment&) const = default;
};

// ---- Read results -----------------------------------------------------------

struct LandlordSummary {
  EntityId id = 0;
  std::string name;
  int32_t rating = 0;
  auto operator<=>(const LandlordSummary&) const = default;
};

struct ListingSummary {
  EntityId id = 0;
  std::string city;
  int64_t price = 0;
  int32_t bedrooms = 0;
  std::string title;
  ListingStatus status = ListingStatus::kActive;
  auto operator<=>(const ListingSummary&) const = default;
};

struct ApplicantSummary {
  EntityId id = 0;
  std::string name;
  int64_t income = 0;
  auto operator<=>(const ApplicantSummary&) const = default;
};

// R1: the listing, its images ordered by position, and its landlord.
struct ListingDetail {
  Listing listing;
  std::vector<Image> images;
  LandlordSummary landlord;
  auto operator<=>(const ListingDetail&) const = default;
};

// R2: the landlord and all its listings ordered by listing id, each with the
// number of its open applications (IsOpen).
struct PortfolioEntry {
  ListingSummary listing;
  int64_t open_applications = 0;
  auto operator<=>(const PortfolioEntry&) const = default;
};
struct LandlordPortfolio {
  Landlord landlord;
  std::vector<PortfolioEntry> listings;
  auto operator<=>(const LandlordPortfolio&) const = default;
};

// R3: query and hits. Hits are active listings of the tenant in `city` with
// min_price <= price <= max_price and bedrooms >= min_bedrooms, ordered by
// price ascending then listing id ascending, at most `limit` of them; each
// with its lowest-position image, if it has any.
struct SearchQuery {
  TenantId tenant = 0;
  std::string city;
  int64_t min_price = 0;
  int64_t max_price = 0;
  int32_t min_bedrooms = 0;
  int32_t limit = 20;  // 1..kMaxSearchLimit
  auto operator<=>(const SearchQuery&) const = default;
};
inline constexpr int32_t kMaxSearchLimit = 100;
struct SearchHit {
  ListingSummary listing;
  std::optional<Image> first_image;
  auto operator<=>(const SearchHit&) const = default;
};
struct SearchResult {
  std::vector<SearchHit> hits;
  auto operator<=>(const SearchResult&) const = default;
};

// R4: the applicant, their applications ordered by id (each with the title of
// the listing applied to) and their payments ordered by id.
struct ApplicationWithListing {
  Application application;
  std::string listing_title;
  auto operator<=>(const ApplicationWithListing&) const = default;
};
struct ApplicantProfile {
  Applicant applicant;
  std::vector<ApplicationWithListing> applications;
  std::vector<Payment> payments;
  auto operator<=>(const ApplicantProfile&) const = default;
};

// R5: the applications to one listing ordered by id, each with its applicant.
struct ApplicationWithApplicant {
  Application application;
  ApplicantSummary applicant;
  auto operator<=>(const ApplicationWithApplicant&) const = default;
};
struct ListingApplications {
  std::vector<ApplicationWithApplicant> applications;
  auto operator<=>(const ListingApplications&) const = default;
};

// ---- Write requests ---------------------------------------------------------

// W3: change the price and/or the status of a listing if its version is still
// `expected_version`. On success the version becomes expected_version + 1 and
// `updated` becomes `now`.
struct ListingUpdate {
  TenantId tenant = 0;
  EntityId listing = 0;
  uint64_t expected_version = 0;
  std::optional<int64_t> price;
  std::optional<ListingStatus> status;
  int64_t now = 0;
  auto operator<=>(const ListingUpdate&) const = default;
};

}  // namespace listbench

#endif  // LISTBENCH_CORE_MODEL_H_
