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

std::string Str(int64_t v) { return std::to_string(v); }

}  // namespace

Status ValidateSearch(const SearchQuery& q) {
  if (q.limit < 1 || q.limit > kMaxSearchLimit) {
    return Status::InvalidArgument("search: limit " + Str(q.limit) + " outside 1.." +
                                   Str(kMaxSearchLimit));
  }
  if (q.min_price > q.max_price) {
    return Status::InvalidArgument("search: min_price " + Str(q.min_price) + " > max_price " +
                                   Str(q.max_price));
  }
  if (q.min_bedrooms < 0) {
    return Status::InvalidArgument("search: min_bedrooms " + Str(q.min_bedrooms) + " < 0");
  }
  return Status::OK();
}

Status ValidateRecordPayment(const Payment& p) {
  if (p.amount <= 0) {
    return Status::InvalidArgument("record_payment: amount " + Str(p.amount) + " <= 0");
  }
  return Status::OK();
}

Status ValidateUpdateListing(const ListingUpdate& u) {
  if (!u.price.has_value() && !u.status.has_value()) {
    return Status::InvalidArgument("update_listing: neither price nor status given");
  }
  if (u.price.has_value() && *u.price <= 0) {
    return Status::InvalidArgument("update_listing: price " + Str(*u.price) + " <= 0");
  }
  return Status::OK();
}

Status ValidateAddListing(const Listing& l, std::span<const Image> images) {
  if (l.price <= 0) return Status::InvalidArgument("add_listing: price " + Str(l.price) + " <= 0");
  if (l.bedrooms < 0) {
    return Status::InvalidArgument("add_listing: bedrooms " + Str(l.bedrooms) + " < 0");
  }
  if (l.title.empty()) return Status::InvalidArgument("add_listing: empty title");
  for (size_t i = 0; i < images.size(); ++i) {
    const std::string image = "add_listing: image " + std::to_string(i);
    if (images[i].listing != l.id) {
      return Status::InvalidArgument(image + " is of listing " + std::to_string(images[i].listing) +
                                     ", not " + std::to_string(l.id));
    }
    if (images[i].position != static_cast<int32_t>(i)) {
      return Status::InvalidArgument(image + " has position " + Str(images[i].position) +
                                     " (positions are 0..n-1 in order)");
    }
  }
  return Status::OK();
}

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
