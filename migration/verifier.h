// Verifier: a VDiff-style diff of two stores (the migration's source and
// target), entity kind by entity kind (core/entity_scan.h), keyed by
// entity key and independent of how either store lays its data out. For each
// kind it merges the two stores' key-ordered scans (Store::ScanEntities),
// page by page, and counts the keys only the source has (missing), only the
// target has (extra) and both have with different canonical forms
// (mismatched), keeping the first few of each with both sides' text.
//
// Resumable: all progress -- the kind being diffed, the last key compared
// and the counts so far -- is a VerifierCheckpoint, a value the caller may
// persist (to_json/from_json) and hand back to Run later, in this or another
// process. A resumed run over unchanged stores ends with the same report as
// an uninterrupted one. Stores that change while a diff runs are compared as
// each page found them, except that a difference is read again from both
// sides, entity by entity, and counted only when it is still there (a write
// that landed between the two pages' reads is not a difference).
//
// Thread safety: a Verifier is used by one thread at a time; its stores may
// serve other threads meanwhile (core/store.h's concurrency contract).
#ifndef LISTBENCH_MIGRATION_VERIFIER_H_
#define LISTBENCH_MIGRATION_VERIFIER_H_

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/entity_scan.h"
#include "core/status.h"
#include "core/store.h"

namespace listbench {

struct VerifierOptions {
  size_t page_size = 1000;  // entities per ScanEntities call; REQUIRES >= 1
  size_t max_examples = 5;  // kept per kind and per kind of difference
};

// One difference, for people: the entity key (EntityKeyToString) and each
// side's canonical form ("" on the side that lacks the entity).
struct DiffExample {
  std::string key;
  std::string source;
  std::string target;
  bool operator==(const DiffExample&) const = default;
};

// The diff of one entity kind.
struct KindDiff {
  uint64_t source_rows = 0;  // entities the source has
  uint64_t target_rows = 0;  // entities the target has
  uint64_t compared = 0;     // keys both have (equal or mismatched)
  uint64_t missing = 0;      // in the source only
  uint64_t extra = 0;        // in the target only
  uint64_t mismatched = 0;   // in both, canonical forms differ
  std::vector<DiffExample> missing_examples, extra_examples, mismatched_examples;

  uint64_t differences() const { return missing + extra + mismatched; }
  bool operator==(const KindDiff&) const = default;
};

// A whole diff, complete or not: per kind (indexed by EntityKind) and in all.
struct VerifierReport {
  std::array<KindDiff, kNumEntityKinds> kinds;

  const KindDiff& of(EntityKind k) const { return kinds[static_cast<size_t>(k)]; }
  uint64_t missing() const;
  uint64_t extra() const;
  uint64_t mismatched() const;
  uint64_t differences() const { return missing() + extra() + mismatched(); }
  bool operator==(const VerifierReport&) const = default;
};

// Where a diff stands. Every key of kinds before `kind`, and every key of
// `kind` up to and including `last_key`, has been compared and counted in
// `report`. The default value is a diff not yet started.
struct VerifierCheckpoint {
  int kind = 0;          // EntityKind index; kNumEntityKinds once complete
  std::string last_key;  // entity key; "" = none of `kind` compared yet
  VerifierReport report;

  bool complete() const { return kind >= kNumEntityKinds; }
  bool operator==(const VerifierCheckpoint&) const = default;
};

// JSON form (keys are written in hex). from_json throws on malformed input
// (nlohmann::json exceptions, std::invalid_argument), like every nlohmann
// from_json; ParseVerifierCheckpoint turns that into a Status.
void to_json(nlohmann::json& j, const VerifierCheckpoint& c);
void from_json(const nlohmann::json& j, VerifierCheckpoint& c);
void to_json(nlohmann::json& j, const VerifierReport& r);
void from_json(const nlohmann::json& j, VerifierReport& r);
// InvalidArgument naming the problem if `text` is not a checkpoint.
StatusOr<VerifierCheckpoint> ParseVerifierCheckpoint(const std::string& text);

class Verifier {
 public:
  // REQUIRES: both stores outlive the verifier.
  Verifier(Store* source, Store* target, VerifierOptions options = {});

  // Continues the diff from *checkpoint (a default one starts it) until it
  // is complete or `page_budget` pages have been read in this call (0 = no
  // limit; each ScanEntities call on either side is a page), advancing
  // *checkpoint as it goes. OK also when stopped by the budget: check
  // checkpoint->complete(). Each call compares at least one key (or
  // finishes a kind) before the budget can stop it, so a caller resuming
  // with a small budget always advances. On a failed scan returns its
  // status; the
  // checkpoint then holds everything compared before it, so Run may simply
  // be called again. Corruption if a store returns keys out of order.
  Status Run(VerifierCheckpoint* checkpoint, size_t page_budget = 0);

  // Pages read by all Run calls of this verifier.
  uint64_t pages_read() const { return pages_read_; }

 private:
  bool AgreeNow(EntityKind kind, const std::string& key);

  Store* source_;
  Store* target_;
  VerifierOptions options_;
  uint64_t pages_read_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_VERIFIER_H_
