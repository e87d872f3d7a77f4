// Request checks that need no store: the InvalidArgument part of the Store
// contract (core/store.h, StoreRequests). Every engine calls these before it
// reads anything, so that both engines report the same code and the same
// message for the same malformed request, and a request that passes does the
// same counted work as before any check. Each function returns OK or the
// InvalidArgument of the first rule the request breaks, in the order listed;
// each rule has one message, prefixed by the request's operation name
// (workloads/op.h).
//
// Thread safety: plain functions.
#ifndef LISTBENCH_CORE_VALIDATE_H_
#define LISTBENCH_CORE_VALIDATE_H_

#include <span>

#include "core/model.h"
#include "core/status.h"

namespace listbench {

// R3. InvalidArgument: limit outside 1..kMaxSearchLimit; min_price >
// max_price; min_bedrooms < 0.
Status ValidateSearch(const SearchQuery& q);
// W2. InvalidArgument: amount <= 0.
Status ValidateRecordPayment(const Payment& p);
// W3. InvalidArgument: neither price nor status given; price <= 0.
Status ValidateUpdateListing(const ListingUpdate& u);
// W4. InvalidArgument: price <= 0; bedrooms < 0; empty title; then, image by
// image, an image whose listing is not l.id or whose position is not its
// index (positions 0..n-1 in order).
Status ValidateAddListing(const Listing& l, std::span<const Image> images);
// InvalidArgument: empty name; country not 2 letters; currency not 3.
Status ValidateNewTenant(const Tenant& t);
// InvalidArgument: empty name; rating outside 0..50.
Status ValidateNewLandlord(const Landlord& l);

}  // namespace listbench

#endif  // LISTBENCH_CORE_VALIDATE_H_
