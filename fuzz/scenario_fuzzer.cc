// libFuzzer target: scenario TOML (sim/scenario.h, sim/net_scenario.h).
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return listbench::RunFuzzCheck("scenario", listbench::CheckScenarioInput, data, size);
}
