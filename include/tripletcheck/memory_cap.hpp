// The memory caps of the backends that refuse a call up front (ResourceLimit) rather than be
// killed half way through: the loop reference and torch-tfa's B³ graph. A cap is fixed by the
// caller, or read from an environment variable at every call, or the backend's default.
#pragma once

#include <cstdint>

namespace tripletcheck {

// The whole number of bytes in `variable`, or `default_bytes` when it is unset or empty. Throws
// InvalidArgument naming the variable when it holds anything else.
std::uint64_t memory_cap_from_environment(const char* variable, std::uint64_t default_bytes);

// Bytes for `elements` values of `scalar_size` bytes each, saturating at UINT64_MAX (the element
// count of a B³ graph overflows 64 bits long before B does).
std::uint64_t saturating_bytes(double elements, double scalar_size);

}  // namespace tripletcheck
