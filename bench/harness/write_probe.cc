#include "bench/harness/write_probe.h"

#include <type_traits>

#include "workloads/trace.h"
#include "workloads/workload_spec.h"

namespace listbench {

StatusOr<WorkloadData> MakeWorkloadData(const DatasetSpec& dataset,
                                        const std::string& workload_file, uint64_t ops,
                                        uint64_t trace_seed) {
  WorkloadData d;
  LB_RETURN_IF_ERROR(GenerateDataset(dataset, nullptr, &d.catalog).status());
  StatusOr<WorkloadSpec> w = ParseWorkloadFile(workload_file);
  if (!w.ok()) return w.status();
  TraceSpec ts = TraceSpecFor(*w, ops, trace_seed);
  ts.ops = ops;
  d.trace = MakeTrace(d.catalog, ts);
  for (size_t i = 0; i < d.catalog.applications.size(); ++i) {
    const auto& a = d.catalog.applications[i];
    d.applications[i + 1] = {a.listing, a.applicant};
  }
  for (const Op& op : d.trace) {
    if (const auto* s = std::get_if<SubmitApplicationOp>(&op)) {
      d.applications[s->application.id] = {s->application.listing, s->application.applicant};
    }
  }
  return d;
}

TenantId TenantOf(const Op& op) {
  return std::visit(
      [](const auto& o) -> TenantId {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, SubmitApplicationOp>) {
          return o.application.tenant;
        } else if constexpr (std::is_same_v<T, RecordPaymentOp>) {
          return o.payment.tenant;
        } else if constexpr (std::is_same_v<T, UpdateListingOp>) {
          return o.update.tenant;
        } else if constexpr (std::is_same_v<T, AddListingOp>) {
          return o.listing.tenant;
        } else if constexpr (std::is_same_v<T, SearchOp>) {
          return o.query.tenant;
        } else {
          return o.tenant;
        }
      },
      op);
}

StatusOr<bool> Present(Store& store, const WorkloadData& d, const Op& op, uint64_t version) {
  const TenantId tenant = TenantOf(op);
  // decided_at != 0: the application must carry this W5's decision -- a
  // later W5 of the same application (possible only if this one did not
  // land) leaves another `updated`; paid implies a decision that landed.
  auto app_in_listing = [&](EntityId listing, EntityId app, int64_t decided_at) -> StatusOr<bool> {
    StatusOr<ListingApplications> r = store.GetListingApplications(tenant, listing);
    if (r.status().code() == StatusCode::kNotFound) return false;
    if (!r.ok()) return r.status();
    for (const auto& a : r->applications) {
      if (a.application.id != app) continue;
      if (decided_at == 0) return true;
      const ApplicationStatus st = a.application.status;
      if (st == ApplicationStatus::kPaid) return true;
      return st != ApplicationStatus::kSubmitted && a.application.updated == decided_at;
    }
    return false;
  };
  if (const auto* o = std::get_if<SubmitApplicationOp>(&op)) {
    return app_in_listing(o->application.listing, o->application.id, 0);
  }
  if (const auto* o = std::get_if<DecideApplicationOp>(&op)) {
    auto it = d.applications.find(o->application);
    if (it == d.applications.end()) return false;
    return app_in_listing(it->second.first, o->application, o->now);
  }
  if (const auto* o = std::get_if<RecordPaymentOp>(&op)) {
    auto it = d.applications.find(o->payment.application);
    if (it == d.applications.end()) return false;
    StatusOr<ApplicantProfile> r = store.GetApplicantProfile(tenant, it->second.second);
    if (r.status().code() == StatusCode::kNotFound) return false;
    if (!r.ok()) return r.status();
    for (const Payment& p : r->payments) {
      if (p.id == o->payment.id) return true;
    }
    return false;
  }
  if (const auto* o = std::get_if<UpdateListingOp>(&op)) {
    StatusOr<ListingDetail> r = store.GetListingDetail(tenant, o->update.listing);
    if (r.status().code() == StatusCode::kNotFound) return false;
    if (!r.ok()) return r.status();
    const uint64_t want = version != 0 ? version : o->update.expected_version + 1;
    // At exactly that version it must be this update (a later one with the
    // same expected version lands only if this one did not).
    if (r->listing.version == want) return r->listing.updated == o->update.now;
    return r->listing.version > want;
  }
  if (const auto* o = std::get_if<AddListingOp>(&op)) {
    StatusOr<ListingDetail> r = store.GetListingDetail(tenant, o->listing.id);
    if (r.status().code() == StatusCode::kNotFound) return false;
    if (!r.ok()) return r.status();
    return true;
  }
  return Status::InvalidArgument("not a write: " + DescribeOp(op));
}

uint64_t VersionOf(const std::string& outcome) {
  size_t sp = outcome.find_last_of(" :=");
  if (sp == std::string::npos) return 0;
  try {
    return std::stoull(outcome.substr(sp + 1));
  } catch (...) {
    return 0;
  }
}

}  // namespace listbench
