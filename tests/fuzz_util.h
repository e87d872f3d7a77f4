// The parser fuzzing kit: a seeded mutation engine over text and bytes, and
// one property check per parser of an input file, shared by the GoogleTest
// fuzz tests (tests/fuzz_test.cc) and the libFuzzer targets (fuzz/).
//
// The property every check enforces: the parser returns OK, or a non-OK
// Status with a non-empty message; it never throws, and what it accepts is
// sane (no negative counts, no NaN, values in their documented ranges).
// Where a writer exists (manifest, migration state, repair log), an accepted
// input written back and parsed again gives the same value.
//
// Thread safety: a FuzzMutator is used by one thread at a time; the check
// functions are plain functions of their arguments.
#ifndef LISTBENCH_TESTS_FUZZ_UTIL_H_
#define LISTBENCH_TESTS_FUZZ_UTIL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace listbench {

// Stacks one to four random mutations on an input, deterministically from
// its seed: bit flips, byte insert/delete/duplicate, truncation, splicing
// with another input, and token-aware ones for text formats (a number
// replaced by 0, -1, huge, 1e309, NaN or a string; a string replaced by an
// empty, very long or invalid-UTF-8 one; a value changed in type; a line
// (a key) duplicated, deleted or swapped; deep nesting; NUL bytes).
class FuzzMutator {
 public:
  explicit FuzzMutator(uint64_t seed) : rng_(seed) {}

  // A mutation of `input`; `other` is what splicing takes a tail from.
  std::string Mutate(const std::string& input, const std::string& other);
  // A uniform draw in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) { return rng_() % n; }

 private:
  void MutateOnce(std::string* s, const std::string& other);
  void ReplaceToken(std::string* s, bool numbers);
  void EditLine(std::string* s);
  void Nest(std::string* s);

  std::mt19937_64 rng_;
};

// `s` with every byte outside printable ASCII (and the backslash and the
// quote) escaped as \n, \t, \" or \xNN: a failing input, printable.
std::string EscapeBytes(std::string_view s);

// The environment variable `name` as a number, or `fallback` when it is
// unset or not a number.
uint64_t FuzzEnvNumber(const char* name, uint64_t fallback);

// The property checks: "" when `input` is handled as it must be, else what
// went wrong. Each parser gets its input as text, never a file.
std::string CheckWorkloadInput(const std::string& input);
// Both kinds of sim/scenarios/ file: drills (sim/scenario.h) and failover
// network scenarios (sim/net_scenario.h).
std::string CheckScenarioInput(const std::string& input);
// As `listbench check` reads it, compared both ways with `valid`, a summary.
std::string CheckSummaryInput(const std::string& input, const nlohmann::json& valid);
std::string CheckManifestInput(const std::string& input);
std::string CheckMigrationStateInput(const std::string& input);
std::string CheckRepairLogInput(const std::string& input);

// Valid inputs made by the code's own writers, as seeds: manifests,
// migration state files, repair logs, and one summary.json written by the
// summary reporter (bench/report/summary.h) for a synthetic two-engine run
// of four repetitions (tests/fuzz_summary_seed.cc; the test binary only).
std::vector<std::string> SeedManifests();
std::vector<std::string> SeedMigrationStates();
std::vector<std::string> SeedRepairLogs();
std::string SeedSummary();

// A structure-aware variant of a repair log: records (entries and acks with
// chosen sequence numbers and payloads) framed with valid checksums, so
// mutations reach the replay logic behind the CRCs; sometimes a torn or
// damaged tail.
std::string RandomRepairLog(FuzzMutator* m);

}  // namespace listbench

#endif  // LISTBENCH_TESTS_FUZZ_UTIL_H_
