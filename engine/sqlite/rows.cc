#include "engine/sqlite/rows.h"

namespace listbench {

void BindTenant(Statement& s, const Tenant& t) {
  s.BindInt(1, t.id);
  s.BindText(2, t.name);
  s.BindText(3, t.country);
  s.BindText(4, t.currency);
  s.BindText(5, t.gateway);
}

void BindLandlord(Statement& s, const Landlord& l) {
  s.BindInt(1, Sql(l.id));
  s.BindInt(2, l.tenant);
  s.BindText(3, l.name);
  s.BindText(4, l.email);
  s.BindInt(5, l.rating);
  s.BindInt(6, l.created);
}

void BindListing(Statement& s, const Listing& l) {
  s.BindInt(1, Sql(l.id));
  s.BindInt(2, l.tenant);
  s.BindInt(3, Sql(l.landlord));
  s.BindText(4, l.city);
  s.BindText(5, l.postcode);
  s.BindInt(6, l.price);
  s.BindInt(7, l.bedrooms);
  s.BindText(8, l.title);
  s.BindText(9, l.description);
  s.BindInt(10, static_cast<int64_t>(l.status));
  s.BindInt(11, l.created);
  s.BindInt(12, l.updated);
  s.BindInt(13, Sql(l.version));
}

void BindImage(Statement& s, const Image& i) {
  s.BindInt(1, Sql(i.listing));
  s.BindInt(2, i.position);
  s.BindText(3, i.url);
  s.BindInt(4, i.width);
  s.BindInt(5, i.height);
  s.BindInt(6, i.bytes);
}

void BindApplicant(Statement& s, const Applicant& a) {
  s.BindInt(1, Sql(a.id));
  s.BindInt(2, a.tenant);
  s.BindText(3, a.name);
  s.BindText(4, a.email);
  s.BindInt(5, a.income);
}

void BindApplication(Statement& s, const Application& a) {
  s.BindInt(1, Sql(a.id));
  s.BindInt(2, a.tenant);
  s.BindInt(3, Sql(a.listing));
  s.BindInt(4, Sql(a.applicant));
  s.BindInt(5, static_cast<int64_t>(a.status));
  s.BindInt(6, a.submitted);
  s.BindInt(7, a.updated);
}

void BindPayment(Statement& s, const Payment& p) {
  s.BindInt(1, Sql(p.id));
  s.BindInt(2, p.tenant);
  s.BindInt(3, Sql(p.application));
  s.BindInt(4, p.amount);
  s.BindText(5, p.currency);
  s.BindText(6, p.gateway);
  s.BindInt(7, static_cast<int64_t>(p.status));
  s.BindInt(8, p.created);
}

namespace {
EntityId Id(const Statement& s, int c) { return static_cast<EntityId>(s.Int(c)); }
TenantId Tid(const Statement& s, int c) { return static_cast<TenantId>(s.Int(c)); }
int32_t I32(const Statement& s, int c) { return static_cast<int32_t>(s.Int(c)); }
}  // namespace

Tenant ReadTenant(const Statement& s, int c) {
  return {Tid(s, c), s.Text(c + 1), s.Text(c + 2), s.Text(c + 3), s.Text(c + 4)};
}

Landlord ReadLandlord(const Statement& s, int c) {
  return {Id(s, c), Tid(s, c + 1), s.Text(c + 2), s.Text(c + 3), I32(s, c + 4), s.Int(c + 5)};
}

Listing ReadListing(const Statement& s, int c) {
  Listing l;
  l.id = Id(s, c);
  l.tenant = Tid(s, c + 1);
  l.landlord = Id(s, c + 2);
  l.city = s.Text(c + 3);
  l.postcode = s.Text(c + 4);
  l.price = s.Int(c + 5);
  l.bedrooms = I32(s, c + 6);
  l.title = s.Text(c + 7);
  l.description = s.Text(c + 8);
  l.status = static_cast<ListingStatus>(s.Int(c + 9));
  l.created = s.Int(c + 10);
  l.updated = s.Int(c + 11);
  l.version = static_cast<uint64_t>(s.Int(c + 12));
  return l;
}

Image ReadImage(const Statement& s, int c) {
  return {Id(s, c), I32(s, c + 1), s.Text(c + 2), I32(s, c + 3), I32(s, c + 4), s.Int(c + 5)};
}

Applicant ReadApplicant(const Statement& s, int c) {
  return {Id(s, c), Tid(s, c + 1), s.Text(c + 2), s.Text(c + 3), s.Int(c + 4)};
}

Application ReadApplication(const Statement& s, int c) {
  return {Id(s, c),
          Tid(s, c + 1),
          Id(s, c + 2),
          Id(s, c + 3),
          static_cast<ApplicationStatus>(s.Int(c + 4)),
          s.Int(c + 5),
          s.Int(c + 6)};
}

Payment ReadPayment(const Statement& s, int c) {
  return {Id(s, c),
          Tid(s, c + 1),
          Id(s, c + 2),
          s.Int(c + 3),
          s.Text(c + 4),
          s.Text(c + 5),
          static_cast<PaymentStatus>(s.Int(c + 6)),
          s.Int(c + 7)};
}

Entity ReadEntity(EntityKind kind, const Statement& s, int c) {
  switch (kind) {
    case EntityKind::kTenant:
      return ReadTenant(s, c);
    case EntityKind::kLandlord:
      return ReadLandlord(s, c);
    case EntityKind::kListing:
      return ReadListing(s, c);
    case EntityKind::kImage:
      return ReadImage(s, c);
    case EntityKind::kApplicant:
      return ReadApplicant(s, c);
    case EntityKind::kApplication:
      return ReadApplication(s, c);
    case EntityKind::kPayment:
      return ReadPayment(s, c);
  }
  return Entity();
}

}  // namespace listbench
