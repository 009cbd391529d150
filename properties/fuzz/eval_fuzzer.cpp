// libFuzzer driver of eval_target (built with TRIPLETCHECK_FUZZ; run by ci/fuzz.sh).
#include "properties/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tripletcheck::fuzz::eval_target(data, size);
  return 0;
}
