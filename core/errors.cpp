// Messages of the typed errors: they name the argument and the value so a user can act on them.
#include "tripletcheck/errors.hpp"

#include <utility>

namespace tripletcheck {

InvalidArgument::InvalidArgument(std::string argument, std::string value,
                                 const std::string& problem)
    : Error("invalid " + argument + " = " + value + ": " + problem),
      argument_(std::move(argument)),
      value_(std::move(value)) {}

namespace {
// Rounded up, and without the overflow of (bytes + 2^20 - 1) near 2^64.
std::string mib(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
  return std::to_string(bytes / kMiB + (bytes % kMiB != 0 ? 1 : 0)) + " MiB";
}
}  // namespace

ResourceLimit::ResourceLimit(const std::string& what, std::uint64_t bytes_needed,
                             std::uint64_t bytes_allowed, const std::string& advice)
    : Error(what + " needs " + mib(bytes_needed) + " (" + std::to_string(bytes_needed) +
            " bytes) but the limit is " + mib(bytes_allowed) +
            (advice.empty() ? std::string() : "; " + advice)),
      bytes_needed_(bytes_needed),
      bytes_allowed_(bytes_allowed) {}

}  // namespace tripletcheck
