// StoreWrapper: a Store that forwards every call to another Store, in the
// manner of LevelDB's EnvWrapper. Decorators (timing, fault checks, the
// migration router, test doubles that perturb results) derive from it and
// override only what they change. It forwards all three facets of Store
// (core/store.h): requests, administration and entity access.
//
// Thread safety: as the wrapped store.
#ifndef LISTBENCH_CORE_STORE_WRAPPER_H_
#define LISTBENCH_CORE_STORE_WRAPPER_H_

#include <memory>

#include "core/store.h"

namespace listbench {

class StoreWrapper : public Store {
 public:
  // REQUIRES: target outlives this wrapper (use the owning constructor
  // otherwise).
  explicit StoreWrapper(Store* target) : target_(target) {}
  explicit StoreWrapper(std::unique_ptr<Store> owned)
      : owned_(std::move(owned)), target_(owned_.get()) {}

  Store* target() const { return target_; }

  // ---- StoreRequests ---------------------------------------------------------
  StatusOr<ListingDetail> GetListingDetail(TenantId t, EntityId l) override {
    return target_->GetListingDetail(t, l);
  }
  StatusOr<LandlordPortfolio> GetLandlordPortfolio(TenantId t, EntityId l) override {
    return target_->GetLandlordPortfolio(t, l);
  }
  StatusOr<SearchResult> Search(const SearchQuery& q) override { return target_->Search(q); }
  StatusOr<ApplicantProfile> GetApplicantProfile(TenantId t, EntityId a) override {
    return target_->GetApplicantProfile(t, a);
  }
  StatusOr<ListingApplications> GetListingApplications(TenantId t, EntityId l) override {
    return target_->GetListingApplications(t, l);
  }
  Status SubmitApplication(const Application& a) override { return target_->SubmitApplication(a); }
  Status RecordPayment(const Payment& p) override { return target_->RecordPayment(p); }
  StatusOr<uint64_t> UpdateListing(const ListingUpdate& u) override {
    return target_->UpdateListing(u);
  }
  Status AddListing(const Listing& l, std::span<const Image> images) override {
    return target_->AddListing(l, images);
  }
  Status DecideApplication(TenantId t, EntityId a, bool approve, int64_t now) override {
    return target_->DecideApplication(t, a, approve, now);
  }
  Status AddTenant(const Tenant& t) override { return target_->AddTenant(t); }
  Status AddLandlord(const Landlord& l) override { return target_->AddLandlord(l); }

  // ---- StoreAdmin ------------------------------------------------------------
  std::string_view Name() const override { return target_->Name(); }
  std::unique_ptr<BulkLoader> NewBulkLoader() override { return target_->NewBulkLoader(); }
  Status Clear() override { return target_->Clear(); }
  Status CheckInvariants(std::vector<std::string>* v) override {
    return target_->CheckInvariants(v);
  }
  StatusOr<uint64_t> DiskBytes() override { return target_->DiskBytes(); }
  IoStats io_stats() const override { return target_->io_stats(); }
  WorkStats work_stats() const override { return target_->work_stats(); }
  BackgroundWork background_work() const override { return target_->background_work(); }

  // ---- EntityAccess ----------------------------------------------------------
  Status ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                      std::vector<EntityRow>* out) override {
    return target_->ScanEntities(kind, after, limit, out);
  }
  StatusOr<Entity> GetEntity(EntityKind kind, std::string_view key) override {
    return target_->GetEntity(kind, key);
  }
  Status PutEntity(const Entity& e, bool* applied) override {
    return target_->PutEntity(e, applied);
  }
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override {
    return target_->PutEntities(es, applied);
  }

 private:
  std::unique_ptr<Store> owned_;
  Store* target_;
};

}  // namespace listbench

#endif  // LISTBENCH_CORE_STORE_WRAPPER_H_
