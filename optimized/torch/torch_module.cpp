// The LibTorch module's entry points. LibTorch (and the ~290 libraries Debian's build pulls in)
// takes about 0.6 s to load and initialize, so binaries do not link it: the proxies of
// torch_proxies.cpp dlopen this module the first time a LibTorch backend computes something.
#include <memory>
#include <string>

#include "optimized/torch/torch_backend.hpp"
#include "optimized/torch/torch_module_api.hpp"

extern "C" {

tripletcheck::Backend* tripletcheck_torch_new_backend(const char* name) {
  return tripletcheck::make_torch_backend(name).release();
}

const char* tripletcheck_torch_runtime_description() {
  static const std::string text = tripletcheck::torch_runtime_description();
  return text.c_str();
}

}  // extern "C"
