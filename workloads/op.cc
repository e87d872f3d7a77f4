#include "workloads/op.h"

#include <fmt/format.h>

#include "core/canonical.h"

namespace listbench {
namespace {

constexpr std::array<std::string_view, kNumOpKinds> kNames = {
    "listing_detail",       "landlord_portfolio", "search",         "applicant_profile",
    "listing_applications", "submit_application", "record_payment", "update_listing",
    "add_listing",          "decide_application"};
constexpr std::array<std::string_view, kNumOpKinds> kCodes = {"R1", "R2", "R3", "R4", "R5",
                                                              "W1", "W2", "W3", "W4", "W5"};

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const StatusOr<T>& r) {
  return r.status();
}

}  // namespace

std::string_view OpKindName(OpKind k) { return kNames[static_cast<int>(k)]; }
std::string_view OpKindCode(OpKind k) { return kCodes[static_cast<int>(k)]; }

std::string ExecuteOp(Store& store, const Op& op, Status* status) {
  const auto outcome = [status](const auto& r) {
    if (status != nullptr) *status = StatusOf(r);
    return CanonicalOutcome(r);
  };
  return std::visit(
      Overloaded{
          [&](const ListingDetailOp& o) {
            return outcome(store.GetListingDetail(o.tenant, o.listing));
          },
          [&](const LandlordPortfolioOp& o) {
            return outcome(store.GetLandlordPortfolio(o.tenant, o.landlord));
          },
          [&](const SearchOp& o) { return outcome(store.Search(o.query)); },
          [&](const ApplicantProfileOp& o) {
            return outcome(store.GetApplicantProfile(o.tenant, o.applicant));
          },
          [&](const ListingApplicationsOp& o) {
            return outcome(store.GetListingApplications(o.tenant, o.listing));
          },
          [&](const SubmitApplicationOp& o) {
            return outcome(store.SubmitApplication(o.application));
          },
          [&](const RecordPaymentOp& o) { return outcome(store.RecordPayment(o.payment)); },
          [&](const UpdateListingOp& o) { return outcome(store.UpdateListing(o.update)); },
          [&](const AddListingOp& o) { return outcome(store.AddListing(o.listing, o.images)); },
          [&](const DecideApplicationOp& o) {
            return outcome(store.DecideApplication(o.tenant, o.application, o.approve, o.now));
          },
      },
      op);
}

Status RunOp(Store& store, const Op& op) {
  return std::visit(
      Overloaded{
          [&](const ListingDetailOp& o) {
            return store.GetListingDetail(o.tenant, o.listing).status();
          },
          [&](const LandlordPortfolioOp& o) {
            return store.GetLandlordPortfolio(o.tenant, o.landlord).status();
          },
          [&](const SearchOp& o) { return store.Search(o.query).status(); },
          [&](const ApplicantProfileOp& o) {
            return store.GetApplicantProfile(o.tenant, o.applicant).status();
          },
          [&](const ListingApplicationsOp& o) {
            return store.GetListingApplications(o.tenant, o.listing).status();
          },
          [&](const SubmitApplicationOp& o) { return store.SubmitApplication(o.application); },
          [&](const RecordPaymentOp& o) { return store.RecordPayment(o.payment); },
          [&](const UpdateListingOp& o) { return store.UpdateListing(o.update).status(); },
          [&](const AddListingOp& o) { return store.AddListing(o.listing, o.images); },
          [&](const DecideApplicationOp& o) {
            return store.DecideApplication(o.tenant, o.application, o.approve, o.now);
          },
      },
      op);
}

std::string DescribeOp(const Op& op) {
  std::string body = std::visit(
      Overloaded{
          [](const ListingDetailOp& o) {
            return fmt::format("tenant={} listing={}", o.tenant, o.listing);
          },
          [](const LandlordPortfolioOp& o) {
            return fmt::format("tenant={} landlord={}", o.tenant, o.landlord);
          },
          [](const SearchOp& o) {
            const SearchQuery& q = o.query;
            return fmt::format("tenant={} city=\"{}\" price={}..{} min_bedrooms={} limit={}",
                               q.tenant, q.city, q.min_price, q.max_price, q.min_bedrooms, q.limit);
          },
          [](const ApplicantProfileOp& o) {
            return fmt::format("tenant={} applicant={}", o.tenant, o.applicant);
          },
          [](const ListingApplicationsOp& o) {
            return fmt::format("tenant={} listing={}", o.tenant, o.listing);
          },
          [](const SubmitApplicationOp& o) { return Canonical(o.application); },
          [](const RecordPaymentOp& o) { return Canonical(o.payment); },
          [](const UpdateListingOp& o) {
            const ListingUpdate& u = o.update;
            return fmt::format("tenant={} listing={} expected_version={} price={} status={} now={}",
                               u.tenant, u.listing, u.expected_version,
                               u.price ? std::to_string(*u.price) : "-",
                               u.status ? ListingStatusName(*u.status) : "-", u.now);
          },
          [](const AddListingOp& o) {
            return fmt::format("{} images={}", Canonical(o.listing), o.images.size());
          },
          [](const DecideApplicationOp& o) {
            return fmt::format("tenant={} application={} approve={} now={}", o.tenant,
                               o.application, o.approve, o.now);
          },
      },
      op);
  return fmt::format("{} {} {}", OpKindCode(KindOf(op)), OpKindName(KindOf(op)), body);
}

}  // namespace listbench
