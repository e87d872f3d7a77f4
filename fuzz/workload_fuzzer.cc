// libFuzzer target: workload TOML (workloads/workload_spec.h).
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return listbench::RunFuzzCheck("workload", listbench::CheckWorkloadInput, data, size);
}
