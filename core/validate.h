// Request checks that need no store: the InvalidArgument part of the Store
// contract (core/store.h) for the onboarding writes, shared by every engine
// so that both report the same code for the same request.
//
// Thread safety: plain functions.
#ifndef LISTBENCH_CORE_VALIDATE_H_
#define LISTBENCH_CORE_VALIDATE_H_

#include "core/model.h"
#include "core/status.h"

namespace listbench {

// InvalidArgument: empty name, country not 2 letters, currency not 3.
Status ValidateNewTenant(const Tenant& t);
// InvalidArgument: empty name, rating outside 0..50.
Status ValidateNewLandlord(const Landlord& l);

}  // namespace listbench

#endif  // LISTBENCH_CORE_VALIDATE_H_
