// Static reference data for the generator: the markets (countries with their
// currency and payment gateway), their cities in rough order of population
// (rank 0 is the largest, which the Zipf skew favours), and name pools.
#ifndef LISTBENCH_WORKLOADS_PLACES_H_
#define LISTBENCH_WORKLOADS_PLACES_H_

#include <span>
#include <string_view>

namespace listbench {

struct Market {
  std::string_view country;                  // ISO 3166 alpha-2
  std::string_view currency;                 // ISO 4217
  std::string_view gateway;                  // "stripe" for the UK, "adyen" for the EU
  std::span<const std::string_view> cities;  // largest first
  std::string_view postcode_prefix;          // a letter or two for synthetic postcodes
};

// GB, IE, DE, FR, NL, ES, IT: 200 cities in all.
std::span<const Market> Markets();

std::span<const std::string_view> FirstNames();
std::span<const std::string_view> LastNames();
// Phrases from which listing descriptions are composed.
std::span<const std::string_view> DescriptionPhrases();

}  // namespace listbench

#endif  // LISTBENCH_WORKLOADS_PLACES_H_
