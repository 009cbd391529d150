// The byte layout of eval_input.hpp, both ways.
#include "properties/fuzz/eval_input.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace tripletcheck::fuzz {
namespace {

// Margins worth reaching: TFA's default, zero, negative, tiny, huge, non-finite (refused by
// validation) — indexed by the margin byte modulo the count.
constexpr double kMargins[] = {1.0,    0.0,  0.5, -1.0, 1e-30,
                               1e30,   0.2,  2.0, -0.0, std::numeric_limits<double>::infinity(),
                               1e-300, 65504};

}  // namespace

bool decode(const std::uint8_t* data, std::size_t size, EvalInput& out) {
  if (size < kPrefixSize) return false;
  const unsigned options = data[0];
  switch (options & kLossBits) {
    case 1:
      out.spec.loss = Loss::kHard;
      break;
    case 2:
      out.spec.loss = Loss::kHard;
      out.spec.soft = true;
      break;
    default:
      out.spec.loss = Loss::kSemiHard;
  }
  const unsigned metric = (options >> kMetricShift) & 0x03;
  out.spec.metric = metric == 1 ? Metric::kSquaredL2 : metric == 2 ? Metric::kAngular : Metric::kL2;
  out.spec.margin = kMargins[data[1] % std::size(kMargins)];
  out.precomputed = (options & kPrecomputed) != 0;
  out.strict = (options & kStrict) != 0;
  out.gradient = (options & kGradient) != 0;
  const std::size_t values_size =
      std::min<std::size_t>(data[2] | (std::size_t{data[3]} << 8), size - kPrefixSize);
  const char* rest = reinterpret_cast<const char*>(data + kPrefixSize);
  out.values.assign(rest, values_size);
  out.labels.assign(rest + values_size, size - kPrefixSize - values_size);
  return true;
}

std::string encode(const EvalInput& in) {
  unsigned options = in.spec.loss == Loss::kSemiHard ? 0 : in.spec.soft ? 2 : 1;
  options |= (in.spec.metric == Metric::kSquaredL2 ? 1u
              : in.spec.metric == Metric::kAngular ? 2u
                                                   : 0u)
             << kMetricShift;
  if (in.precomputed) options |= kPrecomputed;
  if (in.strict) options |= kStrict;
  if (in.gradient) options |= kGradient;
  std::uint8_t margin = 0;
  while (margin < std::size(kMargins) && kMargins[margin] != in.spec.margin) ++margin;
  if (margin == std::size(kMargins) || in.values.size() > 0xFFFF) {
    throw std::invalid_argument("fuzz::encode: margin not in the table or values over 64 KiB");
  }
  std::string out;
  out += static_cast<char>(options);
  out += static_cast<char>(margin);
  out += static_cast<char>(in.values.size() & 0xFF);
  out += static_cast<char>((in.values.size() >> 8) & 0xFF);
  return out + in.values + in.labels;
}

}  // namespace tripletcheck::fuzz
