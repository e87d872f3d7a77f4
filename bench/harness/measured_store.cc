#include "bench/harness/measured_store.h"

#include "bench/model/storage_profile.h"

namespace listbench {
namespace {

StatusCode CodeOf(const Status& s) { return s.code(); }
template <typename T>
StatusCode CodeOf(const StatusOr<T>& s) {
  return s.status().code();
}

}  // namespace

void OpStats::Merge(const OpStats& o) {
  latency_ns.Merge(o.latency_ns);
  if (modelled_ns.size() < o.modelled_ns.size()) modelled_ns.resize(o.modelled_ns.size());
  for (size_t i = 0; i < o.modelled_ns.size(); ++i) modelled_ns[i].Merge(o.modelled_ns[i]);
  for (size_t i = 0; i < outcomes.size(); ++i) outcomes[i] += o.outcomes[i];
  work = work + o.work;
  io = io + o.io;
  lock_wait_ns += o.lock_wait_ns;
  retries += o.retries;
}

template <typename F>
auto MeasuredStore::Measure(OpKind kind, F&& call) {
  Store* t = target();
  const Tally before = ThreadTally();
  const Clock::time_point start = intended_.value_or(Clock::now());
  auto result = call(t);
  const Clock::time_point end = Clock::now();
  intended_.reset();
  last_ns_ = static_cast<uint64_t>(std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count()));
  last_kind_ = kind;
  if (recording_) {
    OpStats& s = stats_[static_cast<int>(kind)];
    s.latency_ns.Add(last_ns_);
    const auto code = static_cast<size_t>(CodeOf(result));
    if (code < s.outcomes.size()) ++s.outcomes[code];
    const Tally& after = ThreadTally();
    const WorkStats work = after.work - before.work;
    const IoStats io = after.io - before.io;
    s.work = s.work + work;
    s.io = s.io + io;
    s.lock_wait_ns += after.lock_wait_ns - before.lock_wait_ns;
    s.retries += after.retries - before.retries;
    const std::span<const StorageProfile> profiles = StorageProfiles();
    if (s.modelled_ns.size() < profiles.size()) s.modelled_ns.resize(profiles.size());
    const uint64_t trips = RoundTrips(work);
    for (size_t i = 0; i < profiles.size(); ++i) {
      s.modelled_ns[i].Add(ModelledNs(profiles[i], last_ns_, io, trips));
    }
  }
  return result;
}

StatusOr<ListingDetail> MeasuredStore::GetListingDetail(TenantId t, EntityId l) {
  return Measure(OpKind::kListingDetail, [&](Store* s) { return s->GetListingDetail(t, l); });
}
StatusOr<LandlordPortfolio> MeasuredStore::GetLandlordPortfolio(TenantId t, EntityId l) {
  return Measure(OpKind::kLandlordPortfolio,
                 [&](Store* s) { return s->GetLandlordPortfolio(t, l); });
}
StatusOr<SearchResult> MeasuredStore::Search(const SearchQuery& q) {
  return Measure(OpKind::kSearch, [&](Store* s) { return s->Search(q); });
}
StatusOr<ApplicantProfile> MeasuredStore::GetApplicantProfile(TenantId t, EntityId a) {
  return Measure(OpKind::kApplicantProfile, [&](Store* s) { return s->GetApplicantProfile(t, a); });
}
StatusOr<ListingApplications> MeasuredStore::GetListingApplications(TenantId t, EntityId l) {
  return Measure(OpKind::kListingApplications,
                 [&](Store* s) { return s->GetListingApplications(t, l); });
}
Status MeasuredStore::SubmitApplication(const Application& a) {
  return Measure(OpKind::kSubmitApplication, [&](Store* s) { return s->SubmitApplication(a); });
}
Status MeasuredStore::RecordPayment(const Payment& p) {
  return Measure(OpKind::kRecordPayment, [&](Store* s) { return s->RecordPayment(p); });
}
StatusOr<uint64_t> MeasuredStore::UpdateListing(const ListingUpdate& u) {
  return Measure(OpKind::kUpdateListing, [&](Store* s) { return s->UpdateListing(u); });
}
Status MeasuredStore::AddListing(const Listing& l, std::span<const Image> images) {
  return Measure(OpKind::kAddListing, [&](Store* s) { return s->AddListing(l, images); });
}
Status MeasuredStore::DecideApplication(TenantId t, EntityId a, bool approve, int64_t now) {
  return Measure(OpKind::kDecideApplication,
                 [&](Store* s) { return s->DecideApplication(t, a, approve, now); });
}

}  // namespace listbench
