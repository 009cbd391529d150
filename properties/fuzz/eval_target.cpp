// The eval fuzz target: the path of `tripletcheck eval` from bytes to a loss, on the reference.
#include <cstdlib>

#include "properties/fuzz/eval_input.hpp"
#include "properties/fuzz/fuzz_targets.hpp"
#include "tripletcheck/npy.hpp"
#include "tripletcheck/npy_eval.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::fuzz {
namespace {

// The reference is O(B²·D + B²·P) (B³ for one class): bigger batches only slow the fuzzer down
// without reaching new code. Checked on the parsed shape, before evaluating.
constexpr std::int64_t kMaxBatch = 48;
constexpr std::int64_t kMaxDim = 64;

}  // namespace

bool eval_target(const std::uint8_t* data, std::size_t size) {
  EvalInput input;
  if (!decode(data, size, input)) return false;
  try {
    const auto bytes = [](const std::string& s) {
      return reinterpret_cast<const unsigned char*>(s.data());
    };
    NpyInputs in = values_from_npy(parse_npy(bytes(input.values), input.values.size(), "values"),
                                   input.precomputed, "values");
    if (in.batch > kMaxBatch || in.dim > kMaxDim) return false;
    labels_from_npy(in, parse_npy(bytes(input.labels), input.labels.size(), "labels"), "labels");
    EvalOptions options;
    options.strict = input.strict;
    options.gradient = input.gradient;
    const NpyEvaluation result = evaluate_npy(find_backend("reference"), input.spec, in, options);
    // A gradient, when asked for, has the values' dtype and shape.
    if (input.gradient &&
        (result.gradient.type != in.values.type || result.gradient.shape != in.values.shape ||
         result.gradient.data.size() != in.values.data.size())) {
      std::abort();
    }
    return true;
  } catch (const Error&) {
    return false;  // refused with a typed error
  }
}

}  // namespace tripletcheck::fuzz
