#include "core/validate.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace listbench {
namespace {

bool Letters(const std::string& s, size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalpha(c) != 0; });
}

}  // namespace

Status ValidateNewTenant(const Tenant& t) {
  if (t.name.empty()) return Status::InvalidArgument("add_tenant: empty name");
  if (!Letters(t.country, 2)) {
    return Status::InvalidArgument("add_tenant: country '" + t.country + "' is not 2 letters");
  }
  if (!Letters(t.currency, 3)) {
    return Status::InvalidArgument("add_tenant: currency '" + t.currency + "' is not 3 letters");
  }
  return Status::OK();
}

Status ValidateNewLandlord(const Landlord& l) {
  if (l.name.empty()) return Status::InvalidArgument("add_landlord: empty name");
  if (l.rating < 0 || l.rating > 50) {
    return Status::InvalidArgument("add_landlord: rating " + std::to_string(l.rating) +
                                   " outside 0..50");
  }
  return Status::OK();
}

}  // namespace listbench
