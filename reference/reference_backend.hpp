// The `reference` backend: the loop reference of reference/, float64 and float32.
#pragma once

#include <memory>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

std::unique_ptr<Backend> make_reference_backend();

}  // namespace tripletcheck
