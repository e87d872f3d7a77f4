#include "bench/harness/interleaving.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <latch>
#include <optional>
#include <set>
#include <thread>
#include <variant>

#include "core/entity_scan.h"

namespace listbench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NanosSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

// Runs one op and records what it did; W3 keeps the version it returned.
OpRecord RunOneOp(Store& store, const Op& op, int client, Clock::time_point t0) {
  OpRecord r;
  r.client = client;
  r.start_ns = NanosSince(t0);
  if (const auto* u = std::get_if<UpdateListingOp>(&op)) {
    StatusOr<uint64_t> v = store.UpdateListing(u->update);
    r.end_ns = NanosSince(t0);
    r.code = v.status().code();
    if (v.ok()) r.new_version = *v;
  } else {
    const Status s = RunOp(store, op);
    r.end_ns = NanosSince(t0);
    r.code = s.code();
  }
  return r;
}

// ---- Acknowledged writes ------------------------------------------------------

// Reads an entity of kind `k`; *found says whether it exists. Non-OK only
// for errors other than NotFound.
template <typename T>
Status ReadEntity(Store& store, EntityKind k, const std::string& key, T* out, bool* found) {
  StatusOr<Entity> e = store.GetEntity(k, key);
  *found = e.ok();
  if (e.status().IsNotFound()) return Status::OK();
  LB_RETURN_IF_ERROR(e.status());
  *out = std::get<T>(*e);
  return Status::OK();
}

// Returns "" when the acknowledged write `op` is present in `store`, else
// what is missing.
StatusOr<std::string> MissingAckedWrite(Store& store, const Op& op) {
  bool found = false;
  if (const auto* w1 = std::get_if<SubmitApplicationOp>(&op)) {
    Application a;
    LB_RETURN_IF_ERROR(
        ReadEntity(store, EntityKind::kApplication, EntityKey(w1->application.id), &a, &found));
    return found ? "" : fmt::format("application {} is absent", w1->application.id);
  }
  if (const auto* w2 = std::get_if<RecordPaymentOp>(&op)) {
    Application a;
    LB_RETURN_IF_ERROR(ReadEntity(store, EntityKind::kApplication,
                                  EntityKey(w2->payment.application), &a, &found));
    if (!found) return fmt::format("application {} is absent", w2->payment.application);
    Payment p;
    LB_RETURN_IF_ERROR(ReadEntity(store, EntityKind::kPayment,
                                  PaymentEntityKey(a.applicant, w2->payment.id), &p, &found));
    if (!found) return fmt::format("payment {} is absent", w2->payment.id);
    if (a.status != ApplicationStatus::kPaid) {
      return fmt::format("application {} is not paid", a.id);
    }
    return std::string();
  }
  if (const auto* w4 = std::get_if<AddListingOp>(&op)) {
    Listing l;
    LB_RETURN_IF_ERROR(
        ReadEntity(store, EntityKind::kListing, EntityKey(w4->listing.id), &l, &found));
    return found ? "" : fmt::format("listing {} is absent", w4->listing.id);
  }
  if (const auto* w5 = std::get_if<DecideApplicationOp>(&op)) {
    Application a;
    LB_RETURN_IF_ERROR(
        ReadEntity(store, EntityKind::kApplication, EntityKey(w5->application), &a, &found));
    if (!found) return fmt::format("application {} is absent", w5->application);
    if (a.status == ApplicationStatus::kSubmitted) {
      return fmt::format("application {} is still submitted", w5->application);
    }
    return std::string();
  }
  return std::string();
}

Status CheckAckedWrites(Store& store, std::span<const Op> trace, std::span<const OpRecord> records,
                        InterleavingReport* report) {
  for (size_t i = 0; i < trace.size(); ++i) {
    const OpKind k = KindOf(trace[i]);
    if (records[i].code != StatusCode::kOk || !IsWrite(k) || k == OpKind::kUpdateListing) continue;
    StatusOr<std::string> missing = MissingAckedWrite(store, trace[i]);
    LB_RETURN_IF_ERROR(missing.status());
    report->acked_writes_checked++;
    if (!missing->empty()) {
      report->Add(InterleavingCheck::kAckedWrites, fmt::format("op {} ({}) was acknowledged but {}",
                                                               i, DescribeOp(trace[i]), *missing));
    }
  }
  return Status::OK();
}

// ---- W3 histories -----------------------------------------------------------

struct W3Event {
  size_t index = 0;
  uint64_t expected = 0;
  uint64_t returned = 0;
  int64_t start_ns = 0, end_ns = 0;
};

// One listing's W3s by outcome.
struct ListingHistory {
  std::vector<W3Event> accepted, rejected, unknown;
};

std::map<EntityId, ListingHistory> GroupW3(std::span<const Op> trace,
                                           std::span<const OpRecord> records) {
  std::map<EntityId, ListingHistory> h;
  for (size_t i = 0; i < trace.size(); ++i) {
    const auto* u = std::get_if<UpdateListingOp>(&trace[i]);
    if (u == nullptr) continue;
    const OpRecord& r = records[i];
    const W3Event e{i, u->update.expected_version, r.new_version, r.start_ns, r.end_ns};
    ListingHistory& lh = h[u->update.listing];
    if (r.code == StatusCode::kOk) {
      lh.accepted.push_back(e);
    } else if (r.code == StatusCode::kConflict) {
      lh.rejected.push_back(e);
    } else if (r.code == StatusCode::kIOError || r.code == StatusCode::kCorruption) {
      lh.unknown.push_back(e);
    }
  }
  return h;
}

// Every accepted update returned expected + 1; no two returned the same
// version; the versions run initial+1 .. final.
void CheckVersionChain(EntityId listing, const ListingHistory& h, const InitialVersion* initial,
                       const std::optional<uint64_t>& final_version, InterleavingReport* report) {
  std::map<uint64_t, size_t> by_version;  // returned version -> op index
  for (const W3Event& e : h.accepted) {
    if (e.returned != e.expected + 1) {
      report->Add(InterleavingCheck::kVersions,
                  fmt::format("op {}: update of listing {} at version {} returned version {}",
                              e.index, listing, e.expected, e.returned));
    }
    auto [it, fresh] = by_version.emplace(e.returned, e.index);
    if (!fresh) {
      report->Add(InterleavingCheck::kVersions,
                  fmt::format("lost update: ops {} and {} both made listing {} version {}",
                              it->second, e.index, listing, e.returned));
    }
  }
  if (initial == nullptr || !final_version.has_value()) {
    if (!h.accepted.empty()) {
      report->Add(InterleavingCheck::kVersions,
                  fmt::format("listing {}: {} updates accepted but the listing is absent", listing,
                              h.accepted.size()));
    }
    return;
  }
  const uint64_t k = by_version.size();
  const uint64_t top = by_version.empty() ? initial->version : by_version.rbegin()->first;
  const bool exact = h.unknown.empty();
  const bool chain = by_version.empty() || (by_version.begin()->first == initial->version + 1 &&
                                            top == initial->version + k);
  if (exact && (!chain || *final_version != initial->version + k)) {
    report->Add(
        InterleavingCheck::kVersions,
        fmt::format("listing {}: version {} before the run, {} accepted updates "
                    "returning {}..{}, version {} at the end",
                    listing, initial->version, k,
                    by_version.empty() ? 0 : by_version.begin()->first, top, *final_version));
  } else if (!exact && *final_version < top) {
    report->Add(InterleavingCheck::kVersions,
                fmt::format("listing {}: an accepted update returned version {} but the "
                            "listing is at version {} at the end",
                            listing, top, *final_version));
  }
}

// A rejection at version v is unjustified when v certainly held over the
// whole rejected request and no update from v (accepted or of unknown
// outcome) started before the request ended.
void CheckRejections(EntityId listing, const ListingHistory& h, const InitialVersion* initial,
                     InterleavingReport* report) {
  for (const W3Event& r : h.rejected) {
    int64_t since = INT64_MAX;  // when version r.expected was certainly in place
    if (initial != nullptr && initial->version == r.expected) since = initial->since_ns;
    for (const W3Event& a : h.accepted) {
      if (a.returned == r.expected) since = std::min(since, a.end_ns);
    }
    if (since >= r.start_ns) continue;
    bool competitor = false;
    for (const auto* group : {&h.accepted, &h.unknown}) {
      for (const W3Event& a : *group) {
        if (a.expected == r.expected && a.start_ns < r.end_ns) competitor = true;
      }
    }
    if (!competitor) {
      report->Add(InterleavingCheck::kRejections,
                  fmt::format("op {}: update of listing {} at version {} was rejected though "
                              "the listing was at version {} throughout and no competing "
                              "update ran",
                              r.index, listing, r.expected, r.expected));
    }
  }
}

// ReadInitialVersions' mark of a listing the trace adds.
constexpr int64_t kSetByTheRun = INT64_MAX;

// A listing the trace adds holds the version its acknowledged W4 gave it
// from the end of that W4 (the trace may add an id twice, one of them bound
// to fail, and either may win the race); one never added is left out.
InitialVersions SettleAddedListings(std::span<const Op> trace, std::span<const OpRecord> records,
                                    const InitialVersions& initial) {
  InitialVersions settled = initial;
  for (size_t i = 0; i < trace.size(); ++i) {
    const auto* w4 = std::get_if<AddListingOp>(&trace[i]);
    if (w4 == nullptr || records[i].code != StatusCode::kOk) continue;
    auto it = settled.find(w4->listing.id);
    if (it == settled.end() || it->second.since_ns != kSetByTheRun) continue;
    it->second = {w4->listing.version, records[i].end_ns};
  }
  std::erase_if(settled, [](const auto& kv) { return kv.second.since_ns == kSetByTheRun; });
  return settled;
}

StatusOr<std::optional<uint64_t>> StoredVersion(Store& store, EntityId listing) {
  StatusOr<Entity> e = store.GetEntity(EntityKind::kListing, EntityKey(listing));
  if (e.status().IsNotFound()) return std::optional<uint64_t>();
  LB_RETURN_IF_ERROR(e.status());
  return std::optional<uint64_t>(std::get<Listing>(*e).version);
}

Status CheckW3Histories(Store& store, std::span<const Op> trace, std::span<const OpRecord> records,
                        const InitialVersions& initial, InterleavingReport* report) {
  for (const auto& [listing, h] : GroupW3(trace, records)) {
    report->w3_accepted += h.accepted.size();
    report->w3_rejected += h.rejected.size();
    if (h.accepted.empty() && h.rejected.empty() && h.unknown.empty()) continue;
    report->w3_listings++;
    StatusOr<std::optional<uint64_t>> final_version = StoredVersion(store, listing);
    LB_RETURN_IF_ERROR(final_version.status());
    auto it = initial.find(listing);
    const InitialVersion* init = it == initial.end() ? nullptr : &it->second;
    CheckVersionChain(listing, h, init, *final_version, report);
    CheckRejections(listing, h, init, report);
  }
  return Status::OK();
}

}  // namespace

std::string_view InterleavingCheckName(InterleavingCheck c) {
  switch (c) {
    case InterleavingCheck::kInvariants:
      return "invariants";
    case InterleavingCheck::kAckedWrites:
      return "acked_writes";
    case InterleavingCheck::kVersions:
      return "w3_versions";
    case InterleavingCheck::kRejections:
      return "w3_rejections";
  }
  return "?";
}

uint64_t InterleavingReport::total_violations() const {
  uint64_t n = 0;
  for (uint64_t v : violations) n += v;
  return n;
}

void InterleavingReport::Add(InterleavingCheck check, std::string detail) {
  violations[static_cast<int>(check)]++;
  if (first_violations.size() < max_details) {
    first_violations.push_back({check, std::move(detail)});
  }
}

StatusOr<InitialVersions> ReadInitialVersions(Store& store, std::span<const Op> trace) {
  std::set<EntityId> added;
  for (const Op& op : trace) {
    if (const auto* w4 = std::get_if<AddListingOp>(&op)) added.insert(w4->listing.id);
  }
  InitialVersions out;
  for (const Op& op : trace) {
    const auto* u = std::get_if<UpdateListingOp>(&op);
    if (u == nullptr || out.count(u->update.listing)) continue;
    StatusOr<std::optional<uint64_t>> v = StoredVersion(store, u->update.listing);
    LB_RETURN_IF_ERROR(v.status());
    if (v->has_value()) {
      out[u->update.listing] = {**v, INT64_MIN};
    } else if (added.count(u->update.listing)) {
      out[u->update.listing] = {0, kSetByTheRun};
    }
  }
  return out;
}

std::vector<OpRecord> RunInterleaved(Store& store, std::span<const Op> trace, int threads) {
  std::vector<OpRecord> records(trace.size());
  std::latch ready(threads + 1);
  Clock::time_point t0;
  std::vector<std::thread> clients;
  clients.reserve(threads);
  for (int c = 0; c < threads; ++c) {
    clients.emplace_back([&, c] {
      ready.arrive_and_wait();
      for (size_t i = c; i < trace.size(); i += threads) {
        records[i] = RunOneOp(store, trace[i], c, t0);
      }
    });
  }
  t0 = Clock::now();
  ready.arrive_and_wait();  // publishes t0 to the clients
  for (std::thread& t : clients) t.join();
  return records;
}

Status CheckInterleaving(Store& store, std::span<const Op> trace, std::span<const OpRecord> records,
                         const InitialVersions& initial, InterleavingReport* report) {
  report->ops = trace.size();
  for (size_t i = 0; i < trace.size(); ++i) {
    report->outcomes[static_cast<int>(KindOf(trace[i]))]
                    [std::string(StatusCodeName(records[i].code))]++;
  }
  std::vector<std::string> invariants;
  LB_RETURN_IF_ERROR(store.CheckInvariants(&invariants));
  for (std::string& v : invariants) report->Add(InterleavingCheck::kInvariants, std::move(v));
  LB_RETURN_IF_ERROR(CheckAckedWrites(store, trace, records, report));
  const InitialVersions settled = SettleAddedListings(trace, records, initial);
  return CheckW3Histories(store, trace, records, settled, report);
}

Status VerifyInterleaved(Store& store, std::span<const Op> trace, int threads,
                         InterleavingReport* report) {
  report->engine = std::string(store.Name());
  report->threads = threads;
  StatusOr<InitialVersions> initial = ReadInitialVersions(store, trace);
  LB_RETURN_IF_ERROR(initial.status());
  const std::vector<OpRecord> records = RunInterleaved(store, trace, threads);
  return CheckInterleaving(store, trace, records, *initial, report);
}

}  // namespace listbench
