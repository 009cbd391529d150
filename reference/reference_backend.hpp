// The `reference` backend: the loop reference of reference/, float64 and float32.
#pragma once

#include <cstdint>
#include <memory>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

// The reference keeps several B×B matrices (footprint.hpp) and runs in O(B²·D + B²·P) time, so it
// refuses, with ResourceLimit, a call whose peak memory would exceed a cap. The default cap also
// bounds the time: it admits B = 4096 in float64 (D up to 1024), a few minutes at most.
constexpr std::uint64_t kDefaultReferenceMaxBytes = std::uint64_t{1} << 30;
// The environment variable that overrides the cap of the registered reference (a whole number of
// bytes), e.g. TRIPLETCHECK_REFERENCE_MAX_BYTES=17179869184 for 16 GiB. Read at every call.
constexpr const char* kReferenceMaxBytesVariable = "TRIPLETCHECK_REFERENCE_MAX_BYTES";

// The registered backend: its cap is kReferenceMaxBytesVariable if set, else the default.
std::unique_ptr<Backend> make_reference_backend();
// A backend with a fixed cap (the environment is not read).
std::unique_ptr<Backend> make_reference_backend(std::uint64_t max_bytes);
// Not registered: the float32 reference with IEEE subnormals kept, i.e. TF's graph as a platform
// without flush-to-zero computes it (what the no_flush_to_zero trait is held to).
std::unique_ptr<Backend> make_reference_backend_keeping_subnormals();

}  // namespace tripletcheck
