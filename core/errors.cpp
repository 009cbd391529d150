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
std::string mib(std::uint64_t bytes) {
  return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB";
}
}  // namespace

ResourceLimit::ResourceLimit(const std::string& what, std::uint64_t bytes_needed,
                             std::uint64_t bytes_allowed)
    : Error(what + " needs " + mib(bytes_needed) + " but the limit is " + mib(bytes_allowed)),
      bytes_needed_(bytes_needed) {}

}  // namespace tripletcheck
