// The backends compiled into this build, looked up by name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

// Every backend compiled in, in a fixed order (reference first), available here or not.
const std::vector<const Backend*>& registered_backends();
// The subset that can run on this machine.
std::vector<const Backend*> available_backends();
// Throws InvalidArgument("backend", name, ...) listing the known names when there is none.
const Backend& find_backend(std::string_view name);

}  // namespace tripletcheck
