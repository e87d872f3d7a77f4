// libFuzzer target: the migration state file (migration/state_file.h).
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  listbench::WriteFuzzSeeds(listbench::SeedMigrationStates());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return listbench::RunFuzzCheck("migration_state", listbench::CheckMigrationStateInput, data,
                                 size);
}
