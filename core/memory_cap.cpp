#include "tripletcheck/memory_cap.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>

#include "tripletcheck/errors.hpp"

namespace tripletcheck {

std::uint64_t memory_cap_from_environment(const char* variable, std::uint64_t default_bytes) {
  const char* text = std::getenv(variable);
  if (text == nullptr || *text == '\0') return default_bytes;
  std::uint64_t value = 0;
  const char* end = text + std::strlen(text);
  const auto [stop, error] = std::from_chars(text, end, value);
  if (error != std::errc() || stop != end) {
    throw InvalidArgument(variable, std::string("\"") + text + "\"",
                          "must be a whole number of bytes");
  }
  return value;
}

std::uint64_t saturating_bytes(double elements, double scalar_size) {
  const double bytes = elements * scalar_size;
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  // 2^64 as a double: anything at or above it does not fit.
  return bytes >= 18446744073709551616.0 ? kMax : static_cast<std::uint64_t>(bytes);
}

}  // namespace tripletcheck
