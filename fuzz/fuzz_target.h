// What every libFuzzer target here does with one input: runs one parser's
// property check (tests/fuzz_util.h) and aborts, printing the problem, when
// it does not hold, so that libFuzzer saves the input as a crash. A target
// whose seeds are made by the code's writers writes them, as files, into
// the directory $LISTBENCH_FUZZ_SEED_DIR when that is set (scripts/fuzz.sh
// makes its corpus so).
//
// Thread safety: called by libFuzzer on one thread.
#ifndef LISTBENCH_FUZZ_FUZZ_TARGET_H_
#define LISTBENCH_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/fuzz_util.h"

namespace listbench {

inline int RunFuzzCheck(const char* parser, std::string (*check)(const std::string&),
                        const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string problem = check(input);
  if (!problem.empty()) {
    std::fprintf(stderr, "%s: %s\ninput: \"%s\"\n", parser, problem.c_str(),
                 EscapeBytes(input).c_str());
    std::abort();
  }
  return 0;
}

// Writes `seeds` into $LISTBENCH_FUZZ_SEED_DIR (seed-0, seed-1, ...), if set.
inline void WriteFuzzSeeds(const std::vector<std::string>& seeds) {
  const char* dir = std::getenv("LISTBENCH_FUZZ_SEED_DIR");
  if (dir == nullptr) return;
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream(std::string(dir) + "/seed-" + std::to_string(i), std::ios::binary) << seeds[i];
  }
}

}  // namespace listbench

#endif  // LISTBENCH_FUZZ_FUZZ_TARGET_H_
