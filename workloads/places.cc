#include "workloads/places.h"

#include <array>

namespace listbench {
namespace {

using sv = std::string_view;

constexpr std::array<sv, 60> kGb = {
    "London",        "Birmingham",    "Manchester",   "Leeds",         "Glasgow",
    "Liverpool",     "Bristol",       "Sheffield",    "Edinburgh",     "Leicester",
    "Coventry",      "Bradford",      "Cardiff",      "Belfast",       "Nottingham",
    "Hull",          "Newcastle",     "Stoke",        "Southampton",   "Derby",
    "Portsmouth",    "Brighton",      "Plymouth",     "Northampton",   "Reading",
    "Luton",         "Wolverhampton", "Bolton",       "Aberdeen",      "Bournemouth",
    "Norwich",       "Swindon",       "Swansea",      "Milton Keynes", "Southend",
    "Middlesbrough", "Sunderland",    "Peterborough", "Warrington",    "Oxford",
    "Huddersfield",  "Slough",        "York",         "Poole",         "Cambridge",
    "Dundee",        "Ipswich",       "Telford",      "Gloucester",    "Blackpool",
    "Exeter",        "Preston",       "Colchester",   "Chelmsford",    "Bath",
    "Canterbury",    "Lincoln",       "Worcester",    "Chester",       "Inverness"};
constexpr std::array<sv, 10> kIe = {"Dublin",   "Cork",    "Limerick", "Galway", "Waterford",
                                    "Drogheda", "Dundalk", "Swords",   "Bray",   "Navan"};
constexpr std::array<sv, 35> kDe = {
    "Berlin",        "Hamburg",    "München",      "Köln",      "Frankfurt",
    "Stuttgart",     "Düsseldorf", "Leipzig",      "Dortmund",  "Essen",
    "Bremen",        "Dresden",    "Hannover",     "Nürnberg",  "Duisburg",
    "Bochum",        "Wuppertal",  "Bielefeld",    "Bonn",      "Münster",
    "Mannheim",      "Karlsruhe",  "Augsburg",     "Wiesbaden", "Mönchengladbach",
    "Gelsenkirchen", "Aachen",     "Braunschweig", "Kiel",      "Chemnitz",
    "Halle",         "Magdeburg",  "Freiburg",     "Krefeld",   "Mainz"};
constexpr std::array<sv, 30> kFr = {"Paris",
                                    "Marseille",
                                    "Lyon",
                                    "Toulouse",
                                    "Nice",
                                    "Nantes",
                                    "Montpellier",
                                    "Strasbourg",
                                    "Bordeaux",
                                    "Lille",
                                    "Rennes",
                                    "Reims",
                                    "Toulon",
                                    "Saint-Étienne",
                                    "Le Havre",
                                    "Grenoble",
                                    "Dijon",
                                    "Angers",
                                    "Nîmes",
                                    "Villeurbanne",
                                    "Clermont-Ferrand",
                                    "Le Mans",
                                    "Aix-en-Provence",
                                    "Brest",
                                    "Tours",
                                    "Amiens",
                                    "Limoges",
                                    "Annecy",
                                    "Perpignan",
                                    "Metz"};
constexpr std::array<sv, 20> kNl = {"Amsterdam", "Rotterdam", "Den Haag", "Utrecht",  "Eindhoven",
                                    "Groningen", "Tilburg",   "Almere",   "Breda",    "Nijmegen",
                                    "Apeldoorn", "Haarlem",   "Arnhem",   "Enschede", "Amersfoort",
                                    "Zaanstad",  "Den Bosch", "Zwolle",   "Leiden",   "Maastricht"};
constexpr std::array<sv, 25> kEs = {
    "Madrid",   "Barcelona",  "Valencia", "Sevilla",  "Zaragoza", "Málaga",     "Murcia",
    "Palma",    "Las Palmas", "Bilbao",   "Alicante", "Córdoba",  "Valladolid", "Vigo",
    "Gijón",    "Hospitalet", "Vitoria",  "A Coruña", "Granada",  "Elche",      "Oviedo",
    "Badalona", "Cartagena",  "Terrassa", "Jerez"};
constexpr std::array<sv, 20> kIt = {"Roma",    "Milano",  "Napoli",  "Torino", "Palermo",
                                    "Genova",  "Bologna", "Firenze", "Bari",   "Catania",
                                    "Venezia", "Verona",  "Messina", "Padova", "Trieste",
                                    "Taranto", "Brescia", "Parma",   "Prato",  "Modena"};

const std::array<Market, 7> kMarkets = {{
    {"GB", "GBP", "stripe", kGb, "UK"},
    {"IE", "EUR", "adyen", kIe, "D"},
    {"DE", "EUR", "adyen", kDe, "DE"},
    {"FR", "EUR", "adyen", kFr, "F"},
    {"NL", "EUR", "adyen", kNl, "NL"},
    {"ES", "EUR", "adyen", kEs, "E"},
    {"IT", "EUR", "adyen", kIt, "I"},
}};

constexpr std::array<sv, 40> kFirst = {
    "Oliver", "Amelia", "George", "Isla",   "Noah",  "Ava",    "Arthur", "Mia",   "Leo",   "Ivy",
    "Oscar",  "Lily",   "Harry",  "Freya",  "Jack",  "Grace",  "Lukas",  "Emma",  "Finn",  "Hannah",
    "Louis",  "Chloé",  "Hugo",   "Léa",    "Daan",  "Sanne",  "Sem",    "Julia", "Pablo", "Lucía",
    "Mateo",  "Sofía",  "Luca",   "Giulia", "Marco", "Chiara", "Seán",   "Aoife", "Cian",  "Niamh"};
constexpr std::array<sv, 40> kLast = {
    "Smith",   "Jones",  "Taylor",   "Brown",    "Williams", "Wilson",   "Evans",     "Thomas",
    "Murphy",  "Kelly",  "Walsh",    "O'Brien",  "Müller",   "Schmidt",  "Schneider", "Fischer",
    "Weber",   "Meyer",  "Martin",   "Bernard",  "Dubois",   "Durand",   "Leroy",     "Moreau",
    "de Jong", "Jansen", "de Vries", "Bakker",   "García",   "Martínez", "López",     "Sánchez",
    "Rossi",   "Russo",  "Ferrari",  "Esposito", "Bianchi",  "Romano",   "Novak",     "Horvath"};
constexpr std::array<sv, 24> kPhrases = {"Bright and spacious throughout.",
                                         "Recently refurbished to a high standard.",
                                         "Close to shops, cafés and transport links.",
                                         "Private garden with a sunny aspect.",
                                         "Open-plan kitchen with integrated appliances.",
                                         "Double glazing and gas central heating.",
                                         "Allocated parking space included.",
                                         "Walking distance to the station.",
                                         "Pets considered on request.",
                                         "Unfurnished; white goods included.",
                                         "Fully furnished and ready to move in.",
                                         "Balcony with views over the park.",
                                         "Quiet residential street.",
                                         "Bills not included.",
                                         "Available now for a minimum twelve-month tenancy.",
                                         "Energy rating C.",
                                         "Lift access and concierge.",
                                         "High ceilings and period features.",
                                         "Modern bathroom with rainfall shower.",
                                         "Ample storage and a utility room.",
                                         "Bike store and communal roof terrace.",
                                         "Excellent local schools nearby.",
                                         "Wood floors and underfloor heating.",
                                         "Viewings by appointment only."};

}  // namespace

std::span<const Market> Markets() { return kMarkets; }
std::span<const std::string_view> FirstNames() { return kFirst; }
std::span<const std::string_view> LastNames() { return kLast; }
std::span<const std::string_view> DescriptionPhrases() { return kPhrases; }

}  // namespace listbench
