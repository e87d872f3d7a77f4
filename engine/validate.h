// Request checks that need no store: the InvalidArgument part of the Store
// contract (engine/store.h) for the onboarding writes, shared by every engine
// so that both report the same code for the same request.
//
// Thread safety: plain functions.
#ifndef LISTBENCH_ENGINE_VALIDATE_H_
#define LISTBENCH_ENGINE_VALIDATE_H_

#include "engine/model.h"
#include "engine/status.h"

namespace listbench {

// InvalidArgument: empty name, country not 2 letters, currency not 3.
Status ValidateNewTenant(const Tenant& t);
// InvalidArgument: empty name, rating outside 0..50.
Status ValidateNewLandlord(const Landlord& l);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_VALIDATE_H_
