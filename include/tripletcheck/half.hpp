// float16 / bfloat16 inputs, handled as TFA does (docs/SEMANTICS.md §3.1): the embeddings are widened to
// float32, the loss is computed in float32, and the loss and gradient are rounded back.
#pragma once

#include <cstdint>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

enum class HalfType { kFloat16, kBFloat16 };

// IEEE round-to-nearest-even conversions; NaN stays NaN, overflow goes to ±Inf.
std::uint16_t float_to_half_bits(float value, HalfType type);
float half_bits_to_float(std::uint16_t bits, HalfType type);
inline float round_to_half(float value, HalfType type) {
  return half_bits_to_float(float_to_half_bits(value, type), type);
}

// Evaluates `batch` (whose values must already be representable in `type`) in float32 and rounds
// the loss and every gradient entry to `type`, as TF's Cast and its gradient do.
Result<float> evaluate_half(const Backend& backend, const LossSpec& spec,
                            const BatchView<float>& batch, HalfType type,
                            const EvalOptions& options = {});

}  // namespace tripletcheck
