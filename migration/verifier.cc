#include "migration/verifier.h"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

#include "core/canonical.h"
#include "migration/migration_types.h"

namespace listbench {
namespace {

std::string ToHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += fmt::format("{:02x}", static_cast<uint8_t>(c));
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Throws std::invalid_argument on a malformed value.
std::string FromHex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("last_key: odd number of hex digits");
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]), lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) throw std::invalid_argument("last_key: not hex");
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// One store's side of the merge of one kind: the current page and where the
// next one starts.
class Side {
 public:
  Side(Store* store, std::string after) : store_(store), after_(std::move(after)) {}

  // More rows may come from the store, but none is buffered.
  bool NeedsPage() const { return pos_ == rows_.size() && !end_; }
  const EntityRow* head() const { return pos_ < rows_.size() ? &rows_[pos_] : nullptr; }
  void Pop() { ++pos_; }

  // Reads the page after the last row read; fewer rows than asked for means
  // the store has no more. Corruption if the store breaks key order.
  Status ReadPage(EntityKind kind, size_t page_size) {
    LB_RETURN_IF_ERROR(store_->ScanEntities(kind, after_, page_size, &rows_));
    pos_ = 0;
    end_ = rows_.size() < page_size;
    for (const EntityRow& r : rows_) {
      if (!(r.key > after_)) {  // "" sorts before every key
        return Status::Corruption(fmt::format(
            "{}: scan of {} returned key {} after {} (not in key order)", store_->Name(),
            EntityKindName(kind), EntityKeyToString(kind, r.key),
            after_.empty() ? std::string("the start") : EntityKeyToString(kind, after_)));
      }
      after_ = r.key;
    }
    return Status::OK();
  }

 private:
  Store* store_;
  std::string after_;
  std::vector<EntityRow> rows_;
  size_t pos_ = 0;
  bool end_ = false;
};

// CanonicalEntity(a) == CanonicalEntity(b), formatting only entities that
// differ (equal entities have equal canonical forms).
bool SameCanonical(const Entity& a, const Entity& b) {
  return a == b || CanonicalEntity(a) == CanonicalEntity(b);
}

// Keeps the example `make()` builds while fewer than `max` are kept; the
// canonical text is formatted only for the examples kept.
template <typename Make>
void Keep(std::vector<DiffExample>* examples, size_t max, const Make& make) {
  if (examples->size() < max) examples->push_back(make());
}

nlohmann::json ExamplesJson(const std::vector<DiffExample>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const DiffExample& e : v)
    a.push_back({{"key", e.key}, {"source", e.source}, {"target", e.target}});
  return a;
}

std::vector<DiffExample> ExamplesFrom(const nlohmann::json& a) {
  std::vector<DiffExample> v;
  for (const nlohmann::json& e : a) {
    v.push_back({e.at("key").get<std::string>(), e.at("source").get<std::string>(),
                 e.at("target").get<std::string>()});
  }
  return v;
}

}  // namespace

uint64_t VerifierReport::missing() const {
  uint64_t n = 0;
  for (const KindDiff& k : kinds) n += k.missing;
  return n;
}
uint64_t VerifierReport::extra() const {
  uint64_t n = 0;
  for (const KindDiff& k : kinds) n += k.extra;
  return n;
}
uint64_t VerifierReport::mismatched() const {
  uint64_t n = 0;
  for (const KindDiff& k : kinds) n += k.mismatched;
  return n;
}

void to_json(nlohmann::json& j, const VerifierReport& r) {
  j = nlohmann::json{{"missing", r.missing()},
                     {"extra", r.extra()},
                     {"mismatched", r.mismatched()},
                     {"kinds", nlohmann::json::object()}};
  for (int k = 0; k < kNumEntityKinds; ++k) {
    const KindDiff& d = r.kinds[k];
    j["kinds"][std::string(EntityKindName(static_cast<EntityKind>(k)))] = {
        {"source_rows", d.source_rows},
        {"target_rows", d.target_rows},
        {"compared", d.compared},
        {"missing", d.missing},
        {"extra", d.extra},
        {"mismatched", d.mismatched},
        {"missing_examples", ExamplesJson(d.missing_examples)},
        {"extra_examples", ExamplesJson(d.extra_examples)},
        {"mismatched_examples", ExamplesJson(d.mismatched_examples)},
    };
  }
}

void from_json(const nlohmann::json& j, VerifierReport& r) {
  r = VerifierReport{};
  const nlohmann::json& kinds = j.at("kinds");
  for (int k = 0; k < kNumEntityKinds; ++k) {
    const nlohmann::json& e = kinds.at(std::string(EntityKindName(static_cast<EntityKind>(k))));
    KindDiff& d = r.kinds[k];
    d.source_rows = JsonCount(e, "source_rows");
    d.target_rows = JsonCount(e, "target_rows");
    d.compared = JsonCount(e, "compared");
    d.missing = JsonCount(e, "missing");
    d.extra = JsonCount(e, "extra");
    d.mismatched = JsonCount(e, "mismatched");
    d.missing_examples = ExamplesFrom(e.at("missing_examples"));
    d.extra_examples = ExamplesFrom(e.at("extra_examples"));
    d.mismatched_examples = ExamplesFrom(e.at("mismatched_examples"));
  }
}

void to_json(nlohmann::json& j, const VerifierCheckpoint& c) {
  j = nlohmann::json{
      {"kind", c.kind},
      {"kind_name", c.complete() ? std::string("complete")
                                 : std::string(EntityKindName(static_cast<EntityKind>(c.kind)))},
      {"last_key", ToHex(c.last_key)},
      {"report", c.report}};
}

void from_json(const nlohmann::json& j, VerifierCheckpoint& c) {
  const uint64_t kind = JsonCount(j, "kind");
  if (kind > static_cast<uint64_t>(kNumEntityKinds)) {
    throw std::invalid_argument("kind outside 0..7");
  }
  c.kind = static_cast<int>(kind);
  c.last_key = FromHex(j.at("last_key").get<std::string>());
  if (!c.last_key.empty()) {
    uint64_t a = 0, b = 0;
    if (c.complete() || !ParseEntityKey(static_cast<EntityKind>(c.kind), c.last_key, &a, &b)) {
      throw std::invalid_argument("last_key is not a key of its kind");
    }
  }
  c.report = j.at("report").get<VerifierReport>();
}

StatusOr<VerifierCheckpoint> ParseVerifierCheckpoint(const std::string& text) {
  try {
    return nlohmann::json::parse(text).get<VerifierCheckpoint>();
  } catch (const std::exception& e) {  // nlohmann::json or from_json's own
    return Status::InvalidArgument(std::string("verifier checkpoint: ") + e.what());
  }
}

Verifier::Verifier(Store* source, Store* target, VerifierOptions options)
    : source_(source), target_(target), options_(options) {
  if (options_.page_size == 0) options_.page_size = 1;
}

// A difference seen in two pages read one after the other may be a write
// that landed in between: both sides are read again, entity by entity, and
// only a difference that is still there counts. Nothing deletes entities, so
// a key the scan saw that neither side now returns is a difference too (a
// store whose scan and point read disagree).
bool Verifier::AgreeNow(EntityKind kind, const std::string& key) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    StatusOr<Entity> a = source_->GetEntity(kind, key);
    StatusOr<Entity> b = target_->GetEntity(kind, key);
    const bool a_absent = a.status().code() == StatusCode::kNotFound;
    const bool b_absent = b.status().code() == StatusCode::kNotFound;
    if (a.ok() && b.ok() && SameCanonical(*a, *b)) return true;
    if ((!a.ok() && !a_absent) || (!b.ok() && !b_absent)) return false;
  }
  return false;
}

Status Verifier::Run(VerifierCheckpoint* cp, size_t page_budget) {
  size_t pages = 0;
  bool progressed = false;  // a key compared or a kind finished in this call
  while (!cp->complete()) {
    const EntityKind kind = static_cast<EntityKind>(cp->kind);
    KindDiff& d = cp->report.kinds[cp->kind];
    Side src(source_, cp->last_key), tgt(target_, cp->last_key);
    for (;;) {
      for (Side* side : {&src, &tgt}) {
        if (!side->NeedsPage()) continue;
        // The budget stops a run only once it got somewhere, so that a
        // caller resuming with a small budget always advances.
        if (page_budget != 0 && pages >= page_budget && progressed) return Status::OK();
        ++pages;
        ++pages_read_;
        LB_RETURN_IF_ERROR(side->ReadPage(kind, options_.page_size));
      }
      const EntityRow* s = src.head();
      const EntityRow* t = tgt.head();
      if (s == nullptr && t == nullptr) break;
      std::string key;
      if (t == nullptr || (s != nullptr && s->key < t->key)) {
        ++d.source_rows;
        if (!AgreeNow(kind, s->key)) {
          ++d.missing;
          Keep(&d.missing_examples, options_.max_examples, [&] {
            return DiffExample{EntityKeyToString(kind, s->key), CanonicalEntity(s->entity), ""};
          });
        }
        key = s->key;
        src.Pop();
      } else if (s == nullptr || t->key < s->key) {
        ++d.target_rows;
        if (!AgreeNow(kind, t->key)) {
          ++d.extra;
          Keep(&d.extra_examples, options_.max_examples, [&] {
            return DiffExample{EntityKeyToString(kind, t->key), "", CanonicalEntity(t->entity)};
          });
        }
        key = t->key;
        tgt.Pop();
      } else {
        ++d.source_rows;
        ++d.target_rows;
        ++d.compared;
        if (!SameCanonical(s->entity, t->entity) && !AgreeNow(kind, s->key)) {
          ++d.mismatched;
          Keep(&d.mismatched_examples, options_.max_examples, [&] {
            return DiffExample{EntityKeyToString(kind, s->key), CanonicalEntity(s->entity),
                               CanonicalEntity(t->entity)};
          });
        }
        key = s->key;
        src.Pop();
        tgt.Pop();
      }
      cp->last_key = std::move(key);
      progressed = true;
    }
    ++cp->kind;
    cp->last_key.clear();
    progressed = true;
  }
  return Status::OK();
}

}  // namespace listbench
