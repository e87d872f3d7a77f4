// The oracle of a crash drill (bench/drivers/drill.h): what the child process
// told the parent about each write, kept outside the store's files, and the
// checks of a recovered store against it.
//
// The child's writer threads announce each write before it starts ("B i")
// and report its outcome after it returned ("A i <outcome>"); AckLog writes
// those lines, one whole line per write(2) under a mutex, so the parent reads
// them in one order: the line order. A write's outcome line is written only
// after the store returned, so in durable mode an "ok" line is a promise that
// the write is on disk.
//
// The checks are based on what each writer was told, never on a sequential
// model of the trace: every write told "ok" must be present (with its
// version, for an update), and -- with several writers -- a write told "ok"
// that did not survive, while a write announced after that "ok" did, is a
// hole in real-time order (Jepsen's "every acknowledged write present").
//
// Thread safety: AckLog is safe for concurrent use. The parsing and checking
// functions are plain; ChildOracle is owned by one thread.
#ifndef LISTBENCH_BENCH_DRIVERS_DRILL_ORACLE_H_
#define LISTBENCH_BENCH_DRIVERS_DRILL_ORACLE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "bench/harness/write_probe.h"
#include "core/store.h"

namespace listbench {

// The child side: oracle lines to a file descriptor (the pipe to the parent).
class AckLog {
 public:
  explicit AckLog(int fd) : fd_(fd) {}
  void Began(uint64_t write) { Say("B " + std::to_string(write)); }
  void Answered(uint64_t write, const std::string& outcome);
  // Writes `line` and a newline with one write(2) per chunk, under the mutex.
  void Say(const std::string& line);

 private:
  const int fd_;
  std::mutex mu_;
};

// The parent side: one write as the child reported it.
struct WriteRecord {
  std::string outcome;         // "" while unanswered
  bool answered = false;       // an "A" line arrived
  uint64_t began_line = 0;     // line number (from 1) of its "B" line
  uint64_t answered_line = 0;  // line number of its "A" line, 0 = none
};

// Every write the child announced, by trace index, and its other reports.
struct ChildOracle {
  std::map<uint64_t, WriteRecord> writes;
  uint64_t lines = 0;      // oracle lines read
  uint64_t started = 0;    // "S n": operations started (reads included)
  std::string power_loss;  // "P ...": the child's power-loss report
};

// What ParseOracleLine saw, for the caller's kill point and clocks.
enum class OracleLineKind { kOther, kBegan, kAnswered };

// Adds one line of the child (trailing newline allowed) to `oracle`; `*write`
// is the trace index of a "B" or "A" line.
OracleLineKind ParseOracleLine(std::string line, ChildOracle* oracle, uint64_t* write);

bool Acknowledged(const std::string& outcome);  // "ok..."
// No outcome when the crash came, or an I/O error: it may have taken effect.
bool UnknownOutcome(const WriteRecord& w);

// The oracle against the store the crash left.
struct OracleCheck {
  std::map<std::string, uint64_t> outcomes;  // canonical outcome -> writes
  uint64_t acknowledged = 0;
  uint64_t lost = 0;  // acknowledged, not present
  uint64_t unknown = 0;
  uint64_t unknown_present = 0;
  std::vector<uint64_t> present;          // acknowledged or unknown writes present, ascending
  std::vector<uint64_t> lost_writes;      // ascending
  std::vector<std::string> probe_errors;  // a probe that could not run
};

// Probes every acknowledged and every unknown-outcome write in `s`.
OracleCheck CheckOracle(Store& s, const WorkloadData& d, const ChildOracle& oracle);

// Holes in real-time order: pairs (lost, later) where write `lost` was
// acknowledged before write `later` was announced, `later` survived and
// `lost` did not. `present` as CheckOracle's.
std::vector<std::pair<uint64_t, uint64_t>> RealTimeHoles(const ChildOracle& oracle,
                                                         const std::vector<uint64_t>& present);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_DRILL_ORACLE_H_
