// The LibTorch backends as every binary sees them: proxies that know their names and
// capabilities (torch_backend_info.hpp) and load the LibTorch module (torch_module.cpp) the
// first time one of them computes. A process that never uses them never pays for LibTorch.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

// Where the module is looked for: this variable if set, else where the build put it.
constexpr const char* kTorchModuleVariable = "TRIPLETCHECK_TORCH_MODULE";

// torch-tfa, torch, torch-tfa-cuda, torch-cuda.
std::vector<std::unique_ptr<Backend>> make_torch_proxies();

// The module's torch_runtime_description() (loads the module), or why it could not be loaded.
std::string torch_runtime_summary();

}  // namespace tripletcheck
