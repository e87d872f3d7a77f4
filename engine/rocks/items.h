// The items of the single-table design: how each key is built and parsed and
// how each item value is encoded. The layout is documented (with the access
// pattern each collection serves) in engine/rocks/README.md; this file is the
// only place that knows the bytes.
//
// Thread safety: plain functions and value types.
#ifndef LISTBENCH_ENGINE_ROCKS_ITEMS_H_
#define LISTBENCH_ENGINE_ROCKS_ITEMS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/entity_scan.h"
#include "core/model.h"

namespace listbench::rocks {

// The format marker item: written when a store is created, checked on open.
inline constexpr std::string_view kFormatKey("\x00listbench-format", 17);
inline constexpr std::string_view kFormatValue = "listbench-rocksdb-single-table/2";

// The listing schema item (engine/schema_change.h, kRocksLazy): the version
// of the listing META encoding that writes use, as decimal text. Absent or
// "1": the v1 encoding. "2": listings have an energy_rating; writes that
// (re)write a listing item write the v2 encoding, reads of a v1 item derive
// it (EnergyRatingFor). Items are never mass-rewritten: both encodings
// coexist in a store at version 2.
inline constexpr std::string_view kListingSchemaKey("\x00listbench-listing-schema", 25);

// Sort-key tags inside an item collection. Their byte order is what lets one
// scan answer each read pattern (README.md).
inline constexpr uint8_t kSkApp = 0x10;      // application copy (listing/applicant coll.)
inline constexpr uint8_t kSkMeta = 0x20;     // the entity itself
inline constexpr uint8_t kSkImage = 0x30;    // image (listing collection)
inline constexpr uint8_t kSkListing = 0x30;  // listing summary (landlord collection)
inline constexpr uint8_t kSkOwner = 0x40;    // landlord summary (listing collection)
inline constexpr uint8_t kSkPayment = 0x50;  // payment (applicant collection)

// Uniqueness markers: ids are unique per kind across tenants.
enum class MarkerKind : uint8_t {
  kListing = 'L',
  kApplication = 'A',
  kPayment = 'Y',
  kLandlord = 'D',
};

// ---- Keys -------------------------------------------------------------------
// Every item of tenant t starts with TenantPrefix(t).
std::string TenantPrefix(TenantId t);
// Every collection of one kind of tenant t (all its landlord collections,
// ...) starts with CollectionsPrefix(t, kind).
enum class CollectionKind : uint8_t {
  kLandlord = 'D',
  kListing = 'L',
  kApplicant = 'P',
  kApplication = 'A',
};
std::string CollectionsPrefix(TenantId t, CollectionKind kind);
std::string TenantKey(TenantId t);
std::string LandlordPrefix(TenantId t, EntityId landlord);  // R2 scans this
std::string LandlordKey(TenantId t, EntityId landlord);
std::string PortfolioKey(TenantId t, EntityId landlord, EntityId listing);
std::string ListingPrefix(TenantId t, EntityId listing);
std::string ListingKey(TenantId t, EntityId listing);  // R1 scans from here
std::string ImageKey(TenantId t, EntityId listing, int32_t position);
std::string OwnerKey(TenantId t, EntityId listing);
std::string ListingAppKey(TenantId t, EntityId listing, EntityId application);
std::string ApplicantPrefix(TenantId t, EntityId applicant);  // R4 scans this
std::string ApplicantKey(TenantId t, EntityId applicant);
std::string ApplicantAppKey(TenantId t, EntityId applicant, EntityId application);
std::string PaymentKey(TenantId t, EntityId applicant, EntityId payment);
std::string ApplicationPrefix(TenantId t, EntityId application);
std::string ApplicationKey(TenantId t, EntityId application);
std::string SearchCityPrefix(TenantId t, std::string_view city);  // R3 scans under this
std::string SearchKey(TenantId t, std::string_view city, int64_t price, EntityId listing);
std::string MarkerKey(MarkerKind kind, EntityId id);

// What a key names; filled by ParseKey.
struct ParsedKey {
  enum class Kind {
    kFormat,
    kTenant,
    kLandlord,
    kPortfolio,
    kListing,
    kImage,
    kOwner,
    kListingApp,
    kApplicant,
    kApplicantApp,
    kPayment,
    kApplication,
    kSearch,
    kMarker,
    kListingSchema,
  };
  Kind kind = Kind::kFormat;
  TenantId tenant = 0;
  EntityId id = 0;       // the collection's entity (or the marker's id)
  EntityId sub = 0;      // listing (portfolio), application, payment
  int32_t position = 0;  // image
  std::string city;      // search
  int64_t price = 0;     // search
  MarkerKind marker = MarkerKind::kListing;
};
// Returns false if `key` is not a key this design writes.
bool ParseKey(std::string_view key, ParsedKey* out);

// ---- Values -----------------------------------------------------------------
// Each Encode appends to `dst`; each Decode returns false on a malformed value.
void Encode(std::string* dst, const Tenant& v);
void Encode(std::string* dst, const Landlord& v);
void Encode(std::string* dst, const Listing& v);
void Encode(std::string* dst, const Image& v);
void Encode(std::string* dst, const Applicant& v);
void Encode(std::string* dst, const Application& v);
void Encode(std::string* dst, const Payment& v);
void Encode(std::string* dst, const LandlordSummary& v);           // OWNER copy
void Encode(std::string* dst, const PortfolioEntry& v);            // landlord LST copy
void Encode(std::string* dst, const ApplicationWithApplicant& v);  // listing APP copy
void Encode(std::string* dst, const ApplicationWithListing& v);    // applicant APP copy
void Encode(std::string* dst, const SearchHit& v);                 // search index entry
bool Decode(std::string_view in, Tenant* v);
bool Decode(std::string_view in, Landlord* v);
bool Decode(std::string_view in, Listing* v);
bool Decode(std::string_view in, Image* v);
bool Decode(std::string_view in, Applicant* v);
bool Decode(std::string_view in, Application* v);
bool Decode(std::string_view in, Payment* v);
bool Decode(std::string_view in, LandlordSummary* v);
bool Decode(std::string_view in, PortfolioEntry* v);
bool Decode(std::string_view in, ApplicationWithApplicant* v);
bool Decode(std::string_view in, ApplicationWithListing* v);
bool Decode(std::string_view in, SearchHit* v);

// A listing META item as stored. v1 encoding: Encode(Listing). v2 (listing
// schema 2): the same followed by one byte, the energy_rating 'A'..'G'.
// Decode(in, Listing*) accepts both and drops the field.
struct ListingItem {
  Listing listing;
  char energy_rating = 0;  // 0: v1 encoding (the item has no field)
};
void Encode(std::string* dst, const ListingItem& v);
bool Decode(std::string_view in, ListingItem* v);

// The primary item of an entity of `kind` (the Decode of its type; a
// listing in either encoding), as an Entity of that kind.
bool DecodeEntity(EntityKind kind, std::string_view in, Entity* out);

template <typename T>
std::string EncodeToString(const T& v) {
  std::string s;
  Encode(&s, v);
  return s;
}

// The bedrooms of an encoded SearchHit without decoding the rest (R3 filters
// on it before paying for the strings); false on a malformed value.
bool PeekSearchHitBedrooms(std::string_view in, int32_t* bedrooms);

// Marker values: the owning tenant.
std::string EncodeMarker(TenantId t);
bool DecodeMarker(std::string_view in, TenantId* t);

// Derived views of primary entities.
ListingSummary SummaryOf(const Listing& l);
LandlordSummary SummaryOf(const Landlord& l);
ApplicantSummary SummaryOf(const Applicant& a);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_ITEMS_H_
