// The C entry points of the LibTorch module (torch_module.cpp), looked up with dlsym by
// torch_proxies.cpp. The Backend object crosses the boundary as a C++ object: module and
// binaries are built together by this project, with the same compiler and flags.
#pragma once

#include "tripletcheck/backend.hpp"

extern "C" {
// A new backend (a name of torch_backend_info.hpp) owned by the caller, or nullptr.
using TripletcheckTorchNewBackend = tripletcheck::Backend* (*)(const char* name);
// Static text; see torch_runtime_description().
using TripletcheckTorchRuntimeDescription = const char* (*)();
}

inline constexpr const char* kTorchNewBackendSymbol = "tripletcheck_torch_new_backend";
inline constexpr const char* kTorchRuntimeDescriptionSymbol =
    "tripletcheck_torch_runtime_description";
