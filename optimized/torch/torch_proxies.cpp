#include "optimized/torch/torch_proxies.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <mutex>

#include "optimized/torch/torch_backend_info.hpp"
#include "optimized/torch/torch_module_api.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/install_layout.hpp"

namespace tripletcheck {
namespace {

std::string module_path() {
  const char* chosen = std::getenv(kTorchModuleVariable);
  if (chosen != nullptr && *chosen != '\0') return chosen;
  const std::string& prefix = installed_prefix();
  if (!prefix.empty()) {
    return prefix + "/" + kInstalledModuleDir + "/" + TRIPLETCHECK_TORCH_MODULE_NAME;
  }
  return TRIPLETCHECK_TORCH_MODULE_PATH;  // set by optimized/torch/CMakeLists.txt
}

// LibTorch's OpenMP threads (and OpenBLAS's, libopenblas0-openmp) spin at every barrier by
// default. On a machine whose cores are busy with other processes the spinning threads burn the
// time slices the working ones need: torch semi-hard fwdbwd at B = 256 went from 13.9 ms quiet
// to 437 ms with two busy processes on the 2 cores (31x), and to 38 ms (2.7x) with passive
// waiting, which costs 0.7 ms at B = 64 on a quiet machine (3.1 -> 3.8 ms). libgomp reads the
// variable when it is loaded, that is when this module is, so it is set just before; a policy the
// user chose is kept. The benchmark context records the policy (torch_runtime_description).
void choose_openmp_wait_policy() { setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0); }

// The module, loaded once per process; never unloaded (LibTorch's threads and static objects
// must outlive every backend).
struct Module {
  TripletcheckTorchNewBackend new_backend = nullptr;
  TripletcheckTorchRuntimeDescription runtime_description = nullptr;
  std::string error;  // why it could not be loaded; empty when it was
};

const Module& module() {
  static const Module loaded = [] {
    Module m;
    const std::string path = module_path();
    choose_openmp_wait_policy();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      m.error = "cannot load the LibTorch module " + path + ": " + (why ? why : "unknown error");
      return m;
    }
    m.new_backend =
        reinterpret_cast<TripletcheckTorchNewBackend>(dlsym(handle, kTorchNewBackendSymbol));
    m.runtime_description = reinterpret_cast<TripletcheckTorchRuntimeDescription>(
        dlsym(handle, kTorchRuntimeDescriptionSymbol));
    if (m.new_backend == nullptr || m.runtime_description == nullptr) {
      m.error = "the LibTorch module " + path + " lacks its entry points (stale build?)";
    }
    return m;
  }();
  return loaded;
}

class TorchProxy final : public TemplatedBackend<TorchProxy> {
 public:
  explicit TorchProxy(torch_backend::BackendInfo info)
      : info_(std::move(info)), missing_module_(missing_module_reason()) {}

  std::string name() const override { return info_.name; }
  std::string description() const override { return info_.description; }
  Capabilities capabilities() const override { return info_.capabilities; }

  // For the CPU backends, without loading LibTorch: the module file must exist (a failure to
  // load it later is reported as Unavailable by the call). The CUDA ones must ask LibTorch.
  // Every evaluate() asks, so the file is looked for once, when the registry is built.
  std::string unavailable_reason() const override {
    if (info_.capabilities.device == Device::kCuda) {
#ifndef TRIPLETCHECK_TORCH_HAS_CUDA
      return "this LibTorch was built without CUDA";
#else
      return real() == nullptr ? module().error : real()->unavailable_reason();
#endif
    }
    return missing_module_;
  }

 private:
  friend class TemplatedBackend<TorchProxy>;
  template <class T>
  Result<T> run_embeddings(const LossSpec& s, const BatchView<T>& b, bool g) const {
    return loaded().evaluate(s, b, options(g));
  }
  template <class T>
  Result<T> run_distances(const LossSpec& s, const DistanceView<T>& d, bool g) const {
    return loaded().evaluate(s, d, options(g));
  }

  // Strict checks, if asked for, already ran in this proxy's evaluate().
  static EvalOptions options(bool gradient) {
    EvalOptions o;
    o.gradient = gradient;
    return o;
  }

  // The module's backend, created on first use; nullptr when the module cannot be loaded.
  const Backend* real() const {
    std::call_once(once_, [this] {
      if (module().error.empty()) real_.reset(module().new_backend(info_.name.c_str()));
    });
    return real_.get();
  }

  const Backend& loaded() const {
    const Backend* b = real();
    if (b == nullptr) {
      throw Unavailable("backend " + info_.name + " is not available here: " +
                        (module().error.empty() ? "the module does not know it" : module().error));
    }
    return *b;
  }

  static std::string missing_module_reason() {
    struct stat st {};
    if (stat(module_path().c_str(), &st) == 0) return {};
    return "the LibTorch module " + module_path() + " is missing (build it, or set " +
           kTorchModuleVariable + ")";
  }

  torch_backend::BackendInfo info_;
  const std::string missing_module_;  // empty when the module file exists
  mutable std::once_flag once_;
  mutable std::unique_ptr<Backend> real_;
};

}  // namespace

std::vector<std::unique_ptr<Backend>> make_torch_proxies() {
  std::vector<std::unique_ptr<Backend>> out;
  for (auto& info : torch_backend::backend_infos()) {
    out.push_back(std::make_unique<TorchProxy>(std::move(info)));
  }
  return out;
}

std::string torch_runtime_summary() {
  if (!module().error.empty()) return module().error;
  return module().runtime_description();
}

}  // namespace tripletcheck
