#include "core/model.h"

namespace listbench {

std::string_view ListingStatusName(ListingStatus s) {
  switch (s) {
    case ListingStatus::kActive:
      return "active";
    case ListingStatus::kLet:
      return "let";
    case ListingStatus::kWithdrawn:
      return "withdrawn";
  }
  return "invalid";
}

std::string_view ApplicationStatusName(ApplicationStatus s) {
  switch (s) {
    case ApplicationStatus::kSubmitted:
      return "submitted";
    case ApplicationStatus::kApproved:
      return "approved";
    case ApplicationStatus::kRejected:
      return "rejected";
    case ApplicationStatus::kWithdrawn:
      return "withdrawn";
    case ApplicationStatus::kPaid:
      return "paid";
  }
  return "invalid";
}

std::string_view PaymentStatusName(PaymentStatus s) {
  switch (s) {
    case PaymentStatus::kCaptured:
      return "captured";
    case PaymentStatus::kRefunded:
      return "refunded";
    case PaymentStatus::kFailed:
      return "failed";
  }
  return "invalid";
}

}  // namespace listbench
