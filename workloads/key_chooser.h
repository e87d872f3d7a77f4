// KeyChooser: picks which entity an operation touches, by the workload's key
// distribution (workload_spec.h), in the manner of YCSB's generators:
// uniform; zipfian (popular keys scattered over the id space, as YCSB's
// scrambled zipfian); latest (the newest ids are the most popular, including
// ones added while the trace runs); hotspot (a fixed share of the keys gets a
// fixed share of the operations).
//
// Not thread-safe; deterministic given the Random it is handed.
#ifndef LISTBENCH_WORKLOADS_KEY_CHOOSER_H_
#define LISTBENCH_WORKLOADS_KEY_CHOOSER_H_

#include <cstdint>
#include <optional>

#include "util/random.h"
#include "workloads/workload_spec.h"

namespace listbench {

class KeyChooser {
 public:
  // `initial` is the number of keys when the trace starts. REQUIRES: >= 1.
  KeyChooser(const KeySpec& spec, uint64_t initial);
  // An index in [0, current). REQUIRES: current >= 1.
  uint64_t Pick(Random& rng, uint64_t current) const;

 private:
  KeySpec spec_;
  uint64_t initial_;
  std::optional<Zipf> zipf_;  // zipfian and latest
};

}  // namespace listbench

#endif  // LISTBENCH_WORKLOADS_KEY_CHOOSER_H_
