// libFuzzer target: summary.json as `listbench check` reads it (bench/drivers/check.h).
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  listbench::WriteFuzzSeeds({listbench::SeedSummary()});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return listbench::RunFuzzCheck("summary", listbench::CheckSummaryInput, data, size);
}
