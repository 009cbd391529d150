// Where the running program finds its data and its LibTorch module. Installed (`cmake --install`:
// <prefix>/bin/tripletcheck beside <prefix>/share/tripletcheck/), everything comes from that
// prefix, wherever it has been moved, and nothing from the tree it was built in, which may be
// gone; run from a build tree, from the source and build trees.
#pragma once

#include <string>

namespace tripletcheck {

// Relative to the prefix (the CMake install rules use the same names).
constexpr const char* kInstalledDataDir = "share/tripletcheck";
constexpr const char* kInstalledModuleDir = "lib/tripletcheck";

// The prefix the running program is installed under, or empty when it is not installed: the
// folder above the program's own folder, when it holds share/tripletcheck/.
const std::string& installed_prefix();

}  // namespace tripletcheck
