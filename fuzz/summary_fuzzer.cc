// libFuzzer target: summary.json as `listbench check` reads it
// (bench/drivers/check.h), compared with the committed CI reference summary.
#include <fstream>
#include <sstream>

#include "fuzz/fuzz_target.h"

namespace {

nlohmann::json& Valid() {
  static nlohmann::json valid;
  return valid;
}

std::string Check(const std::string& input) { return listbench::CheckSummaryInput(input, Valid()); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::ifstream in(LISTBENCH_SOURCE_DIR "/results/reference/ci-small/summary.json");
  std::stringstream text;
  text << in.rdbuf();
  Valid() = nlohmann::json::parse(text.str());
  listbench::WriteFuzzSeeds({text.str()});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return listbench::RunFuzzCheck("summary", Check, data, size);
}
