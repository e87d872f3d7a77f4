#include "engine/rocks/invariants.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "engine/rocks/item_access.h"
#include "engine/rocks/items.h"

namespace listbench::rocks {
namespace {

using Kind = ParsedKey::Kind;

uint64_t Hash(std::string_view bytes) { return std::hash<std::string_view>()(bytes); }

template <typename T>
uint64_t HashOf(const T& v) {
  std::string s;
  Encode(&s, v);
  return Hash(s);
}

std::string Id(std::string_view what, EntityId id) {
  return std::string(what) + " " + std::to_string(id);
}

// A map from entity id to T: a vector indexed by id for the dense ids the
// generator hands out (fast, no per-entry allocation), a hash map for ids
// beyond kDenseLimit. Iterates in id order (dense part first).
template <typename T>
class IdTable {
 public:
  static constexpr EntityId kDenseLimit = EntityId{1} << 24;

  // Returns the entry for `id`, default-constructing it if absent.
  T& operator[](EntityId id) {
    if (id >= kDenseLimit) return sparse_[id];
    Grow(id);
    if (!present_[id]) {
      present_[id] = 1;
      ++size_;
    }
    return dense_[id];
  }
  // Inserts if absent; returns false if `id` was present.
  bool Insert(EntityId id, T v) {
    if (Find(id) != nullptr) return false;
    (*this)[id] = std::move(v);
    return true;
  }
  T* Find(EntityId id) {
    if (id >= kDenseLimit) {
      auto it = sparse_.find(id);
      return it == sparse_.end() ? nullptr : &it->second;
    }
    return id < present_.size() && present_[id] ? &dense_[id] : nullptr;
  }
  const T* Find(EntityId id) const { return const_cast<IdTable*>(this)->Find(id); }
  void Erase(EntityId id) {
    if (id >= kDenseLimit) {
      sparse_.erase(id);
    } else if (id < present_.size() && present_[id]) {
      present_[id] = 0;
      dense_[id] = T();
      --size_;
    }
  }
  // Calls fn(id, value) for every entry.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (EntityId id = 0; id < present_.size(); ++id) {
      if (present_[id]) fn(id, dense_[id]);
    }
    std::map<EntityId, const T*> rest;
    for (const auto& [id, v] : sparse_) rest.emplace(id, &v);
    for (const auto& [id, v] : rest) fn(id, *v);
  }

 private:
  void Grow(EntityId id) {
    if (id < present_.size()) return;
    const size_t n = std::max<size_t>(id + 1, present_.size() * 3 / 2);
    present_.resize(n, 0);
    dense_.resize(n);
  }
  std::vector<T> dense_;
  std::vector<uint8_t> present_;
  std::unordered_map<EntityId, T> sparse_;
  size_t size_ = 0;
};

// A copy, index entry or marker as found: where it lives and what it holds.
struct Copy {
  TenantId tenant = 0;
  EntityId container = 0;  // the collection's entity
  uint64_t hash = 0;
};

struct ListingState {
  bool meta = false;
  Listing listing;
  int32_t images = 0;  // dense prefix of positions seen
  std::optional<Image> first_image;
  std::optional<Copy> owner;
};

class Checker {
 public:
  explicit Checker(std::vector<std::string>* out) : out_(out) {}

  bool Visit(std::string_view key, std::string_view value);
  void Finish();

 private:
  // Visit by kind of item: the format and schema markers; a primary entity
  // item (tenant, landlord, applicant, application, payment); a listing's
  // META or image item; a derived item (copy, index entry, marker).
  void VisitControl(const ParsedKey& k, std::string_view value);
  void VisitEntity(std::string_view key, const ParsedKey& k, std::string_view value);
  void VisitListingPart(std::string_view key, const ParsedKey& k, std::string_view value);
  void VisitDerived(std::string_view key, const ParsedKey& k, std::string_view value);
  void Bad(std::string line) { out_->push_back(std::move(line)); }
  void BadValue(std::string_view key) { Bad("undecodable value at key " + KeyToString(key)); }
  template <typename T>
  bool DecodeOr(std::string_view key, std::string_view value, T* out) {
    if (Decode(value, out)) return true;
    BadValue(key);
    return false;
  }
  // Records a copy; a second copy of the same id is itself a violation.
  void AddCopy(IdTable<Copy>* m, std::string_view what, EntityId id, Copy c) {
    if (!m->Insert(id, c)) Bad(Id(what, id) + " appears in more than one collection");
  }
  void CheckCopy(IdTable<Copy>* m, std::string_view what, EntityId id, TenantId t,
                 EntityId container, uint64_t want);
  void CheckMarker(MarkerKind kind, std::string_view what, EntityId id, TenantId t);
  IdTable<TenantId>& Markers(MarkerKind kind) {
    switch (kind) {
      case MarkerKind::kListing:
        return markers_[0];
      case MarkerKind::kApplication:
        return markers_[1];
      case MarkerKind::kPayment:
        return markers_[2];
      case MarkerKind::kLandlord:
        break;
    }
    return markers_[3];
  }
  void FinishListings();
  void FinishApplications();

  std::vector<std::string>* out_;
  bool format_ok_ = false;
  std::map<TenantId, bool> tenants_;
  IdTable<Landlord> landlords_;
  IdTable<ListingState> listings_;
  IdTable<Applicant> applicants_;
  IdTable<Application> apps_;
  IdTable<Copy> payments_;  // container = applicant; hash unused
  IdTable<EntityId> payment_app_;
  IdTable<Copy> portfolio_;                      // by listing; container = landlord
  IdTable<Copy> listing_apps_, applicant_apps_;  // by application
  struct SearchEntry {
    TenantId tenant;
    std::string city;
    int64_t price;
    uint64_t hash;
  };
  IdTable<std::vector<SearchEntry>> search_;
  IdTable<TenantId> markers_[4];  // listing, application, payment, landlord
};

bool Checker::Visit(std::string_view key, std::string_view value) {
  ParsedKey k;
  if (!ParseKey(key, &k)) {
    Bad("unknown key " + KeyToString(key));
    return true;
  }
  switch (k.kind) {
    case Kind::kFormat:
    case Kind::kListingSchema:
      VisitControl(k, value);
      break;
    case Kind::kTenant:
    case Kind::kLandlord:
    case Kind::kApplicant:
    case Kind::kApplication:
    case Kind::kPayment:
      VisitEntity(key, k, value);
      break;
    case Kind::kListing:
    case Kind::kImage:
      VisitListingPart(key, k, value);
      break;
    case Kind::kPortfolio:
    case Kind::kOwner:
    case Kind::kListingApp:
    case Kind::kApplicantApp:
    case Kind::kSearch:
    case Kind::kMarker:
      VisitDerived(key, k, value);
      break;
  }
  return true;
}

void Checker::VisitControl(const ParsedKey& k, std::string_view value) {
  if (k.kind == Kind::kFormat) {
    format_ok_ = value == kFormatValue;
    if (!format_ok_) Bad("format marker is '" + std::string(value) + "'");
  } else if (value != "1" && value != "2") {
    // items.h: "1" or "2"; listing items decode either way
    Bad("listing schema is '" + std::string(value) + "'");
  }
}

void Checker::VisitEntity(std::string_view key, const ParsedKey& k, std::string_view value) {
  switch (k.kind) {
    case Kind::kTenant: {
      Tenant t;
      if (!DecodeOr(key, value, &t)) break;
      if (t.id != k.tenant)
        Bad(Id("tenant", k.tenant) + " item holds tenant " + std::to_string(t.id));
      tenants_[k.tenant] = true;
      break;
    }
    case Kind::kLandlord: {
      Landlord l;
      if (!DecodeOr(key, value, &l)) break;
      if (l.id != k.id || l.tenant != k.tenant)
        Bad(Id("landlord", k.id) + " item disagrees with its key");
      landlords_[k.id] = std::move(l);
      break;
    }
    case Kind::kApplicant: {
      Applicant a;
      if (!DecodeOr(key, value, &a)) break;
      if (a.id != k.id || a.tenant != k.tenant)
        Bad(Id("applicant", k.id) + " item disagrees with its key");
      applicants_[k.id] = std::move(a);
      break;
    }
    case Kind::kPayment: {
      Payment p;
      if (!DecodeOr(key, value, &p)) break;
      if (p.id != k.sub || p.tenant != k.tenant)
        Bad(Id("payment", k.sub) + " item disagrees with its key");
      AddCopy(&payments_, "payment", k.sub, {k.tenant, k.id, 0});
      payment_app_[k.sub] = p.application;
      break;
    }
    case Kind::kApplication: {
      Application a;
      if (!DecodeOr(key, value, &a)) break;
      if (a.id != k.id || a.tenant != k.tenant)
        Bad(Id("application", k.id) + " item disagrees with its key");
      apps_[k.id] = a;
      break;
    }
    default:
      break;
  }
}

void Checker::VisitListingPart(std::string_view key, const ParsedKey& k, std::string_view value) {
  ListingState& s = listings_[k.id];
  if (k.kind == Kind::kListing) {
    if (!DecodeOr(key, value, &s.listing)) return;
    s.meta = true;
    if (s.listing.id != k.id || s.listing.tenant != k.tenant) {
      Bad(Id("listing", k.id) + " item disagrees with its key");
    }
    return;
  }
  Image img;
  if (!DecodeOr(key, value, &img)) return;
  if (img.listing != k.id || img.position != k.position || k.position != s.images) {
    Bad(Id("listing", k.id) + ": image at position " + std::to_string(k.position) +
        " out of place (positions must be 0..n-1)");
  }
  if (s.images == 0) s.first_image = img;
  ++s.images;
}

void Checker::VisitDerived(std::string_view key, const ParsedKey& k, std::string_view value) {
  const uint64_t h = Hash(value);
  switch (k.kind) {
    case Kind::kPortfolio:
      AddCopy(&portfolio_, "LST copy of listing", k.sub, {k.tenant, k.id, h});
      break;
    case Kind::kOwner:
      listings_[k.id].owner = Copy{k.tenant, k.id, h};
      break;
    case Kind::kListingApp:
      AddCopy(&listing_apps_, "listing APP copy of application", k.sub, {k.tenant, k.id, h});
      break;
    case Kind::kApplicantApp:
      AddCopy(&applicant_apps_, "applicant APP copy of application", k.sub, {k.tenant, k.id, h});
      break;
    case Kind::kSearch:
      search_[k.id].push_back({k.tenant, k.city, k.price, h});
      break;
    case Kind::kMarker: {
      TenantId t = 0;
      if (!DecodeMarker(value, &t)) {
        BadValue(key);
        break;
      }
      Markers(k.marker)[k.id] = t;
      break;
    }
    default:
      break;
  }
}

void Checker::CheckCopy(IdTable<Copy>* m, std::string_view what, EntityId id, TenantId t,
                        EntityId container, uint64_t want) {
  const Copy* c = m->Find(id);
  if (c == nullptr) {
    Bad("missing " + Id(what, id));
  } else if (c->tenant != t || c->container != container) {
    Bad(Id(what, id) + " is in the wrong collection");
  } else if (c->hash != want) {
    Bad(Id(what, id) + " differs from what its primary items say");
  }
  m->Erase(id);  // what remains at the end are orphans
}

void Checker::CheckMarker(MarkerKind kind, std::string_view what, EntityId id, TenantId t) {
  IdTable<TenantId>& m = Markers(kind);
  const TenantId* owner = m.Find(id);
  if (owner == nullptr) {
    Bad("missing uniqueness marker of " + Id(what, id));
    return;
  }
  if (*owner != t) Bad("uniqueness marker of " + Id(what, id) + " names another tenant");
  m.Erase(id);  // what remains at the end are orphans
}

void Checker::FinishListings() {
  // Open applications per listing, from the primary application items.
  IdTable<int64_t> open;
  apps_.ForEach([&](EntityId, const Application& a) {
    if (IsOpen(a.status)) ++open[a.listing];
  });
  listings_.ForEach([&](EntityId id, const ListingState& s) {
    if (!s.meta) {
      Bad("items of " + Id("listing", id) + " without its META item");
      return;
    }
    const Listing& l = s.listing;
    if (!tenants_.count(l.tenant)) Bad(Id("listing", id) + " of unknown tenant");
    const Landlord* ll = landlords_.Find(l.landlord);
    if (ll == nullptr || ll->tenant != l.tenant) {
      Bad(Id("listing", id) + ": landlord " + std::to_string(l.landlord) +
          " not found in its tenant");
    } else if (!s.owner) {
      Bad("missing OWNER copy of " + Id("listing", id));
    } else if (s.owner->hash != HashOf(SummaryOf(*ll))) {
      Bad("OWNER copy of " + Id("listing", id) + " differs from landlord " +
          std::to_string(l.landlord));
    }
    const int64_t* oc = open.Find(id);
    const PortfolioEntry want{SummaryOf(l), oc == nullptr ? 0 : *oc};
    CheckCopy(&portfolio_, "LST copy of listing", id, l.tenant, l.landlord, HashOf(want));

    const std::vector<SearchEntry>* se = search_.Find(id);
    const bool active = l.status == ListingStatus::kActive;
    const size_t n = se == nullptr ? 0 : se->size();
    if (!active && n > 0) Bad("search entry of inactive " + Id("listing", id));
    if (active && n == 0) Bad("missing search entry of active " + Id("listing", id));
    if (active && n > 1) Bad(std::to_string(n) + " search entries of " + Id("listing", id));
    if (active && n == 1) {
      const SearchEntry& e = (*se)[0];
      if (e.tenant != l.tenant || e.city != l.city || e.price != l.price) {
        Bad("search entry of " + Id("listing", id) + " is at a stale key");
      } else if (e.hash != HashOf(SearchHit{SummaryOf(l), s.first_image})) {
        Bad("search entry of " + Id("listing", id) + " differs from the listing");
      }
    }
    search_.Erase(id);
    CheckMarker(MarkerKind::kListing, "listing", id, l.tenant);
  });
  portfolio_.ForEach(
      [&](EntityId id, const Copy&) { Bad("orphan LST copy of " + Id("listing", id)); });
  search_.ForEach(
      [&](EntityId id, const auto&) { Bad("orphan search entry of " + Id("listing", id)); });
}

void Checker::FinishApplications() {
  apps_.ForEach([&](EntityId id, const Application& a) {
    const ListingState* ls = listings_.Find(a.listing);
    const Applicant* ap = applicants_.Find(a.applicant);
    const bool listing_ok = ls != nullptr && ls->meta && ls->listing.tenant == a.tenant;
    const bool applicant_ok = ap != nullptr && ap->tenant == a.tenant;
    if (!listing_ok) Bad(Id("application", id) + ": listing not found in its tenant");
    if (!applicant_ok) Bad(Id("application", id) + ": applicant not found in its tenant");
    if (listing_ok && applicant_ok) {
      CheckCopy(&applicant_apps_, "applicant APP copy of application", id, a.tenant, a.applicant,
                HashOf(ApplicationWithListing{a, ls->listing.title}));
      CheckCopy(&listing_apps_, "listing APP copy of application", id, a.tenant, a.listing,
                HashOf(ApplicationWithApplicant{a, SummaryOf(*ap)}));
    }
    applicant_apps_.Erase(id);
    listing_apps_.Erase(id);
    CheckMarker(MarkerKind::kApplication, "application", id, a.tenant);
  });
  applicant_apps_.ForEach([&](EntityId id, const Copy&) {
    Bad("orphan applicant APP copy of " + Id("application", id));
  });
  listing_apps_.ForEach([&](EntityId id, const Copy&) {
    Bad("orphan listing APP copy of " + Id("application", id));
  });
  payments_.ForEach([&](EntityId id, const Copy& c) {
    const EntityId* app_id = payment_app_.Find(id);
    const Application* a = app_id == nullptr ? nullptr : apps_.Find(*app_id);
    if (a == nullptr || a->tenant != c.tenant) {
      Bad(Id("payment", id) + ": application not found in its tenant");
    } else if (a->applicant != c.container) {
      Bad(Id("payment", id) + " is not in its applicant's collection");
    }
    CheckMarker(MarkerKind::kPayment, "payment", id, c.tenant);
  });
  landlords_.ForEach([&](EntityId id, const Landlord& l) {
    if (!tenants_.count(l.tenant)) Bad(Id("landlord", id) + " of unknown tenant");
    CheckMarker(MarkerKind::kLandlord, "landlord", id, l.tenant);
  });
  applicants_.ForEach([&](EntityId id, const Applicant& a) {
    if (!tenants_.count(a.tenant)) Bad(Id("applicant", id) + " of unknown tenant");
  });
}

void Checker::Finish() {
  if (!format_ok_) Bad("missing or wrong format marker");
  FinishListings();
  FinishApplications();
  const char* names[4] = {"listing", "application", "payment", "landlord"};
  for (int i = 0; i < 4; ++i) {
    markers_[i].ForEach(
        [&](EntityId id, TenantId) { Bad("orphan uniqueness marker of " + Id(names[i], id)); });
  }
}

}  // namespace

Status CheckInvariants(Table& table, std::vector<std::string>* violations) {
  Checker c(violations);
  LB_RETURN_IF_ERROR(
      table.Scan("", "", [&](std::string_view k, std::string_view v) { return c.Visit(k, v); }));
  c.Finish();
  return Status::OK();
}

}  // namespace listbench::rocks
