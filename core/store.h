// Store: the one interface every listbench storage design implements (the
// normalized SQLite baseline, the RocksDB single-table design, and decorators
// such as the timing wrapper and the migration router,
// migration/migrating_store.h). Workloads and the runner never know which
// backend they drive.
//
// A Store has three facets, each its own interface, so that code which needs
// only one of them can say so:
//   StoreRequests  what a user request does: the read patterns R1-R5, the
//                  writes W1-W5 and the onboarding writes;
//   StoreAdmin     naming, bulk loading, the invariant check, disk and the
//                  engine's counters;
//   EntityAccess   the migration's path: scan, get and put whole entities
//                  by entity key (core/entity_scan.h).
// `Store` is all three.
//
// Contract shared by all implementations, so that two stores given the same
// data and the same operations return byte-identical canonical results
// (core/canonical.h):
//
// * Tenant isolation: every request names a tenant. An entity owned by
//   another tenant is reported exactly as one that does not exist (NotFound),
//   and never appears in any result.
// * Errors are Status codes, never exceptions. Only the code is part of the
//   contract; messages are for people. When several problems apply, the code
//   is the first in this order: InvalidArgument (request malformed, checked
//   without reading the store; every engine reports it through
//   core/validate.h, so both say the same thing), then NotFound (in the order
//   the method's comment lists the entities), then Conflict.
// * Writes are atomic: on any non-OK status other than IOError nothing was
//   changed.
// * IOError/Corruption come from the storage layer and may appear anywhere.
//   A write that fails with IOError has an UNKNOWN outcome, as in any
//   database whose commit write or fsync fails: it may have taken effect, at
//   once or after a restart recovers it from the log (the crash drills,
//   bench/drivers/drill.h, count these apart).
//
// Concurrency: an engine's store is safe for concurrent use. Any number of
// threads may call StoreRequests and EntityAccess methods at once (a worker
// pool serving many clients, a migration's backfill beside them), with these
// guarantees, the way DynamoDB's condition expressions and transactions give
// them:
// * Every read answers from one consistent snapshot of the store: a reader
//   never sees half of a write (no torn answer), even when the read issues
//   several lookups.
// * Every write is atomic and isolated: its checks (the Conflict and
//   NotFound conditions above, version checks, counts, uniqueness) and its
//   changes take effect as one step, serializable against every other write.
//   Two racing updates of a listing at the same expected version: exactly one
//   succeeds and the other returns Conflict. No update is lost.
// * A write that lost an internal race (a write-write conflict the engine
//   detects at commit) is retried by the engine, not returned; only the
//   contract's own codes come back. Waiting for another request's lock is
//   bounded (engine options); on timeout the request returns IOError and
//   nothing was changed.
// * Counted work (WorkStats) of a request is what that request did, counted
//   on the calling thread (core/io_stats.h ThreadTally); a retried attempt
//   counts again and is reported (Tally::retries).
// StoreAdmin's NewBulkLoader and CheckInvariants REQUIRE that no request is
// running (they are for a quiet store); Name, DiskBytes, io_stats,
// work_stats and background_work may be called at any time. Decorators (core/store_wrapper.h)
// say in their headers whether they keep these guarantees.
#ifndef LISTBENCH_CORE_STORE_H_
#define LISTBENCH_CORE_STORE_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/background_work.h"
#include "core/entity_scan.h"
#include "core/io_stats.h"
#include "core/model.h"
#include "core/status.h"

namespace listbench {

// Loads a freshly created, empty store through the engine's bulk path.
// REQUIRES: entities arrive in dependency order -- all tenants, then
// landlords, listings (each with all of its images), applicants, applications,
// payments -- and reference only entities already added. Input is trusted
// (it comes from the generator); nothing is checked beyond what the engine
// enforces itself.
class BulkLoader {
 public:
  virtual ~BulkLoader() = default;
  virtual Status AddTenant(const Tenant& t) = 0;
  virtual Status AddLandlord(const Landlord& l) = 0;
  virtual Status AddListing(const Listing& l, std::span<const Image> images) = 0;
  virtual Status AddApplicant(const Applicant& a) = 0;
  virtual Status AddApplication(const Application& a) = 0;
  virtual Status AddPayment(const Payment& p) = 0;
  // Writes everything still buffered, builds what is built after loading
  // (secondary indexes, derived items) and makes it durable. The loader must
  // not be used afterwards.
  virtual Status Finish() = 0;
};

// The requests a user of the SaaS makes: the workload's ten access patterns
// and the onboarding writes. Each InvalidArgument rule below is checked by
// the function of core/validate.h named after the request.
class StoreRequests {
 public:
  virtual ~StoreRequests() = default;

  // ---- Reads ----------------------------------------------------------------
  // R1. NotFound: listing.
  virtual StatusOr<ListingDetail> GetListingDetail(TenantId tenant, EntityId listing) = 0;
  // R2. NotFound: landlord.
  virtual StatusOr<LandlordPortfolio> GetLandlordPortfolio(TenantId tenant, EntityId landlord) = 0;
  // R3. InvalidArgument: limit outside 1..kMaxSearchLimit, min_price >
  // max_price, or min_bedrooms < 0. An unknown tenant or city is an empty
  // result, not NotFound.
  virtual StatusOr<SearchResult> Search(const SearchQuery& q) = 0;
  // R4. NotFound: applicant.
  virtual StatusOr<ApplicantProfile> GetApplicantProfile(TenantId tenant, EntityId applicant) = 0;
  // R5. NotFound: listing. A listing without applications is an empty result.
  virtual StatusOr<ListingApplications> GetListingApplications(TenantId tenant,
                                                               EntityId listing) = 0;

  // ---- Writes ---------------------------------------------------------------
  // W1. Stores `a` with status submitted and updated = submitted (whatever
  // `a.status`/`a.updated` say).
  // NotFound: listing, then applicant (in a.tenant).
  // Conflict: the listing is not active; an application with a.id exists.
  virtual Status SubmitApplication(const Application& a) = 0;

  // W2. Stores `p` and marks its application paid (updated = p.created).
  // InvalidArgument: p.amount <= 0.
  // NotFound: the application (in p.tenant).
  // Conflict: the application is neither approved nor already paid; a payment
  // with p.id exists.
  virtual Status RecordPayment(const Payment& p) = 0;

  // W3. Returns the new version.
  // InvalidArgument: neither price nor status given; price <= 0.
  // NotFound: listing. Conflict: version != expected_version.
  virtual StatusOr<uint64_t> UpdateListing(const ListingUpdate& u) = 0;

  // W4. Stores a new listing with its images, as given.
  // InvalidArgument: price <= 0, bedrooms < 0, empty title, an image whose
  // listing is not l.id, or image positions that are not 0..n-1 in order.
  // NotFound: the landlord (in l.tenant). Conflict: a listing with l.id exists.
  virtual Status AddListing(const Listing& l, std::span<const Image> images) = 0;

  // W5. Approves or rejects a submitted application; updated = now.
  // NotFound: the application. Conflict: its status is not submitted.
  virtual Status DecideApplication(TenantId tenant, EntityId application, bool approve,
                                   int64_t now) = 0;

  // ---- Onboarding (not part of the workload mixes) ---------------------------
  // A new SaaS customer while the store is serving others: no schema change,
  // no pause. Ids are unique per kind across all tenants, like every id.
  // InvalidArgument: empty name, country not 2 letters, currency not 3.
  // Conflict: a tenant with t.id exists.
  virtual Status AddTenant(const Tenant& t) = 0;
  // InvalidArgument: empty name, rating outside 0..50.
  // NotFound: the tenant. Conflict: a landlord with l.id exists (any tenant).
  virtual Status AddLandlord(const Landlord& l) = 0;
};

// What an operator or a harness does with a store besides serving requests:
// name it, bulk-load it, check it and read its counters.
class StoreAdmin {
 public:
  virtual ~StoreAdmin() = default;

  // "sqlite" or "rocksdb" (decorators return their own names).
  virtual std::string_view Name() const = 0;

  // REQUIRES: the store is empty and no other loader is alive. The returned
  // loader must not outlive the store.
  virtual std::unique_ptr<BulkLoader> NewBulkLoader() = 0;

  // Removes every entity, leaving the store empty as NewBulkLoader requires
  // (the migration's bulk copy starts again from an emptied store after a
  // crash or a failed write). The store keeps its schema, format and
  // options. REQUIRES: no request running and no loader alive.
  virtual Status Clear() = 0;

  // Checks the store's own consistency (SQLite: integrity_check and
  // foreign_key_check; single-table: denormalized copies and index items agree
  // with their primary items). Appends one line per violation found to
  // `violations`. Returns non-OK only if the check itself could not run.
  virtual Status CheckInvariants(std::vector<std::string>* violations) = 0;

  // Bytes the store occupies on disk now.
  virtual StatusOr<uint64_t> DiskBytes() = 0;

  // I/O counted at the engine's file-system seam since the store was opened.
  virtual IoStats io_stats() const = 0;
  // Work counted by the engine itself since the store was opened.
  virtual WorkStats work_stats() const = 0;
  // Work the engine did on its own threads since the store was opened, which
  // no request waited for (core/background_work.h): RocksDB's flushes and
  // compactions, SQLite's WAL checkpoints.
  virtual BackgroundWork background_work() const = 0;
};

// Whole entities by entity key (core/entity_scan.h), of whichever tenant owns
// them: the path of the zero-downtime migration (migration/migrating_store.h)
// and of its verifier (migration/verifier.h). Not a user request: there is no
// tenant check.
class EntityAccess {
 public:
  virtual ~EntityAccess() = default;

  // Entity scan (the verifier's diff): clears *out and fills it with up to
  // `limit` entities of `kind`, of every tenant, whose entity key sorts
  // after `after` ("" = from the first), in entity-key order; each row holds
  // the key and the entity, equal across engines for the same data (and so
  // with byte-identical CanonicalEntity() forms). Fewer than `limit` rows (limit > 0) means the
  // scan reached the end. Reads the store like a request does (work_stats counts it); it is not one
  // of the workload's patterns. InvalidArgument: `after` is neither "" nor a key of `kind`.
  virtual Status ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                              std::vector<EntityRow>* out) = 0;

  // Reads one entity of `kind` by its entity key, of whichever tenant owns
  // it. NotFound: no such entity. InvalidArgument: `key` is not a key of
  // `kind`.
  virtual StatusOr<Entity> GetEntity(EntityKind kind, std::string_view key) = 0;

  // Writes `e` -- an entity as another store holds it -- with everything this
  // store derives from it (denormalized copies, index entries, counts), so
  // that afterwards GetEntity/ScanEntities return it exactly and every read
  // pattern sees it as if the workload had written it. Version check
  // (EntityVersion): when the store already holds the entity at the same or
  // a greater version nothing is written and *applied is false; otherwise it
  // is written and *applied is true. A write never makes an entity older, so
  // a stale copy (a backfill chunk read before a newer dual write) is
  // harmless, and writing the same copy twice is a no-op. Only what the
  // workload can change is compared: the entity's key and version.
  // NotFound: a parent (EntityParents) is absent. Atomic like every write;
  // IOError has an unknown outcome (see the contract above), and retrying is
  // safe.
  virtual Status PutEntity(const Entity& e, bool* applied) = 0;

  // Writes the entities of `es`, in order, each as PutEntity would (an
  // entity sees the ones before it, e.g. an application the listing copied
  // just before it), as ONE atomic write: on OK, (*applied)[i] says whether
  // es[i] was written; on any error nothing was written (an IOError's
  // outcome is unknown, as PutEntity's) and *applied is all false. *applied
  // is resized to es.size(). The backfill's path: a chunk of entities costs
  // one transaction and one commit, not one each.
  // NotFound: a parent of some entity is absent.
  virtual Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) = 0;
};

// PutEntity as a batch of one: how the engines implement it, so that one
// entity and a chunk take the same path.
inline Status PutOneEntity(EntityAccess& s, const Entity& e, bool* applied) {
  std::vector<uint8_t> one;
  const Status st = s.PutEntities(std::span<const Entity>(&e, 1), &one);
  if (applied != nullptr) *applied = st.ok() && one.size() == 1 && one[0] == 1;
  return st;
}

// A whole store: every engine and every decorator (core/store_wrapper.h)
// implements all three facets. Not copyable.
class Store : public StoreRequests, public StoreAdmin, public EntityAccess {
 public:
  ~Store() override = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
};

}  // namespace listbench

#endif  // LISTBENCH_CORE_STORE_H_
