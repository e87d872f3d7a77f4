// One canonical text serialization of every result type, so that two stores
// can be compared byte for byte and a mismatch can be printed for a person.
// Every field is written, in declaration order, integers in decimal and
// strings quoted with \" and \\ escaped; no locale, no floating point.
#ifndef LISTBENCH_CORE_CANONICAL_H_
#define LISTBENCH_CORE_CANONICAL_H_

#include <string>

#include "core/model.h"
#include "core/status.h"

namespace listbench {

std::string Canonical(const Tenant& v);
std::string Canonical(const Landlord& v);
std::string Canonical(const Listing& v);
std::string Canonical(const Image& v);
std::string Canonical(const Applicant& v);
std::string Canonical(const Application& v);
std::string Canonical(const Payment& v);
std::string Canonical(const ListingDetail& v);
std::string Canonical(const LandlordPortfolio& v);
std::string Canonical(const SearchResult& v);
std::string Canonical(const ApplicantProfile& v);
std::string Canonical(const ListingApplications& v);

// The canonical form of an operation's outcome: "<code name>" for a failure
// (messages are not part of the contract), "ok <payload>" for a success.
template <typename T>
std::string CanonicalOutcome(const StatusOr<T>& r) {
  if (!r.ok()) return std::string(StatusCodeName(r.status().code()));
  if constexpr (std::is_integral_v<T>) {
    return "ok " + std::to_string(*r);
  } else {
    return "ok " + Canonical(*r);
  }
}
std::string CanonicalOutcome(const Status& s);

}  // namespace listbench

#endif  // LISTBENCH_CORE_CANONICAL_H_
