// Op: one request of an operation trace (R1-R5, W1-W5), as plain data, so a
// trace can be generated from a seed before anything is timed and replayed
// identically against every store.
#ifndef LISTBENCH_WORKLOADS_OP_H_
#define LISTBENCH_WORKLOADS_OP_H_

#include <array>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/model.h"
#include "core/store.h"

namespace listbench {

struct ListingDetailOp {
  TenantId tenant = 0;
  EntityId listing = 0;
};  // R1
struct LandlordPortfolioOp {
  TenantId tenant = 0;
  EntityId landlord = 0;
};  // R2
struct SearchOp {
  SearchQuery query;
};  // R3
struct ApplicantProfileOp {
  TenantId tenant = 0;
  EntityId applicant = 0;
};  // R4
struct ListingApplicationsOp {
  TenantId tenant = 0;
  EntityId listing = 0;
};  // R5
struct SubmitApplicationOp {
  Application application;
};  // W1
struct RecordPaymentOp {
  Payment payment;
};  // W2
struct UpdateListingOp {
  ListingUpdate update;
};  // W3
struct AddListingOp {
  Listing listing;
  std::vector<Image> images;
};                            // W4
struct DecideApplicationOp {  // W5
  TenantId tenant = 0;
  EntityId application = 0;
  bool approve = false;
  int64_t now = 0;
};

// The alternatives are in the order of OpKind.
using Op = std::variant<ListingDetailOp, LandlordPortfolioOp, SearchOp, ApplicantProfileOp,
                        ListingApplicationsOp, SubmitApplicationOp, RecordPaymentOp,
                        UpdateListingOp, AddListingOp, DecideApplicationOp>;

enum class OpKind : int {
  kListingDetail = 0,
  kLandlordPortfolio,
  kSearch,
  kApplicantProfile,
  kListingApplications,
  kSubmitApplication,
  kRecordPayment,
  kUpdateListing,
  kAddListing,
  kDecideApplication,
};
inline constexpr int kNumOpKinds = 10;

inline OpKind KindOf(const Op& op) { return static_cast<OpKind>(op.index()); }
// Stable snake_case name, e.g. "listing_detail"; used in reports and files.
std::string_view OpKindName(OpKind k);
// Short code as in the design notes: "R1".."R5", "W1".."W5".
std::string_view OpKindCode(OpKind k);
inline bool IsWrite(OpKind k) { return static_cast<int>(k) >= 5; }

// Runs `op` against `store` and returns its canonical outcome
// (CanonicalOutcome in core/canonical.h), which keeps only a status's code;
// the status itself goes to `*status` when given.
std::string ExecuteOp(Store& store, const Op& op, Status* status = nullptr);

// Runs `op` against `store` and returns only its status (results are
// dropped): the runner's hot path, with no serialization cost.
Status RunOp(Store& store, const Op& op);

// One line describing the request, for mismatch reports.
std::string DescribeOp(const Op& op);

}  // namespace listbench

#endif  // LISTBENCH_WORKLOADS_OP_H_
