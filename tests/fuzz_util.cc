#include "tests/fuzz_util.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>

#include "bench/drivers/check.h"
#include "core/entity_scan.h"
#include "engine/store_dir.h"
#include "migration/repair_queue.h"
#include "migration/state_file.h"
#include "sim/net_fault.h"
#include "sim/net_scenario.h"
#include "sim/scenario.h"
#include "util/posix_file.h"
#include "workloads/workload_spec.h"

namespace listbench {
namespace {

// Replacements for a number token, and for a string token (quotes
// included), and values of every type for "change a type".
constexpr std::array<std::string_view, 22> kNumbers = {"0",
                                                       "-1",
                                                       "1",
                                                       "-0",
                                                       "255",
                                                       "256",
                                                       "65536",
                                                       "2147483648",
                                                       "4294967296",
                                                       "1e9",
                                                       "1e309",
                                                       "-1e309",
                                                       "nan",
                                                       "NaN",
                                                       "inf",
                                                       "-inf",
                                                       "1e-320",
                                                       "0.5",
                                                       "0x10",
                                                       "\"12\"",
                                                       "9223372036854775807",
                                                       "18446744073709551616"};
constexpr std::array<std::string_view, 8> kStrings = {
    "\"\"",         "\"x\"",       "\"\\u0000\"", "\"\xff\xfe\"",
    "\"\xc3\x28\"", "\"\\ud800\"", "\"legacy\"",  "\"\xed\xa0\x80\""};
constexpr std::array<std::string_view, 10> kValues = {
    "true", "false", "null", "[]", "{}", "[1, \"a\"]", "{\"a\": 1}", "1979-05-27", "'lit'", "\"\""};

bool TokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-' ||
         c == '_';
}

// The [begin, end) ranges of number-like tokens, or of "..." strings.
std::vector<std::pair<size_t, size_t>> Tokens(const std::string& s, bool numbers) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (numbers) {
      const bool starts = (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-') &&
                          (i == 0 || !TokenChar(s[i - 1]));
      if (!starts) continue;
      size_t j = i + 1;
      while (j < s.size() && TokenChar(s[j])) ++j;
      out.push_back({i, j});
      i = j;
    } else if (s[i] == '"') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != '"' && s[j] != '\n') j += s[j] == '\\' ? 2 : 1;
      if (j >= s.size() || s[j] != '"') break;
      out.push_back({i, j + 1});
      i = j;
    }
  }
  return out;
}

// The [begin, end) of each line, newline included.
std::vector<std::pair<size_t, size_t>> Lines(const std::string& s) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t b = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      out.push_back({b, i + 1});
      b = i + 1;
    }
  }
  if (b < s.size()) out.push_back({b, s.size()});
  return out;
}

// "" when `s` is OK or carries a message; the problem otherwise.
std::string StatusProblem(const Status& s) {
  if (!s.ok() && s.message().empty()) return "a non-OK status with an empty message";
  return "";
}

}  // namespace

std::string FuzzMutator::Mutate(const std::string& input, const std::string& other) {
  std::string s = input;
  const int n = 1 + static_cast<int>(Below(4));
  for (int i = 0; i < n; ++i) MutateOnce(&s, other);
  return s;
}

void FuzzMutator::MutateOnce(std::string* s, const std::string& other) {
  const uint64_t pos = s->empty() ? 0 : Below(s->size() + 1);
  const uint64_t len = 1 + Below(std::min<uint64_t>(16, s->size() + 1));
  switch (Below(16)) {
    case 0:  // flip a bit
      if (!s->empty()) (*s)[pos % s->size()] ^= static_cast<char>(1u << Below(8));
      break;
    case 1: {  // set a byte, often to one that means something to a parser
      static constexpr char kByteList[] = "\0\xff\x80\"[]{}=:,\n\\#.-'";
      static constexpr std::string_view kBytes(kByteList, sizeof(kByteList) - 1);
      const char c = Below(2) ? static_cast<char>(Below(256)) : kBytes[Below(kBytes.size())];
      if (!s->empty()) (*s)[pos % s->size()] = c;
      break;
    }
    case 2:  // insert random bytes
      for (uint64_t i = 0; i < len; ++i) s->insert(s->begin() + pos, static_cast<char>(Below(256)));
      break;
    case 3:  // delete a range
      s->erase(std::min<size_t>(pos, s->size()), len);
      break;
    case 4: {  // duplicate a range somewhere
      const std::string piece = s->substr(std::min<size_t>(pos, s->size()), len * 4);
      s->insert(Below(s->size() + 1), piece);
      break;
    }
    case 5:  // truncate
      s->resize(std::min<size_t>(pos, s->size()));
      break;
    case 6:  // splice: a head of this input, a tail of the other
      *s = s->substr(0, std::min<size_t>(pos, s->size())) +
           (other.empty() ? std::string() : other.substr(Below(other.size())));
      break;
    case 7:
    case 8:
      ReplaceToken(s, /*numbers=*/true);
      break;
    case 9:
      ReplaceToken(s, /*numbers=*/false);
      break;
    case 10:
    case 11:
      EditLine(s);
      break;
    case 12:
      Nest(s);
      break;
    case 13:  // a very long string or run of bytes
      s->insert(std::min<size_t>(pos, s->size()),
                std::string(1 + Below(Below(2) ? 300 : 20000), Below(2) ? 'a' : '9'));
      break;
    case 14: {  // NUL and invalid UTF-8
      static constexpr std::array<std::string_view, 5> kBad = {
          std::string_view("\0", 1), "\xff", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80"};
      s->insert(std::min<size_t>(pos, s->size()), kBad[Below(kBad.size())]);
      break;
    }
    default: {  // change a value's type: what follows an '=' or a ':'
      std::vector<size_t> at;
      for (size_t i = 0; i < s->size(); ++i) {
        if ((*s)[i] == '=' || (*s)[i] == ':') at.push_back(i + 1);
      }
      if (at.empty()) break;
      const size_t b = at[Below(at.size())];
      size_t e = b;
      while (e < s->size() && (*s)[e] != '\n' && (*s)[e] != ',') ++e;
      s->replace(b, e - b, " " + std::string(kValues[Below(kValues.size())]));
      break;
    }
  }
}

void FuzzMutator::ReplaceToken(std::string* s, bool numbers) {
  const auto tokens = Tokens(*s, numbers);
  if (tokens.empty()) return;
  const auto [b, e] = tokens[Below(tokens.size())];
  std::string with;
  if (numbers) {
    with = Below(4) == 0 ? std::to_string(static_cast<int64_t>(rng_()))
                         : std::string(kNumbers[Below(kNumbers.size())]);
  } else {
    with = Below(5) == 0 ? "\"" + std::string(1 + Below(5000), 'x') + "\""
                         : std::string(kStrings[Below(kStrings.size())]);
  }
  s->replace(b, e - b, with);
}

// Duplicates (a key given twice), deletes or swaps lines.
void FuzzMutator::EditLine(std::string* s) {
  const auto lines = Lines(*s);
  if (lines.empty()) return;
  const auto [b, e] = lines[Below(lines.size())];
  const std::string line = s->substr(b, e - b);
  switch (Below(3)) {
    case 0:
      s->insert(lines[Below(lines.size())].first, line);
      break;
    case 1:
      s->erase(b, e - b);
      break;
    default: {
      const auto [b2, e2] = lines[Below(lines.size())];
      if (b2 <= b) break;
      const std::string other = s->substr(b2, e2 - b2);
      s->replace(b2, e2 - b2, line);
      s->replace(b, e - b, other);
      break;
    }
  }
}

// Deep nesting at a value: arrays or tables/objects, balanced or not.
void FuzzMutator::Nest(std::string* s) {
  const size_t depth = 1 + Below(Below(2) ? 100 : 5000);
  std::string open, close;
  switch (Below(3)) {
    case 0:
      open = "[";
      close = "]";
      break;
    case 1:
      open = "{\"a\":";
      close = "}";
      break;
    default:
      open = "{a=";
      close = "}";
      break;
  }
  std::string nest;
  for (size_t i = 0; i < depth; ++i) nest += open;
  nest += "1";
  const size_t closes = Below(4) == 0 ? Below(depth + 1) : depth;
  for (size_t i = 0; i < closes; ++i) nest += close;
  const auto tokens = Tokens(*s, /*numbers=*/true);
  if (tokens.empty()) {
    s->insert(Below(s->size() + 1), nest);
  } else {
    const auto [b, e] = tokens[Below(tokens.size())];
    s->replace(b, e - b, nest);
  }
}

std::string EscapeBytes(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

uint64_t FuzzEnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  return *end == '\0' ? n : fallback;
}

std::string CheckWorkloadInput(const std::string& input) {
  StatusOr<WorkloadSpec> w = ParseWorkloadText(input, "fuzz.toml");
  if (!w.ok()) return StatusProblem(w.status());
  const auto finite_in = [](double v, double lo, double hi) { return v >= lo && v <= hi; };
  double total = 0;
  for (double x : w->mix) {
    if (!finite_in(x, 0, 1e9)) return fmt::format("accepted a mix weight {}", x);
    total += x;
  }
  if (!(total > 0)) return "accepted a mix without a positive weight";
  if (w->name.empty()) return "accepted an empty name";
  if ((w->operations == 0) == (w->duration_s == 0)) return "accepted neither or both lengths";
  if (w->operations > kMaxWorkloadOperations || w->warmup > kMaxWorkloadOperations) {
    return fmt::format("accepted operations {} warmup {}", w->operations, w->warmup);
  }
  if (!finite_in(w->duration_s, 0, 86400) || !finite_in(w->target_rate, 0, 1e9) || w->threads < 1 ||
      w->threads > 256) {
    return "accepted an out-of-range duration, rate or thread count";
  }
  const KeySpec& k = w->keys;
  if (!finite_in(k.theta, 0.01, 5) || !finite_in(k.hot_fraction, 0.0001, 1) ||
      !finite_in(k.hot_op_fraction, 0, 1)) {
    return "accepted an out-of-range key setting";
  }
  return "";
}

namespace {

// A failover network scenario (sim/net_scenario.h): what it accepts, the
// network fault plan accepts too.
std::string CheckNetScenarioInput(const std::string& input) {
  StatusOr<NetScenario> s = ParseNetScenarioText(input, "fuzz.toml");
  if (!s.ok()) return StatusProblem(s.status());
  if (s->name.empty()) return "accepted an empty name";
  for (const NetFaultRule& r : s->rules) {
    Status valid = ValidateNetFaultRule(r);
    if (!valid.ok()) return "accepted a rule the plan refuses: " + valid.message();
  }
  return "";
}

}  // namespace

std::string CheckScenarioInput(const std::string& input) {
  const std::string net = CheckNetScenarioInput(input);
  if (!net.empty()) return net;
  StatusOr<Scenario> s = ParseScenarioText(input, "fuzz.toml");
  if (!s.ok()) return StatusProblem(s.status());
  if (s->name.empty()) return "accepted an empty name";
  if (s->listings < 10 || s->operations < 1 || s->cycles < 1) return "accepted a zero count";
  for (const TimedFault& f : s->faults) {
    if (f.until_op != 0 && f.until_op <= f.from_op) return "accepted an empty fault window";
    FaultPlan probe(1);
    StatusOr<size_t> added = probe.AddRule(f.rule);
    if (!added.ok()) return "accepted a fault the plan refuses: " + added.status().message();
  }
  return "";
}

std::string CheckSummaryInput(const std::string& input, const nlohmann::json& kValid) {
  StatusOr<nlohmann::json> j = ParseSummaryText(input, "fuzz.json");
  if (!j.ok()) return StatusProblem(j.status());
  const CheckTolerances tol;
  for (int order = 0; order < 3; ++order) {
    const nlohmann::json& b = order == 1 ? kValid : *j;
    const nlohmann::json& c = order == 2 ? kValid : *j;
    StatusOr<CheckResult> r = CheckSummaries(b, c, tol);
    if (!r.ok()) {
      const std::string p = StatusProblem(r.status());
      if (!p.empty()) return p;
      continue;
    }
    for (const CheckFinding& f : r->findings) {
      if (f.engine.empty() || f.op.empty() || f.metric.empty()) return "a finding without a name";
    }
  }
  return "";
}

std::string CheckManifestInput(const std::string& input) {
  StatusOr<Manifest> m = ParseManifestText(input, "LISTBENCH.json");
  if (!m.ok()) return StatusProblem(m.status());
  if (m->format_version != kStoreFormatVersion) return "accepted another format version";
  StatusOr<Manifest> back = ParseManifestText(ManifestText(*m), "LISTBENCH.json");
  if (!back.ok()) return "its own text does not parse: " + back.status().ToString();
  if (!(*back == *m)) return "written and read back, it differs";
  return "";
}

std::string CheckMigrationStateInput(const std::string& input) {
  constexpr size_t kShares = 5;
  StatusOr<MigrationState> s = ParseMigrationStateText(input, "migration-state.json", kShares);
  if (!s.ok()) return StatusProblem(s.status());
  if (s->canary_index >= kShares || s->backfill_kind < 0 || s->backfill_kind > kNumEntityKinds ||
      s->verifier.kind < 0 || s->verifier.kind > kNumEntityKinds) {
    return "accepted an out-of-range canary step or kind";
  }
  StatusOr<MigrationState> back =
      ParseMigrationStateText(MigrationStateText(7, *s), "migration-state.json", kShares);
  if (!back.ok()) return "its own text does not parse: " + back.status().ToString();
  if (!(*back == *s)) return "written and read back, it differs";
  return "";
}

std::string CheckRepairLogInput(const std::string& input) {
  StatusOr<RepairLogContents> c = ParseRepairLog(input, "repair-queue.log");
  if (!c.ok()) return StatusProblem(c.status());
  if (c->valid_size > input.size()) return "valid_size beyond the input";
  const std::string bytes = RepairLogBytes(c->next_seq, c->pending);
  StatusOr<RepairLogContents> back = ParseRepairLog(bytes, "repair-queue.log");
  if (!back.ok()) return "its own bytes do not parse: " + back.status().ToString();
  if (back->next_seq != c->next_seq || back->pending != c->pending ||
      back->valid_size != bytes.size()) {
    return "written and read back, it differs";
  }
  // What Open accepted must take the next Append: a sequence number above
  // every pending one, which a reopen accepts.
  if (c->next_seq >= kMaxRepairSeq) return "";  // Append refuses: no next entry
  std::vector<RepairEntry> more = c->pending;
  more.push_back({c->next_seq, "next"});
  for (size_t i = 0; i + 1 < more.size(); ++i) {
    if (more[i].seq >= more[i + 1].seq) return "the next sequence number is not above the pending";
  }
  StatusOr<RepairLogContents> appended =
      ParseRepairLog(RepairLogBytes(c->next_seq + 1, more), "repair-queue.log");
  if (!appended.ok() || appended->next_seq <= c->next_seq) {
    return "the log does not take the next append";
  }
  return "";
}

std::vector<std::string> SeedManifests() {
  std::vector<std::string> out;
  Manifest m;
  m.listings = 5000;
  m.seed = 1;
  m.generator_version = 3;
  m.complete = true;
  m.listbench_version = "0.1.0";
  out.push_back(ManifestText(m));
  m.sqlite_schema = SqliteSchema::kLegacy;
  m.complete = false;
  out.push_back(ManifestText(m));
  m.engine = Engine::kRocksDb;
  m.sqlite_schema = SqliteSchema::kTuned;
  m.listings = 420000;
  m.seed = 18446744073709551615ull;
  out.push_back(ManifestText(m));
  m.engine = Engine::kPostgres;
  m.sqlite_schema = SqliteSchema::kLegacy;
  out.push_back(ManifestText(m));
  return out;
}

std::vector<std::string> SeedMigrationStates() {
  std::vector<std::string> out;
  MigrationState s;
  out.push_back(MigrationStateText(1, s));
  s.phase = MigrationPhase::kCanary;
  s.canary_index = 3;
  s.backfill_mode = BackfillMode::kBulk;
  s.backfill_kind = 2;
  s.backfill_last_key = EntityKey(77);
  s.verifier.kind = 2;
  s.verifier.last_key = EntityKey(42);
  s.verifier.report.kinds[2].source_rows = 10;
  s.verifier.report.kinds[2].mismatched = 1;
  s.verifier.report.kinds[2].mismatched_examples.push_back({"42", "a", "b"});
  VerifierReport diff;
  diff.kinds[0].missing = 2;
  diff.kinds[0].missing_examples.push_back({"1", "x", ""});
  s.last_diff = diff;
  s.transitions.push_back({MigrationPhase::kDualWrite, 1, 10, "start"});
  s.transitions.push_back({MigrationPhase::kCanary, 900, 12000, "verified clean"});
  s.counters.steps = 900;
  s.counters.requests = 12000;
  s.counters.shadow_reads = 300;
  out.push_back(MigrationStateText(3, s));
  return out;
}

namespace {

void Put32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void Put64(std::string* s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// One record framed as repair_queue.h says: length, crc(length), crc(body).
std::string Frame(uint8_t type, uint64_t seq, const std::string& payload) {
  std::string body(1, static_cast<char>(type));
  Put64(&body, seq);
  body += payload;
  std::string len;
  Put32(&len, static_cast<uint32_t>(body.size()));
  std::string r = len;
  Put32(&r, Crc32(len.data(), len.size()));
  Put32(&r, Crc32(body.data(), body.size()));
  return r + body;
}

}  // namespace

std::vector<std::string> SeedRepairLogs() {
  std::vector<std::string> out;
  out.push_back(RepairLogBytes(1, {}));
  out.push_back(RepairLogBytes(4, {{1, "listing 1"}, {3, std::string("\0\xff", 2)}}));
  std::string log = RepairLogBytes(2, {{1, "a"}});
  log += Frame(1, 2, "b") + Frame(2, 1, "") + Frame(1, 5, "c");
  out.push_back(log);
  return out;
}

std::string RandomRepairLog(FuzzMutator* m) {
  static constexpr std::array<uint64_t, 6> kSeqs = {
      0, 1, 2, 0xffffffffull, 0x7fffffffffffffffull, 0xffffffffffffffffull};
  const auto seq = [m](uint64_t near) {
    return m->Below(3) == 0 ? kSeqs[m->Below(kSeqs.size())] : near + m->Below(3);
  };
  std::string header = "LBRQLOG";
  header.push_back('\0');
  Put32(&header, m->Below(8) == 0 ? static_cast<uint32_t>(m->Below(3)) : 1);
  Put64(&header, seq(1));
  Put32(&header, Crc32(header.data(), header.size()));
  std::string log = header;
  uint64_t last = 0;
  const uint64_t n = m->Below(8);
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t type = m->Below(8) == 0 ? static_cast<uint8_t>(m->Below(4)) : 1 + m->Below(2);
    const uint64_t s = type == 1 ? seq(last + 1) : seq(last > 0 ? last - m->Below(2) : 0);
    if (type == 1) last = s;
    log += Frame(type, s, std::string(m->Below(12), static_cast<char>('a' + i)));
  }
  switch (m->Below(4)) {
    case 0:
      log.resize(log.size() - std::min<size_t>(log.size(), m->Below(10)));
      break;
    case 1:
      log += std::string(m->Below(20), '\0');
      break;
    default:
      break;
  }
  return log;
}

}  // namespace listbench
