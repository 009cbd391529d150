// float16/bfloat16 rounding, bit-exact with IEEE round-to-nearest-even (what TF's Cast does).
#include "tripletcheck/half.hpp"

#include <cmath>
#include <cstring>

namespace tripletcheck {
namespace {

std::uint32_t bits_of(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float float_of(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::uint16_t to_bfloat16(float value) {
  const std::uint32_t bits = bits_of(value);
  if (std::isnan(value)) return static_cast<std::uint16_t>((bits >> 16) | 0x40u);  // keep quiet NaN
  // Round to nearest even on the 16 dropped bits; a carry into the exponent gives Inf correctly.
  const std::uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>((bits + rounding) >> 16);
}

std::uint16_t to_float16(float value) {
  const std::uint32_t bits = bits_of(value);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const float magnitude = std::fabs(value);
  if (std::isnan(value)) return static_cast<std::uint16_t>(sign | 0x7E00u);
  if (magnitude >= 65520.0f) return static_cast<std::uint16_t>(sign | 0x7C00u);  // rounds to Inf
  if (magnitude < 6.103515625e-05f) {
    // Subnormal half: a multiple of 2^-24. Adding 0.5 makes float's own rounding do RNE.
    const float scaled = magnitude * 16777216.0f;  // / 2^-24, exact
    const auto mantissa = static_cast<std::uint32_t>(std::nearbyint(scaled));
    return static_cast<std::uint16_t>(sign | mantissa);
  }
  const std::uint32_t abs_bits = bits & 0x7FFFFFFFu;
  // Rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits to nearest even.
  const std::uint32_t rounding = 0xFFFu + ((abs_bits >> 13) & 1u);
  const std::uint32_t rounded = (abs_bits + rounding) >> 13;
  return static_cast<std::uint16_t>(sign | (rounded - ((127u - 15u) << 10)));
}

float from_float16(std::uint16_t h) {
  const std::uint32_t sign = (h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1Fu;
  const std::uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0) {
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 0x1F) return float_of(sign | 0x7F800000u | (mantissa << 13));
  return float_of(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

}  // namespace

std::uint16_t float_to_half_bits(float value, HalfType type) {
  return type == HalfType::kFloat16 ? to_float16(value) : to_bfloat16(value);
}

float half_bits_to_float(std::uint16_t bits, HalfType type) {
  if (type == HalfType::kFloat16) return from_float16(bits);
  return float_of(static_cast<std::uint32_t>(bits) << 16);
}

Result<float> evaluate_half(const Backend& backend, const LossSpec& spec,
                            const BatchView<float>& batch, HalfType type,
                            const EvalOptions& options) {
  Result<float> result = backend.evaluate(spec, batch, options);
  result.loss = round_to_half(static_cast<float>(result.loss), type);
  for (float& g : result.grad) g = round_to_half(g, type);
  return result;
}

}  // namespace tripletcheck
