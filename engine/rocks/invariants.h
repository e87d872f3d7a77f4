// CheckInvariants for the single-table design: one full scan of the table
// that recomputes every derived item from the primary items and reports each
// disagreement as one line:
//   * keys parse and agree with the ids/tenants inside their values;
//   * OWNER copies equal their landlord's summary; LST copies equal their
//     listing's summary with the open-application count recomputed from the
//     primary application items; both APP copies of an application equal the
//     primary item (with the listing title / applicant summary);
//   * images are dense 0..n-1 in position order; search entries exist
//     exactly for active listings, at the right key, with the first image;
//   * every reference resolves within the same tenant, no copy or index
//     entry is an orphan, and uniqueness markers match their entities.
// Copies are compared by a hash of their encoded bytes, so memory stays small
// (a few maps of ids and summaries).
//
// Thread safety: as Table.
#ifndef LISTBENCH_ENGINE_ROCKS_INVARIANTS_H_
#define LISTBENCH_ENGINE_ROCKS_INVARIANTS_H_

#include <string>
#include <vector>

#include "engine/rocks/table.h"

namespace listbench::rocks {

// Appends one line per violation; non-OK only if the table could not be read.
Status CheckInvariants(Table& table, std::vector<std::string>* violations);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_INVARIANTS_H_
