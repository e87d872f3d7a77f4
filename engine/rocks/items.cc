#include "engine/rocks/items.h"

#include <utility>

#include "engine/rocks/key_codec.h"

namespace listbench::rocks {
namespace {

// Top-level key spaces and per-tenant collection tags.
constexpr uint8_t kTenantSpace = 'T';
constexpr uint8_t kMarkerSpace = 'U';
constexpr uint8_t kTagTenant = 'I';
constexpr uint8_t kTagLandlord = 'D';
constexpr uint8_t kTagListing = 'L';
constexpr uint8_t kTagApplicant = 'P';
constexpr uint8_t kTagApplication = 'A';
constexpr uint8_t kTagSearch = 'S';

std::string Collection(TenantId t, uint8_t tag, EntityId id) {
  std::string k;
  k.reserve(32);
  PutKeyU8(&k, kTenantSpace);
  PutKeyU32(&k, t);
  PutKeyU8(&k, tag);
  PutKeyU64(&k, id);
  return k;
}

std::string WithSk(std::string k, uint8_t sk) {
  PutKeyU8(&k, sk);
  return k;
}

std::string WithSk(std::string k, uint8_t sk, EntityId sub) {
  PutKeyU8(&k, sk);
  PutKeyU64(&k, sub);
  return k;
}

static_assert(static_cast<uint8_t>(CollectionKind::kLandlord) == kTagLandlord &&
              static_cast<uint8_t>(CollectionKind::kListing) == kTagListing &&
              static_cast<uint8_t>(CollectionKind::kApplicant) == kTagApplicant &&
              static_cast<uint8_t>(CollectionKind::kApplication) == kTagApplication);

}  // namespace

std::string TenantPrefix(TenantId t) {
  std::string k;
  PutKeyU8(&k, kTenantSpace);
  PutKeyU32(&k, t);
  return k;
}
std::string CollectionsPrefix(TenantId t, CollectionKind kind) {
  std::string k = TenantPrefix(t);
  PutKeyU8(&k, static_cast<uint8_t>(kind));
  return k;
}
std::string TenantKey(TenantId t) {
  std::string k;
  PutKeyU8(&k, kTenantSpace);
  PutKeyU32(&k, t);
  PutKeyU8(&k, kTagTenant);
  return k;
}
std::string LandlordPrefix(TenantId t, EntityId id) { return Collection(t, kTagLandlord, id); }
std::string LandlordKey(TenantId t, EntityId id) { return WithSk(LandlordPrefix(t, id), kSkMeta); }
std::string PortfolioKey(TenantId t, EntityId landlord, EntityId listing) {
  return WithSk(LandlordPrefix(t, landlord), kSkListing, listing);
}
std::string ListingPrefix(TenantId t, EntityId id) { return Collection(t, kTagListing, id); }
std::string ListingKey(TenantId t, EntityId id) { return WithSk(ListingPrefix(t, id), kSkMeta); }
std::string ImageKey(TenantId t, EntityId listing, int32_t position) {
  std::string k = WithSk(ListingPrefix(t, listing), kSkImage);
  PutKeyU32(&k, static_cast<uint32_t>(position));
  return k;
}
std::string OwnerKey(TenantId t, EntityId listing) {
  return WithSk(ListingPrefix(t, listing), kSkOwner);
}
std::string ListingAppKey(TenantId t, EntityId listing, EntityId application) {
  return WithSk(ListingPrefix(t, listing), kSkApp, application);
}
std::string ApplicantPrefix(TenantId t, EntityId id) { return Collection(t, kTagApplicant, id); }
std::string ApplicantKey(TenantId t, EntityId id) {
  return WithSk(ApplicantPrefix(t, id), kSkMeta);
}
std::string ApplicantAppKey(TenantId t, EntityId applicant, EntityId application) {
  return WithSk(ApplicantPrefix(t, applicant), kSkApp, application);
}
std::string PaymentKey(TenantId t, EntityId applicant, EntityId payment) {
  return WithSk(ApplicantPrefix(t, applicant), kSkPayment, payment);
}
std::string ApplicationPrefix(TenantId t, EntityId id) {
  return Collection(t, kTagApplication, id);
}
std::string ApplicationKey(TenantId t, EntityId id) {
  return WithSk(ApplicationPrefix(t, id), kSkMeta);
}
std::string SearchCityPrefix(TenantId t, std::string_view city) {
  std::string k;
  PutKeyU8(&k, kTenantSpace);
  PutKeyU32(&k, t);
  PutKeyU8(&k, kTagSearch);
  PutKeyString(&k, city);
  return k;
}
std::string SearchKey(TenantId t, std::string_view city, int64_t price, EntityId listing) {
  std::string k = SearchCityPrefix(t, city);
  PutKeyI64(&k, price);
  PutKeyU64(&k, listing);
  return k;
}
std::string MarkerKey(MarkerKind kind, EntityId id) {
  std::string k;
  PutKeyU8(&k, kMarkerSpace);
  PutKeyU8(&k, static_cast<uint8_t>(kind));
  PutKeyU64(&k, id);
  return k;
}

bool ParseKey(std::string_view key, ParsedKey* out) {
  using Kind = ParsedKey::Kind;
  if (key == kFormatKey) {
    out->kind = Kind::kFormat;
    return true;
  }
  if (key == kListingSchemaKey) {
    out->kind = Kind::kListingSchema;
    return true;
  }
  uint8_t space = 0, tag = 0, sk = 0;
  if (!GetKeyU8(&key, &space)) return false;
  if (space == kMarkerSpace) {
    if (!GetKeyU8(&key, &tag) || !GetKeyU64(&key, &out->id) || !key.empty()) return false;
    if (tag != 'L' && tag != 'A' && tag != 'Y' && tag != 'D') return false;
    out->kind = Kind::kMarker;
    out->marker = static_cast<MarkerKind>(tag);
    return true;
  }
  if (space != kTenantSpace || !GetKeyU32(&key, &out->tenant) || !GetKeyU8(&key, &tag)) {
    return false;
  }
  if (tag == kTagTenant) {
    out->kind = Kind::kTenant;
    return key.empty();
  }
  if (tag == kTagSearch) {
    out->kind = Kind::kSearch;
    return GetKeyString(&key, &out->city) && GetKeyI64(&key, &out->price) &&
           GetKeyU64(&key, &out->id) && key.empty();
  }
  if (!GetKeyU64(&key, &out->id) || !GetKeyU8(&key, &sk)) return false;
  auto sub = [&](Kind k) {
    out->kind = k;
    return GetKeyU64(&key, &out->sub) && key.empty();
  };
  auto meta = [&](Kind k) {
    out->kind = k;
    return key.empty();
  };
  switch (tag) {
    case kTagLandlord:
      if (sk == kSkMeta) return meta(Kind::kLandlord);
      if (sk == kSkListing) return sub(Kind::kPortfolio);
      return false;
    case kTagListing:
      if (sk == kSkMeta) return meta(Kind::kListing);
      if (sk == kSkOwner) return meta(Kind::kOwner);
      if (sk == kSkApp) return sub(Kind::kListingApp);
      if (sk == kSkImage) {
        uint32_t pos = 0;
        out->kind = Kind::kImage;
        if (!GetKeyU32(&key, &pos) || !key.empty()) return false;
        out->position = static_cast<int32_t>(pos);
        return true;
      }
      return false;
    case kTagApplicant:
      if (sk == kSkMeta) return meta(Kind::kApplicant);
      if (sk == kSkApp) return sub(Kind::kApplicantApp);
      if (sk == kSkPayment) return sub(Kind::kPayment);
      return false;
    case kTagApplication:
      return sk == kSkMeta && meta(Kind::kApplication);
    default:
      return false;
  }
}

// ---- Values -----------------------------------------------------------------

namespace {

void PutI32(std::string* dst, int32_t v) { PutSignedVarint(dst, v); }
int32_t GetI32(ValueReader& r) {
  const int64_t v = r.SignedVarint();
  return static_cast<int32_t>(v);
}

template <typename E>
bool GetEnum(ValueReader& r, E max, E* out) {
  const uint8_t b = r.Byte();
  if (b > static_cast<uint8_t>(max)) return false;
  *out = static_cast<E>(b);
  return true;
}

void EncodeSummary(std::string* dst, const ListingSummary& v) {
  PutVarint(dst, v.id);
  PutString(dst, v.city);
  PutSignedVarint(dst, v.price);
  PutI32(dst, v.bedrooms);
  PutString(dst, v.title);
  PutByte(dst, static_cast<uint8_t>(v.status));
}
bool DecodeSummary(ValueReader& r, ListingSummary* v) {
  v->id = r.Varint();
  v->city = r.String();
  v->price = r.SignedVarint();
  v->bedrooms = GetI32(r);
  v->title = r.String();
  return GetEnum(r, ListingStatus::kWithdrawn, &v->status) && r.ok();
}

void EncodeApplicantSummary(std::string* dst, const ApplicantSummary& v) {
  PutVarint(dst, v.id);
  PutString(dst, v.name);
  PutSignedVarint(dst, v.income);
}
void DecodeApplicantSummary(ValueReader& r, ApplicantSummary* v) {
  v->id = r.Varint();
  v->name = r.String();
  v->income = r.SignedVarint();
}

void EncodeImage(std::string* dst, const Image& v) {
  PutVarint(dst, v.listing);
  PutI32(dst, v.position);
  PutString(dst, v.url);
  PutI32(dst, v.width);
  PutI32(dst, v.height);
  PutSignedVarint(dst, v.bytes);
}
void DecodeImage(ValueReader& r, Image* v) {
  v->listing = r.Varint();
  v->position = GetI32(r);
  v->url = r.String();
  v->width = GetI32(r);
  v->height = GetI32(r);
  v->bytes = r.SignedVarint();
}

void EncodeApplication(std::string* dst, const Application& v) {
  PutVarint(dst, v.id);
  PutVarint(dst, v.tenant);
  PutVarint(dst, v.listing);
  PutVarint(dst, v.applicant);
  PutByte(dst, static_cast<uint8_t>(v.status));
  PutSignedVarint(dst, v.submitted);
  PutSignedVarint(dst, v.updated);
}
bool DecodeApplication(ValueReader& r, Application* v) {
  v->id = r.Varint();
  v->tenant = static_cast<TenantId>(r.Varint());
  v->listing = r.Varint();
  v->applicant = r.Varint();
  if (!GetEnum(r, ApplicationStatus::kPaid, &v->status)) return false;
  v->submitted = r.SignedVarint();
  v->updated = r.SignedVarint();
  return r.ok();
}

}  // namespace

void Encode(std::string* dst, const Tenant& v) {
  PutVarint(dst, v.id);
  PutString(dst, v.name);
  PutString(dst, v.country);
  PutString(dst, v.currency);
  PutString(dst, v.gateway);
}
bool Decode(std::string_view in, Tenant* v) {
  ValueReader r(in);
  v->id = static_cast<TenantId>(r.Varint());
  v->name = r.String();
  v->country = r.String();
  v->currency = r.String();
  v->gateway = r.String();
  return r.done();
}

void Encode(std::string* dst, const Landlord& v) {
  PutVarint(dst, v.id);
  PutVarint(dst, v.tenant);
  PutString(dst, v.name);
  PutString(dst, v.email);
  PutI32(dst, v.rating);
  PutSignedVarint(dst, v.created);
}
bool Decode(std::string_view in, Landlord* v) {
  ValueReader r(in);
  v->id = r.Varint();
  v->tenant = static_cast<TenantId>(r.Varint());
  v->name = r.String();
  v->email = r.String();
  v->rating = GetI32(r);
  v->created = r.SignedVarint();
  return r.done();
}

void Encode(std::string* dst, const Listing& v) {
  PutVarint(dst, v.id);
  PutVarint(dst, v.tenant);
  PutVarint(dst, v.landlord);
  PutString(dst, v.city);
  PutString(dst, v.postcode);
  PutSignedVarint(dst, v.price);
  PutI32(dst, v.bedrooms);
  PutString(dst, v.title);
  PutString(dst, v.description);
  PutByte(dst, static_cast<uint8_t>(v.status));
  PutSignedVarint(dst, v.created);
  PutSignedVarint(dst, v.updated);
  PutVarint(dst, v.version);
}
// Both listing encodings; *rating = 0 for v1, the band for v2.
static bool DecodeListing(std::string_view in, Listing* v, char* rating) {
  ValueReader r(in);
  v->id = r.Varint();
  v->tenant = static_cast<TenantId>(r.Varint());
  v->landlord = r.Varint();
  v->city = r.String();
  v->postcode = r.String();
  v->price = r.SignedVarint();
  v->bedrooms = GetI32(r);
  v->title = r.String();
  v->description = r.String();
  if (!GetEnum(r, ListingStatus::kWithdrawn, &v->status)) return false;
  v->created = r.SignedVarint();
  v->updated = r.SignedVarint();
  v->version = r.Varint();
  *rating = 0;
  if (r.done()) return true;  // v1
  const uint8_t b = r.Byte();
  if (b < 'A' || b > 'G') return false;
  *rating = static_cast<char>(b);
  return r.done();  // v2
}
bool Decode(std::string_view in, Listing* v) {
  char rating = 0;
  return DecodeListing(in, v, &rating);
}

void Encode(std::string* dst, const ListingItem& v) {
  Encode(dst, v.listing);
  if (v.energy_rating != 0) PutByte(dst, static_cast<uint8_t>(v.energy_rating));
}
bool Decode(std::string_view in, ListingItem* v) {
  return DecodeListing(in, &v->listing, &v->energy_rating);
}

void Encode(std::string* dst, const Image& v) { EncodeImage(dst, v); }
bool Decode(std::string_view in, Image* v) {
  ValueReader r(in);
  DecodeImage(r, v);
  return r.done();
}

void Encode(std::string* dst, const Applicant& v) {
  PutVarint(dst, v.id);
  PutVarint(dst, v.tenant);
  PutString(dst, v.name);
  PutString(dst, v.email);
  PutSignedVarint(dst, v.income);
}
bool Decode(std::string_view in, Applicant* v) {
  ValueReader r(in);
  v->id = r.Varint();
  v->tenant = static_cast<TenantId>(r.Varint());
  v->name = r.String();
  v->email = r.String();
  v->income = r.SignedVarint();
  return r.done();
}

void Encode(std::string* dst, const Application& v) { EncodeApplication(dst, v); }
bool Decode(std::string_view in, Application* v) {
  ValueReader r(in);
  return DecodeApplication(r, v) && r.done();
}

void Encode(std::string* dst, const Payment& v) {
  PutVarint(dst, v.id);
  PutVarint(dst, v.tenant);
  PutVarint(dst, v.application);
  PutSignedVarint(dst, v.amount);
  PutString(dst, v.currency);
  PutString(dst, v.gateway);
  PutByte(dst, static_cast<uint8_t>(v.status));
  PutSignedVarint(dst, v.created);
}
bool Decode(std::string_view in, Payment* v) {
  ValueReader r(in);
  v->id = r.Varint();
  v->tenant = static_cast<TenantId>(r.Varint());
  v->application = r.Varint();
  v->amount = r.SignedVarint();
  v->currency = r.String();
  v->gateway = r.String();
  if (!GetEnum(r, PaymentStatus::kFailed, &v->status)) return false;
  v->created = r.SignedVarint();
  return r.done();
}

void Encode(std::string* dst, const LandlordSummary& v) {
  PutVarint(dst, v.id);
  PutString(dst, v.name);
  PutI32(dst, v.rating);
}
bool Decode(std::string_view in, LandlordSummary* v) {
  ValueReader r(in);
  v->id = r.Varint();
  v->name = r.String();
  v->rating = GetI32(r);
  return r.done();
}

void Encode(std::string* dst, const PortfolioEntry& v) {
  EncodeSummary(dst, v.listing);
  PutSignedVarint(dst, v.open_applications);
}
bool Decode(std::string_view in, PortfolioEntry* v) {
  ValueReader r(in);
  if (!DecodeSummary(r, &v->listing)) return false;
  v->open_applications = r.SignedVarint();
  return r.done();
}

void Encode(std::string* dst, const ApplicationWithApplicant& v) {
  EncodeApplication(dst, v.application);
  EncodeApplicantSummary(dst, v.applicant);
}
bool Decode(std::string_view in, ApplicationWithApplicant* v) {
  ValueReader r(in);
  if (!DecodeApplication(r, &v->application)) return false;
  DecodeApplicantSummary(r, &v->applicant);
  return r.done();
}

void Encode(std::string* dst, const ApplicationWithListing& v) {
  EncodeApplication(dst, v.application);
  PutString(dst, v.listing_title);
}
bool Decode(std::string_view in, ApplicationWithListing* v) {
  ValueReader r(in);
  if (!DecodeApplication(r, &v->application)) return false;
  v->listing_title = r.String();
  return r.done();
}

void Encode(std::string* dst, const SearchHit& v) {
  EncodeSummary(dst, v.listing);
  PutByte(dst, v.first_image.has_value() ? 1 : 0);
  if (v.first_image) EncodeImage(dst, *v.first_image);
}
bool PeekSearchHitBedrooms(std::string_view in, int32_t* bedrooms) {
  ValueReader r(in);       // the field order of EncodeSummary
  (void)r.Varint();        // id
  r.SkipString();          // city
  (void)r.SignedVarint();  // price
  *bedrooms = GetI32(r);
  return r.ok();
}

bool Decode(std::string_view in, SearchHit* v) {
  ValueReader r(in);
  if (!DecodeSummary(r, &v->listing)) return false;
  const uint8_t has_image = r.Byte();
  if (has_image > 1) return false;
  v->first_image.reset();
  if (has_image == 1) {
    Image img;
    DecodeImage(r, &img);
    v->first_image = std::move(img);
  }
  return r.done();
}

std::string EncodeMarker(TenantId t) {
  std::string s;
  PutVarint(&s, t);
  return s;
}
bool DecodeMarker(std::string_view in, TenantId* t) {
  ValueReader r(in);
  *t = static_cast<TenantId>(r.Varint());
  return r.done();
}

namespace {
template <typename T>
bool DecodeAs(std::string_view in, Entity* out) {
  T v;
  if (!Decode(in, &v)) return false;
  *out = std::move(v);
  return true;
}
}  // namespace

bool DecodeEntity(EntityKind kind, std::string_view in, Entity* out) {
  switch (kind) {
    case EntityKind::kTenant:
      return DecodeAs<Tenant>(in, out);
    case EntityKind::kLandlord:
      return DecodeAs<Landlord>(in, out);
    case EntityKind::kListing:
      return DecodeAs<Listing>(in, out);
    case EntityKind::kImage:
      return DecodeAs<Image>(in, out);
    case EntityKind::kApplicant:
      return DecodeAs<Applicant>(in, out);
    case EntityKind::kApplication:
      return DecodeAs<Application>(in, out);
    case EntityKind::kPayment:
      return DecodeAs<Payment>(in, out);
  }
  return false;
}

ListingSummary SummaryOf(const Listing& l) {
  return {l.id, l.city, l.price, l.bedrooms, l.title, l.status};
}
LandlordSummary SummaryOf(const Landlord& l) { return {l.id, l.name, l.rating}; }
ApplicantSummary SummaryOf(const Applicant& a) { return {a.id, a.name, a.income}; }

}  // namespace listbench::rocks
