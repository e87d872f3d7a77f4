// libFuzzer target: the store manifest LISTBENCH.json (engine/store_dir.h).
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  listbench::WriteFuzzSeeds(listbench::SeedManifests());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return listbench::RunFuzzCheck("manifest", listbench::CheckManifestInput, data, size);
}
