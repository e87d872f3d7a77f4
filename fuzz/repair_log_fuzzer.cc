// libFuzzer target: the repair queue log (migration/repair_queue.h).
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  listbench::WriteFuzzSeeds(listbench::SeedRepairLogs());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return listbench::RunFuzzCheck("repair_log", listbench::CheckRepairLogInput, data, size);
}
