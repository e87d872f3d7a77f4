#include "core/canonical.h"

#include <fmt/format.h>

namespace listbench {
namespace {

std::string Quote(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

template <typename T, typename F>
std::string List(const std::vector<T>& items, F&& one) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += one(items[i]);
  }
  out += ']';
  return out;
}

std::string Canonical(const LandlordSummary& v) {
  return fmt::format("landlord_summary{{id={} name={} rating={}}}", v.id, Quote(v.name), v.rating);
}

std::string Canonical(const ListingSummary& v) {
  return fmt::format("listing_summary{{id={} city={} price={} bedrooms={} title={} status={}}}",
                     v.id, Quote(v.city), v.price, v.bedrooms, Quote(v.title),
                     ListingStatusName(v.status));
}

std::string Canonical(const ApplicantSummary& v) {
  return fmt::format("applicant_summary{{id={} name={} income={}}}", v.id, Quote(v.name), v.income);
}

}  // namespace

std::string Canonical(const Tenant& v) {
  return fmt::format("tenant{{id={} name={} country={} currency={} gateway={}}}", v.id,
                     Quote(v.name), Quote(v.country), Quote(v.currency), Quote(v.gateway));
}

std::string Canonical(const Landlord& v) {
  return fmt::format("landlord{{id={} tenant={} name={} email={} rating={} created={}}}", v.id,
                     v.tenant, Quote(v.name), Quote(v.email), v.rating, v.created);
}

std::string Canonical(const Listing& v) {
  return fmt::format(
      "listing{{id={} tenant={} landlord={} city={} postcode={} price={} bedrooms={} title={} "
      "description={} status={} created={} updated={} version={}}}",
      v.id, v.tenant, v.landlord, Quote(v.city), Quote(v.postcode), v.price, v.bedrooms,
      Quote(v.title), Quote(v.description), ListingStatusName(v.status), v.created, v.updated,
      v.version);
}

std::string Canonical(const Image& v) {
  return fmt::format("image{{listing={} position={} url={} width={} height={} bytes={}}}",
                     v.listing, v.position, Quote(v.url), v.width, v.height, v.bytes);
}

std::string Canonical(const Applicant& v) {
  return fmt::format("applicant{{id={} tenant={} name={} email={} income={}}}", v.id, v.tenant,
                     Quote(v.name), Quote(v.email), v.income);
}

std::string Canonical(const Application& v) {
  return fmt::format(
      "application{{id={} tenant={} listing={} applicant={} status={} submitted={} updated={}}}",
      v.id, v.tenant, v.listing, v.applicant, ApplicationStatusName(v.status), v.submitted,
      v.updated);
}

std::string Canonical(const Payment& v) {
  return fmt::format(
      "payment{{id={} tenant={} application={} amount={} currency={} gateway={} status={} "
      "created={}}}",
      v.id, v.tenant, v.application, v.amount, Quote(v.currency), Quote(v.gateway),
      PaymentStatusName(v.status), v.created);
}

std::string Canonical(const ListingDetail& v) {
  return fmt::format("listing_detail{{{} images={} landlord={}}}", Canonical(v.listing),
                     List(v.images, [](const Image& i) { return Canonical(i); }),
                     Canonical(v.landlord));
}

std::string Canonical(const LandlordPortfolio& v) {
  return fmt::format("landlord_portfolio{{{} listings={}}}", Canonical(v.landlord),
                     List(v.listings, [](const PortfolioEntry& e) {
                       return fmt::format("{{{} open_applications={}}}", Canonical(e.listing),
                                          e.open_applications);
                     }));
}

std::string Canonical(const SearchResult& v) {
  return fmt::format("search_result{{hits={}}}", List(v.hits, [](const SearchHit& h) {
                       return fmt::format("{{{} first_image={}}}", Canonical(h.listing),
                                          h.first_image ? Canonical(*h.first_image) : "none");
                     }));
}

std::string Canonical(const ApplicantProfile& v) {
  return fmt::format("applicant_profile{{{} applications={} payments={}}}", Canonical(v.applicant),
                     List(v.applications,
                          [](const ApplicationWithListing& a) {
                            return fmt::format("{{{} listing_title={}}}", Canonical(a.application),
                                               Quote(a.listing_title));
                          }),
                     List(v.payments, [](const Payment& p) { return Canonical(p); }));
}

std::string Canonical(const ListingApplications& v) {
  return fmt::format(
      "listing_applications{{{}}}", List(v.applications, [](const ApplicationWithApplicant& a) {
        return fmt::format("{{{} {}}}", Canonical(a.application), Canonical(a.applicant));
      }));
}

std::string CanonicalOutcome(const Status& s) {
  return s.ok() ? std::string("ok") : std::string(StatusCodeName(s.code()));
}

}  // namespace listbench
